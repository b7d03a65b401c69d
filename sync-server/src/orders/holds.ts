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
  DEFAULT_HOLD_POLICY,
  holdExpiry,
  isHoldExpired,
  stockLevelId,
  type CollectionName,
  type HoldPolicy,
  type Order,
  type OrderChannel,
  type OrderClerk,
  type OrderCustomer,
  type OrderEvent,
  type OrderLine,
} from '@pos/domain';
import {
  ORDER_COUPONS_DB,
  redeemCoupons,
  releaseOrderCoupons,
  type OrderCoupons,
} from '../ledgers';
import type { JsonObject } from '../protocol';
import type { DocRow, SyncStorage, WriteTransaction } from '../storage/storage';
import {
  putRoutingInputs,
  routePlacement,
  type PlacementRouting,
  type RoutingShort,
} from './routing';
import {
  moveHeld,
  ORDERS_DB,
  orderShardStore,
  pickupUnits,
  positionAtp,
  putOrder,
  readPositions,
  unitsLeft,
} from './store-orders';
import { safetyStockBook } from '../inventory/safety-stock';

export { ORDERS_DB } from './store-orders';
/** [OC2] Server-only: each idempotency key and the order it made. */
export const ORDER_KEYS_DB = '_orderKeys' as CollectionName;

type OrderKey = { id: string; orderId: string; fingerprint: string; createdAt: string };

/** What a channel sends to place an order. */
export type PlaceOrderInput = {
  /** [OC2] The client's key for this placement: a retry sends the same one. */
  idempotencyKey: string;
  channel: OrderChannel;
  customer: OrderCustomer;
  lines: Omit<OrderLine, 'pickedUp'>[];
  total: number;
  /**
   * [CR3] The member's coupons the server priced the order with, and what
   * each took off: redeemed in the placement's transaction.
   */
  coupons?: OrderCoupons['coupons'];
  /** [OD17] The clerk who placed it on a tablet, and the customer's attribution store. */
  clerk?: OrderClerk;
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
  | { ok: false; code: 'OUT_OF_STOCK'; message: string; lines: ShortLine[] }
  /** [RP2] No plan of the eligible locations covers the ship or same-city lines. */
  | { ok: false; code: 'NOT_ROUTABLE'; message: string; short: RoutingShort[] }
  | {
      ok: false;
      code: 'COUPON_REFUSED';
      message: string;
      couponId: string;
      /** The till's word for it ([CP2]). */
      couponCode: 'COUPON_USED' | 'COUPON_VOID' | 'COUPON_UNKNOWN';
    };

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

/**
 * [OC2] What makes two placements the same: everything but the key. [OC10]
 * For an order the server priced, the body as the channel sent it (`sent`),
 * so a retry is the same placement even if prices changed in between.
 */
export function placementFingerprint(input: PlaceOrderInput | { sent: unknown }): string {
  const { channel, customer, lines, total, clerk } = input as PlaceOrderInput;
  const what = 'sent' in input ? input.sent : { channel, customer, lines, total, clerk };
  return createHash('sha256').update(canonical(what)).digest('hex');
}

/**
 * [OC2] The placement an idempotency key already made: the order as it is
 * now when `fingerprint` is the first body's, a refusal when it is not, or
 * null when the key is new.
 */
export async function earlierPlacement(
  reader: Pick<WriteTransaction, 'getDocs'>,
  key: string,
  fingerprint: string,
): Promise<PlaceOrderResult | null> {
  const known = (await reader.getDocs(ORDER_KEYS_DB, [key])).get(key);
  if (!known) return null;
  const first = known.body as OrderKey;
  if (first.fingerprint !== fingerprint) {
    return {
      ok: false,
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: `idempotency key ${key} was used for another order body (order ${first.orderId})`,
      orderId: first.orderId,
    };
  }
  const order = (await reader.getDocs(ORDERS_DB, [first.orderId])).get(first.orderId);
  if (!order) throw new Error(`idempotency key ${key} names a missing order ${first.orderId}`);
  return { ok: true, order: order.body as Order, replayed: true };
}

async function putOrThrow(
  tx: WriteTransaction,
  db: CollectionName,
  id: string,
  body: object,
  expectedRev: string | null,
  storeId: string | null = null,
): Promise<void> {
  const written = await tx.put({ db, id, body: body as JsonObject, storeId, expectedRev });
  if (!written.ok) throw new Error(`${db} ${id} changed underneath: ${written.reason}`);
}

/**
 * [OC1]-[OC3] [RP1]-[RP5] Places an order and holds its pickup lines (and
 * routes and holds its ship and same-city lines, [RP1]), in one transaction:
 * a retry with the same key and body returns the first order; otherwise the
 * order is checked by the domain ([OD2]), each store's ATP (its stock level's
 * on hand less the units held there, [ATP3]) must cover its pickup lines, and
 * the order is stored held until `holdMinutes` after `now`, its units added
 * to the held units ([ATP3]), its copies written to its stores ([OS2]). A
 * refusal writes nothing.
 */
export async function placeOrder(
  storage: SyncStorage,
  input: PlaceOrderInput,
  now: string,
  policy: HoldPolicy = DEFAULT_HOLD_POLICY,
  // [PM3] Capitals, digits and hyphens: an order id goes into its signed pickup QR.
  orderId = `ORD-${randomUUID().toUpperCase()}`,
  /** [OC10] The fingerprint of the body as sent, when the server priced it. */
  fingerprintOf?: string,
  /** [RP1] The routing policy and address book; default `DEFAULT_ROUTING_POLICY`, `plainAddressBook`. */
  routing: PlacementRouting = {},
): Promise<PlaceOrderResult> {
  const key = (input as Partial<PlaceOrderInput> | null)?.idempotencyKey;
  if (typeof key !== 'string' || key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX) {
    return {
      ok: false,
      code: 'ORDER_INVALID',
      message: `an order needs an idempotency key of 1 to ${IDEMPOTENCY_KEY_MAX} characters`,
    };
  }
  const fingerprint = fingerprintOf ?? placementFingerprint(input);
  const expiresAt = holdExpiry(now, policy);
  // [IV14] The safety stock set per store for the order's SKUs: one read, before the transaction.
  const safetyStock =
    routing.safetyStock ??
    (await safetyStockBook(
      storage,
      Array.isArray(input.lines)
        ? [...new Set(input.lines.map((l) => l?.sku).filter((s) => typeof s === 'string'))]
        : [],
    ));
  return storage.transaction(async (tx): Promise<PlaceOrderResult> => {
    const earlier = await earlierPlacement(tx, key, fingerprint);
    if (earlier) return earlier;

    const placed: OrderEvent = {
      kind: 'placed',
      id: `${orderId}:placed`,
      at: now,
      orderId,
      channel: input.channel,
      customer: input.customer,
      lines: input.lines,
      total: input.total,
      ...(input.clerk ? { clerk: input.clerk } : {}),
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

    const demand = pickupUnits(held.order);
    // One read of the levels and held units serves the check and the new held units.
    const positions = await readPositions(tx, [...demand.values()]);
    const available = new Map<string, number>();
    for (const id of demand.keys()) {
      // [IV14] A pickup hold keeps back the store's own safety stock when one is set.
      available.set(id, Math.max(positionAtp(positions.get(id)) - (safetyStock.get(id) ?? 0), 0));
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

    // [RP1] Ship and same-city lines are routed against what the pickup lines leave.
    const routed = await routePlacement(tx, held.order, now, demand, { ...routing, safetyStock });
    if (!routed.ok) return routed;

    if (input.coupons && input.coupons.length > 0) {
      // [CR3] Used once chain-wide: the coupon ledger sales use, all or none.
      const pickup = held.order.lines.find((l) => l.fulfilment.mode === 'pickup')?.fulfilment;
      const storeId = pickup?.mode === 'pickup' ? pickup.storeId : null;
      const refusals = await redeemCoupons(
        tx,
        input.coupons.map((c) => c.id),
        { orderId, storeId },
        now,
        { allOrNothing: true },
      );
      const refused = refusals[0];
      if (refused) {
        const name = input.coupons.find((c) => c.id === refused.couponId)?.name ?? '';
        const [couponCode, why] =
          refused.kind === 'coupon-already-redeemed'
            ? (['COUPON_USED', 'has already been used'] as const)
            : refused.kind === 'coupon-void'
              ? (['COUPON_VOID', 'was withdrawn'] as const)
              : (['COUPON_UNKNOWN', 'is not known'] as const);
        return {
          ok: false,
          code: 'COUPON_REFUSED',
          message: `coupon ${name} (${refused.couponId}) ${why}`,
          couponId: refused.couponId,
          couponCode,
        };
      }
      const used: OrderCoupons = { id: orderId, orderId, coupons: input.coupons };
      await putOrThrow(tx, ORDER_COUPONS_DB, orderId, used, null);
    }
    // [RP4] Its pickup units and its routed units; a pickup-only order reuses the one read.
    const routedAny = routed.inputs.length > 0;
    await moveHeld(tx, unitsLeft(routed.order), 1, routedAny ? undefined : positions, now);
    await putRoutingInputs(tx, routed.inputs);
    await putOrder(tx, routed.order, null, now);
    const record: OrderKey = { id: key, orderId, fingerprint, createdAt: now };
    // [CT8] Beside the order.
    await putOrThrow(tx, ORDER_KEYS_DB, key, record, null, orderShardStore(routed.order));
    return { ok: true, order: routed.order, replayed: false };
  });
}

/** How many held orders one sweep looks at; the next sweep takes the rest. */
export const EXPIRY_SWEEP_MAX = 500;

/**
 * [OC4] Expires every unpaid order whose hold ended at or before `now`
 * ([OD9], [HL2]) and gives its pickup units back (the held units, [ATP3]) and
 * its coupons back ([CR3]), in one transaction. Returns the orders it expired; a second sweep at the same
 * instant expires nothing.
 */
export async function expireHolds(storage: SyncStorage, now: string): Promise<Order[]> {
  return storage.transaction(async (tx) => {
    const rows: DocRow[] = await tx.findDocs(ORDERS_DB, {
      fields: { status: 'held' },
      limit: EXPIRY_SWEEP_MAX,
    });
    const expired: Order[] = [];
    for (const row of rows) {
      const order = row.body as Order;
      if (!isHoldExpired(order, now)) continue;
      const result = applyOrderEvent(order, {
        kind: 'expired',
        id: `${order.id}:expired`,
        at: now,
      });
      if (!result.ok) throw new Error(`order ${order.id} could not expire: ${result.message}`);
      await putOrder(tx, result.order, row.rev, now);
      // [RP4] Its pickup units and its routed allocations both come back.
      await moveHeld(tx, unitsLeft(order), -1, undefined, now);
      expired.push(result.order);
    }
    await releaseOrderCoupons(
      tx,
      expired.map((o) => o.id),
      now,
    );
    return expired;
  });
}
