/**
 * The facts a store's devices write about online orders, offline too (a
 * hand-over at the pickup desk, an order paid at the till, items returned at
 * a till), recorded and applied once, in the push transaction. A genuine fact
 * is always stored; one the order cannot take is an exception for HQ, never
 * applied and never unnoticed. See SPEC.md [OS5]-[OS7], domain [OF1]-[OF7].
 */
import {
  applyOrderEvent,
  applyPickup,
  checkOrderReturn,
  DEFAULT_HOLD_POLICY,
  factStorageOf,
  stockLevelId,
  type CollectionName,
  type HoldPolicy,
  type LedgerMovement,
  type Order,
  type OrderFactKind,
  type OrderPaymentFact,
  type OrderReturnFact,
  type PickupFact,
} from '@pos/domain';
import { applyStockMovements, recordException, type FactContext } from '../ledgers';
import { DEMO_PICKUP_KEYS, paidEvent, storePaidOrder, type PickupKeys } from '../payments/notify';
import type { IncomingDoc, JsonObject } from '../protocol';
import { storeFactOnce } from '../fact-store';
import type { WriteTransaction } from '../storage/storage';
import { applyFulfilmentFact } from './fulfilment-facts';
import { recordRefund } from './refunds';
import type { ShippingOptions } from './shipments';
import { moveHeld, ORDERS_DB, putOrder } from './store-orders';

/** What applying order facts needs of the chain's configuration. */
export type OrderFactOptions = ShippingOptions & {
  /** [OS6] The pickup deadline of an order paid at a till; default `DEFAULT_HOLD_POLICY`. */
  holdPolicy?: HoldPolicy;
  /** [OS6] The keys its pickup codes are made with; default the demo keys. */
  pickupKeys?: PickupKeys;
};

export type OrderFactRow =
  { ok: true; id: string; rev: string } | { id: string; error: 'conflict'; reason: string };

type Ctx = FactContext & { options: OrderFactOptions };

async function readOrder(ctx: Ctx, orderId: string) {
  const row = (await ctx.tx.getDocs(ORDERS_DB, [orderId])).get(orderId);
  return row ? { order: row.body as unknown as Order, rev: row.rev } : null;
}

/** [OS5] An order fact naming an order the server does not know. */
function unknownOrder(ctx: Ctx, kind: OrderFactKind, orderId: string) {
  return recordException(ctx, 'unknown-order', {
    kind,
    orderId,
    reason: `order ${orderId} is unknown: the ${kind} is recorded, not applied`,
  });
}

/** The order line each counted line names (known to exist: the domain checked). */
function lineOf(order: Order, lineId: string) {
  return order.lines.find((l) => l.lineId === lineId)!;
}

/**
 * [OS5] A hand-over: applied all lines or none ([OF3]); on hand drops at
 * the store through the ledger (a `sale` movement per line, id
 * `${factId}:${lineId}`) and `held` drops by the same units. Units already
 * handed over (another device, offline) are a `duplicate-pickup` exception;
 * an unknown order, another store's line, an unpaid order are exceptions too.
 */
async function applyPickupFact(ctx: Ctx, fact: PickupFact): Promise<void> {
  const found = await readOrder(ctx, fact.orderId);
  if (!found) return unknownOrder(ctx, 'pickup', fact.orderId);
  const result = applyPickup(found.order, fact);
  if (!result.ok) {
    const kind =
      result.code === 'ORDER_ALREADY_HANDED_OVER' ? 'duplicate-pickup' : 'pickup-not-applicable';
    await recordException(ctx, kind, {
      orderId: fact.orderId,
      code: result.code,
      reason: result.message,
      status: found.order.status,
      lines: fact.lines as unknown as JsonObject[],
      deviceId: fact.deviceId,
    });
    return;
  }
  await putOrder(ctx.tx, result.order, found.rev, ctx.receivedAt);
  const movements: LedgerMovement[] = fact.lines.map(({ lineId, quantity }) => ({
    id: `${fact.id}:${lineId}`,
    location: fact.storeId,
    sku: lineOf(found.order, lineId).sku,
    kind: 'sale',
    quantity,
    at: fact.at,
    factId: fact.id,
  }));
  await applyStockMovements(ctx.tx, movements);
  const handedOver = new Map<string, { storeId: string; sku: string; units: number }>();
  for (const m of movements) {
    const id = stockLevelId(m.location, m.sku);
    const entry = handedOver.get(id) ?? { storeId: m.location, sku: m.sku, units: 0 };
    entry.units += m.quantity;
    handedOver.set(id, entry);
  }
  await moveHeld(ctx.tx, handedOver, -1, undefined, ctx.receivedAt);
}

/**
 * [OS6] An unpaid order paid at a till: of the order's total, while its hold
 * lasts ([OD5]), it is paid with the chain's pickup deadline and its pickup
 * codes are issued as for a provider payment. Otherwise the till took money
 * the order cannot take: `payment-amount-mismatch` or `refund-due`.
 */
async function applyOrderPaymentFact(ctx: Ctx, fact: OrderPaymentFact): Promise<void> {
  const found = await readOrder(ctx, fact.orderId);
  const details = { orderId: fact.orderId, amount: fact.amount, tender: fact.tender };
  if (!found) {
    await unknownOrder(ctx, 'orderPayment', fact.orderId);
    await recordException(ctx, 'refund-due', {
      ...details,
      reason: `order ${fact.orderId} is unknown: give the ${fact.amount} fen back`,
    });
    return;
  }
  if (fact.amount !== found.order.total) {
    await recordException(ctx, 'payment-amount-mismatch', {
      ...details,
      expectedAmount: found.order.total,
      reason: `paid ${fact.amount} fen at the till, the order is ${found.order.total}`,
    });
    return;
  }
  const policy = ctx.options.holdPolicy ?? DEFAULT_HOLD_POLICY;
  const paid = applyOrderEvent(
    found.order,
    paidEvent(found.order, `till-paid:${fact.id}`, fact.at, policy),
  );
  if (!paid.ok) {
    await recordException(ctx, 'refund-due', {
      ...details,
      status: found.order.status,
      reason: `${paid.code}: ${paid.message}`,
    });
    return;
  }
  await storePaidOrder(
    ctx.tx,
    paid.order,
    found.rev,
    ctx.receivedAt,
    ctx.options.pickupKeys ?? DEMO_PICKUP_KEYS,
    ctx.options,
  );
}

/**
 * [OS7] Items of an online order returned at a till: checked ([OF5],
 * [OF6]), applied as `returned` facts, the units back in at the returning
 * store through the ledger (a `return` movement per line), and the refund
 * recorded ([OS3]). A return the order cannot take is an
 * `order-return-not-applicable` exception (the till may have paid out).
 */
async function applyOrderReturnFact(ctx: Ctx, fact: OrderReturnFact): Promise<void> {
  const found = await readOrder(ctx, fact.orderId);
  if (!found) return unknownOrder(ctx, 'orderReturn', fact.orderId);
  const problem = (reason: string, code: string) =>
    recordException(ctx, 'order-return-not-applicable', {
      orderId: fact.orderId,
      code,
      reason,
      refund: fact.refund,
      refundTo: fact.refundTo,
      lines: fact.lines as unknown as JsonObject[],
    });
  const checked = checkOrderReturn(found.order, fact.lines, fact.refund);
  if (!checked.ok) return problem(checked.message, checked.code);
  let order = found.order;
  for (const line of checked.perLine) {
    const result = applyOrderEvent(order, {
      kind: 'returned',
      id: `${fact.id}:${line.lineId}`,
      at: fact.at,
      lineId: line.lineId,
      quantity: line.quantity,
      refund: line.refund,
    });
    if (!result.ok) return problem(result.message, result.code);
    order = result.order;
  }
  await putOrder(ctx.tx, order, found.rev, ctx.receivedAt);
  await applyStockMovements(
    ctx.tx,
    fact.lines.map(({ lineId, quantity }) => ({
      location: fact.storeId,
      sku: lineOf(order, lineId).sku,
      kind: 'return' as const,
      quantity,
    })),
  );
  await recordRefund(ctx, { orderId: order.id, amount: checked.refund, to: fact.refundTo });
}

const APPLY: { [K in OrderFactKind]: (ctx: Ctx, fact: never) => Promise<void> } = {
  fulfilment: applyFulfilmentFact,
  pickup: applyPickupFact,
  orderPayment: applyOrderPaymentFact,
  orderReturn: applyOrderReturnFact,
};

/**
 * [OS5] Records an order fact (its body without `kind`) in its kind's
 * storage with the server's receive time, owned by its store, and applies it
 * in the caller's transaction. [F3] The same fact again changes nothing;
 * [F4] another fact under a recorded id is refused.
 */
export async function recordOrderFact(
  tx: WriteTransaction,
  kind: OrderFactKind,
  doc: IncomingDoc,
  receivedAt: string,
  options: OrderFactOptions = {},
): Promise<OrderFactRow> {
  const db = factStorageOf(kind) as CollectionName & FactContext['db'];
  const storeId = doc.body.storeId as string;
  const stored = await storeFactOnce(
    tx,
    db,
    doc,
    storeId,
    receivedAt,
    `${kind} facts are immutable`,
  );
  if (!stored.ok) return { id: stored.id, error: stored.error, reason: stored.reason };
  if (!stored.fresh) return { ok: true, id: doc.id, rev: stored.rev };
  await APPLY[kind]({ tx, db, factId: doc.id, storeId, receivedAt, options }, doc.body as never);
  return { ok: true, id: doc.id, rev: stored.rev };
}
