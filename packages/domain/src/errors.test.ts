import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DomainError, ensure, fail } from './errors';
import { parseGtin } from './barcode';
import { parseCurrency } from './currency';
import { parseVariableMeasure, PRICE_LAYOUT_2_5_5 } from './variable-measure';
import { parseCouponCode, parseMemberQr, parseReceiptCode } from './codes';
import { memberLookup, normalisePhone } from './points';
import { utf8 } from './hmac';

const keys = [{ id: 'k', secret: utf8('k') }];

describe('errors', () => {
  it('[E1] operations raise DomainError with a code and a message', () => {
    expect(() => ensure(false, 'SOME_CODE', 'what went wrong')).toThrow(
      expect.objectContaining({
        name: 'DomainError',
        code: 'SOME_CODE',
        message: 'what went wrong',
      }),
    );
    expect(new DomainError('X', 'y')).toBeInstanceOf(Error);
    expect(fail('X', 'y')).toEqual({ ok: false, code: 'X', message: 'y' });
  });

  it('[E2] every parser returns a typed result for any input and never throws', () => {
    const now = '2026-11-22T03:00:00.000Z';
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 })),
        (text) => {
          const results = [
            parseGtin(text),
            parseCurrency(text),
            parseVariableMeasure(text, [PRICE_LAYOUT_2_5_5]),
            parseReceiptCode(text, keys),
            parseCouponCode(text, keys),
            parseMemberQr(text, keys, now),
            normalisePhone(text),
            memberLookup(text, keys, now),
          ];
          for (const r of results) {
            expect(typeof r.ok).toBe('boolean');
            if (!r.ok) {
              expect(r.code).toMatch(/^[A-Z_]+$/);
              expect(r.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
