/**
 * What the tests of the stores' parcels share: a paid ship order whose lines
 * are routed to a location, its units held there and its parcel in the
 * location's `storeState`, as the order center makes them; the customer's
 * address; and the fulfilment steps a location's devices push.
 */
import {
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
import { makeShipments } from './shipments';
import { moveHeld, putOrder } from './store-orders';
import { placeOrder } from './holds';
import { payThrough, PLACED_AT, SERVER_NOW, testProvider } from './store.fixture';

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
  // [RP6] The parcel as payment makes it (merged into an open one of the customer's when it may).
  const order = await storage.transaction(async (tx) => {
    await writePlainAddress(tx, address);
    const made = await makeShipments(tx, folded.order, SERVER_NOW);
    await putOrder(tx, made, null, SERVER_NOW);
    const held = new Map<string, { storeId: string; sku: string; units: number }>();
    for (const l of lines) {
      const id = stockLevelId(locationId, l.sku);
      const entry = held.get(id) ?? { storeId: locationId, sku: l.sku, units: 0 };
      entry.units += l.quantity;
      held.set(id, entry);
    }
    await moveHeld(tx, held, 1, undefined, SERVER_NOW);
    return made;
  });
  const shipment = await readShipment(storage, order.allocations![0]!.shipmentId);
  return { order, shipment };
}

/**
 * [RP1] [RP6] The real path: writes the customer's address, places a ship
 * order of `lines` (routed and held by placement) and pays it through the
 * simulated provider (its parcels made by payment). Returns the paid order.
 */
export async function placeAndPayShipOrder(
  storage: SyncStorage,
  key: string,
  lines: readonly { sku: string; quantity: number; unitPrice: number }[],
): Promise<Order> {
  await storage.transaction((tx) => writePlainAddress(tx, SHIP_ADDRESS));
  const priced = lines.map((l, i) => ({
    lineId: `L${i + 1}`,
    sku: l.sku,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    net: l.unitPrice * l.quantity,
    fulfilment: { mode: 'ship' as const, addressId: SHIP_ADDRESS.id },
  }));
  const placed = await placeOrder(
    storage,
    {
      idempotencyKey: key,
      channel: 'shop',
      customer: { memberId: SHIP_ADDRESS.customerKey },
      lines: priced,
      total: priced.reduce((s, l) => s + l.net, 0),
    },
    PLACED_AT,
  );
  if (!placed.ok) throw new Error(`${placed.code}: ${placed.message}`);
  return (await payThrough(storage, testProvider(), placed.order)).order;
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
