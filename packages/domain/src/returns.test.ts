import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addItem,
  addTender,
  attachMember,
  buildSaleFact,
  newCheckout,
  priceCheckout,
  settleCheckout,
} from './checkout';
import type { SaleFact } from './sale-fact';
import type { Price, Product } from './documents';
import {
  planReturn,
  pointEntriesForReturn,
  stockMovementsForReturn,
  type ReturnFact,
} from './returns';
import type { PaymentTender } from './tender';
import type { Promotion } from './promotion-types';

const ctx = {
  storeId: 'S001',
  channel: 'store' as const,
  now: '2026-11-22T03:00:00.000Z',
  utcOffsetMinutes: 480,
};
const promotions: Promotion[] = [
  {
    id: 'B2G1',
    name: 'Buy 2 get 1',
    priority: 1,
    target: { categories: ['food'] },
    rule: { kind: 'buy-x-get-y', buy: 2, get: 1, bp: 10_000 },
  },
  {
    id: 'MJ',
    name: '满100减15',
    priority: 0,
    target: {},
    rule: { kind: 'spend-threshold', tiers: [{ spend: 10_000, save: 1_500 }] },
  },
];

function sale(
  rows: readonly { price: number; quantity: number; category: string }[],
  pay: (due: number) => PaymentTender[],
  rounding: 1 | 10 | 100 = 1,
): SaleFact {
  let cart = attachMember(newCheckout(), {
    id: 'M1',
    phone: '13800138000',
    name: 'Z',
    tier: 'basic',
    homeStoreId: 'S001',
    points: 0,
    status: 'active',
  });
  rows.forEach((r, i) => {
    const product: Product = {
      id: `SKU-${i}`,
      name: `P${i}`,
      gtin: '06901234567892',
      category: r.category,
      taxClass: 'VAT13',
      status: 'active',
    };
    const price: Price = {
      id: `L:${i}`,
      priceList: 'L',
      sku: product.id,
      amount: r.price,
      currency: 'CNY',
    };
    cart = addItem(cart, { lineId: `L${i}`, product, price, quantity: r.quantity });
  });
  const pricing = priceCheckout(cart, { ...ctx, promotions });
  for (const t of pay(pricing.total)) cart = addTender(cart, t);
  const settlement = settleCheckout(cart, pricing, { step: rounding, mode: 'floor' });
  return buildSaleFact(cart, pricing, settlement, {
    id: 'S001-POS1-SALE',
    storeId: 'S001',
    deviceId: 'S001-POS1',
    channel: 'store',
    now: ctx.now,
    earnRules: [{ tier: 'basic', points: 1, per: 100 }],
  });
}

const mixed = (due: number): PaymentTender[] => {
  const points = Math.floor(due / 4);
  const card = Math.floor(due / 3);
  const out: PaymentTender[] = [];
  if (points > 0) out.push({ kind: 'points', amount: points, points: points * 10 });
  if (card > 0) out.push({ kind: 'card', amount: card, reference: 'CARD-1' });
  out.push({ kind: 'cash', amount: due - points - card + 50 });
  return out;
};

const retCtx = (n: number) => ({
  id: `S001-POS1-RET${n}`,
  storeId: 'S001',
  deviceId: 'S001-POS1',
  now: ctx.now,
});

describe('returns', () => {
  const s = sale(
    [
      { price: 3000, quantity: 3, category: 'food' },
      { price: 4999, quantity: 1, category: 'drinks' },
    ],
    mixed,
  );

  it('[RT1] refuses empty, unknown, fractional and negative requests with typed errors', () => {
    expect(planReturn(s, [], [], retCtx(1))).toMatchObject({ ok: false, code: 'RETURN_EMPTY' });
    expect(planReturn(s, [], [{ lineId: 'X', quantity: 1 }], retCtx(1))).toMatchObject({
      code: 'RETURN_LINE_UNKNOWN',
    });
    for (const quantity of [0, -1, 0.5]) {
      expect(planReturn(s, [], [{ lineId: 'L0', quantity }], retCtx(1))).toMatchObject({
        code: 'RETURN_QUANTITY_INVALID',
      });
    }
  });

  it('[RT2] refunds prorate what was paid, including promotions, coupons and rounding', () => {
    // 3 × 30.00 with one free (B2G1) = 60.00, + 49.99 = 109.99 ≥ 100 → −15 spread by net.
    expect(s.total).toBe(9499);
    const one = planReturn(s, [], [{ lineId: 'L0', quantity: 1 }], retCtx(1));
    expect(one.ok && one.ret.refund).toBe(Math.floor(s.lines[0]!.paid / 3));
  });

  it('[RT3] partial returns never exceed the quantity sold', () => {
    const first = planReturn(s, [], [{ lineId: 'L0', quantity: 2 }], retCtx(1));
    if (!first.ok) throw new Error(first.message);
    expect(planReturn(s, [first.ret], [{ lineId: 'L0', quantity: 2 }], retCtx(2))).toMatchObject({
      code: 'RETURN_EXCEEDS_SOLD',
      message: 'P0: 3 sold, 2 already returned, cannot return 2 more',
    });
  });

  it('[RT2][RT3][RT4] any sequence of partial returns refunds exactly what was paid, per line and per tender', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            price: fc.integer({ min: 1, max: 20_000 }),
            quantity: fc.integer({ min: 1, max: 5 }),
            category: fc.constantFrom('food', 'drinks'),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.constantFrom(1 as const, 10 as const, 100 as const),
        fc.array(fc.nat(), { maxLength: 40 }),
        (rows, rounding, picks) => {
          const fact = sale(rows, mixed, rounding);
          const returns: ReturnFact[] = [];
          const left = fact.lines.map((l) => l.quantity);
          // Return in random small steps, then everything that is left.
          for (const p of picks) {
            const i = p % left.length;
            if (left[i]! === 0) continue;
            const q = 1 + (p % left[i]!);
            const r = planReturn(
              fact,
              returns,
              [{ lineId: fact.lines[i]!.lineId, quantity: q }],
              retCtx(returns.length),
            );
            if (!r.ok) throw new Error(r.message);
            expect(r.ret.refund).toBeGreaterThanOrEqual(0);
            returns.push(r.ret);
            left[i]! -= q;
          }
          const rest = fact.lines.flatMap((l, i) =>
            left[i]! > 0 ? [{ lineId: l.lineId, quantity: left[i]! }] : [],
          );
          if (rest.length) {
            const r = planReturn(fact, returns, rest, retCtx(returns.length));
            if (!r.ok) throw new Error(r.message);
            returns.push(r.ret);
          }
          const refunded = returns.reduce((a, r) => a + r.refund, 0);
          expect(refunded).toBe(fact.due);
          for (const line of fact.lines) {
            const back = returns
              .flatMap((r) => r.lines)
              .filter((l) => l.lineId === line.lineId)
              .reduce((a, l) => a + l.refund, 0);
            expect(back).toBe(line.paid);
          }
          const byKind = (k: string) =>
            returns
              .flatMap((r) => r.tenders)
              .filter((t) => t.kind === k)
              .reduce((a, t) => a + t.amount, 0);
          const paidBy = (k: string) =>
            fact.tenders.filter((t) => t.kind === k).reduce((a, t) => a + t.amount, 0);
          expect(byKind('points')).toBe(paidBy('points'));
          expect(byKind('card')).toBe(paidBy('card'));
          expect(byKind('cash')).toBe(paidBy('cash') - fact.change);
          for (const r of returns) for (const t of r.tenders) expect(t.amount).toBeGreaterThan(0);
          // [RT5] every point comes back
          expect(returns.reduce((a, r) => a + r.points.reversedEarn, 0)).toBe(fact.points.earned);
          expect(returns.reduce((a, r) => a + r.points.restoredRedeem, 0)).toBe(
            fact.points.redeemed,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('[RT5][RT6] a return writes its point entries and stock movements', () => {
    const r = planReturn(
      s,
      [],
      [
        { lineId: 'L0', quantity: 3 },
        { lineId: 'L1', quantity: 1 },
      ],
      retCtx(1),
    );
    if (!r.ok) throw new Error(r.message);
    expect(pointEntriesForReturn(r.ret, 'M1').map((e) => [e.kind, e.points])).toEqual([
      ['reverse-earn', -s.points.earned],
      ['reverse-redeem', s.points.redeemed],
    ]);
    expect(stockMovementsForReturn(r.ret).map((m) => [m.sku, m.kind, m.quantity])).toEqual([
      ['SKU-0', 'return', 3],
      ['SKU-1', 'return', 1],
    ]);
  });
});
