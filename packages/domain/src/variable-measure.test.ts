import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkLayout,
  makeVariableMeasure,
  parseVariableMeasure,
  priceForWeight,
  PRICE_LAYOUT_2_5_5,
  WEIGHT_LAYOUT_2_5_5,
  type VariableMeasureLayout,
} from './variable-measure';

const layouts = [PRICE_LAYOUT_2_5_5, WEIGHT_LAYOUT_2_5_5];

describe('variable-measure barcodes', () => {
  it('[VM1] a layout must fill 13 digits with prefixes 20-29', () => {
    expect(checkLayout(PRICE_LAYOUT_2_5_5)).toBeUndefined();
    expect(checkLayout({ ...PRICE_LAYOUT_2_5_5, itemDigits: 6 })).toMatch(/13 digits/);
    expect(checkLayout({ ...PRICE_LAYOUT_2_5_5, prefixes: ['30'] })).toMatch(/20 to 29/);
    const withPriceCheck: VariableMeasureLayout = {
      prefixes: ['22'],
      itemDigits: 5,
      skipDigits: 1,
      valueDigits: 4,
      valueKind: 'price',
    };
    expect(checkLayout(withPriceCheck)).toBeUndefined();
    expect(
      parseVariableMeasure(makeVariableMeasure(withPriceCheck, '22', '123', 999), [withPriceCheck]),
    ).toMatchObject({
      ok: true,
      itemCode: '00123',
      price: 999,
    });
  });

  it('[VM2] reads the embedded price or weight and the catalog GTIN', () => {
    const code = makeVariableMeasure(PRICE_LAYOUT_2_5_5, '20', '12345', 1599);
    expect(code).toHaveLength(13);
    const parsed = parseVariableMeasure(code, layouts);
    expect(parsed).toMatchObject({ ok: true, prefix: '20', itemCode: '12345', price: 1599 });
    if (parsed.ok)
      expect(parsed.lookupGtin).toBe(
        '0' + makeVariableMeasure(PRICE_LAYOUT_2_5_5, '20', '12345', 0),
      );
    expect(
      parseVariableMeasure(makeVariableMeasure(WEIGHT_LAYOUT_2_5_5, '28', '7', 1250), layouts),
    ).toMatchObject({
      ok: true,
      valueKind: 'weight',
      grams: 1250,
      itemCode: '00007',
    });
    fc.assert(
      fc.property(fc.nat(99999), fc.nat(99999), (item, value) => {
        const c = makeVariableMeasure(PRICE_LAYOUT_2_5_5, '21', String(item), value);
        expect(parseVariableMeasure(c, layouts)).toMatchObject({ ok: true, price: value });
      }),
    );
  });

  it('[VM3] non-variable, mistyped or malformed codes are typed errors, never throws', () => {
    expect(parseVariableMeasure('4006381333931', layouts)).toMatchObject({
      ok: false,
      code: 'NOT_VARIABLE_MEASURE',
    });
    expect(parseVariableMeasure('2012345015991', layouts)).toMatchObject({
      ok: false,
      code: 'BARCODE_CHECK_DIGIT',
    });
    expect(parseVariableMeasure('96385074', layouts)).toMatchObject({
      ok: false,
      code: 'NOT_VARIABLE_MEASURE',
    });
    expect(parseVariableMeasure('20x', layouts)).toMatchObject({
      ok: false,
      code: 'BARCODE_FORMAT',
    });
    const broken = { ...PRICE_LAYOUT_2_5_5, itemDigits: 9 };
    expect(
      parseVariableMeasure(makeVariableMeasure(PRICE_LAYOUT_2_5_5, '20', '1', 1), [broken]),
    ).toMatchObject({
      ok: false,
      code: 'LAYOUT_INVALID',
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^2\d{12}$/)),
        (text) => {
          const r = parseVariableMeasure(text, layouts);
          if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
          else expect(r.lookupGtin).toMatch(/^\d{14}$/);
        },
      ),
    );
  });

  it('[VM4] prices a weight to the fen, half up', () => {
    expect(priceForWeight(3980, 1250)).toBe(4975);
    expect(priceForWeight(1999, 333)).toBe(666); // 665.667
    expect(priceForWeight(1000, 1)).toBe(1);
  });
});
