import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPromotions } from './promotion-engine';
import { applyPromotions as referencePromotions } from './promotion-engine.reference';
import type { PricingContext, PricingItem, Promotion, PromotionRule } from './promotion-types';

const ctx: PricingContext = {
  storeId: 'S001',
  channel: 'store',
  now: '2026-11-22T03:00:00.000Z',
  utcOffsetMinutes: 480,
};

const skus = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const categories = ['food', 'drinks', 'home'];
const brands = ['Acme', 'Zen', 'Mu'];

/** Carts with repeated SKUs and equal prices, so the dearest-first tie-breaks matter. */
function arbCart(maxLines: number): fc.Arbitrary<PricingItem[]> {
  return fc
    .array(
      fc.record({
        sku: fc.constantFrom(...skus),
        price: fc.oneof(fc.constantFrom(100, 250, 999), fc.integer({ min: 1, max: 50_000 })),
        quantity: fc.integer({ min: 1, max: 7 }),
        category: fc.constantFrom(...categories),
        brand: fc.option(fc.constantFrom(...brands), { nil: undefined }),
        noPromotions: fc.boolean(),
      }),
      { minLength: 1, maxLength: maxLines },
    )
    .map((rows) =>
      rows.map((r, i): PricingItem => ({
        lineId: `L${i}`,
        sku: r.sku,
        name: r.sku,
        category: r.category,
        ...(r.brand === undefined ? {} : { brand: r.brand }),
        taxClass: 'VAT13',
        quantity: r.quantity,
        unitPrice: r.price,
        ...(r.noPromotions && i % 4 === 3 ? { noPromotions: true } : {}),
      })),
    );
}

function arbPromotions(max: number): fc.Arbitrary<Promotion[]> {
  const rule: fc.Arbitrary<PromotionRule> = fc.oneof(
    fc.integer({ min: 1, max: 10_000 }).map((bp) => ({ kind: 'percent-off' as const, bp })),
    fc.integer({ min: 1, max: 20_000 }).map((amount) => ({ kind: 'amount-off' as const, amount })),
    fc.integer({ min: 0, max: 20_000 }).map((price) => ({ kind: 'fixed-price' as const, price })),
    fc
      .record({
        buy: fc.integer({ min: 1, max: 3 }),
        get: fc.integer({ min: 1, max: 2 }),
        bp: fc.integer({ min: 1, max: 10_000 }),
      })
      .map((r) => ({ kind: 'buy-x-get-y' as const, ...r })),
    fc
      .record({
        quantity: fc.integer({ min: 2, max: 4 }),
        price: fc.integer({ min: 0, max: 60_000 }),
      })
      .map((r) => ({ kind: 'bundle' as const, ...r })),
    fc
      .record({
        spend: fc.integer({ min: 1, max: 80_000 }),
        save: fc.integer({ min: 1, max: 80_000 }),
      })
      .map((t) => ({
        kind: 'spend-threshold' as const,
        tiers: [{ spend: t.spend, save: Math.min(t.save, t.spend) }],
      })),
  );
  const target = fc.record(
    {
      skus: fc.subarray(skus, { maxLength: 3 }),
      categories: fc.subarray(categories, { maxLength: 2 }),
      brands: fc.subarray(brands, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
  return fc
    .array(
      fc.record({
        rule,
        target,
        priority: fc.integer({ min: 0, max: 3 }),
        exclusive: fc.boolean(),
      }),
      { maxLength: max },
    )
    .map((rows) =>
      rows.map((r, i): Promotion => ({
        id: `P${i}`,
        name: `P${i}`,
        priority: r.priority,
        ...(r.exclusive && i % 5 === 0 ? { exclusive: true } : {}),
        target: r.target,
        rule: r.rule,
      })),
    );
}

describe('promotion engine against the reference engine', () => {
  it('[PR10] gives exactly the same priced cart, both strategies, exact and heuristic', () => {
    fc.assert(
      fc.property(arbCart(14), arbPromotions(12), (items, promotions) => {
        for (const strategy of ['best-for-customer', 'priority'] as const) {
          const actual = applyPromotions(items, promotions, ctx, strategy);
          const expected = referencePromotions(items, promotions, ctx, strategy);
          expect(actual).toEqual(expected);
          // Same keys in the same order, too (what a receipt or JSON log would show).
          expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
        }
      }),
      { numRuns: 300 },
    );
  });
});
