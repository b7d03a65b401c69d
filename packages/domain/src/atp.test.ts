import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { availableToPromise } from './atp';

describe('available to promise', () => {
  it('[ATP1] is on hand less held, committed and safety stock, never below 0', () => {
    expect(availableToPromise({ onHand: 10 })).toBe(10);
    expect(availableToPromise({ onHand: 10, held: 2, committed: 3, safetyStock: 1 })).toBe(4);
    expect(availableToPromise({ onHand: 3, held: 2, committed: 3 })).toBe(0);
    expect(availableToPromise({ onHand: -4 })).toBe(0);
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.nat(1000),
        fc.nat(1000),
        fc.nat(1000),
        (onHand, held, committed, safetyStock) => {
          const atp = availableToPromise({ onHand, held, committed, safetyStock });
          expect(atp).toBe(Math.max(0, onHand - held - committed - safetyStock));
          expect(atp).toBeLessThanOrEqual(Math.max(onHand, 0));
        },
      ),
    );
  });

  it('[ATP2] refuses fractions and negative holds', () => {
    expect(() => availableToPromise({ onHand: 1.5 })).toThrow(/whole/);
    expect(() => availableToPromise({ onHand: 5, held: -1 })).toThrow(/held/);
    expect(() => availableToPromise({ onHand: 5, safetyStock: 0.5 })).toThrow(/safety/);
  });
});
