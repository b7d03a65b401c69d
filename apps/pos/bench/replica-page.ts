/**
 * Runs inside Chromium: the replica on real IndexedDB (Dexie), as the POS
 * renderer opens it. The benchmark driver calls the functions on `window.replicaBench`.
 */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { syntheticProduct } from './synthetic-catalog';
import { findByBarcode, openReplica, startReplication, type ReplicaDatabase } from '@pos/replica';

const NAME = 'bench-replica';
let db: ReplicaDatabase | null = null;

async function open(): Promise<ReplicaDatabase> {
  db ??= await openReplica({
    name: NAME,
    storage: getRxStorageDexie({ chromeTransactionDurability: 'strict' }),
  });
  return db;
}

const api = {
  /**
   * Downloads everything that flows down from the sync server into an empty
   * replica, as a terminal's first start does; returns milliseconds and counts.
   */
  async download(
    url: string,
    token: string,
  ): Promise<{ ms: number; products: number; prices: number }> {
    const replica = await open();
    const started = performance.now();
    const replication = startReplication(replica, { url, token });
    await replication.awaitInitialSync();
    const ms = performance.now() - started;
    await replication.stop();
    return {
      ms,
      products: await replica.products.count().exec(),
      prices: await replica.prices.count().exec(),
    };
  },
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
