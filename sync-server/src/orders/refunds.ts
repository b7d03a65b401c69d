/**
 * Refunds of online orders: a refund is recorded in the transaction that
 * decides it (a return at a till, a pickup cancelled at its deadline), and
 * the payment provider is asked afterwards, outside any transaction, once
 * per refund (its id is the provider's refund key). One the provider refuses,
 * or that has no provider payment to go back to, is a `refund-due` exception.
 * See SPEC.md [OS3].
 */
import { applyOrderEvent, type CollectionName, type Order } from '@pos/domain';
import { recordException, type FactContext } from '../ledgers';
import { PAYMENT_NOTES_DB, type PaymentNote } from '../payments/notify';
import type { PaymentProvider } from '../payments/provider';
import type { JsonObject } from '../protocol';
import type { SyncStorage, WriteTransaction } from '../storage/storage';
import { ORDERS_DB, putOrder } from './store-orders';

/** [OS3] Server-only: each refund of an order, by id `refund:${factId}`. */
export const REFUNDS_DB = '_refunds' as CollectionName;

export type RefundStatus = 'pending' | 'refunded' | 'paid-in-cash' | 'due';

/** [OS3] One refund of an order. */
export type RefundRecord = {
  id: string;
  orderId: string;
  storeId: string | null;
  /** Fen. */
  amount: number;
  to: 'original' | 'cash';
  status: RefundStatus;
  /** The fact (or sweep) it comes from. */
  source: { db: FactContext['db']; factId: string };
  /** [OS3] The provider payment it goes back to (`to: 'original'`). */
  providerTxnId?: string;
  providerRefundId?: string;
  reason?: string;
  createdAt: string;
  settledAt?: string;
  /** [OS4] Refunds the whole of a cancelled order: once refunded, the order is `refunded` ([OD10]). */
  closesOrder?: boolean;
};

/** [OS3] The id of the refund a fact or sweep decides. */
export const refundId = (factId: string) => `refund:${factId}`;

/** [OS3] The provider transaction that paid an order, from its paid notification; null when none. */
export async function paidProviderTxn(
  tx: Pick<WriteTransaction, 'findDocs'>,
  orderId: string,
): Promise<string | null> {
  const notes = await tx.findDocs(PAYMENT_NOTES_DB, {
    fields: { orderId, outcome: 'paid' },
    limit: 1,
  });
  const note = notes[0]?.body as PaymentNote | undefined;
  return note?.notification.providerTxnId ?? null;
}

async function putRefund(
  tx: WriteTransaction,
  refund: RefundRecord,
  expectedRev: string | null,
): Promise<void> {
  const written = await tx.put({
    db: REFUNDS_DB,
    id: refund.id,
    body: refund as unknown as JsonObject,
    storeId: refund.storeId,
    expectedRev,
  });
  if (!written.ok) throw new Error(`refund ${refund.id} changed underneath: ${written.reason}`);
}

/**
 * [OS3] Records the refund of `amount` fen of an order in the caller's
 * transaction, once per fact: in cash at the till (recorded only, the till
 * paid it out), or to the original payment (pending until `settleRefunds`
 * asks the provider). An order paid without the provider (at a till) has no
 * payment to go back to: a `refund-due` exception. Nothing for 0 fen.
 */
export async function recordRefund(
  ctx: FactContext,
  refund: { orderId: string; amount: number; to: 'original' | 'cash'; closesOrder?: boolean },
): Promise<RefundRecord | null> {
  if (refund.amount <= 0) return null;
  const id = refundId(ctx.factId);
  if ((await ctx.tx.getDocs(REFUNDS_DB, [id])).has(id)) return null;
  const base: RefundRecord = {
    id,
    orderId: refund.orderId,
    storeId: ctx.storeId,
    amount: refund.amount,
    to: refund.to,
    status: 'paid-in-cash',
    source: { db: ctx.db, factId: ctx.factId },
    createdAt: ctx.receivedAt,
    ...(refund.closesOrder ? { closesOrder: true } : {}),
  };
  if (refund.to === 'cash') {
    await putRefund(ctx.tx, base, null);
    return base;
  }
  const providerTxnId = await paidProviderTxn(ctx.tx, refund.orderId);
  if (providerTxnId === null) {
    const reason = `order ${refund.orderId} was not paid through the provider: refund ${refund.amount} fen by hand`;
    const due: RefundRecord = { ...base, status: 'due', reason };
    await putRefund(ctx.tx, due, null);
    await recordException(ctx, 'refund-due', {
      orderId: refund.orderId,
      amount: refund.amount,
      refundId: id,
      reason,
    });
    return due;
  }
  const pending: RefundRecord = { ...base, status: 'pending', providerTxnId };
  await putRefund(ctx.tx, pending, null);
  return pending;
}

/** [OS4] [OD10] A cancelled order whose money went back is `refunded`. */
async function closeOrder(tx: WriteTransaction, orderId: string, at: string): Promise<void> {
  const row = (await tx.getDocs(ORDERS_DB, [orderId])).get(orderId);
  if (!row) return;
  const order = row.body as unknown as Order;
  const refunded = applyOrderEvent(order, { kind: 'refunded', id: `${orderId}:refunded`, at });
  if (refunded.ok && refunded.order !== order) await putOrder(tx, refunded.order, row.rev, at);
}

/** How many pending refunds one settlement takes; the next takes the rest. */
export const REFUND_SETTLE_MAX = 100;

/**
 * [OS3] Asks the provider for each pending refund (keyed by the refund's id,
 * so a retry is one refund) and records what it answered: refunded, or
 * refused (`refund-due` exception). Without a provider every pending refund
 * becomes due. Returns the refunds settled.
 */
export async function settleRefunds(
  storage: SyncStorage,
  provider: PaymentProvider | undefined,
  now: () => string,
): Promise<RefundRecord[]> {
  const rows = await storage.findDocs(REFUNDS_DB, {
    fields: { status: 'pending' },
    limit: REFUND_SETTLE_MAX,
  });
  const settled: RefundRecord[] = [];
  for (const row of rows) {
    const refund = row.body as unknown as RefundRecord;
    let outcome: Pick<RefundRecord, 'status' | 'providerRefundId' | 'reason'>;
    if (!provider) {
      outcome = { status: 'due', reason: 'no payment provider is configured to refund through' };
    } else {
      try {
        const done = await provider.refund(refund.providerTxnId!, refund.amount, refund.id);
        outcome = { status: 'refunded', providerRefundId: done.refundId };
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        outcome = { status: 'due', reason: `the provider refused the refund: ${why}` };
      }
    }
    const at = now();
    const written = await storage.transaction(async (tx) => {
      const current = (await tx.getDocs(REFUNDS_DB, [refund.id])).get(refund.id);
      if ((current?.body as RefundRecord | undefined)?.status !== 'pending') return null;
      const next: RefundRecord = { ...refund, ...outcome, settledAt: at };
      await putRefund(tx, next, current!.rev);
      if (next.status === 'refunded' && next.closesOrder) await closeOrder(tx, next.orderId, at);
      if (next.status === 'due') {
        await recordException(
          { tx, db: '_refunds', factId: refund.id, storeId: refund.storeId, receivedAt: at },
          'refund-due',
          {
            orderId: refund.orderId,
            amount: refund.amount,
            providerTxnId: refund.providerTxnId ?? null,
            reason: next.reason ?? null,
          },
        );
      }
      return next;
    });
    if (written) settled.push(written);
  }
  return settled;
}
