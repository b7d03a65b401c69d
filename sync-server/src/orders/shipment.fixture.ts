/**
 * What the tests of the stores' parcels share: a paid ship order whose lines
 * are routed to a location, its units held there and its parcel in the
 * location's `storeState`, as the order center makes them; the customer's
 * address; and the fulfilment steps a location's devices push.
 */
import {
  applyOrderEvent,
  DEFAULT_ROUTING_POLICY,
  foldOrderEvents,
  heldUnitsId,
  shipmentDocId,
  stockLevelId,
  type FulfilmentFact,
  type FulfilmentStep,
  type HeldUnits,
  type Order,
  type OrderEvent,
  type RoutingExplanation,
  type Shipment,
  type StockLevel,
} from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import { writePlainAddress, type ShipAddress } from './addresses';
import { customerKeyOf, waybillOf } from './fulfilment-facts';
import { moveHeld, putOrder } from './store-orders';
import { PLACED_AT, SERVER_NOW } from './store.fixture';

/** A customer's address in Shanghai, between S001 and S002, nearer S001. */
export const SHIP_ADDRESS: ShipAddress = {
  id: 'ADDR-M0001-1',
  customerKey: 'M0001',
  regionCode: '310104',
  point: { lat: 31.215, lng: 121.45 },
  shipTo: { name: '张*', phone: '138****5678', region: '上海市 徐汇区', detail: '漕溪北路 88 号' },
};

export type ShipLine = { lineId: string; sku: string; quantity: number; unitPrice: number };

/** The explanation a routing decision to `locationId` carries. */
function explanationFor(locationId: string, at: string): RoutingExplanation {
  return {
    mode: 'ship',
    at,
    candidates: [],
    ineligible: {},
    chosen: { shipments: 1, distanceMetres: 0, emptied: 0, ranks: [10], locationIds: [locationId] },
    decidedBy: 'only-plan',
    searchNodes: 1,
    searchCapped: false,
  };
}

/**
 * Makes by hand what the order center makes for a paid ship order: the
 * address, the order (placed, held, routed to `locationId` in one parcel,
 * paid), its units held there and its open parcel. Returns both.
 */
export async function routedPaidOrder(
  storage: SyncStorage,
  orderId: string,
  lines: readonly ShipLine[],
  { locationId = 'S001', memberId = 'M0001' } = {},
): Promise<{ order: Order; shipment: Shipment }> {
  const shipmentId = `${orderId}-${locationId}`;
  const address = { ...SHIP_ADDRESS, customerKey: memberId };
  const events: OrderEvent[] = [
    {
      kind: 'placed',
      id: `${orderId}:placed`,
      at: PLACED_AT,
      orderId,
      channel: 'shop',
      customer: { memberId },
      lines: lines.map((l) => ({
        ...l,
        net: l.unitPrice * l.quantity,
        fulfilment: { mode: 'ship' as const, addressId: address.id },
      })),
      total: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
    },
    {
      kind: 'held',
      id: `${orderId}:held`,
      at: PLACED_AT,
      holdExpiresAt: new Date(Date.parse(PLACED_AT) + 15 * 60_000).toISOString(),
    },
    {
      kind: 'routed',
      id: `${orderId}:routed`,
      at: PLACED_AT,
      allocations: lines.map((l) => ({
        lineId: l.lineId,
        locationId,
        shipmentId,
        quantity: l.quantity,
      })),
      explanation: explanationFor(locationId, PLACED_AT),
    },
    { kind: 'paid', id: `${orderId}:paid`, at: SERVER_NOW },
  ];
  const folded = foldOrderEvents(events);
  if (!folded.ok) throw new Error(folded.message);
  const order = folded.order;
  const shipment: Shipment = {
    id: shipmentDocId(shipmentId),
    kind: 'shipment',
    storeId: locationId,
    shipmentId,
    mode: 'ship',
    orderIds: [orderId],
    customerKey: customerKeyOf(order),
    addressId: address.id,
    lines: lines.map((l) => ({
      orderId,
      lineId: l.lineId,
      sku: l.sku,
      name: l.sku,
      quantity: l.quantity,
      picked: 0,
      short: 0,
    })),
    status: 'open',
    createdAt: SERVER_NOW,
    updatedAt: SERVER_NOW,
    mergeUntil: new Date(
      Date.parse(SERVER_NOW) + DEFAULT_ROUTING_POLICY.mergeWindowMinutes * 60_000,
    ).toISOString(),
    shipTo: address.shipTo,
    carrier: '顺丰速运 SF Express',
    trackingNo: waybillOf(shipmentId),
    labelPrints: 0,
    factIds: [],
  };
  await storage.transaction(async (tx) => {
    await writePlainAddress(tx, address);
    await putOrder(tx, order, null, SERVER_NOW);
    const held = new Map<string, { storeId: string; sku: string; units: number }>();
    for (const l of lines) {
      const id = stockLevelId(locationId, l.sku);
      const entry = held.get(id) ?? { storeId: locationId, sku: l.sku, units: 0 };
      entry.units += l.quantity;
      held.set(id, entry);
    }
    await moveHeld(tx, held, 1, undefined, SERVER_NOW);
    const written = await tx.put({
      db: 'storeState',
      id: shipment.id,
      body: shipment as unknown as JsonObject,
      storeId: locationId,
      expectedRev: null,
    });
    if (!written.ok) throw new Error(written.reason);
  });
  return { order, shipment };
}

/** Sets the stock on hand of `sku` at `storeId` (the demo seeds every SKU at every store). */
export async function setOnHand(
  storage: SyncStorage,
  storeId: string,
  sku: string,
  onHand: number,
): Promise<void> {
  const id = stockLevelId(storeId, sku);
  await storage.transaction(async (tx) => {
    const row = (await tx.getDocs('stock', [id])).get(id);
    const level: StockLevel = { id, storeId, sku, onHand };
    await tx.put({
      db: 'stock',
      id,
      body: level as unknown as JsonObject,
      storeId,
      expectedRev: row?.rev ?? null,
    });
  });
}

/** A parcel as the location's devices receive it. */
export async function readShipment(storage: SyncStorage, shipmentId: string): Promise<Shipment> {
  const id = shipmentDocId(shipmentId);
  return (await storage.getDocs('storeState', [id], null)).get(id)!.body as unknown as Shipment;
}

/** Every parcel at `storeId`. */
export async function shipmentsAt(storage: SyncStorage, storeId: string): Promise<Shipment[]> {
  const rows = await storage.findDocs('storeState', { fields: { kind: 'shipment', storeId } });
  return rows.map((r) => r.body as unknown as Shipment);
}

/** [ATP3] The units held of `sku` at `storeId`. */
export async function heldAt(storage: SyncStorage, storeId: string, sku: string): Promise<number> {
  const id = heldUnitsId(storeId, sku);
  const row = (await storage.getDocs('storeState', [id], null)).get(id);
  return (row?.body as HeldUnits | undefined)?.held ?? 0;
}

type Device = { deviceId: string; storeId: string };

/** A step of `device`'s store on `shipmentId`, as its device writes it. */
export function fulfilmentFact(
  device: Device,
  n: number,
  shipmentId: string,
  step: FulfilmentStep,
  extra: Partial<FulfilmentFact> = {},
): FulfilmentFact & { kind: 'fulfilment' } {
  return {
    kind: 'fulfilment',
    id: `${device.deviceId}-FF${n}`,
    storeId: device.storeId,
    shipmentId,
    step,
    at: SERVER_NOW,
    deviceId: device.deviceId,
    staffId: 'E001',
    ...extra,
  };
}

/** Re-applies `event` to an order: for tests that move an order on by hand. */
export function must(order: Order, event: OrderEvent): Order {
  const r = applyOrderEvent(order, event);
  if (!r.ok) throw new Error(r.message);
  return r.order;
}
