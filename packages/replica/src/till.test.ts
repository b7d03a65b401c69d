import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Price, Product, SaleFact } from '@pos/domain';
import { openReplica, type ReplicaDatabase } from './database';
import { createTillReplica } from './till';

const milk: Product = {
  id: 'SKU-0003',
  name: '伊利纯牛奶 Pure Milk',
  gtin: '06901234567892',
  category: 'Dairy',
  taxClass: 'VAT9',
  status: 'active',
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
  db = await openReplica({ name: `till${n++}`, storage: getRxStorageMemory() });
  await db.products.insert(milk);
  await db.prices.insert(milkPrice);
  await db.stock.insert({ id: 'S001:SKU-0003', storeId: 'S001', sku: 'SKU-0003', onHand: 7 });
});
afterEach(() => db.close());

function till(fetch?: typeof globalThis.fetch) {
  return createTillReplica(db, {
    storeId: 'S001',
    deviceId: 'S001-POS1',
    priceList: 'CN-LIST',
    target: { url: 'http://sync.test/', token: 't', ...(fetch ? { fetch } : {}) },
  });
}

describe('what a till reads of its replica', () => {
  it('[B2] finds products by barcode and SKU through the one lookup path, with stock', async () => {
    const replica = till();
    expect(await replica.byBarcode('6901234567892')).toMatchObject({
      found: true,
      product: { id: 'SKU-0003' },
      price: { amount: 6500 },
    });
    expect(await replica.bySku('sku-0003')).toMatchObject({ found: true });
    expect(await replica.stock('SKU-0003')).toMatchObject({ onHand: 7 });
    expect(await replica.stock('SKU-9999')).toBeUndefined();
  });

  it('keeps the device’s local documents, with their first value', async () => {
    const replica = till();
    expect(await replica.readLocal('open-shift', { shift: null })).toEqual({ shift: null });
    await replica.writeLocal('open-shift', { shift: 'X' });
    expect(await replica.readLocal('open-shift', { shift: null })).toEqual({ shift: 'X' });
  });

  it('[SA1] asks the server for a sale it does not hold, and tells offline, unknown and another store apart', async () => {
    const sale = { id: 'S001-POS2-01J' } as SaleFact;
    const answering = (status: number, body: unknown) =>
      till(async (url) => {
        expect(String(url)).toBe('http://sync.test/_sales/S001-POS2-01J');
        return new Response(JSON.stringify(body), { status });
      });
    expect(await answering(200, { sale }).saleOnline(sale.id)).toEqual({ status: 'found', sale });
    expect(await answering(404, { error: 'not_found' }).saleOnline(sale.id)).toEqual({
      status: 'not-found',
    });
    expect(await answering(403, { error: 'forbidden' }).saleOnline(sale.id)).toEqual({
      status: 'other-store',
    });
    expect(await answering(500, {}).saleOnline(sale.id)).toMatchObject({ status: 'offline' });
    const down = till(async () => Promise.reject(new TypeError('fetch failed')));
    expect(await down.saleOnline(sale.id)).toEqual({ status: 'offline', reason: 'fetch failed' });
  });
});
