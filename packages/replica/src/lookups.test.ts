import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  PRICE_LAYOUT_2_5_5,
  WEIGHT_LAYOUT_2_5_5,
  makeVariableMeasure,
  type Price,
  type Product,
} from '@pos/domain';
import { openReplica, type ReplicaDatabase } from './database';
import { findByBarcode, findBySku } from './lookups';

const milk: Product = {
  id: 'SKU-0003',
  name: '伊利纯牛奶 Pure Milk',
  gtin: '06901234567892',
  category: 'Dairy',
  taxClass: 'VAT9',
  status: 'active',
};
const upcItem: Product = {
  ...milk,
  id: 'SKU-0100',
  name: 'Imported snack',
  gtin: '00036000291452',
};
const milkPrice: Price = {
  id: 'CN-LIST:SKU-0003',
  priceList: 'CN-LIST',
  sku: 'SKU-0003',
  amount: 6500,
  currency: 'CNY',
};

// In-store items: a pack priced on its label, and apples sold by weight (price per kg).
const cheese: Product = {
  ...milk,
  id: 'SKU-0200',
  name: '奶酪 Cheese (cut to order)',
  gtin: makeVariableMeasure(PRICE_LAYOUT_2_5_5, '20', '12345', 0).padStart(14, '0'),
};
const apples: Product = {
  ...milk,
  id: 'SKU-0300',
  name: '苹果 Apples',
  gtin: makeVariableMeasure(WEIGHT_LAYOUT_2_5_5, '25', '42', 0).padStart(14, '0'),
};
const applesPerKg: Price = { ...milkPrice, id: 'CN-LIST:SKU-0300', sku: 'SKU-0300', amount: 3990 };

let db: ReplicaDatabase;
let n = 0;
beforeEach(async () => {
  db = await openReplica({ name: `lookups${n++}`, storage: getRxStorageMemory() });
  await db.products.bulkInsert([milk, upcItem, cheese, apples]);
  await db.prices.bulkInsert([milkPrice, applesPerKg]);
});
afterEach(() => db.close());

describe('barcode lookup', () => {
  it('[B2] finds a product by its EAN-13 and its price on the terminal price list', async () => {
    expect(await findByBarcode(db, '6901234567892', 'CN-LIST')).toEqual({
      found: true,
      product: milk,
      price: milkPrice,
    });
  });

  it('[B2] finds a UPC-A product whichever form the scanner sends', async () => {
    for (const code of ['036000291452', '0036000291452', '00036000291452']) {
      expect(await findByBarcode(db, code, 'CN-LIST')).toMatchObject({
        found: true,
        product: upcItem,
        price: undefined,
      });
    }
  });

  it('[B3] says what is wrong with a mistyped or unknown code', async () => {
    expect(await findByBarcode(db, '6901234567893', 'CN-LIST')).toMatchObject({
      found: false,
      reason: /check digit/,
    });
    expect(await findByBarcode(db, '4006381333931', 'CN-LIST')).toEqual({
      found: false,
      reason: 'No product with barcode 4006381333931',
    });
  });
});

describe('variable-measure labels', () => {
  it('[VM2] finds the item of a price label and reads the price on it', async () => {
    const label = makeVariableMeasure(PRICE_LAYOUT_2_5_5, '20', '12345', 1234);
    expect(await findByBarcode(db, label, 'CN-LIST')).toEqual({
      found: true,
      product: cheese,
      price: undefined,
      measure: { valueKind: 'price', price: 1234 },
    });
  });

  it('[VM4] finds the item of a weight label and prices the weight from the price per kg', async () => {
    const label = makeVariableMeasure(WEIGHT_LAYOUT_2_5_5, '25', '42', 350);
    expect(await findByBarcode(db, label, 'CN-LIST')).toEqual({
      found: true,
      product: apples,
      price: applesPerKg,
      // 39.90 per kg × 0.350 kg = 13.965, half up to 13.97
      measure: { valueKind: 'weight', grams: 350, price: 1397 },
    });
  });

  it('[VM3] names the item code when a label points at no product', async () => {
    const label = makeVariableMeasure(PRICE_LAYOUT_2_5_5, '21', '99999', 500);
    expect(await findByBarcode(db, label, 'CN-LIST')).toEqual({
      found: false,
      reason: `No product with item code 99999 (label ${label})`,
    });
  });
});

describe('SKU lookup', () => {
  it('finds a product and its price by the SKU the cashier typed, in any case', async () => {
    for (const typed of ['SKU-0003', ' sku-0003 ']) {
      expect(await findBySku(db, typed, 'CN-LIST')).toEqual({
        found: true,
        product: milk,
        price: milkPrice,
      });
    }
    expect(await findBySku(db, 'SKU-9999', 'CN-LIST')).toEqual({
      found: false,
      reason: 'No product with SKU SKU-9999',
    });
  });
});
