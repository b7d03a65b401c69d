/**
 * The hold-expiry sweeper every server process runs: each tick, if some held
 * order is past its hold, the one process that takes the sweep lock expires
 * it and gives its units back. See SPEC.md [OC6], [OC7].
 */
import { isHoldExpired, type Order } from '@pos/domain';
import type { Logger } from '../server';
import type { SyncStorage } from '../storage/storage';
import { EXPIRY_SWEEP_MAX, expireHolds, ORDERS_DB } from './holds';

/** [OC7] How often a server looks for expired holds by default. */
export const DEFAULT_SWEEP_INTERVAL_MS = 1000;
/** [OC6] The name of the lock only one process holds while it sweeps. */
export const HOLD_SWEEP_LOCK = 'order-hold-expiry';

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
  options: { intervalMs?: number; now?: () => Date; log?: Logger } = {},
): HoldSweeper {
  const intervalMs = options.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const tick = () => {
    running = sweepExpiredHolds(storage, now().toISOString()).then(
      (result) => {
        if (result.expired.length > 0) {
          log('info', 'order holds expired', { orders: result.expired.map((o) => o.id) });
        }
      },
      (error: unknown) => {
        if (!stopped)
          log('warn', 'the hold-expiry sweep failed; the next tick retries', {
            error: String(error),
          });
      },
    );
    void running.then(schedule);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
