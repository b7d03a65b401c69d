import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assertMinor,
  formatMinorPlain,
  formatMoney,
  multiplyMinor,
  parseMinor,
  sumMinor,
} from './money';

describe('money', () => {
  it('[M1] refuses floats, NaN and unsafe integers', () => {
    for (const bad of [1.5, Number.NaN, Infinity, 2 ** 53, '12', null]) {
      expect(() => assertMinor(bad)).toThrow(/whole number of minor units/);
    }
    expect(assertMinor(1250)).toBe(1250);
  });

  it('[M2] a sum of amounts equals the sum of its parts in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { maxLength: 50 }), (amounts) => {
        const reversed = [...amounts].reverse();
        expect(sumMinor(amounts)).toBe(sumMinor(reversed));
        expect(Number.isSafeInteger(sumMinor(amounts))).toBe(true);
      }),
    );
  });

  it('[M2] line amounts are exact and overflow is refused', () => {
    expect(multiplyMinor(333, 3)).toBe(999);
    expect(() => multiplyMinor(2 ** 52, 4)).toThrow(/line amount/);
  });

  it('[M3] plain format and parse round-trip exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (amount) => {
        expect(parseMinor(formatMinorPlain(amount))).toBe(amount);
      }),
    );
    expect(formatMinorPlain(5)).toBe('0.05');
    expect(formatMinorPlain(-1250)).toBe('-12.50');
  });

  it('[M3] formats for people with Intl, in the locale asked for', () => {
    expect(formatMoney(123456, 'CNY', 'zh-CN')).toBe('¥1,234.56');
    expect(formatMoney(5, 'CNY', 'en-US')).toBe('CN¥0.05');
  });

  it('[M3] refuses typed amounts with too many decimals or stray text', () => {
    expect(parseMinor('20')).toBe(2000);
    expect(parseMinor('12.5')).toBe(1250);
    for (const bad of ['12.505', 'abc', '', '-3', '1e5']) {
      expect(() => parseMinor(bad)).toThrow();
    }
  });
});
