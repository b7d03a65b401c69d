import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addToBag, BAG_LINES_MAX, BAG_QUANTITY_MAX, readBag, type BagLine } from './bag';

const WATER = { sku: 'SKU-0001', name: '农夫山泉 550ml', price: 200 };
const TEE = { sku: 'SKU-0014', name: 'Cotton Crew Tee M', price: 7900 };

describe('the shopping bag', () => {
  it('keeps one line per product, adding quantities up to what one order takes', () => {
    let lines = addToBag([], WATER, 2);
    lines = addToBag(lines, TEE, 1);
    lines = addToBag(lines, WATER, 3);
    expect(lines).toEqual([
      { ...WATER, quantity: 5 },
      { ...TEE, quantity: 1 },
    ]);
    expect(addToBag(lines, WATER, 200)[0]!.quantity).toBe(BAG_QUANTITY_MAX);
    const full = Array.from({ length: BAG_LINES_MAX }, (_, i) => ({
      sku: `SKU-${i}`,
      name: `P${i}`,
      price: 100,
      quantity: 1,
    }));
    expect(addToBag(full, WATER, 1)).toEqual(full);
  });

  it('reads back what it stored', () => {
    const lines: BagLine[] = [
      { ...WATER, quantity: 6 },
      { ...TEE, quantity: 1 },
    ];
    expect(readBag(JSON.stringify(lines))).toEqual(lines);
    expect(readBag(null)).toEqual([]);
  });

  it('reads any stored text as a bag: whole lines only, one per SKU, within the limits', () => {
    const anyLine = fc.record(
      {
        sku: fc.oneof(fc.string(), fc.integer()),
        name: fc.oneof(fc.string(), fc.constant(null)),
        price: fc.oneof(fc.integer(), fc.double(), fc.string()),
        quantity: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.double(), fc.constant(null)),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.array(anyLine).map((l) => JSON.stringify(l)),
        ),
        (text) => {
          const lines = readBag(text);
          expect(lines.length).toBeLessThanOrEqual(BAG_LINES_MAX);
          expect(new Set(lines.map((l) => l.sku)).size).toBe(lines.length);
          for (const line of lines) {
            expect(typeof line.sku === 'string' && line.sku !== '').toBe(true);
            expect(typeof line.name).toBe('string');
            expect(Number.isSafeInteger(line.price) && line.price >= 0).toBe(true);
            expect(Number.isSafeInteger(line.quantity)).toBe(true);
            expect(line.quantity).toBeGreaterThanOrEqual(1);
            expect(line.quantity).toBeLessThanOrEqual(BAG_QUANTITY_MAX);
          }
        },
      ),
    );
  });
});
