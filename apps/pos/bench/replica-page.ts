/**
 * Runs inside Chromium: the replica on real IndexedDB (Dexie), as the POS
 * renderer opens it. The benchmark driver calls the functions on `window.replicaBench`.
 */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { withCheckDigit, type Price, type Product } from '@pos/domain';
import { findByBarcode, openReplica, type ReplicaDatabase } from '@pos/replica';

const NAME = 'bench-replica';
let db: ReplicaDatabase | null = null;

/** The i-th synthetic SKU; the same i always gives the same product. */
export function syntheticProduct(i: number): { product: Product; price: Price } {
  const sku = `SKU-${String(i).padStart(7, '0')}`;
  const gtin = withCheckDigit(`69${String(i).padStart(10, '0')}`);
  return {
    product: {
      id: sku,
      name: `商品 ${i} Product ${i}`,
      gtin: gtin.padStart(14, '0'),
      category: `C${i % 200}`,
      taxClass: i % 3 === 0 ? 'VAT9' : 'VAT13',
      status: 'active',
    },
    price: {
      id: `CN-LIST:${sku}`,
      priceList: 'CN-LIST',
      sku,
      amount: 100 + (i % 50_000),
      currency: 'CNY',
    },
  };
}

async function open(): Promise<ReplicaDatabase> {
  db ??= await openReplica({
    name: NAME,
    storage: getRxStorageDexie({ chromeTransactionDurability: 'strict' }),
  });
  return db;
}

const api = {
  /** Writes SKUs [from, to) with their prices; returns milliseconds. */
  async fill(from: number, to: number): Promise<number> {
    const replica = await open();
    const started = performance.now();
    const chunk = 5_000;
    for (let start = from; start < to; start += chunk) {
      const rows = [];
      for (let i = start; i < Math.min(to, start + chunk); i++) rows.push(syntheticProduct(i));
      await replica.products.bulkInsert(rows.map((r) => r.product));
      await replica.prices.bulkInsert(rows.map((r) => r.price));
    }
    return performance.now() - started;
  },
  /**
   * Ready to sell: the replica is open and a barcode lookup has answered.
   * Returns milliseconds since navigation start (page load included).
   */
  async ready(probeIndex: number): Promise<{ sinceNavigation: number; products: number }> {
    const replica = await open();
    const probe = syntheticProduct(probeIndex).product.gtin.slice(1);
    const hit = await findByBarcode(replica, probe, 'CN-LIST');
    if (!hit.found) throw new Error(`probe ${probe} not found`);
    const sinceNavigation = performance.now();
    return { sinceNavigation, products: await replica.products.count().exec() };
  },
  /** Looks up each index's barcode in turn; returns each lookup's milliseconds. */
  async lookups(indexes: number[]): Promise<number[]> {
    const replica = await open();
    const times: number[] = [];
    for (const i of indexes) {
      const code = syntheticProduct(i).product.gtin.slice(1);
      const started = performance.now();
      const hit = await findByBarcode(replica, code, 'CN-LIST');
      times.push(performance.now() - started);
      if (!hit.found || !hit.price) throw new Error(`lookup of ${code} failed`);
    }
    return times;
  },
};

(window as unknown as { replicaBench: typeof api }).replicaBench = api;
