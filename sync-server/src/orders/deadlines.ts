/**
 * The pickup deadline ([HL5]): a paid pickup gets a reminder before its
 * deadline, and at the deadline it is cancelled, its money refunded and its
 * held units released, in one transaction per sweep under the sweep lock.
 * Idempotent: a second sweep at the same instant changes nothing.
 * See SPEC.md [OS4].
 */
import {
  applyOrderEvent,
  isDeliveryLine,
  isPickupOverdue,
  unitsLeftToHandOver,
  uncollectedRefund,
  cancellationRefund,
  type CollectionName,
  type Order,
  type OrderStatus,
} from '@pos/domain';
import { recordException, releaseOrderCoupons } from '../ledgers';
import { queueServiceMessage } from '../pii/outbox';
import type { JsonObject } from '../protocol';
import type { DocRow, SyncStorage, WriteTransaction } from '../storage/storage';
import { recordRefund } from './refunds';
import { withdrawFromShipments } from './shipments';
import { moveHeld, orderStores, ORDERS_DB, pickupUnits, putOrder, unitsLeft } from './store-orders';

/** [OS4] Server-only: what the deadline sweep did to each order, by order id. */
export const PICKUP_DEADLINES_DB = '_pickupDeadlines' as CollectionName;

/** [OS4] How long before its deadline a pickup is reminded, by default: one day. */
export const DEFAULT_REMIND_BEFORE_MS = 24 * 60 * 60 * 1000;

/** [OS4] The statuses of a paid pickup still waiting for (some of) its customer. */
const WAITING: readonly OrderStatus[] = ['paid', 'ready', 'partly-picked-up', 'partly-shipped'];

/** [OD16] Whether any pickup unit is still waiting: a mixed order may have shipped or collected all. */
const pickupWaiting = (order: Order): boolean =>
  order.lines.some((l) => !isDeliveryLine(l) && unitsLeftToHandOver(l) > 0);

/** How many waiting orders of each status one sweep looks at. */
const DEADLINE_SWEEP_MAX = 500;

type DeadlineRecord = {
  id: string;
  orderId: string;
  remindedAt?: string;
  /** The message queued, or why none was (a customer known only by phone index, an inactive member). */
  reminder?: string;
  overdueAt?: string;
  outcome?: 'cancelled' | 'closed' | 'noted';
};

export type DeadlineSweep = {
  reminded: string[];
  cancelled: Order[];
  /** [OD13] Orders partly picked up, closed short: the rest cancelled and refunded. */
  closed: Order[];
  noted: string[];
};

const ms = (instant: string) => Date.parse(instant);

async function waitingOrders(reader: { findDocs: SyncStorage['findDocs'] }): Promise<DocRow[]> {
  const rows: DocRow[] = [];
  for (const status of WAITING) {
    rows.push(
      ...(await reader.findDocs(ORDERS_DB, { fields: { status }, limit: DEADLINE_SWEEP_MAX })),
    );
  }
  return rows;
}

function due(
  order: Order,
  record: DeadlineRecord | undefined,
  now: string,
  remindBeforeMs: number,
) {
  if (order.pickupDeadline === undefined || !pickupWaiting(order)) {
    return { remind: false, overdue: false };
  }
  const overdue = isPickupOverdue(order, now) && record?.overdueAt === undefined;
  const remind =
    !overdue &&
    record?.remindedAt === undefined &&
    ms(now) >= ms(order.pickupDeadline) - remindBeforeMs &&
    ms(now) < ms(order.pickupDeadline);
  return { remind, overdue };
}

/** [OS4] The reminder's text, in both languages: the order, its stores, its deadline. */
function reminderText(order: Order): string {
  const stores = orderStores(order).join(', ');
  const deadline = order.pickupDeadline!;
  return (
    `您的订单 ${order.id} 已在门店 ${stores} 备好，请于 ${deadline} 前取货，逾期将取消并退款。` +
    ` Your order ${order.id} is waiting at ${stores}: pick it up by ${deadline}, or it is cancelled and refunded.`
  );
}

async function putRecord(
  tx: WriteTransaction,
  record: DeadlineRecord,
  rev: string | null,
): Promise<void> {
  const written = await tx.put({
    db: PICKUP_DEADLINES_DB,
    id: record.id,
    body: record as unknown as JsonObject,
    storeId: null,
    expectedRev: rev,
  });
  if (!written.ok) throw new Error(`${record.id} changed underneath: ${written.reason}`);
}

/**
 * [OS4] [HL5] One deadline sweep at `now`, in one transaction: each waiting
 * pickup within `remindBeforeMs` of its deadline gets one reminder (a service
 * message in the outbox, to a member); each past its deadline is cancelled,
 * its total refunded to its payment ([OS3]), the units not handed over
 * released from `held`, its coupons given back ([CR3]), and its store
 * copies updated ([OS2]). One partly
 * picked up closes short ([OD13]): the units not collected are released and
 * refunded; what was handed over stays sold. Anything the order rules refuse
 * is a `pickup-overdue` exception for HQ.
 */
export async function sweepPickupDeadlines(
  storage: SyncStorage,
  now: string,
  remindBeforeMs = DEFAULT_REMIND_BEFORE_MS,
): Promise<DeadlineSweep> {
  return storage.transaction(async (tx) => {
    const done: DeadlineSweep = { reminded: [], cancelled: [], closed: [], noted: [] };
    const rows = await waitingOrders(tx);
    const records = await tx.getDocs(
      PICKUP_DEADLINES_DB,
      rows.map((r) => r.id),
    );
    for (const row of rows) {
      const order = row.body as unknown as Order;
      const recordRow = records.get(order.id);
      const record = recordRow?.body as DeadlineRecord | undefined;
      const { remind, overdue } = due(order, record, now, remindBeforeMs);
      if (!remind && !overdue) continue;
      const next: DeadlineRecord = record ? { ...record } : { id: order.id, orderId: order.id };
      if (remind) {
        const memberId = 'memberId' in order.customer ? order.customer.memberId : null;
        const message = memberId
          ? await queueServiceMessage(
              tx,
              {
                id: `pickup-reminder:${order.id}`,
                memberId,
                channel: 'sms',
                body: reminderText(order),
              },
              now,
            )
          : null;
        next.remindedAt = now;
        next.reminder = message ? message.id : memberId ? 'member-not-reachable' : 'no-member';
        done.reminded.push(order.id);
      }
      if (overdue) {
        const factId = `${order.id}:pickup-deadline`;
        const ctx = {
          tx,
          db: '_orders' as const,
          factId,
          storeId: orderStores(order)[0] ?? null,
          receivedAt: now,
        };
        const short = order.status === 'partly-picked-up' || order.status === 'partly-shipped';
        const refund = short ? uncollectedRefund(order) : cancellationRefund(order);
        const cancelled = applyOrderEvent(
          order,
          short
            ? {
                kind: 'rest-cancelled',
                id: factId,
                at: now,
                refund,
                reason: 'the rest was not picked up by its pickup deadline',
              }
            : {
                kind: 'cancelled',
                id: factId,
                at: now,
                reason: 'not picked up by its pickup deadline',
              },
        );
        next.overdueAt = now;
        if (cancelled.ok && short) {
          // [OD13] Closed short: what was collected stays sold; the rest is released and refunded.
          // [OD16] [OS5] Delivery lines carry on: their held units and parcels stay.
          await putOrder(tx, cancelled.order, row.rev, now);
          if (order.lines.some(isDeliveryLine)) {
            await moveHeld(tx, pickupUnits(order, unitsLeftToHandOver), -1, undefined, now);
          } else {
            await moveHeld(tx, unitsLeft(order), -1, undefined, now);
            await withdrawFromShipments(tx, order, now);
          }
          await recordRefund(ctx, { orderId: order.id, amount: refund, to: 'original' });
          next.outcome = 'closed';
          done.closed.push(cancelled.order);
        } else if (cancelled.ok) {
          await putOrder(tx, cancelled.order, row.rev, now);
          // [RP4] [RP11] Its routed units come back and its parcels no longer carry it.
          await moveHeld(tx, unitsLeft(order), -1, undefined, now);
          await withdrawFromShipments(tx, order, now);
          await recordRefund(ctx, {
            orderId: order.id,
            amount: refund,
            to: 'original',
            closesOrder: true,
          });
          // [CR3] Nothing was handed over and all is refunded: the coupon is the member's again.
          await releaseOrderCoupons(tx, [order.id], now);
          next.outcome = 'cancelled';
          done.cancelled.push(cancelled.order);
        } else {
          await recordException(ctx, 'pickup-overdue', {
            orderId: order.id,
            status: order.status,
            pickupDeadline: order.pickupDeadline ?? null,
            reason: `${cancelled.code}: ${cancelled.message}`,
          });
          next.outcome = 'noted';
          done.noted.push(order.id);
        }
      }
      await putRecord(tx, next, recordRow?.rev ?? null);
    }
    return done;
  });
}

/** [OS4] Whether a deadline sweep at `now` has anything to do (a read; most ticks stop here). */
export async function pickupDeadlinesDue(
  storage: SyncStorage,
  now: string,
  remindBeforeMs = DEFAULT_REMIND_BEFORE_MS,
): Promise<boolean> {
  const rows = await waitingOrders(storage);
  const near = rows.filter((row) => {
    const deadline = (row.body as unknown as Order).pickupDeadline;
    return deadline !== undefined && ms(now) >= ms(deadline) - remindBeforeMs;
  });
  if (near.length === 0) return false;
  const records = await storage.getDocs(
    PICKUP_DEADLINES_DB,
    near.map((r) => r.id),
    null,
  );
  return near.some((row) => {
    const { remind, overdue } = due(
      row.body as unknown as Order,
      records.get(row.id)?.body as DeadlineRecord | undefined,
      now,
      remindBeforeMs,
    );
    return remind || overdue;
  });
}
