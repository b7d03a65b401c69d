import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Price, Product } from '@pos/domain';
import { openReplica, type ReplicaDatabase } from './database';
import { findByBarcode } from './lookups';

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

let db: ReplicaDatabase;
let n = 0;
beforeEach(async () => {
  db = await openReplica({ name: `lookups${n++}`, storage: getRxStorageMemory() });
  await db.products.bulkInsert([milk, upcItem]);
  await db.prices.insert(milkPrice);
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
