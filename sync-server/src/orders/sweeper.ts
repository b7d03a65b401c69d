/**
 * The order sweeper every server process runs: each tick, if some held order
 * is past its hold, the one process that takes the sweep lock expires it and
 * gives its units back; paid pickups are reminded and, past their deadline,
 * cancelled and refunded; pending refunds go to the provider.
 * See SPEC.md [OC6], [OC7], [OS3], [OS4].
 */
import { startPeriodicSweep } from '../periodic-sweep';
import { isHoldExpired, type Order } from '@pos/domain';
import type { PaymentProvider } from '../payments/provider';
import type { Logger } from '../server';
import type { SyncStorage } from '../storage/storage';
import {
  DEFAULT_REMIND_BEFORE_MS,
  pickupDeadlinesDue,
  sweepPickupDeadlines,
  type DeadlineSweep,
} from './deadlines';
import { EXPIRY_SWEEP_MAX, expireHolds, ORDERS_DB } from './holds';
import { REFUNDS_DB, settleRefunds, type RefundRecord } from './refunds';

/** [OC7] How often a server looks for expired holds by default. */
export const DEFAULT_SWEEP_INTERVAL_MS = 1000;
/** [OC6] The name of the lock only one process holds while it sweeps. */
export const HOLD_SWEEP_LOCK = 'order-hold-expiry';
/** [OS4] The lock of the pickup-deadline sweep. */
export const DEADLINE_SWEEP_LOCK = 'order-pickup-deadline';
/** [OS3] The lock of the refund settlement: one process asks the provider. */
export const REFUND_SETTLE_LOCK = 'order-refunds';

export type SweepResult = { ran: true; expired: Order[] } | { ran: false; expired: [] };

/**
 * [OC6] One sweep at `now`: a read finds whether any held order is past its
 * hold (most ticks stop here, writing nothing); if so, the sweep runs under
 * the sweep lock. `ran: false` when another process held the lock.
 */
export async function sweepExpiredHolds(storage: SyncStorage, now: string): Promise<SweepResult> {
  const held = await storage.findDocs(ORDERS_DB, {
    fields: { status: 'held' },
    limit: EXPIRY_SWEEP_MAX,
  });
  if (!held.some((row) => isHoldExpired(row.body as Order, now))) {
    return { ran: true, expired: [] };
  }
  const swept = await storage.withSweepLock(HOLD_SWEEP_LOCK, () => expireHolds(storage, now));
  return swept.ran ? { ran: true, expired: swept.value } : { ran: false, expired: [] };
}

/** What the order sweep options are: the deadline reminder and the refunds' provider. */
export type OrderSweepOptions = {
  /** [OS4] How long before its deadline a pickup is reminded; default one day. */
  remindBeforeMs?: number;
  /**
   * [OS3] The provider refunds go back through (or how to find it when the
   * sweep needs it); none: each refund is due by hand.
   */
  provider?: PaymentProvider | (() => PaymentProvider | undefined);
};

export type OrderSweepResult = SweepResult & {
  deadlines: DeadlineSweep | null;
  refunds: RefundRecord[];
};

/**
 * [OC6] [OS3] [OS4] One sweep of everything the order center does by the
 * clock, each part under its own lock and only when a read finds work: hold
 * expiry, pickup deadlines, then refunds pending with the provider.
 */
export async function sweepOrders(
  storage: SyncStorage,
  now: string,
  options: OrderSweepOptions = {},
): Promise<OrderSweepResult> {
  const holds = await sweepExpiredHolds(storage, now);
  const remindBeforeMs = options.remindBeforeMs ?? DEFAULT_REMIND_BEFORE_MS;
  let deadlines: DeadlineSweep | null = null;
  if (await pickupDeadlinesDue(storage, now, remindBeforeMs)) {
    const swept = await storage.withSweepLock(DEADLINE_SWEEP_LOCK, () =>
      sweepPickupDeadlines(storage, now, remindBeforeMs),
    );
    if (swept.ran) deadlines = swept.value;
  }
  let refunds: RefundRecord[] = [];
  const pending = await storage.findDocs(REFUNDS_DB, { fields: { status: 'pending' }, limit: 1 });
  if (pending.length > 0) {
    const settled = await storage.withSweepLock(REFUND_SETTLE_LOCK, () =>
      settleRefunds(
        storage,
        typeof options.provider === 'function' ? options.provider() : options.provider,
        () => now,
      ),
    );
    if (settled.ran) refunds = settled.value;
  }
  return { ...holds, deadlines, refunds };
}

export type HoldSweeper = {
  /** Stops the ticks and waits for a sweep under way. */
  stop(): Promise<void>;
};

/**
 * [OC7] Sweeps every `intervalMs` (default 1 s) until stopped, one sweep at a
 * time; a failed sweep is logged and the next tick tries again.
 */
export function startHoldSweeper(
  storage: SyncStorage,
  options: { intervalMs?: number; now?: () => Date; log?: Logger } & OrderSweepOptions = {},
): HoldSweeper {
  const intervalMs = options.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  return startPeriodicSweep(
    async () => {
      const result = await sweepOrders(storage, now().toISOString(), options);
      if (result.expired.length > 0) {
        log('info', 'order holds expired', { orders: result.expired.map((o) => o.id) });
      }
      const d = result.deadlines;
      if (d && (d.reminded.length || d.cancelled.length || d.noted.length)) {
        log('info', 'pickup deadlines swept', {
          reminded: d.reminded,
          cancelled: d.cancelled.map((o) => o.id),
          noted: d.noted,
        });
      }
      if (result.refunds.length > 0) {
        log('info', 'refunds settled', {
          refunds: result.refunds.map((r) => ({ id: r.id, status: r.status })),
        });
      }
    },
    intervalMs,
    (error) =>
      log('warn', 'the hold-expiry sweep failed; the next tick retries', { error: String(error) }),
  );
}
