/**
 * The order center's core: an order placed for pickup holds its units on the
 * chosen stores' stock, atomically against available-to-promise, and an
 * unpaid hold past its expiry gives them back. Everything a placement or a
 * sweep reads and writes happens in one storage transaction, whose writers
 * are serialised, so concurrent customers see each other's holds.
 * See SPEC.md [OC1]-[OC4].
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  applyOrderEvent,
  availableToPromise,
  DEFAULT_HOLD_POLICY,
  holdExpiry,
  isHoldExpired,
  stockLevelId,
  type CollectionName,
  type HoldPolicy,
  type Order,
  type OrderChannel,
  type OrderCustomer,
  type OrderEvent,
  type OrderLine,
  type StockLevel,
} from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { DocRow, SyncStorage, WriteTransaction } from '../storage/storage';

/** [OC1] Server-only: the orders, by id. */
export const ORDERS_DB = '_orders' as CollectionName;
/** [OC2] Server-only: each idempotency key and the order it made. */
export const ORDER_KEYS_DB = '_orderKeys' as CollectionName;
/** [OC3] Server-only: the units held per store and SKU, id `storeId:sku`. */
export const HOLDS_DB = '_holds' as CollectionName;

/** [OC3] The units orders hold of one SKU at one store. */
export type HoldLevel = { id: string; storeId: string; sku: string; held: number };

type OrderKey = { id: string; orderId: string; fingerprint: string; createdAt: string };

/** What a channel sends to place an order. */
export type PlaceOrderInput = {
  /** [OC2] The client's key for this placement: a retry sends the same one. */
  idempotencyKey: string;
  channel: OrderChannel;
  customer: OrderCustomer;
  lines: Omit<OrderLine, 'pickedUp'>[];
  total: number;
};

/** [OC1] A pickup line the store cannot hold: what was asked and what is available. */
export type ShortLine = {
  lineId: string;
  storeId: string;
  sku: string;
  requested: number;
  available: number;
};

export type PlaceOrderResult =
  | { ok: true; order: Order; replayed: boolean }
  | { ok: false; code: 'ORDER_INVALID'; message: string }
  | { ok: false; code: 'IDEMPOTENCY_KEY_REUSED'; message: string; orderId: string }
  | { ok: false; code: 'OUT_OF_STOCK'; message: string; lines: ShortLine[] };

/** Longest idempotency key, in characters. */
export const IDEMPOTENCY_KEY_MAX = 200;

/** JSON with object keys sorted, so equal bodies give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** [OC2] What makes two placements the same: everything but the key. */
export function placementFingerprint(input: PlaceOrderInput): string {
  const { channel, customer, lines, total } = input;
  return createHash('sha256').update(canonical({ channel, customer, lines, total })).digest('hex');
}

async function putOrThrow(
  tx: WriteTransaction,
  db: CollectionName,
  id: string,
  body: object,
  expectedRev: string | null,
): Promise<void> {
  const written = await tx.put({ db, id, body: body as JsonObject, storeId: null, expectedRev });
  if (!written.ok) throw new Error(`${db} ${id} changed underneath: ${written.reason}`);
}

/** The units each pickup line asks of each store and SKU, in line order. */
function pickupDemand(order: Order): Map<string, { storeId: string; sku: string; units: number }> {
  const demand = new Map<string, { storeId: string; sku: string; units: number }>();
  for (const line of order.lines) {
    if (line.fulfilment.mode !== 'pickup') continue;
    const { storeId } = line.fulfilment;
    const id = stockLevelId(storeId, line.sku);
    const entry = demand.get(id) ?? { storeId, sku: line.sku, units: 0 };
    entry.units += line.quantity;
    demand.set(id, entry);
  }
  return demand;
}

/**
 * [OC1]-[OC3] Places an order and holds its pickup lines, in one transaction:
 * a retry with the same key and body returns the first order; otherwise the
 * order is checked by the domain ([OD2]), each store's ATP (its stock level's
 * on hand less the units held there) must cover its pickup lines, and the
 * order is stored held until `holdMinutes` after `now`, its units added to
 * the store's holds. A refusal writes nothing.
 */
export async function placeOrder(
  storage: SyncStorage,
  input: PlaceOrderInput,
  now: string,
  policy: HoldPolicy = DEFAULT_HOLD_POLICY,
  // [PM3] Capitals, digits and hyphens: an order id goes into its signed pickup QR.
  orderId = `ORD-${randomUUID().toUpperCase()}`,
): Promise<PlaceOrderResult> {
  const key = (input as Partial<PlaceOrderInput> | null)?.idempotencyKey;
  if (typeof key !== 'string' || key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX) {
    return {
      ok: false,
      code: 'ORDER_INVALID',
      message: `an order needs an idempotency key of 1 to ${IDEMPOTENCY_KEY_MAX} characters`,
    };
  }
  const fingerprint = placementFingerprint(input);
  const expiresAt = holdExpiry(now, policy);
  return storage.transaction(async (tx): Promise<PlaceOrderResult> => {
    const known = (await tx.getDocs(ORDER_KEYS_DB, [key])).get(key);
    if (known) {
      const first = known.body as OrderKey;
      if (first.fingerprint !== fingerprint) {
        return {
          ok: false,
          code: 'IDEMPOTENCY_KEY_REUSED',
          message: `idempotency key ${key} was used for another order body (order ${first.orderId})`,
          orderId: first.orderId,
        };
      }
      const order = (await tx.getDocs(ORDERS_DB, [first.orderId])).get(first.orderId);
      if (!order) throw new Error(`idempotency key ${key} names a missing order ${first.orderId}`);
      return { ok: true, order: order.body as Order, replayed: true };
    }

    const placed: OrderEvent = {
      kind: 'placed',
      id: `${orderId}:placed`,
      at: now,
      orderId,
      channel: input.channel,
      customer: input.customer,
      lines: input.lines,
      total: input.total,
    };
    const made = applyOrderEvent(undefined, placed);
    if (!made.ok) return { ok: false, code: 'ORDER_INVALID', message: made.message };
    const held = applyOrderEvent(made.order, {
      kind: 'held',
      id: `${orderId}:held`,
      at: now,
      holdExpiresAt: expiresAt,
    });
    if (!held.ok) throw new Error(`a new order could not be held: ${held.message}`);

    const demand = pickupDemand(held.order);
    const ids = [...demand.keys()];
    const stock = await tx.getDocs('stock', ids);
    const holds = await tx.getDocs(HOLDS_DB, ids);
    const available = new Map<string, number>();
    for (const id of ids) {
      const onHand = (stock.get(id)?.body as StockLevel | undefined)?.onHand ?? 0;
      const heldNow = (holds.get(id)?.body as HoldLevel | undefined)?.held ?? 0;
      available.set(id, availableToPromise({ onHand, held: heldNow }));
    }
    const short: ShortLine[] = [];
    for (const line of held.order.lines) {
      if (line.fulfilment.mode !== 'pickup') continue;
      const id = stockLevelId(line.fulfilment.storeId, line.sku);
      if (demand.get(id)!.units <= available.get(id)!) continue;
      short.push({
        lineId: line.lineId,
        storeId: line.fulfilment.storeId,
        sku: line.sku,
        requested: line.quantity,
        available: available.get(id)!,
      });
    }
    if (short.length > 0) {
      const named = short
        .map(
          (s) =>
            `line ${s.lineId} (${s.sku} at ${s.storeId}): ${s.requested} asked, ${s.available} available`,
        )
        .join('; ');
      return { ok: false, code: 'OUT_OF_STOCK', message: `out of stock: ${named}`, lines: short };
    }

    for (const [id, { storeId, sku, units }] of demand) {
      const row = holds.get(id);
      const level: HoldLevel = {
        id,
        storeId,
        sku,
        held: ((row?.body as HoldLevel | undefined)?.held ?? 0) + units,
      };
      await putOrThrow(tx, HOLDS_DB, id, level, row?.rev ?? null);
    }
    await putOrThrow(tx, ORDERS_DB, orderId, held.order, null);
    const record: OrderKey = { id: key, orderId, fingerprint, createdAt: now };
    await putOrThrow(tx, ORDER_KEYS_DB, key, record, null);
    return { ok: true, order: held.order, replayed: false };
  });
}

/** How many held orders one sweep looks at; the next sweep takes the rest. */
export const EXPIRY_SWEEP_MAX = 500;

/**
 * [OC4] Expires every unpaid order whose hold ended at or before `now`
 * ([OD9], [HL2]) and gives its pickup units back to the stores' holds, in
 * one transaction. Returns the orders it expired; a second sweep at the same
 * instant expires nothing.
 */
export async function expireHolds(storage: SyncStorage, now: string): Promise<Order[]> {
  return storage.transaction(async (tx) => {
    const rows: DocRow[] = await tx.findDocs(ORDERS_DB, {
      fields: { status: 'held' },
      limit: EXPIRY_SWEEP_MAX,
    });
    const expired: Order[] = [];
    const release = new Map<string, number>();
    for (const row of rows) {
      const order = row.body as Order;
      if (!isHoldExpired(order, now)) continue;
      const result = applyOrderEvent(order, {
        kind: 'expired',
        id: `${order.id}:expired`,
        at: now,
      });
      if (!result.ok) throw new Error(`order ${order.id} could not expire: ${result.message}`);
      await putOrThrow(tx, ORDERS_DB, order.id, result.order, row.rev);
      expired.push(result.order);
      for (const [id, { units }] of pickupDemand(order)) {
        release.set(id, (release.get(id) ?? 0) + units);
      }
    }
    const holds = await tx.getDocs(HOLDS_DB, [...release.keys()]);
    for (const [id, units] of release) {
      const row = holds.get(id);
      if (!row) throw new Error(`hold ${id} is missing while orders hold it`);
      const level = row.body as HoldLevel;
      await putOrThrow(
        tx,
        HOLDS_DB,
        id,
        { ...level, held: Math.max(level.held - units, 0) },
        row.rev,
      );
    }
    return expired;
  });
}
