/**
 * Runs inside Chromium: the replica on real IndexedDB (Dexie), as the POS
 * renderer opens it. The benchmark driver calls the functions on `window.replicaBench`.
 */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import { syntheticMember, syntheticPhone, syntheticProduct } from './synthetic-catalog';
import {
  createTillReplica,
  openReplica,
  searchProducts,
  startProductSearch,
  startReplication,
  type ProductSearch,
  type ReplicaDatabase,
  type TillReplica,
} from '@pos/replica';

/**
 * The till's own view of the replica: barcode and member lookups go the way
 * checkout's do; a typed phone is hashed under the terminal's index key, then
 * found by the replica's index on `phoneIndex` ([PI2]).
 */
function tillOf(replica: ReplicaDatabase): TillReplica {
  // Every member asked for is on the terminal: the server is never asked.
  const target = { url: 'http://127.0.0.1:9', token: 'unused' };
  return createTillReplica(replica, {
    storeId: 'S001',
    deviceId: 'S001-POS1',
    priceList: 'CN-LIST',
    target,
    indexKey: INDEX_KEY_FIXTURE,
  });
}

const NAME = 'bench-replica';
let db: ReplicaDatabase | null = null;
let search: ProductSearch | null = null;

async function open(): Promise<ReplicaDatabase> {
  db ??= await openReplica({
    name: NAME,
    // The till uses strict durability; `?durability=relaxed` measures what it costs.
    storage: getRxStorageDexie({
      chromeTransactionDurability:
        new URLSearchParams(location.search).get('durability') === 'relaxed' ? 'relaxed' : 'strict',
    }),
  });
  return db;
}

/** Milliseconds of each call of `work` over `inputs`, one after the other. */
async function timeEach<T>(inputs: T[], work: (input: T) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    await work(input);
    times.push(performance.now() - started);
  }
  return times;
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
  /**
   * The floor under any design on this browser: writes SKUs [0, n) and their
   * prices straight into a plain IndexedDB object store (no RxDB, no Dexie),
   * 10,000 per transaction; returns milliseconds.
   */
  async rawIndexedDb(n: number): Promise<number> {
    const idb = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('bench-raw', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('docs', { keyPath: 'id' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const started = performance.now();
    const chunk = 10_000;
    for (let start = 0; start < n; start += chunk) {
      const tx = idb.transaction('docs', 'readwrite', { durability: 'strict' });
      const store = tx.objectStore('docs');
      for (let i = start; i < Math.min(n, start + chunk); i++) {
        const { product, price } = syntheticProduct(i);
        store.put(product);
        store.put(price);
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    }
    const ms = performance.now() - started;
    idb.close();
    return ms;
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
  /** Writes members [from, to); returns milliseconds. */
  async fillMembers(from: number, to: number): Promise<number> {
    const replica = await open();
    const started = performance.now();
    const chunk = 5_000;
    for (let start = from; start < to; start += chunk) {
      const rows = [];
      for (let i = start; i < Math.min(to, start + chunk); i++) rows.push(syntheticMember(i));
      await replica.members.bulkInsert(rows);
    }
    return performance.now() - started;
  },
  /**
   * Ready to sell: the replica is open and a barcode lookup has answered.
   * Returns milliseconds since navigation start (page load included).
   */
  async ready(probeIndex: number): Promise<{ sinceNavigation: number }> {
    const replica = await open();
    const probe = syntheticProduct(probeIndex).product.gtin.slice(1);
    const hit = await tillOf(replica).byBarcode(probe);
    if (!hit.found) throw new Error(`probe ${probe} not found`);
    return { sinceNavigation: performance.now() };
  },
  /** What the replica holds. */
  async counts(): Promise<{ products: number; members: number }> {
    const replica = await open();
    return {
      products: await replica.products.count().exec(),
      members: await replica.members.count().exec(),
    };
  },
  /** Builds the product search index in the background, as the till does once ready; returns ms. */
  async buildSearch(): Promise<number> {
    const replica = await open();
    const started = performance.now();
    search = startProductSearch(replica);
    await search.ready;
    return performance.now() - started;
  },
  /** Looks up each index's barcode in turn; returns each lookup's milliseconds. */
  async lookups(indexes: number[]): Promise<number[]> {
    const till = tillOf(await open());
    return timeEach(indexes, async (i) => {
      const code = syntheticProduct(i).product.gtin.slice(1);
      const hit = await till.byBarcode(code);
      if (!hit.found || !hit.price) throw new Error(`lookup of ${code} failed`);
    });
  },
  /**
   * Finds each index's member by a typed phone: hashed on the till, then an
   * indexed query of the replica; returns each lookup's milliseconds.
   */
  async memberLookups(indexes: number[]): Promise<number[]> {
    const till = tillOf(await open());
    return timeEach(indexes, async (i) => {
      const phone = syntheticPhone(i);
      const found = await till.member({ by: 'phone', phone });
      if (found.status !== 'found') throw new Error(`member ${phone} not found`);
    });
  },
  /** Runs each search (up to 20 products with prices); returns milliseconds and hits. */
  async searches(queries: string[]): Promise<{ ms: number[]; hits: number[] }> {
    const replica = await open();
    const index = search ?? startProductSearch(replica);
    const hits: number[] = [];
    const ms = await timeEach(queries, async (query) => {
      hits.push((await searchProducts(replica, index, query, 'CN-LIST')).length);
    });
    return { ms, hits };
  },
};

(window as unknown as { replicaBench: typeof api }).replicaBench = api;
