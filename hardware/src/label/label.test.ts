import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShippingLabel } from '../hub/protocol';
import { decodeTspl, decodeZpl } from './label-decoder';
import { sampleLabel, sampleSameCityLabel } from './label-fixtures';
import {
  fieldBottom,
  fieldRight,
  layoutShippingLabel,
  type LabelDpi,
  type LabelField,
  type LabelLanguage,
} from './label-layout';
import { encodeShippingLabel } from './shipping-label';
import { encodeTspl } from './tspl';
import { encodeZpl, zplEscape } from './zpl';

const texts = (fields: LabelField[]) =>
  fields.flatMap((f) => (f.kind === 'text' ? [f.data] : [])).join('\n');

function decode(bytes: Uint8Array, language: LabelLanguage, dpi: LabelDpi) {
  const result = language === 'zpl' ? decodeZpl(bytes) : decodeTspl(bytes, { dpi });
  expect(result.errors).toEqual([]);
  expect(result.labels).toHaveLength(1);
  return result.labels[0]!;
}

describe('shipping label: ZPL and TSPL through their decoders', () => {
  for (const language of ['zpl', 'tspl'] as const) {
    for (const dpi of [203, 300] as const) {
      it(`[LB1] ${language} at ${dpi} dpi: courier, waybill as Code 128, QR and digits, sender, masked recipient, orders, weight`, () => {
        const label = decode(encodeShippingLabel(sampleLabel, { language, dpi }), language, dpi);
        expect(label.width).toBe(dpi === 203 ? 799 : 1181);
        const all = texts(label.fields);
        expect(all).toContain('顺丰速运 SF Express');
        expect(label.fields).toContainEqual(
          expect.objectContaining({ kind: 'barcode', data: 'SF1234567890123' }),
        );
        expect(label.fields).toContainEqual(
          expect.objectContaining({ kind: 'qr', data: 'SF1234567890123' }),
        );
        expect(all).toContain('\nSF1234567890123\n');
        expect(all).toContain('张*  138****8001');
        expect(all).toContain('浙江省 杭州市 西湖区');
        expect(all).toContain('文三路 90 号');
        expect(all).toContain('演示门店 Demo Store');
        expect(all.replace(/\s+/g, ' ')).toContain('1024-3381 1024-3390');
        expect(all).toContain('1.25 kg');
        expect(all).toContain('SHP-S001-01JLABEL');
      });
    }
  }

  it("[LB1] a same-city label says so and prints its window in the store's zone", () => {
    const bytes = encodeShippingLabel(sampleSameCityLabel, {
      language: 'zpl',
      dpi: 203,
      timeZone: 'Asia/Shanghai',
    });
    const all = texts(decode(bytes, 'zpl', 203).fields);
    expect(all).toContain('同城 Same-city');
    expect(all).toContain('2026-12-07 14:00\n- 16:00');
  });

  it('[FS8] a recipient given in plaintext is printed masked', () => {
    const label = {
      ...sampleLabel,
      shipTo: { ...sampleLabel.shipTo, name: '张三丰', phone: '13800138001' },
    };
    const all = texts(
      decode(encodeShippingLabel(label, { language: 'tspl', dpi: 203 }), 'tspl', 203).fields,
    );
    expect(all).toContain('张*  138****8001');
    expect(all).not.toContain('三丰');
    expect(all).not.toContain('13800138001');
  });

  it('[LB4] ZPL: UTF-8 with ^CI28, texts in the named Chinese font, data hex-escaped', () => {
    const zpl = new TextDecoder().decode(
      encodeShippingLabel(
        { ...sampleLabel, from: { name: 'A^B~C_D' } },
        { language: 'zpl', dpi: 203, cjkFont: 'E:MSUNG.FNT' },
      ),
    );
    expect(zpl.startsWith('^XA^CI28^PW799^LL1199')).toBe(true);
    expect(zpl).toContain('^A@N,32,32,E:MSUNG.FNT^FH^FD寄 From  A_5EB_7EC_5FD^FS');
    expect(zpl.trimEnd().endsWith('^XZ')).toBe(true);
    expect(zplEscape('^~_')).toBe('_5E_7E_5F');
    expect(() =>
      encodeShippingLabel(sampleLabel, { language: 'zpl', dpi: 203, cjkFont: 'X^XZ' }),
    ).toThrow(/not a ZPL font/);
  });

  it('[LB5] TSPL: SIZE, GAP, CLS, TEXT in TSS24.BF2 (GB18030), BARCODE "128", QRCODE, BOX, PRINT', () => {
    const bytes = encodeShippingLabel(
      { ...sampleLabel, from: { name: 'say "hi"' } },
      { language: 'tspl', dpi: 203 },
    );
    const program = Buffer.from(bytes).toString('latin1');
    expect(program.split('\r\n').slice(0, 5)).toEqual([
      'SIZE 100 mm,150 mm',
      'GAP 2 mm,0 mm',
      'DIRECTION 1',
      'REFERENCE 0,0',
      'CLS',
    ]);
    expect(program).toMatch(/\r\nBARCODE \d+,\d+,"128",144,0,0,\d,\d,"SF1234567890123"\r\n/);
    expect(program).toMatch(/\r\nQRCODE \d+,\d+,M,\d+,A,0,"SF1234567890123"\r\n/);
    expect(program).toContain('say \\["]hi\\["]"');
    expect(program.endsWith('PRINT 1,1\r\n')).toBe(true);
    // Chinese goes as GB18030: 顺 is 0xCB 0xB3.
    expect(Buffer.from(bytes).includes(Buffer.from([0xcb, 0xb3]))).toBe(true);
    expect(texts(decode(bytes, 'tspl', 203).fields)).toContain('寄 From  say "hi"');
  });

  it('[LB3] a waybill number a barcode cannot carry is refused', () => {
    for (const trackingNo of ['', 'SF 123', 'SF^123', '顺丰1', 'A'.repeat(33)]) {
      expect(() =>
        encodeShippingLabel({ ...sampleLabel, trackingNo }, { language: 'zpl', dpi: 203 }),
      ).toThrow(/waybill number/);
    }
  });
});

const unit = fc.oneof(
  fc.constantFrom('^', '~', '_', '"', '\\', ',', ' ', '…', 'é', '\n', '\u0000'),
  fc.constantFrom('张', '王', '区', '路', '号', '楼', '顺', '丰'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = (max: number) =>
  fc.oneof(
    fc.string({ unit, maxLength: max }),
    fc.string({ unit, minLength: max, maxLength: max }),
  );
// Long texts as well as short ones: the largest must still fit without overlapping.
const labels: fc.Arbitrary<ShippingLabel> = fc.record(
  {
    shipmentId: text(60),
    carrier: text(40),
    trackingNo: fc.stringMatching(/^[A-Za-z0-9-]{1,32}$/),
    mode: fc.constantFrom('ship' as const, 'same-city' as const),
    from: fc.record({ name: text(80), region: text(80) }, { requiredKeys: ['name'] }),
    shipTo: fc.record({ name: text(20), phone: text(20), region: text(80), detail: text(300) }),
    orderNumbers: fc.array(fc.stringMatching(/^[0-9-]{1,20}$/), { minLength: 1, maxLength: 12 }),
    weightGrams: fc.integer({ min: 0, max: 100_000 }),
    window: fc.record({
      from: fc.constant('2026-12-07T06:00:00.000Z'),
      to: fc.constant('2026-12-07T08:00:00.000Z'),
    }),
  },
  {
    requiredKeys: ['shipmentId', 'carrier', 'trackingNo', 'mode', 'from', 'shipTo', 'orderNumbers'],
  },
);

describe('shipping label: properties', () => {
  it('[LB1][LB2][LB4][LB5] whatever the label, each decoder reads back exactly the laid-out fields, all on the label', () => {
    fc.assert(
      fc.property(
        labels,
        fc.constantFrom('zpl' as const, 'tspl' as const),
        fc.constantFrom(203 as const, 300 as const),
        (label, language, dpi) => {
          const layout = layoutShippingLabel(label, { language, dpi });
          const bytes = language === 'zpl' ? encodeZpl(layout) : encodeTspl(layout);
          const decoded = decode(bytes, language, dpi);
          expect(decoded.fields).toEqual(layout.fields);
          for (const field of layout.fields) {
            expect(field.x).toBeGreaterThanOrEqual(0);
            expect(fieldRight(field)).toBeLessThanOrEqual(layout.width);
            expect(fieldBottom(field)).toBeLessThanOrEqual(layout.height);
          }
          const printed = layout.fields.filter((f) => f.kind !== 'box');
          printed.forEach((a, i) => {
            for (const b of printed.slice(i + 1)) {
              const apart =
                fieldRight(a) <= b.x ||
                fieldRight(b) <= a.x ||
                fieldBottom(a) <= b.y ||
                fieldBottom(b) <= a.y;
              expect(apart, `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`).toBe(true);
            }
          });
          const barcodes = layout.fields.filter((f) => f.kind === 'barcode' || f.kind === 'qr');
          expect(barcodes.map((f) => f.data)).toEqual([label.trackingNo, label.trackingNo]);
          // Wrapped texts are the source's words in order; a cut one ends in "…".
          const all = texts(layout.fields).replace(/\s+/g, '');
          const orders = `Orders:${label.orderNumbers.join('')}`;
          const shown = all.includes(orders) || /Orders:[0-9-]*…/.test(all);
          expect(shown).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('[LB6] the decoders never throw on arbitrary bytes or on labels cut anywhere', () => {
    const zpl = encodeShippingLabel(sampleLabel, { language: 'zpl', dpi: 203 });
    const tspl = encodeShippingLabel(sampleLabel, { language: 'tspl', dpi: 203 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.nat(zpl.length).map((n) => zpl.subarray(0, n)),
          fc.nat(tspl.length).map((n) => tspl.subarray(0, n)),
          fc
            .tuple(fc.nat(zpl.length), fc.uint8Array({ maxLength: 20 }))
            .map(([n, junk]) =>
              Uint8Array.from([...zpl.subarray(0, n), ...junk, ...zpl.subarray(n)]),
            ),
          fc
            .string({
              unit: fc.constantFrom('^', '~', 'X', 'A', 'Z', 'F', 'D', 'S', ',', '1', '"', 'T'),
            })
            .map((s) => new TextEncoder().encode(s)),
        ),
        (bytes) => {
          for (const result of [decodeZpl(bytes), decodeTspl(bytes)]) {
            expect(Array.isArray(result.labels)).toBe(true);
            expect(result.errors.length).toBeLessThanOrEqual(100);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('[LB6] garbage is an error record, not a label', () => {
    expect(decodeZpl(new TextEncoder().encode('hello^FDx^FS'))).toMatchObject({
      labels: [],
      errors: [
        expect.stringMatching(/stray byte/),
        expect.stringMatching(/outside a format/),
        expect.anything(),
      ],
    });
    expect(
      decodeTspl(new TextEncoder().encode('TEXT 1,2,"TSS24.BF2",0,1,1,"open\r\nFOO\r\n')).errors,
    ).toEqual(['line 1: an unterminated string', 'line 2: unknown command FOO']);
  });
});
