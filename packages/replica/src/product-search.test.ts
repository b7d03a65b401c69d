import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Price, Product } from '@pos/domain';
import { openReplica, type ReplicaDatabase } from './database';
import { searchProducts, startProductSearch, type ProductSearch } from './product-search';

const product = (id: string, name: string): Product => ({
  id,
  name,
  gtin: '0690123456789' + String(id.length % 10),
  category: 'Dairy',
  taxClass: 'VAT9',
  status: 'active',
});
const milk = product('SKU-1', '伊利纯牛奶 Pure Milk 250ml');
const yogurt = product('SKU-2', '蒙牛酸奶 Mengniu Yogurt');
const soy = product('SKU-3', '海天酱油 Haday Soy Sauce');
const milkPrice: Price = {
  id: 'CN-LIST:SKU-1',
  priceList: 'CN-LIST',
  sku: 'SKU-1',
  amount: 650,
  currency: 'CNY',
};

let db: ReplicaDatabase;
let index: ProductSearch;
let n = 0;
beforeEach(async () => {
  db = await openReplica({ name: `search${n++}`, storage: getRxStorageMemory() });
  await db.products.bulkInsert([milk, yogurt, soy]);
  await db.prices.insert(milkPrice);
  index = startProductSearch(db);
  await index.ready;
});
afterEach(async () => {
  index.stop();
  await db.close();
});

const skus = (typed: string) => index.search(typed);

describe('product search on the till', () => {
  it('[SK2] finds 牛奶 by pinyin initials, full pinyin and the characters', async () => {
    // 酸奶 (suannai) holds "nn" too, but initials come first.
    expect(await skus('nn')).toEqual(['SKU-1', 'SKU-2']);
    expect(await skus('niunai')).toEqual(['SKU-1']);
    expect(await skus('牛奶')).toEqual(['SKU-1']);
    // 蒙牛 and 牛奶 both hold 牛 (niu)
    expect((await skus('niu')).sort()).toEqual(['SKU-1', 'SKU-2']);
  });

  it('[SK2] matches Latin words in any case and finds nothing for an empty query', async () => {
    expect(await skus('SOY sauce')).toEqual(['SKU-3']);
    expect(await skus('haday')).toEqual(['SKU-3']);
    expect(await skus('')).toEqual([]);
    expect(await skus('   ')).toEqual([]);
    expect(await skus('coffee')).toEqual([]);
  });

  it('returns the products with their price on the terminal price list, at most the limit', async () => {
    expect(await searchProducts(db, index, 'niunai', 'CN-LIST')).toEqual([
      { product: milk, price: milkPrice },
    ]);
    expect(await searchProducts(db, index, 'a', 'CN-LIST', 2)).toHaveLength(2);
  });

  it('follows the replica: a renamed product is found by its new name only, a new one at once', async () => {
    const doc = await db.products.findOne('SKU-3').exec();
    await doc!.incrementalPatch({ name: '李锦记蚝油 Lee Kum Kee Oyster Sauce' });
    await db.products.insert(product('SKU-4', '可口可乐 Coca-Cola 330ml'));
    expect(await skus('haday')).toEqual([]);
    expect(await skus('hy')).toEqual(['SKU-3']);
    expect(await skus('kkkl')).toEqual(['SKU-4']);
    expect(await skus('coca')).toEqual(['SKU-4']);
  });
});
