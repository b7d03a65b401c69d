/**
 * An order's footprint at its stores, written in the transaction that changes
 * the order: the units it holds of each SKU at each store ([ATP3]), and the
 * copy of the order each pickup store's devices replicate (`storeState`, kind
 * `order`, [OF2]). See SPEC.md [OC3], [OS2], [OS1].
 */
import {
  availableToPromise,
  heldUnitsId,
  stockLevelId,
  storeOrderId,
  unitsLeftToHandOver,
  type CollectionName,
  type HeldUnits,
  type LineAllocation,
  type Order,
  type StockLevel,
  type StoreOrder,
} from '@pos/domain';
import { syncOrderCommission } from '../clerk/ledger';
import type { JsonObject } from '../protocol';
import type { DocRow, SyncStorage, WriteTransaction } from '../storage/storage';

/** [OC1] Server-only: the orders, by id. */
export const ORDERS_DB = '_orders' as CollectionName;

/** Reads by id: a write transaction, or the storage unscoped. */
export type DocReader = {
  getDocs(db: CollectionName, ids: readonly string[]): Promise<Map<string, DocRow>>;
};

/** [ATP3] A SKU at a store as ATP needs it: its stock level and the units orders hold. */
export type StockPosition = { level?: DocRow; held?: DocRow };

/**
 * [OS1] [ATP3] The stock levels and held units of SKUs at stores, keyed by
 * stock level id, in one read of each: a placement's one read, the shop's
 * store list, and `storeAtp`.
 */
export async function readPositions(
  reader: DocReader | SyncStorage,
  keys: readonly { storeId: string; sku: string }[],
): Promise<Map<string, StockPosition>> {
  const read = (db: CollectionName, ids: string[]) =>
    'kind' in reader ? reader.getDocs(db, ids, null) : reader.getDocs(db, ids);
  const levels = await read(
    'stock',
    keys.map((k) => stockLevelId(k.storeId, k.sku)),
  );
  const held = await read(
    'storeState',
    keys.map((k) => heldUnitsId(k.storeId, k.sku)),
  );
  return new Map(
    keys.map((k) => {
      const id = stockLevelId(k.storeId, k.sku);
      return [id, { level: levels.get(id), held: held.get(heldUnitsId(k.storeId, k.sku)) }];
    }),
  );
}

/** [ATP1] [ATP3] What a position can promise: on hand less held; no level promises nothing. */
export function positionAtp(position: StockPosition | undefined): number {
  const level = position?.level?.body as StockLevel | undefined;
  if (!level) return 0;
  const held = (position?.held?.body as HeldUnits | undefined)?.held ?? 0;
  return availableToPromise({ onHand: level.onHand, held });
}

/** [ATP3] The units orders hold, by stock level id, of every SKU held anywhere (at most 1,000; for checks). */
export async function heldByLevel(storage: SyncStorage): Promise<Map<string, number>> {
  const rows = await storage.findDocs('storeState', { fields: { kind: 'held' } });
  return new Map(
    rows.map((row) => {
      const held = row.body as unknown as HeldUnits;
      return [stockLevelId(held.storeId, held.sku), held.held];
    }),
  );
}

/**
 * [OS1] [ATP1] Available-to-promise of a SKU at a store, from its stock level
 * and the units orders hold there; 0 without a level. In a write transaction
 * (as a placement reads it) or from the storage.
 */
export async function storeAtp(
  reader: DocReader | SyncStorage,
  storeId: string,
  sku: string,
): Promise<number> {
  const positions = await readPositions(reader, [{ storeId, sku }]);
  return positionAtp(positions.get(stockLevelId(storeId, sku)));
}

/** The units each pickup line of `order` holds, per stock level: `units(line)` of each line. */
export function pickupUnits(
  order: Order,
  units: (line: Order['lines'][number]) => number = (line) => line.quantity,
): Map<string, { storeId: string; sku: string; units: number }> {
  const demand = new Map<string, { storeId: string; sku: string; units: number }>();
  for (const line of order.lines) {
    if (line.fulfilment.mode !== 'pickup') continue;
    const n = units(line);
    if (n <= 0) continue;
    const { storeId } = line.fulfilment;
    const id = stockLevelId(storeId, line.sku);
    const entry = demand.get(id) ?? { storeId, sku: line.sku, units: 0 };
    entry.units += n;
    demand.set(id, entry);
  }
  return demand;
}

/**
 * [RP4] The units each routed allocation of `order` holds at its location,
 * per stock level: `units(allocation)` of each, by default what is neither
 * short nor shipped.
 */
export function allocationUnits(
  order: Order,
  units: (allocation: LineAllocation) => number = (a) => a.quantity - a.short - a.shipped,
): Map<string, { storeId: string; sku: string; units: number }> {
  const demand = new Map<string, { storeId: string; sku: string; units: number }>();
  for (const allocation of order.allocations ?? []) {
    const line = order.lines.find((l) => l.lineId === allocation.lineId);
    const n = units(allocation);
    if (!line || n <= 0) continue;
    const id = stockLevelId(allocation.locationId, line.sku);
    const entry = demand.get(id) ?? { storeId: allocation.locationId, sku: line.sku, units: 0 };
    entry.units += n;
    demand.set(id, entry);
  }
  return demand;
}

/** Adds the units of `b` to those of `a`, per stock level, in a new map. */
export function addUnits(
  a: ReadonlyMap<string, { storeId: string; sku: string; units: number }>,
  b: ReadonlyMap<string, { storeId: string; sku: string; units: number }>,
): Map<string, { storeId: string; sku: string; units: number }> {
  const sum = new Map([...a].map(([id, e]) => [id, { ...e }]));
  for (const [id, e] of b) {
    const entry = sum.get(id) ?? { ...e, units: 0 };
    entry.units += e.units;
    sum.set(id, entry);
  }
  return sum;
}

/**
 * [ATP3] [RP4] The units `order` holds now, per stock level: its pickup
 * lines not handed over, and its routed allocations neither short nor
 * shipped at their locations. Every release (expiry, cancellation, the
 * pickup deadline) gives these back.
 */
export const unitsLeft = (order: Order) =>
  addUnits(pickupUnits(order, unitsLeftToHandOver), allocationUnits(order));

/**
 * [OC3] [ATP3] Moves the units held of SKUs at stores by `units` each (a
 * release passes sign -1), in the caller's transaction, as `storeState`
 * documents of kind `held` that flow down to the store; held never drops
 * below 0.
 */
export async function moveHeld(
  tx: WriteTransaction,
  changes: ReadonlyMap<string, { storeId: string; sku: string; units: number }>,
  sign: 1 | -1,
  /** The positions as this transaction just read them, to spare a second read. */
  read?: ReadonlyMap<string, StockPosition>,
  at = new Date().toISOString(),
): Promise<void> {
  if (changes.size === 0) return;
  const positions = read ?? (await readPositions(tx, [...changes.values()]));
  for (const [levelId, { storeId, sku, units }] of changes) {
    const row = positions.get(levelId)?.held;
    const before = (row?.body as HeldUnits | undefined)?.held ?? 0;
    const id = heldUnitsId(storeId, sku);
    const doc: HeldUnits = {
      id,
      kind: 'held',
      storeId,
      sku,
      held: Math.max(before + sign * units, 0),
      updatedAt: at,
    };
    const written = await tx.put({
      db: 'storeState',
      id,
      body: doc as unknown as JsonObject,
      storeId,
      expectedRev: row?.rev ?? null,
    });
    // Cannot happen: writers are serialised and we just read the revision.
    if (!written.ok) throw new Error(`${id} changed underneath: ${written.reason}`);
  }
}

/** [OF2] Each pickup store of an order once, in line order. */
export function orderStores(order: Order): string[] {
  const stores: string[] = [];
  for (const line of order.lines) {
    if (line.fulfilment.mode === 'pickup' && !stores.includes(line.fulfilment.storeId)) {
      stores.push(line.fulfilment.storeId);
    }
  }
  return stores;
}

/**
 * [CT8] The store an order is kept under: its one store when every line is
 * picked up there, so placing and handing it over write that store's shard
 * only; none (chain-wide) when it ships or is picked up at several stores.
 */
export function orderShardStore(order: Pick<Order, 'lines'>): string | null {
  const stores = new Set(
    order.lines.map((l) => (l.fulfilment.mode === 'pickup' ? l.fulfilment.storeId : null)),
  );
  const [only] = stores;
  return stores.size === 1 && only !== undefined ? only : null;
}

/**
 * [OS2] [OF2] Writes, in the caller's transaction, the `storeState` document
 * of `order` at each of its pickup stores (the whole order, `updatedAt`), so
 * it flows down to that store's devices only. Unchanged orders write nothing.
 */
export async function writeStoreOrders(
  tx: WriteTransaction,
  order: Order,
  updatedAt: string,
  /** A new order has no store copies yet: nothing to read. */
  isNew = false,
): Promise<void> {
  const stores = orderStores(order);
  const ids = stores.map((storeId) => storeOrderId(order.id, storeId));
  const rows = isNew ? new Map<string, DocRow>() : await tx.getDocs('storeState', ids);
  for (const storeId of stores) {
    const id = storeOrderId(order.id, storeId);
    const row = rows.get(id);
    const current = row?.body as StoreOrder | undefined;
    if (current && JSON.stringify(current.order) === JSON.stringify(order)) continue;
    const doc: StoreOrder = { id, kind: 'order', storeId, updatedAt, order };
    const written = await tx.put({
      db: 'storeState',
      id,
      body: doc as unknown as JsonObject,
      storeId,
      expectedRev: row?.rev ?? null,
    });
    if (!written.ok) throw new Error(`${id} changed underneath: ${written.reason}`);
  }
}

/**
 * [OS2] Stores an order (`expectedRev` null for a new one) and its copies at
 * its stores, in the caller's transaction: every change of an order goes
 * through here.
 */
export async function putOrder(
  tx: WriteTransaction,
  order: Order,
  expectedRev: string | null,
  at: string,
): Promise<void> {
  const written = await tx.put({
    db: ORDERS_DB,
    id: order.id,
    body: order as unknown as JsonObject,
    storeId: orderShardStore(order),
    expectedRev,
  });
  if (!written.ok)
    throw new Error(`${ORDERS_DB} ${order.id} changed underneath: ${written.reason}`);
  await writeStoreOrders(tx, order, at, expectedRev === null);
  // [TB8] A clerk order's commission follows the order, in the same transaction.
  await syncOrderCommission(tx, order, at);
}
