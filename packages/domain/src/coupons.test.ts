import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyCoupons, checkCoupon, couponLines, type Coupon } from './coupons';
import { makeCouponCode, type CodeKey } from './codes';
import { utf8 } from './hmac';
import { applyPromotions } from './promotion-engine';
import type { PricingContext, PricingItem, Promotion } from './promotion-types';

const key: CodeKey = { id: 'k1', secret: utf8('chain-key') };
const ctx: PricingContext = {
  storeId: 'S001',
  channel: 'store',
  now: '2026-11-22T03:00:00.000Z',
  utcOffsetMinutes: 480,
};
const coupon: Coupon = {
  id: 'CP-1',
  campaignId: 'WINTER',
  name: '20 off 100',
  status: 'issued',
  benefit: { kind: 'amount', amount: 2000 },
  minSpend: 10_000,
  validFrom: '2026-11-01T00:00:00.000Z',
  validTo: '2026-12-01T00:00:00.000Z',
  target: {},
  combinesWith: { mode: 'all-promotions' },
  combinesWithCoupons: false,
};
const find = (c: Coupon) => (id: string) => (id === c.id ? c : undefined);
const item = (sku: string, unitPrice: number, quantity = 1): PricingItem => ({
  lineId: sku,
  sku,
  name: sku,
  category: 'food',
  taxClass: 'VAT13',
  quantity,
  unitPrice,
});

describe('coupons', () => {
  it('[CP1] a typo, a forgery or an unknown coupon is a typed error', () => {
    const code = makeCouponCode('CP-1', key);
    expect(checkCoupon(code, [key], find(coupon), ctx)).toMatchObject({ ok: true, coupon });
    expect(checkCoupon(code.slice(0, -1) + 'Z', [key], find(coupon), ctx)).toMatchObject({
      ok: false,
    });
    const forged = makeCouponCode('CP-1', { id: 'x', secret: utf8('guess') });
    expect(checkCoupon(forged, [key], find(coupon), ctx)).toMatchObject({ code: 'CODE_SIGNATURE' });
    expect(checkCoupon(makeCouponCode('CP-2', key), [key], find(coupon), ctx)).toMatchObject({
      code: 'COUPON_UNKNOWN',
    });
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const r = checkCoupon(input, [key], find(coupon), ctx);
        expect(r.ok).toBe(false);
      }),
    );
  });

  it('[CP2] used, void, expired, early, elsewhere or another member’s coupons are refused', () => {
    const code = makeCouponCode('CP-1', key);
    const check = (c: Partial<Coupon>, extra: object = {}) =>
      checkCoupon(code, [key], find({ ...coupon, ...c }), { ...ctx, ...extra });
    expect(check({ status: 'redeemed' })).toMatchObject({ code: 'COUPON_USED' });
    expect(check({}, { usedOffline: new Set(['CP-1']) })).toMatchObject({ code: 'COUPON_USED' });
    expect(check({ status: 'void' })).toMatchObject({ code: 'COUPON_VOID' });
    expect(check({ validTo: ctx.now })).toMatchObject({ code: 'COUPON_EXPIRED' });
    expect(check({ validFrom: '2026-11-23T00:00:00.000Z' })).toMatchObject({
      code: 'COUPON_NOT_YET_VALID',
    });
    expect(check({ stores: ['S002'] })).toMatchObject({ code: 'COUPON_NOT_HERE' });
    expect(check({ channels: ['online'] })).toMatchObject({ code: 'COUPON_NOT_HERE' });
    expect(check({ memberId: 'M1' })).toMatchObject({ code: 'COUPON_OTHER_MEMBER' });
    expect(check({ memberId: 'M1' }, { memberId: 'M1' })).toMatchObject({ ok: true });
  });

  it('[CP3] scope and combination with promotions decide the lines a coupon discounts', () => {
    const promo: Promotion = {
      id: 'P1',
      name: '10% off A',
      priority: 0,
      target: { skus: ['A'] },
      rule: { kind: 'percent-off', bp: 1000 },
    };
    const cart = applyPromotions([item('A', 5000), item('B', 5000)], [promo], ctx);
    expect(couponLines(cart, coupon)).toEqual([0, 1]);
    expect(couponLines(cart, { ...coupon, combinesWith: { mode: 'no-promotions' } })).toEqual([1]);
    expect(
      couponLines(cart, { ...coupon, combinesWith: { mode: 'listed', promotionIds: ['P1'] } }),
    ).toEqual([0, 1]);
    expect(couponLines(cart, { ...coupon, target: { skus: ['A'] } })).toEqual([0]);
  });

  it('[CP4] minimum spend on the net, amount spread exactly, never past zero', () => {
    const cart = applyPromotions([item('A', 3333, 2), item('B', 3334)], [], ctx);
    const r = applyCoupons(cart, [coupon]);
    expect(r.coupons).toEqual([{ id: 'CP-1', name: '20 off 100', amount: 2000 }]);
    expect(r.cart.total).toBe(10_000 - 2000);
    expect(r.cart.lines.map((l) => l.adjustments[0]?.amount)).toEqual([1333, 667]);
    expect(
      applyCoupons(cart, [{ ...coupon, benefit: { kind: 'amount', amount: -5 } }]).rejected,
    ).toMatchObject([{ code: 'COUPON_INVALID' }]);
    const short = applyCoupons(applyPromotions([item('A', 9999)], [], ctx), [coupon]);
    expect(short.rejected).toMatchObject([{ code: 'COUPON_MIN_SPEND' }]);
    const pct = {
      ...coupon,
      minSpend: 0,
      benefit: { kind: 'percent' as const, bp: 1500, cap: 1000 },
    };
    expect(applyCoupons(applyPromotions([item('A', 5000)], [], ctx), [pct]).cart.discount).toBe(
      750,
    );
    expect(applyCoupons(applyPromotions([item('A', 50000)], [], ctx), [pct]).cart.discount).toBe(
      1000,
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 8 }),
        fc.nat(100_000),
        (prices, amount) => {
          const c = { ...coupon, minSpend: 0, benefit: { kind: 'amount' as const, amount } };
          const priced = applyPromotions(
            prices.map((p, i) => item(`S${i}`, p)),
            [],
            ctx,
          );
          const r2 = applyCoupons(priced, [c]);
          expect(r2.cart.total).toBe(Math.max(0, priced.total - amount));
          for (const l of r2.cart.lines) expect(l.net).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('[CP5] coupons that do not combine are refused together; a code is used once per sale', () => {
    const cart = applyPromotions([item('A', 50_000)], [], ctx);
    const other = { ...coupon, id: 'CP-2' };
    expect(applyCoupons(cart, [coupon, other]).rejected).toMatchObject([
      { id: 'CP-2', code: 'COUPON_NOT_COMBINABLE' },
    ]);
    const both = [
      { ...coupon, combinesWithCoupons: true },
      { ...other, combinesWithCoupons: true },
    ];
    expect(applyCoupons(cart, both).cart.discount).toBe(4000);
    expect(applyCoupons(cart, [both[0]!, both[0]!]).rejected).toMatchObject([
      { code: 'COUPON_ALREADY_IN_CART' },
    ]);
  });
});
