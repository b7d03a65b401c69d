/**
 * An order's footprint at its stores, written in the transaction that changes
 * the order: the units it holds on each store's stock level ([ATP3]), and the
 * copy of the order each pickup store's devices replicate (`storeState`, kind
 * `order`, [OF2]). See SPEC.md [OC3], [OS2], [OS1].
 */
import {
  availableToPromise,
  stockLevelId,
  storeOrderId,
  type CollectionName,
  type Order,
  type StockLevel,
  type StoreOrder,
} from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { DocRow, SyncStorage, WriteTransaction } from '../storage/storage';

/** [OC1] Server-only: the orders, by id. */
export const ORDERS_DB = '_orders' as CollectionName;

/** Reads by id: a write transaction, or the storage unscoped. */
export type DocReader = {
  getDocs(db: CollectionName, ids: readonly string[]): Promise<Map<string, DocRow>>;
};

/**
 * [OS1] [ATP1] Available-to-promise of a SKU at a store, from its stock level
 * alone (on hand less the units orders hold there); 0 without a level. The
 * one read every server-side ATP goes through: in a write transaction (as a
 * placement reads it) or from the storage.
 */
export async function storeAtp(
  reader: DocReader | SyncStorage,
  storeId: string,
  sku: string,
): Promise<number> {
  const id = stockLevelId(storeId, sku);
  const rows =
    'kind' in reader
      ? await reader.getDocs('stock', [id], null)
      : await reader.getDocs('stock', [id]);
  return levelAtp(rows.get(id)?.body as StockLevel | undefined);
}

/** [ATP1] [ATP3] What a stock level can promise: on hand less held; no level promises nothing. */
export function levelAtp(level: StockLevel | undefined): number {
  return level ? availableToPromise({ onHand: level.onHand, held: level.held ?? 0 }) : 0;
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

/** The units of `order`'s pickup lines not handed over yet. */
export const unitsLeft = (order: Order) =>
  pickupUnits(order, (line) => line.quantity - line.pickedUp);

/**
 * [OC3] Moves the `held` of stock levels by `delta` units each (a release
 * passes negative units), in the caller's transaction; held never drops below
 * 0. A level that does not exist yet starts at 0 on hand.
 */
export async function moveHeld(
  tx: WriteTransaction,
  changes: ReadonlyMap<string, { storeId: string; sku: string; units: number }>,
  sign: 1 | -1,
  /** The levels as this transaction just read them, to spare a second read. */
  read?: ReadonlyMap<string, Pick<DocRow, 'rev' | 'body'>>,
): Promise<void> {
  if (changes.size === 0) return;
  const rows = read ?? (await tx.getDocs('stock', [...changes.keys()]));
  for (const [id, { storeId, sku, units }] of changes) {
    const row = rows.get(id);
    const level: StockLevel = (row?.body as StockLevel | undefined) ?? {
      id,
      storeId,
      sku,
      onHand: 0,
    };
    const held = Math.max((level.held ?? 0) + sign * units, 0);
    const written = await tx.put({
      db: 'stock',
      id,
      body: { ...level, held } as JsonObject,
      storeId,
      expectedRev: row?.rev ?? null,
    });
    // Cannot happen: writers are serialised and we just read the revision.
    if (!written.ok) throw new Error(`stock level ${id} changed underneath: ${written.reason}`);
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
    storeId: null,
    expectedRev,
  });
  if (!written.ok)
    throw new Error(`${ORDERS_DB} ${order.id} changed underneath: ${written.reason}`);
  await writeStoreOrders(tx, order, at, expectedRev === null);
}
