import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Product } from './documents';
import { MEMBER_FIXTURE, PRODUCT_FIXTURE, saleFactFixture } from './fixtures';
import type { EarnRule } from './points';
import {
  creditedEarn,
  creditedReversal,
  earnedBySale,
  pointsProgrammeProblems,
  saleEarnLines,
} from './points-programme';

const RULES: EarnRule[] = [
  { tier: 'basic', points: 1, per: 100 },
  { tier: 'gold', points: 2, per: 100 },
];

const products: Product[] = ['drinks', 'snacks', 'dairy'].map((category, i) => ({
  ...PRODUCT_FIXTURE,
  id: `SKU-${i + 1}`,
  category,
}));

describe('the points programme', () => {
  it('[MP7] a programme is valid earn rules and an optional redemption rule', () => {
    expect(pointsProgrammeProblems({ earnRules: RULES })).toEqual([]);
    expect(
      pointsProgrammeProblems({
        earnRules: [...RULES, { tier: 'gold', category: 'drinks', points: 5, per: 100 }],
        redemption: { pointsPerStep: 100, stepValue: 100, minPoints: 100, maxShareBp: 5000 },
      }),
    ).toEqual([]);
    expect(pointsProgrammeProblems({ earnRules: [] })).toEqual([]);
  });

  it('[MP7] anything else lists every problem and never throws', () => {
    expect(pointsProgrammeProblems(null)).toHaveLength(1);
    expect(pointsProgrammeProblems([])).toHaveLength(1);
    expect(pointsProgrammeProblems({})).toEqual(['earnRules must be a list of rules']);
    expect(
      pointsProgrammeProblems({
        earnRules: [
          { tier: 'basic', points: -1, per: 0 },
          { tier: 'basic', points: 1, per: 100 },
          { tier: '', points: 1.5, per: 100, extra: true },
          'rule',
        ],
        redemption: { pointsPerStep: 0, stepValue: 100, minPoints: 0, maxShareBp: 10_001 },
        more: 1,
      }),
    ).toEqual([
      'unknown field "more"',
      'earnRules[0].points must be a whole number from 0 to 1000000',
      'earnRules[0].per must be a whole number of minor units from 1 to 1000000000',
      'earnRules[1] repeats the rule for its tier and category',
      'earnRules[2]: unknown field "extra"',
      'earnRules[2].tier must be a tier name',
      'earnRules[2].points must be a whole number from 0 to 1000000',
      'earnRules[3] must be an object {tier, category?, points, per}',
      'redemption.pointsPerStep must be a whole number ≥ 1',
      'redemption.maxShareBp must be a whole number of basis points from 0 to 10000',
    ]);
    const inherited = JSON.parse('{"earnRules":[],"__proto__":{"x":1}}') as unknown;
    expect(pointsProgrammeProblems(inherited)).toEqual(['unknown field "__proto__"']);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(Array.isArray(pointsProgrammeProblems(value))).toBe(true);
        expect(Array.isArray(pointsProgrammeProblems({ earnRules: [value] }))).toBe(true);
      }),
    );
  });
});

describe('what a stored sale earns', () => {
  it('[MP8] [CK10] derives from the lines paid in money, by tier and category', () => {
    const member = { ...MEMBER_FIXTURE, tier: 'gold' };
    const sale = saleFactFixture({
      member,
      lines: [
        [products[0]!, 1_000, 2],
        [products[1]!, 500, 1],
      ],
      tenders: [
        { kind: 'points', amount: 500, points: 500 },
        { kind: 'cash', amount: 2_000 },
      ],
      earnRules: RULES,
    });
    // 2000 and 500 paid; the 500 points share 400 / 100: 1600 and 400 in money.
    expect(saleEarnLines(sale)).toEqual([
      { category: 'drinks', net: 1_600 },
      { category: 'snacks', net: 400 },
    ]);
    expect(earnedBySale(sale, 'gold', RULES)).toBe(40);
    expect(sale.points.earned).toBe(40);
    const drinks = [{ tier: 'gold', category: 'drinks', points: 5, per: 100 }, ...RULES];
    expect(earnedBySale(sale, 'gold', drinks)).toBe(80 + 8);
    // The catalog's category, not the one a line claims.
    expect(earnedBySale(sale, 'gold', drinks, () => 'dairy')).toBe(40);
    expect(earnedBySale(sale, 'platinum', RULES)).toBe(0);
    expect(earnedBySale(sale, 'gold', [])).toBe(0);
  });

  it('[MP8] a checkout-built sale earns exactly what its checkout computed with the same rules', () => {
    const rule = fc.record({
      tier: fc.constantFrom('basic', 'gold'),
      category: fc.option(fc.constantFrom('drinks', 'snacks', 'dairy'), { nil: undefined }),
      points: fc.integer({ min: 0, max: 20 }),
      per: fc.integer({ min: 1, max: 1_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 2 }),
            fc.integer({ min: 1, max: 100_000 }),
            fc.integer({ min: 1, max: 5 }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        fc.constantFrom('basic', 'gold'),
        fc.uniqueArray(rule, {
          maxLength: 6,
          selector: (r) => `${r.tier}/${r.category ?? ''}`,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lines, tier, rules, pointsShare) => {
          const earnRules = rules.map(({ category, ...r }) =>
            category === undefined ? r : { ...r, category },
          );
          const member = { ...MEMBER_FIXTURE, tier };
          const sold = lines.map(([p, price, qty]): [Product, number, number] => [
            products[p]!,
            price,
            qty,
          ]);
          const total = saleFactFixture({ member, lines: sold }).due;
          const points = Math.floor(total * pointsShare);
          const sale = saleFactFixture({
            member,
            lines: sold,
            tenders: [
              ...(points > 0 ? [{ kind: 'points' as const, amount: points, points }] : []),
              ...(total - points > 0 ? [{ kind: 'cash' as const, amount: total - points }] : []),
            ],
            earnRules,
          });
          const categoryOf = (sku: string) => products.find((p) => p.id === sku)?.category;
          expect(earnedBySale(sale, tier, earnRules, categoryOf)).toBe(sale.points.earned);
        },
      ),
    );
  });

  it('[MP8] never throws on figures beyond safe numbers: such a sale earns nothing', () => {
    const sale = saleFactFixture({ member: MEMBER_FIXTURE });
    const huge = { ...sale, lines: sale.lines.map((l) => ({ ...l, paid: 2 ** 60 })) };
    expect(earnedBySale(huge, 'basic', RULES)).toBe(0);
  });
});

describe('what a sale credits and its returns reverse', () => {
  it('[MP9] credits the derivation, never more than the claim, nothing without a claim', () => {
    expect(creditedEarn(65, 65)).toBe(65);
    expect(creditedEarn(1_000_000, 65)).toBe(65);
    expect(creditedEarn(25, 65)).toBe(25);
    expect(creditedEarn(0, 65)).toBe(0);
    expect(creditedEarn(65, 0)).toBe(0);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (claimed, derived) => {
        const credited = creditedEarn(claimed, derived);
        expect(credited).toBeGreaterThanOrEqual(0);
        expect(credited).toBeLessThanOrEqual(Math.min(claimed, derived));
      }),
    );
  });

  it('[MP9] returns reverse the credited points in proportion, and all of them in full', () => {
    expect(creditedReversal({ claimed: 65, credited: 65 }, 10, 20)).toBe(20);
    expect(creditedReversal({ claimed: 1_000_000, credited: 65 }, 0, 500_000)).toBe(32);
    expect(creditedReversal({ claimed: 1_000_000, credited: 65 }, 500_000, 500_000)).toBe(33);
    expect(creditedReversal({ claimed: 100, credited: 0 }, 0, 100)).toBe(0);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (claimed, creditedShare, cuts) => {
          const credited = Math.floor(claimed * creditedShare);
          // Returns that reverse the whole claim in parts.
          const marks = [...cuts.map((c) => Math.floor(claimed * c)), claimed].sort(
            (a, b) => a - b,
          );
          let before = 0;
          let reversed = 0;
          for (const mark of marks) {
            const step = creditedReversal({ claimed, credited }, before, mark - before);
            expect(step).toBeGreaterThanOrEqual(0);
            reversed += step;
            before = mark;
            expect(reversed).toBeLessThanOrEqual(credited);
          }
          expect(reversed).toBe(credited);
        },
      ),
    );
  });
});
