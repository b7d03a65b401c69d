/**
 * [SV5] The sweep that applies scheduled price changes at their instant
 * (the price document for the tills, then the labels' push), so they take
 * effect on time even when no label request comes. One process at a time
 * (the sweep lock in `applyDuePriceChanges`).
 */
import { startPeriodicSweep, type PeriodicSweep } from '../periodic-sweep';
import type { Logger } from '../server';
import type { SyncStorage } from '../storage/storage';
import { applyDuePriceChanges } from './labels';

/** How often a server looks for due price changes by default. */
export const PRICE_CHANGE_SWEEP_MS = 1000;

export function startPriceChangeSweep(
  storage: SyncStorage,
  options: { now: () => Date; log: Logger; intervalMs?: number },
): PeriodicSweep {
  return startPeriodicSweep(
    async () => {
      const applied = await applyDuePriceChanges(storage, options.now());
      if (applied) options.log('info', 'scheduled price changes applied', { applied });
    },
    options.intervalMs ?? PRICE_CHANGE_SWEEP_MS,
    (error) => options.log('error', 'price change sweep failed', { error: String(error) }),
  );
}
