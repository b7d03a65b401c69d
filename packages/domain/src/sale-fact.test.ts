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
import { INDEX_KEY_FIXTURE } from './fixtures';
import { phoneIndex } from './member-privacy';

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
      memberPhoneIndex: phoneIndex(INDEX_KEY_FIXTURE, '13912345678'),
    });
    expect(sale.memberPhoneIndex).toBe(phoneIndex(INDEX_KEY_FIXTURE, '13912345678'));
    expect(sale.memberPhone).toBeUndefined();
    expect(sale.memberId).toBeUndefined();
    expect(validateSaleFact(sale)).toEqual([]);
    expect(validateSaleFact({ ...sale, memberId: 'M1' })).toContainEqual(
      expect.objectContaining({ path: '$.memberPhoneIndex' }),
    );
    expect(validateSaleFact({ ...sale, memberPhoneIndex: 'abc' })).not.toEqual([]);
    // [PI4] A sale of an earlier till, by phone in plaintext, is still valid.
    const { memberPhoneIndex: _index, ...legacy } = sale;
    expect(validateSaleFact({ ...legacy, memberPhone: '13912345678' })).toEqual([]);
    expect(validateSaleFact({ ...legacy, memberPhone: '12345' })).not.toEqual([]);
  });
});

describe('points redeemed on a sale', () => {
  const member = {
    id: 'M0002',
    phone: '13800138000',
    name: 'Z',
    tier: 'basic',
    homeStoreId: 'S001',
    points: 10_000,
    status: 'active' as const,
  };
  /** A sale of `price` fen of bread through the checkout, paid by `tenders` in order. */
  function sale(
    priceFen: number,
    tenders: Parameters<typeof addTender>[1][],
    opts: { member?: boolean; memberPhone?: string } = {},
  ): SaleFact {
    let cart = newCheckout();
    if (opts.member !== false) cart = attachMember(cart, member);
    cart = addItem(cart, { lineId: 'L1', product: bread, price: price('SKU-2', priceFen) });
    const pricing = priceCheckout(cart, { ...ctx, promotions: [] });
    for (const t of tenders) cart = addTender(cart, t);
    return buildSaleFact(cart, pricing, settleCheckout(cart, pricing), {
      id: 'S001-POS1-01P',
      storeId: 'S001',
      deviceId: 'S001-POS1',
      channel: 'store',
      now: ctx.now,
      ...(opts.memberPhone !== undefined ? { memberPhone: opts.memberPhone } : {}),
      earnRules: [{ tier: 'basic', points: 1, per: 100 }],
    });
  }

  it('[SF2] a points tender that claims no redemption is refused: the till cannot create value', () => {
    const genuine = sale(9_900, [
      { kind: 'points', amount: 4_900, points: 4_900 },
      { kind: 'cash', amount: 5_000 },
    ]);
    expect(genuine.points.redeemed).toBe(4_900);
    expect(validateSaleFact(genuine)).toEqual([]);
    const paths = (v: unknown) => validateSaleFact(v).map((p) => p.path);
    // ¥99 to M0002, ¥49 paid with 4,900 points, claiming none redeemed.
    expect(paths({ ...genuine, points: { ...genuine.points, redeemed: 0 } })).toEqual([
      '$.points.redeemed',
    ]);
    expect(paths({ ...genuine, points: { ...genuine.points, redeemed: 4_899 } })).toEqual([
      '$.points.redeemed',
    ]);
    // A points tender that names no points, or none at all.
    const [pts, cash] = genuine.tenders as [SaleFact['tenders'][0], SaleFact['tenders'][0]];
    const { points: _points, ...unnamed } = pts as { points: number };
    expect(paths({ ...genuine, tenders: [unnamed, cash] })).toEqual(
      expect.arrayContaining(['$.tenders[0].points', '$.points.redeemed']),
    );
    expect(paths({ ...genuine, tenders: [{ ...pts, points: 0 }, cash] })).toContain(
      '$.tenders[0].points',
    );
    // Redeemed points with no points tender at all.
    const cashOnly = sale(9_900, [{ kind: 'cash', amount: 9_900 }]);
    expect(validateSaleFact(cashOnly)).toEqual([]);
    expect(paths({ ...cashOnly, points: { ...cashOnly.points, redeemed: 100 } })).toEqual([
      '$.points.redeemed',
    ]);
  });

  it('[SF2] a sale paid in points names its member by id; the checkout refuses one without', () => {
    const genuine = sale(9_900, [
      { kind: 'points', amount: 900, points: 900 },
      { kind: 'cash', amount: 9_000 },
    ]);
    const { memberId: _id, ...anonymous } = genuine;
    expect(validateSaleFact(anonymous).map((p) => p.path)).toEqual(['$.memberId']);
    expect(
      validateSaleFact({ ...anonymous, memberPhone: '13912345678' }).map((p) => p.path),
    ).toEqual(['$.memberId']);
    expect(() =>
      sale(
        9_900,
        [
          { kind: 'points', amount: 900, points: 900 },
          { kind: 'cash', amount: 9_000 },
        ],
        {
          member: false,
          memberPhone: '13912345678',
        },
      ),
    ).toThrow(expect.objectContaining({ code: 'POINTS_NEED_MEMBER' }));
  });

  it('[SF2] [CK10] every sale the checkout builds, with any split of points, card and cash, passes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500_000 }),
        fc.array(
          fc.record({ share: fc.nat({ max: 100 }), rate: fc.integer({ min: 1, max: 100 }) }),
          {
            maxLength: 3,
          },
        ),
        fc.boolean(),
        (priceFen, pointsParts, card) => {
          // Points tenders take their shares of the price; card or cash pays the rest.
          let left = priceFen;
          const tenders: Parameters<typeof addTender>[1][] = [];
          for (const { share, rate } of pointsParts) {
            const amount = Math.floor((left * share) / 100);
            if (amount <= 0) continue;
            tenders.push({ kind: 'points', amount, points: amount * rate });
            left -= amount;
          }
          if (left > 0)
            tenders.push(
              card
                ? { kind: 'card', amount: left, reference: 'POS-1' }
                : { kind: 'cash', amount: left },
            );
          const built = sale(priceFen, tenders);
          expect(validateSaleFact(built)).toEqual([]);
          expect(built.points.redeemed).toBe(
            tenders.reduce((n, t) => n + (t.kind === 'points' ? t.points : 0), 0),
          );
        },
      ),
    );
  });
});
