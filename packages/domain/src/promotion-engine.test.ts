import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPromotions, isPromotionActive, promotionProblems } from './promotion-engine';
import type { PricingContext, PricingItem, Promotion, PromotionRule } from './promotion-types';

const ctx: PricingContext = {
  storeId: 'S001',
  channel: 'store',
  now: '2026-11-22T03:00:00.000Z', // Sunday 11:00 in Shanghai
  utcOffsetMinutes: 480,
};

const item = (
  sku: string,
  unitPrice: number,
  quantity = 1,
  extra: Partial<PricingItem> = {},
): PricingItem => ({
  lineId: `L-${sku}`,
  sku,
  name: sku,
  category: 'food',
  taxClass: 'VAT13',
  quantity,
  unitPrice,
  ...extra,
});

const promo = (id: string, rule: PromotionRule, extra: Partial<Promotion> = {}): Promotion => ({
  id,
  name: id,
  priority: 0,
  target: {},
  rule,
  ...extra,
});

describe('promotion engine', () => {
  it('[PR1] malformed promotions are skipped and reported, never applied', () => {
    const bad = [
      promo('p1', { kind: 'percent-off', bp: 12_000 }),
      promo('p2', { kind: 'bundle', quantity: 1, price: 100 }),
      promo('p3', { kind: 'spend-threshold', tiers: [{ spend: 100, save: 200 }] }),
      promo('p4', { kind: 'amount-off', amount: 1.5 }),
    ];
    const r = applyPromotions([item('A', 1000)], bad, ctx);
    expect(r.discount).toBe(0);
    expect(r.ignored.map((i) => i.id)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(promotionProblems(promo('ok', { kind: 'percent-off', bp: 1000 }))).toEqual([]);
  });

  it('[PR2] percent or amount off a SKU, category or brand, rounded per line, never below zero', () => {
    const items = [
      item('A', 1999, 3),
      item('B', 500, 1, { category: 'drinks' }),
      item('C', 300, 2, { brand: 'Acme' }),
    ];
    const r = applyPromotions(
      items,
      [
        promo('sku', { kind: 'percent-off', bp: 1500 }, { target: { skus: ['A'] } }),
        promo('cat', { kind: 'amount-off', amount: 800 }, { target: { categories: ['drinks'] } }),
        promo('brand', { kind: 'amount-off', amount: 50 }, { target: { brands: ['Acme'] } }),
      ],
      ctx,
    );
    expect(r.lines.map((l) => l.discount)).toEqual([900, 500, 100]); // 15% of 5997 = 899.55
    expect(r.lines[1]!.net).toBe(0);
  });

  it('[PR3] a member-tier price applies to members of the tier and never raises a price', () => {
    const p = promo('gold', { kind: 'fixed-price', price: 800 }, { memberTiers: ['gold'] });
    expect(applyPromotions([item('A', 1000, 2)], [p], ctx).discount).toBe(0);
    const gold = { ...ctx, memberTier: 'gold' };
    expect(applyPromotions([item('A', 1000, 2)], [p], gold).discount).toBe(400);
    expect(applyPromotions([item('A', 700, 2)], [p], gold).discount).toBe(0);
  });

  it('[PR4] buy 2 get 1: the cheapest of each group of three is free', () => {
    const p = promo('b2g1', { kind: 'buy-x-get-y', buy: 2, get: 1, bp: 10_000 });
    const r = applyPromotions(
      [item('A', 1000), item('B', 900), item('C', 800), item('D', 700), item('E', 600)],
      [p],
      ctx,
    );
    expect(r.discount).toBe(800); // groups: [A,B,C]; D and E are left over
    const half = promo('b1g1half', { kind: 'buy-x-get-y', buy: 1, get: 1, bp: 5000 });
    expect(applyPromotions([item('A', 1001, 2)], [half], ctx).discount).toBe(501);
  });

  it('[PR5] a bundle sells N units for a price, dearest units first, only when it saves', () => {
    const p = promo('3for10', { kind: 'bundle', quantity: 3, price: 1000 });
    const r = applyPromotions([item('A', 500, 4), item('B', 300, 2)], [p], ctx);
    // groups: [A,A,A] saves 500; [A,B,B] = 1100 saves 100.
    expect(r.discount).toBe(600);
    expect(applyPromotions([item('A', 300, 3)], [p], ctx).discount).toBe(0);
    // A very large line is handled in one step.
    expect(applyPromotions([item('A', 500, 99_999)], [p], ctx).discount).toBe(33_333 * 500);
  });

  it('[PR6] a group discount is shared over its units by price, summing exactly', () => {
    const p = promo('b1g1', { kind: 'buy-x-get-y', buy: 1, get: 1, bp: 10_000 });
    const r = applyPromotions([item('A', 1000), item('B', 500)], [p], ctx);
    expect(r.lines.map((l) => l.discount)).toEqual([333, 167]);
    expect(r.discount).toBe(500);
  });

  it('[PR7] 满减: spend 300 save 40, spend 500 save 80, on the net after item promotions', () => {
    const tiers = promo('mj', {
      kind: 'spend-threshold',
      tiers: [
        { spend: 30_000, save: 4_000 },
        { spend: 50_000, save: 8_000 },
      ],
    });
    expect(applyPromotions([item('A', 29_999)], [tiers], ctx).discount).toBe(0);
    expect(applyPromotions([item('A', 30_000)], [tiers], ctx).discount).toBe(4_000);
    expect(applyPromotions([item('A', 25_000, 2)], [tiers], ctx).discount).toBe(8_000);
    const off = promo('off', { kind: 'amount-off', amount: 1 }, { target: { skus: ['A'] } });
    const r = applyPromotions([item('A', 25_000, 2)], [tiers, off], ctx);
    expect(r.discount).toBe(2 + 4_000); // the net 49,998 reaches only the 300 tier
    const each = promo('each', {
      kind: 'spend-threshold',
      tiers: [{ spend: 10_000, save: 1_000 }],
      repeat: true,
    });
    const split = applyPromotions([item('A', 12_000), item('B', 13_000)], [each], ctx);
    expect(split.discount).toBe(2_000);
    expect(split.lines.map((l) => l.discount)).toEqual([960, 1_040]);
  });

  it('[PR8] each unit takes one item promotion; thresholds stack; an exclusive one stands alone', () => {
    const a = promo('a', { kind: 'percent-off', bp: 1000 }, { priority: 2 });
    const b = promo('b', { kind: 'percent-off', bp: 2000 }, { priority: 1 });
    const mj = promo('mj', { kind: 'spend-threshold', tiers: [{ spend: 1000, save: 100 }] });
    const r = applyPromotions([item('A', 1000)], [a, b, mj], ctx);
    expect(r.lines[0]!.adjustments.map((x) => [x.id, x.amount])).toEqual([
      ['b', 200],
      // 800 left does not reach 1000
    ]);
    const big = applyPromotions([item('A', 2000)], [a, b, mj], ctx);
    expect(big.applied.map((x) => [x.id, x.amount])).toEqual([
      ['b', 400],
      ['mj', 100],
    ]);
    const ex = promo('ex', { kind: 'percent-off', bp: 2600 }, { exclusive: true });
    expect(
      applyPromotions([item('A', 2000)], [a, b, mj, ex], ctx).applied.map((x) => x.id),
    ).toEqual(['ex']);
    const weakEx = promo('weak', { kind: 'percent-off', bp: 2200 }, { exclusive: true });
    expect(
      applyPromotions([item('A', 2000)], [a, b, mj, weakEx], ctx).applied.map((x) => x.id),
    ).toEqual(['b', 'mj']);
  });

  it('[PR9] scoping by store, channel, dates, weekdays and hours (store local time)', () => {
    const base = promo('p', { kind: 'percent-off', bp: 1000 });
    const on = (p: Partial<Promotion>, c: Partial<PricingContext> = {}) =>
      isPromotionActive({ ...base, ...p }, { ...ctx, ...c });
    expect(on({})).toBe(true);
    expect(on({ status: 'retired' })).toBe(false);
    expect(on({ stores: ['S002'] })).toBe(false);
    expect(on({ channels: ['online'] })).toBe(false);
    expect(on({ channels: ['online'] }, { channel: 'online' })).toBe(true);
    expect(on({ window: { from: '2026-11-22T03:00:00.000Z' } })).toBe(true);
    expect(on({ window: { to: '2026-11-22T03:00:00.000Z' } })).toBe(false);
    expect(on({ window: { weekdays: [0] } })).toBe(true); // Sunday in Shanghai
    expect(on({ window: { weekdays: [0] } }, { now: '2026-11-22T16:00:00.000Z' })).toBe(false); // Monday 00:00
    expect(on({ window: { hours: { from: 11, to: 12 } } })).toBe(true);
    expect(
      on({ window: { hours: { from: 22, to: 2 } } }, { now: '2026-11-22T17:30:00.000Z' }),
    ).toBe(true);
    expect(on({ window: { hours: { from: 12, to: 14 } } })).toBe(false);
    expect(on({ window: {} }, { now: 'not a time' })).toBe(false);
    expect(on({ memberTiers: ['gold'] }, { memberTier: 'silver' })).toBe(false);
  });

  it('[PR10] best for the customer: beats the priority order when promotions compete', () => {
    // Priority says take 10 % off everything first; giving A and B to the bundle saves more.
    const pct = promo('pct', { kind: 'percent-off', bp: 1000 }, { priority: 5 });
    const bundle = promo(
      'bundle',
      { kind: 'bundle', quantity: 2, price: 1000 },
      { target: { skus: ['A', 'B'] } },
    );
    const items = [item('A', 1000), item('B', 1000), item('C', 1000)];
    expect(applyPromotions(items, [pct, bundle], ctx, 'priority').discount).toBe(300);
    const best = applyPromotions(items, [pct, bundle], ctx);
    expect(best.discount).toBe(1100);
    expect(best.strategy).toBe('exact');
  });

  it('[PR10] never worse than greedy, and exact beats every order on small carts', () => {
    fc.assert(
      fc.property(arbCart(6), arbPromotions(6), (items, promotions) => {
        const best = applyPromotions(items, promotions, ctx);
        const greedy = applyPromotions(items, promotions, ctx, 'priority');
        expect(best.discount).toBeGreaterThanOrEqual(greedy.discount);
        // Any re-prioritisation is one of the orders the exact search tried (thresholds aside).
        const shuffled = promotions.map((p, i) => ({ ...p, priority: (i * 7919) % 13 }));
        const other = applyPromotions(items, shuffled, ctx, 'priority');
        if (
          best.strategy === 'exact' &&
          !promotions.some((p) => p.exclusive || p.rule.kind === 'spend-threshold')
        ) {
          expect(best.discount).toBeGreaterThanOrEqual(other.discount);
        }
      }),
    );
  });

  it('[PR10] large competing groups use the heuristic, still never worse than greedy', () => {
    fc.assert(
      fc.property(arbCart(12), arbPromotions(14), (items, promotions) => {
        const best = applyPromotions(items, promotions, ctx);
        const greedy = applyPromotions(items, promotions, ctx, 'priority');
        expect(best.discount).toBeGreaterThanOrEqual(greedy.discount);
      }),
      { numRuns: 50 },
    );
  });

  it('[PR11] every line explains its discount; the lines add up to the cart', () => {
    fc.assert(
      fc.property(arbCart(10), arbPromotions(8), (items, promotions) => {
        const r = applyPromotions(items, promotions, ctx);
        for (const l of r.lines) {
          expect(l.adjustments.reduce((s, a) => s + a.amount, 0)).toBe(l.discount);
          expect(l.net).toBe(l.amount - l.discount);
          expect(l.net).toBeGreaterThanOrEqual(0);
          for (const a of l.adjustments) expect(a.amount).toBeGreaterThan(0);
        }
        expect(r.total).toBe(r.lines.reduce((s, l) => s + l.net, 0));
        expect(r.applied.reduce((s, a) => s + a.amount, 0)).toBe(r.discount);
      }),
    );
  });

  it('[PR12] totals are never negative and line order never changes the total', () => {
    fc.assert(
      fc.property(
        arbCart(10),
        arbPromotions(8),
        fc.func(fc.integer()),
        (items, promotions, key) => {
          const r = applyPromotions(items, promotions, ctx);
          expect(r.total).toBeGreaterThanOrEqual(0);
          expect(r.total).toBeLessThanOrEqual(r.subtotal);
          const reordered = [...items].sort((a, b) => key(a.lineId) - key(b.lineId));
          const again = applyPromotions(reordered, [...promotions].reverse(), ctx);
          expect(again.total).toBe(r.total);
        },
      ),
    );
  });

  it('[PR12] manual price overrides take no promotions', () => {
    const p = promo('pct', { kind: 'percent-off', bp: 5000 });
    expect(applyPromotions([item('A', 1000, 1, { noPromotions: true })], [p], ctx).discount).toBe(
      0,
    );
  });
});

const skus = ['A', 'B', 'C', 'D', 'E', 'F'];

function arbCart(maxLines: number): fc.Arbitrary<PricingItem[]> {
  return fc
    .uniqueArray(
      fc.record({
        sku: fc.constantFrom(...skus),
        price: fc.integer({ min: 1, max: 50_000 }),
        quantity: fc.integer({ min: 1, max: 6 }),
        category: fc.constantFrom('food', 'drinks'),
        brand: fc.constantFrom('Acme', 'Zen'),
      }),
      { minLength: 1, maxLength: maxLines, selector: (r) => r.sku },
    )
    .map((rows) =>
      rows.map((r, i) =>
        item(r.sku, r.price, r.quantity, { lineId: `L${i}`, category: r.category, brand: r.brand }),
      ),
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
        spend: fc.integer({ min: 1_000, max: 100_000 }),
        save: fc.integer({ min: 1, max: 1_000 }),
        repeat: fc.boolean(),
      })
      .map((t) => ({
        kind: 'spend-threshold' as const,
        tiers: [{ spend: t.spend, save: t.save }],
        repeat: t.repeat,
      })),
  );
  return fc
    .array(
      fc.record({
        rule,
        priority: fc.integer({ min: 0, max: 5 }),
        skus: fc.subarray(skus),
        categories: fc.subarray(['food', 'drinks']),
        ex: fc.integer({ min: 0, max: 9 }),
      }),
      { maxLength: max },
    )
    .map((rows) =>
      rows.map((r, i) =>
        promo(`P${i}`, r.rule, {
          priority: r.priority,
          exclusive: r.ex === 0,
          target: { skus: r.skus, categories: r.skus.length ? [] : r.categories },
        }),
      ),
    );
}
