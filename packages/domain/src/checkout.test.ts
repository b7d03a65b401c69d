import { MEMBER_FIXTURE, staffFixture } from './fixtures';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addCoupon,
  addItem,
  addScan,
  addTender,
  attachMember,
  buildSaleFact,
  newCheckout,
  overridePrice,
  priceCheckout,
  setCartDiscount,
  setQuantity,
  settleCheckout,
  voidLine,
  type CatalogLookup,
  type CheckoutCart,
  type CheckoutContext,
  type Staff,
} from './checkout';
import type { Coupon } from './coupons';
import type { Price, Product } from './documents';
import type { Member } from './points';
import type { Promotion } from './promotion-types';
import { makeVariableMeasure, PRICE_LAYOUT_2_5_5, WEIGHT_LAYOUT_2_5_5 } from './variable-measure';

const product = (id: string, gtin: string, extra: Partial<Product> = {}): Product => ({
  id,
  name: `Product ${id}`,
  gtin,
  category: 'food',
  taxClass: 'VAT13',
  status: 'active',
  ...extra,
});
const price = (sku: string, amount: number): Price => ({
  id: `L:${sku}`,
  priceList: 'L',
  sku,
  amount,
  currency: 'CNY',
});
const water = product('SKU-1', '06901234567892', { category: 'drinks' });
const bread = product('SKU-2', '06901234567908', { taxClass: 'VAT9' });
const apples = product('SKU-3', '0' + makeVariableMeasure(WEIGHT_LAYOUT_2_5_5, '28', '123', 0));
const deli = product('SKU-4', '0' + makeVariableMeasure(PRICE_LAYOUT_2_5_5, '20', '456', 0));
const catalog = new Map([
  [water.gtin, { product: water, price: price('SKU-1', 250) }],
  [bread.gtin, { product: bread, price: price('SKU-2', 1290) }],
  [apples.gtin, { product: apples, price: price('SKU-3', 1280) }],
  [deli.gtin, { product: deli, price: undefined }],
]);
const lookup: CatalogLookup = (gtin) => catalog.get(gtin);
const layouts = [PRICE_LAYOUT_2_5_5, WEIGHT_LAYOUT_2_5_5];
const cashier: Staff = staffFixture({ id: 'E1', name: 'Li', roles: ['cashier'] });
const supervisor: Staff = { ...cashier, id: 'E2', name: 'Wang', roles: ['supervisor'] };
const ctx: CheckoutContext = {
  storeId: 'S001',
  channel: 'store',
  now: '2026-11-22T03:00:00.000Z',
  utcOffsetMinutes: 480,
  promotions: [],
};
const saleCtx = {
  id: 'S001-POS1-01J',
  storeId: 'S001',
  deviceId: 'S001-POS1',
  channel: 'store' as const,
  now: ctx.now,
};

function basket(): CheckoutCart {
  let cart = newCheckout();
  cart = addScan(cart, '6901234567892', lookup, layouts, 'L1');
  cart = addScan(cart, '6901234567892', lookup, layouts, 'L2');
  cart = addItem(cart, { lineId: 'L3', product: bread, price: price('SKU-2', 1290) });
  return cart;
}

describe('checkout cart', () => {
  it('[CK1] a cart needs a supported currency', () => {
    expect(newCheckout('JPY').currency).toBe('JPY');
    expect(() => newCheckout('XYZ')).toThrow(expect.objectContaining({ code: 'CURRENCY_UNKNOWN' }));
  });

  it('[CK2] merges the same SKU; refuses discontinued or unpriced products by name', () => {
    const cart = basket();
    expect(cart.lines.map((l) => [l.lineId, l.quantity])).toEqual([
      ['L1', 2],
      ['L3', 1],
    ]);
    expect(() =>
      addItem(cart, {
        lineId: 'L9',
        product: { ...bread, status: 'discontinued' },
        price: price('SKU-2', 1),
      }),
    ).toThrow(expect.objectContaining({ code: 'PRODUCT_NOT_SELLABLE' }));
    expect(() =>
      addItem(cart, {
        lineId: 'L9',
        product: bread,
        price: { ...price('SKU-2', 1), currency: 'USD' },
      }),
    ).toThrow(/Product SKU-2 has no price/);
  });

  it('[CK3] scans GTINs and variable-measure labels; bad scans are typed errors', () => {
    let cart = newCheckout();
    cart = addScan(
      cart,
      makeVariableMeasure(WEIGHT_LAYOUT_2_5_5, '28', '123', 1250),
      lookup,
      layouts,
      'W1',
    );
    cart = addScan(
      cart,
      makeVariableMeasure(PRICE_LAYOUT_2_5_5, '20', '456', 1599),
      lookup,
      layouts,
      'D1',
    );
    expect(cart.lines.map((l) => [l.sku, l.quantity, l.listPrice, l.weight?.grams])).toEqual([
      ['SKU-3', 1, 1600, 1250],
      ['SKU-4', 1, 1599, undefined],
    ]);
    expect(() => addScan(cart, '6901234567893', lookup, layouts, 'X')).toThrow(
      expect.objectContaining({ code: 'SCAN_UNREADABLE' }),
    );
    expect(() => addScan(cart, '4006381333931', lookup, layouts, 'X')).toThrow(
      expect.objectContaining({ code: 'PRODUCT_UNKNOWN' }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (code) => {
        try {
          addScan(newCheckout(), code, lookup, layouts, 'X');
        } catch (e) {
          expect(e).toMatchObject({ code: expect.stringMatching(/^[A-Z_]+$/) });
        }
      }),
    );
  });

  it('[CK4] changes quantities and voids lines; negative or zero quantities are refused', () => {
    const cart = setQuantity(basket(), 'L3', 4);
    expect(cart.lines[1]!.quantity).toBe(4);
    for (const q of [0, -1, 1.5, Number.NaN]) {
      expect(() => setQuantity(cart, 'L3', q)).toThrow(
        expect.objectContaining({ code: 'QUANTITY_INVALID' }),
      );
    }
    expect(voidLine(cart, 'L1').lines.map((l) => l.lineId)).toEqual(['L3']);
    expect(() => voidLine(cart, 'nope')).toThrow(expect.objectContaining({ code: 'LINE_UNKNOWN' }));
  });

  it('[CK5] overrides and cart discounts need a permitted role', () => {
    expect(() => overridePrice(basket(), 'L3', 1000, cashier, 'damaged')).toThrow(
      expect.objectContaining({ code: 'NOT_PERMITTED' }),
    );
    expect(() => setCartDiscount(basket(), 100, cashier, 'goodwill')).toThrow(
      expect.objectContaining({ code: 'NOT_PERMITTED' }),
    );
    expect(() => setCartDiscount(basket(), 100, { ...supervisor, status: 'left' }, 'x')).toThrow(
      /may not/,
    );
    const pct: Promotion = {
      id: 'P',
      name: '50%',
      priority: 0,
      target: {},
      rule: { kind: 'percent-off', bp: 5000 },
    };
    const cart = setCartDiscount(
      overridePrice(basket(), 'L3', 1000, supervisor, 'damaged'),
      100,
      supervisor,
      'goodwill',
    );
    const r = priceCheckout(cart, { ...ctx, promotions: [pct] });
    // Overridden bread takes no promotion; water 500 → 250; then 100 off spread 250:1000.
    expect(r.priced.lines.map((l) => [l.unitPrice, l.net])).toEqual([
      [250, 230],
      [1000, 920],
    ]);
    expect(r.total).toBe(1150);
  });

  it('[CK6] members unlock tier prices; closed members and repeated coupons are refused', () => {
    const member: Member = {
      ...MEMBER_FIXTURE,
      tier: 'gold',
      homeStoreId: 'S001',
      points: 0,
      status: 'active',
    };
    const gold: Promotion = {
      id: 'G',
      name: 'Gold price',
      priority: 0,
      target: { skus: ['SKU-2'] },
      rule: { kind: 'fixed-price', price: 990 },
      memberTiers: ['gold'],
    };
    expect(priceCheckout(basket(), { ...ctx, promotions: [gold] }).total).toBe(1790);
    expect(
      priceCheckout(attachMember(basket(), member), { ...ctx, promotions: [gold] }).total,
    ).toBe(1490);
    expect(() => attachMember(basket(), { ...member, status: 'closed' })).toThrow(
      expect.objectContaining({ code: 'MEMBER_CLOSED' }),
    );
    const coupon = { id: 'C1', name: 'c' } as Coupon;
    expect(() => addCoupon(addCoupon(basket(), coupon), coupon)).toThrow(
      expect.objectContaining({ code: 'COUPON_ALREADY_IN_CART' }),
    );
  });

  it('[CK7] the priced result carries tax per class and explains each line', () => {
    const r = priceCheckout(basket(), ctx);
    expect(r.total).toBe(1790);
    expect(r.tax.classes.map((c) => [c.taxClass, c.gross, c.tax])).toEqual([
      ['VAT13', 500, 58],
      ['VAT9', 1290, 107],
    ]);
    const exclusive = priceCheckout({ ...basket(), priceBasis: 'exclusive' }, ctx);
    expect(exclusive.total).toBe(1790 + 65 + 116);
  });

  it('[CK8][CK9] split tender with 抹零; the sale fact lines sum to what was paid', () => {
    let cart = addTender(basket(), {
      kind: 'mobile',
      amount: 1000,
      reference: 'WX-1',
      provider: 'wechat',
    });
    cart = addTender(cart, { kind: 'cash', amount: 1000 });
    const pricing = priceCheckout(cart, ctx);
    const s = settleCheckout(cart, pricing, { step: 10, mode: 'floor' });
    expect(s).toMatchObject({ total: 1790, rounding: 0, change: 210, paid: true });
    const odd = addItem(cart, {
      lineId: 'L4',
      product: water,
      price: price('SKU-1', 250),
      quantity: 1,
    });
    const oddPricing = priceCheckout(setQuantity(odd, 'L1', 3), ctx);
    const oddCart = setQuantity(odd, 'L1', 3);
    const fact = buildSaleFact(
      oddCart,
      oddPricing,
      settleCheckout(oddCart, oddPricing, { step: 100, mode: 'floor' }),
      saleCtx,
    );
    expect(fact.total).toBe(2040);
    expect(fact.due).toBe(2000);
    expect(fact.lines.reduce((s2, l) => s2 + l.paid, 0)).toBe(fact.due);
    expect(() => buildSaleFact(basket(), pricing, { ...s, paid: false }, saleCtx)).toThrow(
      expect.objectContaining({ code: 'NOT_PAID' }),
    );
  });

  it('[CK10] points are earned on the money part of the payment', () => {
    const member: Member = { ...MEMBER_FIXTURE, points: 0 };
    let cart = attachMember(basket(), member);
    cart = addTender(cart, { kind: 'points', amount: 790, points: 790 });
    cart = addTender(cart, { kind: 'cash', amount: 1000 });
    const pricing = priceCheckout(cart, ctx);
    const fact = buildSaleFact(cart, pricing, settleCheckout(cart, pricing), {
      ...saleCtx,
      earnRules: [{ tier: 'basic', points: 1, per: 100 }],
    });
    expect(fact.points).toEqual({ earned: 9, redeemed: 790 }); // 1000 paid in money, floored per line
    expect(fact.memberId).toBe('M1');
  });
});
