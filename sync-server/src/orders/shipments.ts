/**
 * Parcels made on payment: a paid order's routed allocations become
 * shipments at their locations (`storeState`, kind `shipment`), merged into
 * an open parcel of the same customer, address, location and mode within
 * the merge window ([MG1]), each with its pick-list aisles, masked recipient
 * and a waybill number, so the location packs and labels it offline.
 * See SPEC.md [RP6]-[RP9].
 */
import { createHash } from 'node:crypto';
import {
  applyOrderEvent,
  canMerge,
  DEFAULT_ROUTING_POLICY,
  sameCityWindow,
  shipmentDocId,
  type CollectionName,
  type Order,
  type Product,
  type RoutableMode,
  type RoutingExplanation,
  type RoutingPolicy,
  type Shipment,
  type ShipmentLine,
} from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { DocRow, WriteTransaction } from '../storage/storage';
import { plainAddressBook, type AddressBook } from './addresses';
import { countShipment } from './locations';
import { customerKeyOf } from './routing';
import type { DocReader } from './store-orders';

/** [RP7] Server-only: where each SKU sits in each location, id `<storeId>:<sku>`. */
export const SHELF_SLOTS_DB = '_shelfSlots' as CollectionName;
/** [RP8] Server-only: the open parcel of a customer, address, location and mode, by a hash of them. */
export const OPEN_SHIPMENTS_DB = '_openShipments' as CollectionName;
/** [RP9] Server-only: the simulated courier's waybill sequence, one document per carrier. */
export const WAYBILLS_DB = '_waybills' as CollectionName;

export type ShelfSlot = { id: string; storeId: string; sku: string; aisle: string };

/** [RP8] The parcel a customer's next order to the same address and location may join. */
export type OpenShipment = {
  id: string;
  customerKey: string;
  addressId: string;
  locationId: string;
  mode: RoutableMode;
  shipmentId: string;
  mergeUntil: string;
};

export const DEFAULT_CARRIER = '顺丰速运 SF Express';

/** [RP9] Gives a parcel its waybill number when it is made. */
export type Courier = {
  waybill(tx: WriteTransaction, carrier: string, shipmentId: string): Promise<string>;
};

/**
 * [RP9] The simulated courier: 'SF' and 13 digits, from a sequence per
 * carrier kept in the parcel's transaction, so numbers never repeat.
 */
export const simulatedCourier: Courier = {
  async waybill(tx, carrier) {
    const id = createHash('sha256').update(carrier).digest('hex').slice(0, 16);
    const row = (await tx.getDocs(WAYBILLS_DB, [id])).get(id);
    const next = ((row?.body as { next?: number } | undefined)?.next ?? 0) + 1;
    const written = await tx.put({
      db: WAYBILLS_DB,
      id,
      body: { id, carrier, next },
      storeId: null,
      expectedRev: row?.rev ?? null,
    });
    if (!written.ok) throw new Error(`waybill sequence changed underneath: ${written.reason}`);
    return `SF${String(8_800_000_000_000 + next).padStart(13, '0')}`;
  },
};

/** What making parcels needs of the chain. */
export type ShippingOptions = {
  /** [MG1] The merge window and local time; default `DEFAULT_ROUTING_POLICY`. */
  routingPolicy?: RoutingPolicy;
  /** Where the recipient is read from; default `plainAddressBook`. */
  addressBook?: AddressBook;
  /** Printed on the label; default {@link DEFAULT_CARRIER}. */
  carrier?: string;
  /** Default {@link simulatedCourier}. */
  courier?: Courier;
};

export const shelfSlotId = (storeId: string, sku: string) => `${storeId}:${sku}`;

/** [RP7] Puts where SKUs sit in locations, in the caller's transaction (demo data, imports). */
export async function writeShelfSlots(
  tx: WriteTransaction,
  slots: readonly Omit<ShelfSlot, 'id'>[],
): Promise<number> {
  const ids = slots.map((s) => shelfSlotId(s.storeId, s.sku));
  const known = await tx.getDocs(SHELF_SLOTS_DB, ids);
  let written = 0;
  for (const slot of slots) {
    const id = shelfSlotId(slot.storeId, slot.sku);
    const row = known.get(id);
    if ((row?.body as ShelfSlot | undefined)?.aisle === slot.aisle) continue;
    const result = await tx.put({
      db: SHELF_SLOTS_DB,
      id,
      body: { id, ...slot },
      storeId: null,
      expectedRev: row?.rev ?? null,
    });
    if (!result.ok) throw new Error(`${id}: ${result.reason}`);
    written += 1;
  }
  return written;
}

/** [RP8] The id of the open-parcel entry of a customer, address, location and mode. */
export function openShipmentId(
  customerKey: string,
  addressId: string,
  locationId: string,
  mode: RoutableMode,
): string {
  const key = [customerKey, addressId, locationId, mode].join('\u0000');
  return `open-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

async function put(
  tx: WriteTransaction,
  db: CollectionName,
  id: string,
  body: object,
  storeId: string | null,
  expectedRev: string | null,
): Promise<void> {
  const written = await tx.put({ db, id, body: body as JsonObject, storeId, expectedRev });
  if (!written.ok) throw new Error(`${db} ${id} changed underneath: ${written.reason}`);
}

/** [RP6] In a sentence, why the location ships the parcel: from the decision's explanation. */
export function shipReason(
  explanation: RoutingExplanation | undefined,
  locationId: string,
): string | undefined {
  if (!explanation) return undefined;
  const me = explanation.candidates.find((c) => c.locationId === locationId);
  const where = me
    ? `${me.name} is ${(me.distanceMetres / 1000).toFixed(1)} km from the customer`
    : locationId;
  const eligible = explanation.candidates.filter((c) => c.eligible).length;
  const why: Record<string, string> = {
    'only-plan': 'the only locations able to supply the order',
    shipments: 'fewest parcels [RO3]',
    distance: 'shortest distance [RO4]',
    balance: 'leaves the most stock positions supplied [RO5]',
    rank: 'preferred location rank',
    id: 'tie broken by location id',
  };
  return `${where}; chosen of ${eligible} eligible by ${why[explanation.decidedBy ?? 'only-plan']}`;
}

type Planned = {
  shipmentId: string;
  locationId: string;
  mode: RoutableMode;
  addressId: string;
  lines: { lineId: string; sku: string; quantity: number }[];
};

/** The parcels a paid order's allocations plan, by shipment id, in allocation order. */
function plannedParcels(order: Order): Planned[] {
  const byId = new Map<string, Planned>();
  for (const a of order.allocations ?? []) {
    const units = a.quantity - a.short - a.shipped;
    const line = order.lines.find((l) => l.lineId === a.lineId);
    if (!line || units <= 0) continue;
    if (line.fulfilment.mode !== 'ship' && line.fulfilment.mode !== 'same-city') continue;
    const planned = byId.get(a.shipmentId) ?? {
      shipmentId: a.shipmentId,
      locationId: a.locationId,
      mode: line.fulfilment.mode,
      addressId: line.fulfilment.addressId,
      lines: [],
    };
    planned.lines.push({ lineId: a.lineId, sku: line.sku, quantity: units });
    byId.set(a.shipmentId, planned);
  }
  return [...byId.values()];
}

/**
 * [RP6]-[RP9] Makes the parcels of an order just paid, in the payment's
 * transaction: each planned parcel joins the open parcel of the same
 * customer, address, location and mode when [MG1] allows (the order then
 * takes a `merged` event, [OD15], so its allocations name the parcel used),
 * or becomes a new `shipment` at its location: product names, aisles from
 * `_shelfSlots`, the masked recipient from the address book, the carrier and
 * a waybill number, the reason, a same-city window; counted against the
 * location's daily capacity ([RS2]). Returns the order as it is to be stored.
 */
export async function makeShipments(
  tx: WriteTransaction,
  order: Order,
  now: string,
  options: ShippingOptions = {},
): Promise<Order> {
  const parcels = plannedParcels(order);
  if (parcels.length === 0) return order;
  const policy = options.routingPolicy ?? DEFAULT_ROUTING_POLICY;
  const book = options.addressBook ?? plainAddressBook;
  const carrier = options.carrier ?? DEFAULT_CARRIER;
  const courier = options.courier ?? simulatedCourier;
  const customerKey = customerKeyOf(order.customer);
  const skus = [...new Set(parcels.flatMap((p) => p.lines.map((l) => l.sku)))];
  const products = await tx.getDocs('products', skus);
  const slots = await tx.getDocs(
    SHELF_SLOTS_DB,
    parcels.flatMap((p) => p.lines.map((l) => shelfSlotId(p.locationId, l.sku))),
  );
  const reader: DocReader = tx;
  let current = order;
  for (const parcel of parcels) {
    const lines: ShipmentLine[] = parcel.lines.map((l) => {
      const aisle = (
        slots.get(shelfSlotId(parcel.locationId, l.sku))?.body as ShelfSlot | undefined
      )?.aisle;
      return {
        orderId: order.id,
        lineId: l.lineId,
        sku: l.sku,
        name: (products.get(l.sku)?.body as Product | undefined)?.name ?? l.sku,
        quantity: l.quantity,
        ...(aisle ? { aisle } : {}),
        picked: 0,
        short: 0,
      };
    });
    const indexId = openShipmentId(customerKey, parcel.addressId, parcel.locationId, parcel.mode);
    const indexRow = (await tx.getDocs(OPEN_SHIPMENTS_DB, [indexId])).get(indexId);
    const index = indexRow?.body as OpenShipment | undefined;
    let openRow: DocRow | undefined;
    if (index && index.shipmentId !== parcel.shipmentId) {
      const docId = shipmentDocId(index.shipmentId);
      openRow = (await tx.getDocs('storeState', [docId])).get(docId);
    }
    const open = openRow?.body as Shipment | undefined;
    const request = {
      customerKey,
      addressId: parcel.addressId,
      locationId: parcel.locationId,
      mode: parcel.mode,
      at: now,
    };
    // A parcel holds each line of an order once: units of a line rerouted to a
    // location whose open parcel has that line already travel on their own.
    const holdsLine = open?.lines.some(
      (l) => l.orderId === order.id && lines.some((n) => n.lineId === l.lineId),
    );
    if (openRow && open && !holdsLine && canMerge(open, request)) {
      // [MG1] Joins the open parcel; the order's allocations follow it ([OD15]).
      const merged: Shipment = {
        ...open,
        orderIds: open.orderIds.includes(order.id) ? open.orderIds : [...open.orderIds, order.id],
        lines: [...open.lines, ...lines],
        updatedAt: now,
      };
      await put(tx, 'storeState', openRow.id, merged, parcel.locationId, openRow.rev);
      const applied = applyOrderEvent(current, {
        kind: 'merged',
        id: `${order.id}:merged:${parcel.shipmentId}`,
        at: now,
        shipmentId: parcel.shipmentId,
        into: open.shipmentId,
      });
      if (!applied.ok) throw new Error(`order ${order.id} could not merge: ${applied.message}`);
      current = applied.order;
      continue;
    }
    const docId = shipmentDocId(parcel.shipmentId);
    // A parcel is made once: a payment replayed finds it and changes nothing.
    if ((await tx.getDocs('storeState', [docId])).has(docId)) continue;
    const address = await book.forRouting(reader, parcel.addressId);
    const explanation = [...(order.routing ?? [])]
      .reverse()
      .find((e) => e.mode === parcel.mode && e.chosen?.locationIds.includes(parcel.locationId));
    const reason = shipReason(explanation, parcel.locationId);
    const shipment: Shipment = {
      id: docId,
      kind: 'shipment',
      storeId: parcel.locationId,
      shipmentId: parcel.shipmentId,
      mode: parcel.mode,
      orderIds: [order.id],
      customerKey,
      addressId: parcel.addressId,
      lines,
      status: 'open',
      createdAt: now,
      updatedAt: now,
      mergeUntil: new Date(Date.parse(now) + policy.mergeWindowMinutes * 60_000).toISOString(),
      ...(parcel.mode === 'same-city'
        ? { window: sameCityWindow(explanation?.at ?? now, policy) }
        : {}),
      ...(address ? { shipTo: address.shipTo } : {}),
      carrier,
      trackingNo: await courier.waybill(tx, carrier, parcel.shipmentId),
      ...(reason ? { reason } : {}),
      ...(explanation ? { explanation } : {}),
      labelPrints: 0,
      factIds: [],
    };
    await put(tx, 'storeState', docId, shipment, parcel.locationId, null);
    await countShipment(tx, parcel.locationId, now, policy.utcOffsetMinutes);
    const entry: OpenShipment = {
      id: indexId,
      customerKey,
      addressId: parcel.addressId,
      locationId: parcel.locationId,
      mode: parcel.mode,
      shipmentId: parcel.shipmentId,
      mergeUntil: shipment.mergeUntil,
    };
    await put(tx, OPEN_SHIPMENTS_DB, indexId, entry, null, indexRow?.rev ?? null);
  }
  return current;
}

/**
 * [RP11] Takes a cancelled or closed order out of its parcels, in the
 * caller's transaction: an open parcel loses the order's lines (a parcel
 * left with none is cancelled); a parcel already packed or handed over is
 * left as it is (the location's staff are told by its status, not by this).
 * Returns the shipment ids it changed.
 */
export async function withdrawFromShipments(
  tx: WriteTransaction,
  order: Order,
  now: string,
): Promise<string[]> {
  const ids = [...new Set((order.allocations ?? []).map((a) => a.shipmentId))];
  if (ids.length === 0) return [];
  const rows = await tx.getDocs('storeState', ids.map(shipmentDocId));
  const changed: string[] = [];
  for (const id of ids) {
    const row = rows.get(shipmentDocId(id));
    const parcel = row?.body as Shipment | undefined;
    if (!row || !parcel || parcel.status !== 'open') continue;
    const lines = parcel.lines.filter((l) => l.orderId !== order.id);
    const next: Shipment = {
      ...parcel,
      orderIds: parcel.orderIds.filter((o) => o !== order.id),
      lines: lines.length > 0 ? lines : parcel.lines,
      status: lines.length > 0 ? 'open' : 'cancelled',
      updatedAt: now,
    };
    await put(tx, 'storeState', row.id, next, parcel.storeId, row.rev);
    changed.push(id);
  }
  return changed;
}

/** [RP10] A parcel as the orders API shows it to the order's customer: no recipient, no other order. */
export type OrderShipmentView = {
  shipmentId: string;
  locationId: string;
  mode: RoutableMode;
  status: Shipment['status'];
  carrier: string;
  trackingNo: string;
  window?: { from: string; to: string };
  lines: { lineId: string; sku: string; name: string; quantity: number }[];
};

/** [RP10] The parcels an order's allocations name, as the orders API shows them. */
export async function orderShipments(
  reader: DocReader,
  order: Order,
): Promise<OrderShipmentView[]> {
  const ids = [...new Set((order.allocations ?? []).map((a) => a.shipmentId))];
  if (ids.length === 0) return [];
  const rows = await reader.getDocs('storeState', ids.map(shipmentDocId));
  const views: OrderShipmentView[] = [];
  for (const id of ids) {
    const shipment = rows.get(shipmentDocId(id))?.body as Shipment | undefined;
    if (!shipment) continue;
    views.push({
      shipmentId: shipment.shipmentId,
      locationId: shipment.storeId,
      mode: shipment.mode,
      status: shipment.status,
      carrier: shipment.carrier,
      trackingNo: shipment.trackingNo,
      ...(shipment.window ? { window: shipment.window } : {}),
      lines: shipment.lines
        .filter((l) => l.orderId === order.id)
        .map(({ lineId, sku, name, quantity }) => ({ lineId, sku, name, quantity })),
    });
  }
  return views;
}
