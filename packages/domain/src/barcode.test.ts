import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gs1CheckDigit, parseGtin, withCheckDigit } from './barcode';

describe('GTIN barcodes', () => {
  it('[B1] computes the GS1 check digit of known codes', () => {
    expect(gs1CheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(gs1CheckDigit('9638507')).toBe(4); // EAN-8 96385074
    expect(gs1CheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
  });

  it('[B2] normalises every length to 14 digits', () => {
    expect(parseGtin('4006381333931')).toEqual({
      ok: true,
      gtin: '04006381333931',
      kind: 'EAN-13',
    });
    expect(parseGtin('96385074')).toMatchObject({
      ok: true,
      gtin: '00000096385074',
      kind: 'EAN-8',
    });
    expect(parseGtin('036000291452')).toMatchObject({
      ok: true,
      gtin: '00036000291452',
      kind: 'UPC-A',
    });
    expect(parseGtin(' 4006381333931\r')).toMatchObject({ ok: true });
  });

  it('[B3] catches a single mistyped digit with a clear message', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 12 }),
        fc.nat(12),
        fc.integer({ min: 1, max: 9 }),
        (body, position, shift) => {
          const code = withCheckDigit(body);
          const digit = (Number(code[position]) + shift) % 10;
          const typo = code.slice(0, position) + String(digit) + code.slice(position + 1);
          const result = parseGtin(typo);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.code).toBe('BARCODE_CHECK_DIGIT');
        },
      ),
    );
  });

  it('[B3] never throws on arbitrary input and rejects what is not a GTIN', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const result = parseGtin(text);
        if (result.ok) expect(result.gtin).toMatch(/^\d{14}$/);
        else expect(result.message.length).toBeGreaterThan(0);
      }),
    );
    expect(parseGtin('12345')).toMatchObject({ ok: false, code: 'BARCODE_FORMAT' });
    expect(parseGtin('400638133393X')).toMatchObject({ ok: false, code: 'BARCODE_FORMAT' });
  });
});
