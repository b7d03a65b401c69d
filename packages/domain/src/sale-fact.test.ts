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
import type { Price, Product } from './documents';
import type { Promotion } from './promotion-types';
import { buildSaleReceipt, validateSaleFact, type SaleFact } from './sale-fact';

const ctx = {
  storeId: 'S001',
  channel: 'store' as const,
  now: '2026-11-22T03:00:00.000Z',
  utcOffsetMinutes: 480,
};
const water: Product = {
  id: 'SKU-1',
  name: '农夫山泉 550ml',
  gtin: '06901234567892',
  category: 'drinks',
  taxClass: 'VAT13',
  status: 'active',
};
const bread: Product = { ...water, id: 'SKU-2', name: 'Bread', category: 'food', taxClass: 'VAT9' };
const price = (sku: string, amount: number): Price => ({
  id: `L:${sku}`,
  priceList: 'L',
  sku,
  amount,
  currency: 'CNY',
});
const b2g1: Promotion = {
  id: 'B2G1',
  name: 'Water 3 for 2',
  priority: 0,
  target: { skus: ['SKU-1'] },
  rule: { kind: 'buy-x-get-y', buy: 2, get: 1, bp: 10_000 },
};

function fact(basis: 'inclusive' | 'exclusive' = 'inclusive'): SaleFact {
  let cart = attachMember(newCheckout('CNY', basis), {
    id: 'M1',
    phone: '13800138000',
    name: 'Z',
    tier: 'basic',
    homeStoreId: 'S001',
    points: 0,
    status: 'active',
  });
  cart = addItem(cart, { lineId: 'L1', product: water, price: price('SKU-1', 250), quantity: 3 });
  cart = addItem(cart, { lineId: 'L2', product: bread, price: price('SKU-2', 1299) });
  const pricing = priceCheckout(cart, { ...ctx, promotions: [b2g1] });
  cart = addTender(cart, { kind: 'card', amount: 1000, reference: 'POS-778' });
  cart = addTender(cart, { kind: 'cash', amount: 2000 });
  const settlement = settleCheckout(cart, pricing, { step: 10, mode: 'floor' });
  return buildSaleFact(cart, pricing, settlement, {
    id: 'S001-POS1-01J',
    storeId: 'S001',
    deviceId: 'S001-POS1',
    channel: 'store',
    now: ctx.now,
    cashierId: 'E1',
    earnRules: [{ tier: 'basic', points: 1, per: 100 }],
  });
}

describe('sale facts of the full checkout', () => {
  it('[SF1] a sale fact built from a checkout passes its schema and rules', () => {
    expect(validateSaleFact(fact())).toEqual([]);
    expect(validateSaleFact(fact('exclusive'))).toEqual([]);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(validateSaleFact(v).length).toBeGreaterThan(0);
      }),
    );
  });

  it('[SF2] tampered figures are refused, every problem listed, never throws', () => {
    const good = fact();
    const line = good.lines[0]!;
    const paths = (v: unknown) => validateSaleFact(v).map((p) => p.path);
    expect(paths({ ...good, lines: [{ ...line, discount: 0 }, good.lines[1]!] })).toContain(
      '$.lines[0].discount',
    );
    expect(paths({ ...good, total: good.total + 1 })).toContain('$.total');
    expect(paths({ ...good, change: good.change + 10 })).toContain('$.tenders');
    expect(paths({ ...good, id: 'S002-POS1-01J' })).toContain('$.id');
    expect(
      paths({ ...good, tenders: [{ kind: 'card', amount: 99_999, reference: 'X' }] }),
    ).toContain('$.tenders');
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(good)), fc.jsonValue(), (key, v) => {
        expect(Array.isArray(validateSaleFact({ ...good, [key]: v }))).toBe(true);
      }),
    );
  });

  it('[SF3] the receipt copies every figure from the sale, with each saving explained', () => {
    const sale = fact();
    const receipt = buildSaleReceipt(
      sale,
      { name: '静安店', address: 'Shanghai', footer: '谢谢惠顾' },
      'R.CODE',
      { cashierName: '王芳', member: { name: '张三', pointsBalance: 1234 } },
    );
    expect(receipt.lines[0]).toMatchObject({
      name: '农夫山泉 550ml',
      quantity: 3,
      amount: 750,
      savings: [{ source: 'promotion', label: 'Water 3 for 2', amount: 250 }],
      net: 500,
    });
    expect(receipt.tax).toEqual(
      sale.tax.map(({ taxClass, rateBp, tax, gross }) => ({ taxClass, rateBp, tax, gross })),
    );
    expect(receipt.tax.map((t) => t.rateBp)).toEqual([1300, 900]);
    expect([receipt.total, receipt.rounding, receipt.due, receipt.change]).toEqual([
      1799, -9, 1790, 1210,
    ]);
    expect(receipt.tenders).toEqual([
      { kind: 'card', amount: 1000, reference: 'POS-778' },
      { kind: 'cash', amount: 2000 },
    ]);
    expect(receipt.points).toEqual(sale.points);
    expect(receipt.member).toEqual({ id: 'M1', name: '张三', pointsBalance: 1234 });
    expect([receipt.cashierId, receipt.cashierName]).toEqual(['E1', '王芳']);
    expect([receipt.priceBasis, receipt.footer, receipt.receiptCode]).toEqual([
      'inclusive',
      '谢谢惠顾',
      'R.CODE',
    ]);
  });

  it('[SF3] a sale without a member has no member block; nothing is invented', () => {
    const { memberId: _member, cashierId: _cashier, ...anonymous } = fact();
    const receipt = buildSaleReceipt(anonymous, { name: 'S', address: 'A' });
    expect(receipt).not.toHaveProperty('member');
    expect(receipt).not.toHaveProperty('points');
    expect(receipt).not.toHaveProperty('cashierId');
    expect(receipt).not.toHaveProperty('footer');
    expect(receipt).not.toHaveProperty('receiptCode');
  });
});

describe('sale facts for members found later', () => {
  it('[SF4] an unknown member is recorded by phone, and a sale never names both', () => {
    let cart = addItem(newCheckout(), {
      lineId: 'L1',
      product: water,
      price: price('SKU-1', 250),
    });
    const pricing = priceCheckout(cart, { ...ctx, promotions: [] });
    cart = addTender(cart, { kind: 'cash', amount: 250 });
    const sale = buildSaleFact(cart, pricing, settleCheckout(cart, pricing), {
      id: 'S001-POS1-01K',
      storeId: 'S001',
      deviceId: 'S001-POS1',
      channel: 'store',
      now: ctx.now,
      memberPhone: '13912345678',
    });
    expect(sale.memberPhone).toBe('13912345678');
    expect(sale.memberId).toBeUndefined();
    expect(validateSaleFact(sale)).toEqual([]);
    expect(validateSaleFact({ ...sale, memberId: 'M1' })).toContainEqual(
      expect.objectContaining({ path: '$.memberPhone' }),
    );
    expect(validateSaleFact({ ...sale, memberPhone: '12345' })).not.toEqual([]);
  });
});
