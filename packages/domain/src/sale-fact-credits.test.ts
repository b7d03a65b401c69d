import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addItem,
  addTender,
  buildSaleFact,
  newCheckout,
  priceCheckout,
  setQuantity,
  settleCheckout,
  type CheckoutCart,
} from './checkout';
import { evenCredits, type LineCredit } from './commission';
import type { Price, Product } from './documents';
import { validateSaleFact } from './sale-fact';

const ctx = {
  storeId: 'S001',
  channel: 'store' as const,
  now: '2026-11-22T03:00:00.000Z',
  utcOffsetMinutes: 480,
};
const tee: Product = {
  id: 'TEE-RED-M',
  name: 'Cotton tee red M',
  gtin: '06901234567892',
  category: 'apparel',
  taxClass: 'VAT13',
  status: 'active',
};
const price: Price = {
  id: 'L:TEE-RED-M',
  priceList: 'L',
  sku: tee.id,
  amount: 9900,
  currency: 'CNY',
};
const clerk: LineCredit[] = [{ staffId: 'S001-E03', share: 10_000 }];

function sold(cart: CheckoutCart) {
  const pricing = priceCheckout(cart, { ...ctx, promotions: [] });
  const paid = addTender(cart, { kind: 'card', amount: pricing.total, reference: 'AUTH-1' });
  const settlement = settleCheckout(paid, priceCheckout(paid, { ...ctx, promotions: [] }));
  return buildSaleFact(paid, pricing, settlement, {
    id: 'S001-T1-01J9Z0000000000000000000',
    storeId: 'S001',
    deviceId: 'S001-T1',
    channel: 'store',
    now: ctx.now,
    cashierId: 'S001-E01',
  });
}

describe('sale facts with credited lines', () => {
  it('[TK4] the sale carries each credited line’s credit and the take-now cart id; plain lines carry none', () => {
    let cart: CheckoutCart = { ...newCheckout('CNY'), takeNowCartId: 'TAB1-01J9Z' };
    cart = addItem(cart, { lineId: 'L1', product: tee, price, quantity: 2, credits: clerk });
    cart = addItem(cart, { lineId: 'L2', product: tee, price });
    const sale = sold(cart);
    expect(sale.takeNowCartId).toBe('TAB1-01J9Z');
    expect(sale.lines.map((l) => [l.lineId, l.quantity, l.credits])).toEqual([
      ['L1', 2, clerk],
      ['L2', 1, undefined],
    ]);
    expect(validateSaleFact(sale)).toEqual([]);
    // A sale with no take-now code has neither.
    const plain = sold(addItem(newCheckout('CNY'), { lineId: 'L1', product: tee, price }));
    expect('takeNowCartId' in plain).toBe(false);
    expect('credits' in plain.lines[0]!).toBe(false);
  });

  it('[CK2] [TK4] a credited line merges only with the same credit; a plain scan never joins it', () => {
    let cart = addItem(newCheckout('CNY'), { lineId: 'L1', product: tee, price, credits: clerk });
    cart = addItem(cart, { lineId: 'L2', product: tee, price });
    cart = addItem(cart, { lineId: 'L3', product: tee, price, credits: [...clerk] });
    cart = addItem(cart, {
      lineId: 'L4',
      product: tee,
      price,
      credits: evenCredits(['S001-E03', 'S001-E04']),
    });
    cart = addItem(cart, { lineId: 'L5', product: tee, price });
    expect(cart.lines.map((l) => [l.lineId, l.quantity])).toEqual([
      ['L1', 2],
      ['L2', 2],
      ['L4', 1],
    ]);
    // A quantity change keeps the credit.
    expect(setQuantity(cart, 'L1', 5).lines[0]!.credits).toEqual(clerk);
  });

  it('[CM1] [TK4] a pushed sale with malformed credit is refused, naming the line', () => {
    const sale = sold(
      addItem(newCheckout('CNY'), { lineId: 'L1', product: tee, price, credits: clerk }),
    );
    const bad = {
      ...sale,
      lines: [{ ...sale.lines[0]!, credits: [{ staffId: 'S001-E03', share: 9000 }] }],
    };
    expect(validateSaleFact(bad)).toContainEqual({
      path: '$.lines[0].credits',
      message: 'the shares add up to 9000 basis points, not 10000 (100 %)',
    });
    fc.assert(
      fc.property(fc.anything(), (credits) => {
        const problems = validateSaleFact({ ...sale, lines: [{ ...sale.lines[0]!, credits }] });
        expect(Array.isArray(problems)).toBe(true);
      }),
    );
  });
});
