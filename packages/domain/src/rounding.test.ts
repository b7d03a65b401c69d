import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allocateByLargestRemainder,
  divideRounded,
  percentOf,
  roundCash,
  scaleMinor,
} from './rounding';

describe('rounding', () => {
  it('[RD1] rounds exact ratios by the named mode, including negatives', () => {
    expect(divideRounded(5n, 2n, 'half-up')).toBe(3n);
    expect(divideRounded(-5n, 2n, 'half-up')).toBe(-3n);
    expect(divideRounded(5n, 2n, 'half-even')).toBe(2n);
    expect(divideRounded(7n, 2n, 'half-even')).toBe(4n);
    expect(divideRounded(-7n, 2n, 'floor')).toBe(-4n);
    expect(divideRounded(-7n, 2n, 'ceil')).toBe(-3n);
    expect(divideRounded(7n, -2n, 'floor')).toBe(-4n);
    expect(percentOf(1999, 1500)).toBe(300); // 299.85
    expect(scaleMinor(1e13, 9999, 10000, 'floor')).toBe(9_999_000_000_000);
  });

  it('[RD1] a rounded ratio is within one unit of the exact value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.constantFrom('half-up', 'half-even', 'floor', 'ceil' as const),
        (n, d, mode) => {
          const q = divideRounded(n, d, mode);
          const diff = q * d - n;
          expect(diff <= d && diff >= -d).toBe(true);
          if (mode === 'floor') expect(q * d <= n).toBe(true);
          if (mode === 'ceil') expect(q * d >= n).toBe(true);
          if (mode === 'half-up' || mode === 'half-even') {
            expect(2n * (diff < 0n ? -diff : diff) <= d).toBe(true);
          }
        },
      ),
    );
  });

  it('[RD2] allocated parts sum exactly to the total and track the weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.array(fc.integer({ min: 0, max: 1e7 }), { minLength: 1, maxLength: 40 }),
        (total, weights) => {
          const parts = allocateByLargestRemainder(total, weights);
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const sum = weights.reduce((a, b) => a + b, 0);
          parts.forEach((p, i) => {
            if (sum > 0 && weights[i] === 0) expect(p).toBe(0);
            const exact = sum > 0 ? (total * weights[i]!) / sum : total / weights.length;
            expect(Math.abs(p - exact)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
    );
    expect(allocateByLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateByLargestRemainder(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocateByLargestRemainder(5, [0, 0])).toEqual([3, 2]);
  });

  it('[RD1][RD2] the safe-integer fast paths agree with exact BigInt arithmetic', () => {
    const modes = ['half-up', 'half-even', 'floor', 'ceil'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: -1e11, max: 1e11 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.constantFrom(...modes),
        (amount, num, den, mode) => {
          const exact = Number(divideRounded(BigInt(amount) * BigInt(num), BigInt(den), mode));
          expect(scaleMinor(amount, num, den, mode)).toBe(exact);
        },
      ),
    );
    expect(() => scaleMinor(2 ** 52, 4, 1)).toThrow(/whole number of minor units/);
    const reference = (total: number, weights: number[]): number[] => {
      const sum = weights.reduce((a, b) => a + BigInt(b), 0n);
      const exact = weights.map((w) => BigInt(total) * BigInt(w));
      const parts = exact.map((e) => e / sum);
      let left = BigInt(total) - parts.reduce((a, b) => a + b, 0n);
      const order = weights
        .map((_, i) => i)
        .sort((a, b) => {
          const ra = exact[a]! % sum;
          const rb = exact[b]! % sum;
          return ra === rb ? a - b : ra > rb ? -1 : 1;
        });
      for (const i of order) if (left-- > 0n) parts[i] = parts[i]! + 1n;
      return parts.map(Number);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.array(fc.integer({ min: 1, max: 1e9 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          expect(allocateByLargestRemainder(total, weights)).toEqual(reference(total, weights));
        },
      ),
    );
  });

  it('[RD2] refuses negative or fractional weights with a typed error', () => {
    expect(() => allocateByLargestRemainder(10, [1, -1])).toThrow(
      expect.objectContaining({ code: 'ALLOCATION_INVALID' }),
    );
    expect(() => allocateByLargestRemainder(10, [])).toThrow(/no parts/);
  });

  it('[RD3] cash rounding to 0.1 or 1 yuan, down by default', () => {
    expect(roundCash(1287, { step: 10, mode: 'floor' })).toEqual({ due: 1280, adjustment: -7 });
    expect(roundCash(1287, { step: 100, mode: 'floor' })).toEqual({ due: 1200, adjustment: -87 });
    expect(roundCash(1287, { step: 10, mode: 'half-up' })).toEqual({ due: 1290, adjustment: 3 });
    expect(roundCash(1287, { step: 1, mode: 'floor' })).toEqual({ due: 1287, adjustment: 0 });
    fc.assert(
      fc.property(fc.nat(1e10), fc.constantFrom(10 as const, 100 as const), (due, step) => {
        const r = roundCash(due, { step, mode: 'floor' });
        expect(r.due % step).toBe(0);
        expect(r.adjustment).toBeLessThanOrEqual(0);
        expect(r.adjustment).toBeGreaterThan(-step);
        expect(r.due).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
