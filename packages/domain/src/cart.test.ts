import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addProduct, buildCashSale, cartTotal, emptyCart, payCash, type Cart } from './cart';
import type { Price, Product } from './documents';
import { validateSale, stockMovementsForSale } from './sale';
import { buildReceipt } from './receipt';

const water: Product = {
  id: 'SKU-1',
  name: '农夫山泉 550ml',
  gtin: '06901234567892',
  category: 'drinks',
  taxClass: 'VAT13',
  status: 'active',
};
const waterPrice: Price = {
  id: 'CN-LIST:SKU-1',
  priceList: 'CN-LIST',
  sku: 'SKU-1',
  amount: 250,
  currency: 'CNY',
};
const bread: Product = { ...water, id: 'SKU-2', name: 'Bread', gtin: '06901234567908' };
const breadPrice: Price = { ...waterPrice, id: 'CN-LIST:SKU-2', sku: 'SKU-2', amount: 1290 };
const ctx = {
  id: 'S001-POS1-01J0000000000000000000000',
  storeId: 'S001',
  deviceId: 'S001-POS1',
  now: '2026-11-22T03:00:00.000Z',
};

describe('cart', () => {
  it('[C1] merges a second scan of the same product into one line', () => {
    const cart = addProduct(addProduct(emptyCart(), water, waterPrice), water, waterPrice);
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({ quantity: 2, amount: 500 });
  });

  it('[C2] refuses a product without a price or discontinued, naming it', () => {
    expect(() => addProduct(emptyCart(), water, undefined)).toThrow(/农夫山泉 550ml has no price/);
    expect(() => addProduct(emptyCart(), water, { ...waterPrice, currency: 'USD' })).toThrow(
      /no price/,
    );
    expect(() => addProduct(emptyCart(), { ...water, status: 'discontinued' }, waterPrice)).toThrow(
      /discontinued/,
    );
  });

  it('[C3] the total is the exact sum of line amounts', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), (picks) => {
        let cart: Cart = emptyCart();
        for (const isWater of picks)
          cart = isWater
            ? addProduct(cart, water, waterPrice)
            : addProduct(cart, bread, breadPrice);
        const waters = picks.filter(Boolean).length;
        expect(cartTotal(cart)).toBe(waters * 250 + (picks.length - waters) * 1290);
      }),
    );
  });

  it('[C4] cash gives change and refuses a short tender', () => {
    const cart = addProduct(addProduct(emptyCart(), water, waterPrice), bread, breadPrice);
    expect(payCash(cart, 2000)).toEqual({ total: 1540, tendered: 2000, change: 460 });
    expect(() => payCash(cart, 1539)).toThrow('Cash tendered is 0.01 short of the total');
  });

  it('[C5] an empty cart cannot be paid', () => {
    expect(() => payCash(emptyCart(), 100)).toThrow(/empty/);
  });
});

describe('sale facts', () => {
  const cart = addProduct(
    addProduct(addProduct(emptyCart(), water, waterPrice), bread, breadPrice),
    water,
    waterPrice,
  );
  const sale = buildCashSale(cart, 5000, ctx);

  it('[S1][S2][S3][S4] a sale built from a cart passes every rule', () => {
    expect(validateSale(sale)).toEqual([]);
    expect(sale).toMatchObject({
      total: 1790,
      change: 3210,
      tenders: [{ kind: 'cash', amount: 5000 }],
    });
  });

  it('[S1] a line whose amount is not price × quantity is refused', () => {
    const bad = { ...sale, lines: [{ ...sale.lines[0]!, amount: 1 }, sale.lines[1]!] };
    expect(validateSale(bad).map((p) => p.path)).toContain('$.lines[0].amount');
  });

  it('[S2][S3] a wrong total or change is refused', () => {
    expect(validateSale({ ...sale, total: 1 }).map((p) => p.path)).toContain('$.total');
    expect(validateSale({ ...sale, change: 3000 }).map((p) => p.path)).toContain('$.tenders');
  });

  it('[S4] an id not minted by the selling device is refused', () => {
    expect(validateSale({ ...sale, id: 'S002-POS1-X' }).map((p) => p.path)).toContain('$.id');
  });

  it('[L1] moves sold quantities out of the store, one movement per SKU', () => {
    expect(stockMovementsForSale(sale)).toEqual([
      { storeId: 'S001', sku: 'SKU-1', delta: -2, reason: 'sale', factId: sale.id },
      { storeId: 'S001', sku: 'SKU-2', delta: -1, reason: 'sale', factId: sale.id },
    ]);
  });

  it('[R1] the receipt shows lines, total, tenders and change from the sale', () => {
    const receipt = buildReceipt(sale, { name: '静安店', address: 'Shanghai' });
    expect(receipt.lines.map((l) => [l.name, l.quantity, l.amount])).toEqual([
      ['农夫山泉 550ml', 2, 500],
      ['Bread', 1, 1290],
    ]);
    expect([receipt.total, receipt.change, receipt.tenders]).toEqual([
      1790,
      3210,
      [{ label: 'Cash', amount: 5000 }],
    ]);
  });
});
