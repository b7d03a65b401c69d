import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { taxBreakdown, taxContained, taxOn, VAT_RATES_BP } from './tax';
import { parseCurrency } from './currency';

describe('tax', () => {
  it('[T1] China VAT rates per class', () => {
    expect(VAT_RATES_BP).toEqual({ VAT13: 1300, VAT9: 900, VAT6: 600, VAT0: 0 });
  });

  it('[T2] tax contained in an inclusive price', () => {
    expect(taxContained(11300, 1300)).toBe(1300);
    expect(taxContained(250, 1300)).toBe(29); // 28.76
    expect(taxContained(999, 0)).toBe(0);
  });

  it('[T3] tax added to an exclusive price', () => {
    expect(taxOn(10000, 1300)).toBe(1300);
    expect(taxOn(250, 900)).toBe(23); // 22.5 rounds half up
  });

  it('[T4] per-class breakdown adds up, inclusive and exclusive', () => {
    const lines = [
      { taxClass: 'VAT13' as const, amount: 250 },
      { taxClass: 'VAT9' as const, amount: 1290 },
      { taxClass: 'VAT13' as const, amount: 500 },
    ];
    const inc = taxBreakdown(lines);
    expect(inc.gross).toBe(2040);
    expect(inc.classes.map((c) => [c.taxClass, c.gross, c.tax])).toEqual([
      ['VAT13', 750, 86],
      ['VAT9', 1290, 107],
    ]);
    const exc = taxBreakdown(lines, 'exclusive');
    expect(exc.net).toBe(2040);
    expect(exc.gross).toBe(2040 + 98 + 116);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            taxClass: fc.constantFrom('VAT13', 'VAT9', 'VAT6', 'VAT0' as const),
            amount: fc.nat(1e8),
          }),
          { maxLength: 30 },
        ),
        fc.constantFrom('inclusive', 'exclusive' as const),
        (ls, basis) => {
          const b = taxBreakdown(ls, basis);
          expect(b.net + b.tax).toBe(b.gross);
          for (const c of b.classes) expect(c.tax).toBeGreaterThanOrEqual(0);
          if (basis === 'inclusive') expect(b.gross).toBe(ls.reduce((a, l) => a + l.amount, 0));
        },
      ),
    );
  });

  it('[M4] unknown currencies are a typed error', () => {
    expect(parseCurrency('CNY')).toEqual({ ok: true, currency: 'CNY', digits: 2 });
    expect(parseCurrency('JPY')).toMatchObject({ ok: true, digits: 0 });
    expect(parseCurrency('XXX')).toMatchObject({ ok: false, code: 'CURRENCY_UNKNOWN' });
    expect(parseCurrency('toString')).toMatchObject({ ok: false, code: 'CURRENCY_UNKNOWN' });
    expect(parseCurrency({ toString: {} })).toMatchObject({ ok: false, code: 'CURRENCY_UNKNOWN' });
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const r = parseCurrency(v);
        if (!r.ok) expect(r.message).toMatch(/not a supported currency/);
      }),
    );
  });
});
