/**
 * Available to promise: what a store can still sell or promise of a SKU.
 * See SPEC.md [ATP1]-[ATP2].
 */
import { DomainError } from './errors';

export type StockFigures = {
  onHand: number;
  /** Units held for orders not yet picked up or shipped (default 0). */
  held?: number;
  /** Units committed to orders being fulfilled (default 0). */
  committed?: number;
  /** Units kept back as a buffer, never promised (default 0). */
  safetyStock?: number;
};

/**
 * [ATP1] ATP = max(onHand − held − committed − safetyStock, 0); what is not
 * known (held, committed, safety stock) counts as 0.
 * [ATP2] Every figure is a whole number; held, committed and safety stock are
 * never negative. Anything else is refused (`STOCK_INVALID`).
 */
export function availableToPromise(position: StockFigures): number {
  const { onHand, held = 0, committed = 0, safetyStock = 0 } = position;
  if (!Number.isSafeInteger(onHand)) {
    throw new DomainError('STOCK_INVALID', `on hand must be a whole number, got ${onHand}`);
  }
  for (const [name, value] of [
    ['held', held],
    ['committed', committed],
    ['safety stock', safetyStock],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new DomainError('STOCK_INVALID', `${name} must be a whole number >= 0, got ${value}`);
    }
  }
  return Math.max(onHand - held - committed - safetyStock, 0);
}
