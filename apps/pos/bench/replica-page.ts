/**
 * Runs inside Chromium: the replica on real IndexedDB (Dexie), as the POS
 * renderer opens it. The benchmark driver calls the functions on `window.replicaBench`.
 */
import type { RxCollection } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { makePickupQr, matchPickupCode, pickupCode, toHex } from '@pos/domain';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import {
  createPickupDesk,
  createStateStore,
  initialTillState,
  planCounterReads,
  type PickupDesk,
  type TillPorts,
} from '@pos/app-core';
import {
  BENCH_PICKUP_QR_KEY,
  BENCH_PICKUP_STORE_KEY,
  syntheticEpc,
  syntheticHeldUnits,
  syntheticMember,
  syntheticOrderId,
  syntheticPhone,
  syntheticProduct,
  syntheticStoreItems,
  syntheticStoreOrder,
} from './synthetic-catalog';
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

/** When this script began to run, in milliseconds since navigation (the page and its bundle loaded by then). */
const scriptStarted = performance.now();

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

/**
 * The till's pickup desk over the replica, as the POS app makes it: a
 * scanned pickup QR or a typed 6-digit code opens the order ([DP1] [DP3]).
 * Nothing is printed or recorded here.
 */
function deskOf(replica: ReplicaDatabase): PickupDesk {
  const unused = () => Promise.reject(new Error('not used by the benchmark'));
  const ports: TillPorts = {
    replica: tillOf(replica),
    outbox: { record: unused },
    devices: { printReceipt: unused, printDocument: unused, openDrawer: unused },
    config: {
      storeId: 'S001',
      deviceId: 'S001-POS1',
      currency: 'CNY',
      receiptColumns: 48,
      pickupStoreKeys: [
        { id: BENCH_PICKUP_STORE_KEY.id, secretHex: toHex(BENCH_PICKUP_STORE_KEY.secret) },
      ],
      pickupQrKeys: [{ id: BENCH_PICKUP_QR_KEY.id, secretHex: toHex(BENCH_PICKUP_QR_KEY.secret) }],
    },
    state: createStateStore(initialTillState()),
    clock: () => new Date(),
    newId: () => `S001-POS1-${crypto.randomUUID()}`,
    language: () => 'en',
  };
  return createPickupDesk(ports);
}

/** Documents per storage write: one IndexedDB transaction each. */
const WRITE_CHUNK = 10_000;

/**
 * Writes new documents through the collection's storage instance, below
 * RxDB's document path (no document objects, no change events per
 * document): RxDB's wrapper gives each its first revision and write time,
 * so the replica opens them as if RxDB had inserted them. One IndexedDB
 * transaction per WRITE_CHUNK documents.
 */
async function writeBelowRxdb<T>(collection: RxCollection<T>, docs: readonly T[]): Promise<void> {
  for (let start = 0; start < docs.length; start += WRITE_CHUNK) {
    const rows = docs.slice(start, start + WRITE_CHUNK).map((doc) => ({
      document: { ...doc, _deleted: false, _attachments: {}, _rev: '', _meta: { lwt: 0 } },
    }));
    const result = await collection.storageInstance.bulkWrite(rows, 'bench-fill');
    if (result.error.length > 0) {
      const first = result.error[0]!;
      throw new Error(
        `${result.error.length} of ${rows.length} ${collection.name} not written: ${first.status} ${first.documentId}`,
      );
    }
  }
}

/** Milliseconds of every fill spent making the synthetic documents (not writing them), by collection. */
const makingMs: Record<string, number> = {};

/** Milliseconds to make documents [from, to) with `make` and write them below RxDB. */
async function fillRange<T>(
  collection: RxCollection<T>,
  from: number,
  to: number,
  make: (i: number) => T,
): Promise<number> {
  const started = performance.now();
  for (let start = from; start < to; start += WRITE_CHUNK) {
    const making = performance.now();
    const docs: T[] = [];
    for (let i = start; i < Math.min(to, start + WRITE_CHUNK); i++) docs.push(make(i));
    makingMs[collection.name] = (makingMs[collection.name] ?? 0) + performance.now() - making;
    await writeBelowRxdb(collection, docs);
  }
  return performance.now() - started;
}

const NAME = 'bench-replica';
let db: ReplicaDatabase | null = null;
let search: ProductSearch | null = null;

let opening: Promise<ReplicaDatabase> | null = null;
/** When the replica began to open and when it was open, in milliseconds since navigation. */
const openTimes = { started: 0, done: 0 };

/** The replica, opened once (a second caller waits for the first opening). */
async function open(): Promise<ReplicaDatabase> {
  if (db) return db;
  opening ??= (async () => {
    openTimes.started = performance.now();
    const opened = await openReplica({
      name: NAME,
      // The till uses strict durability; `?durability=relaxed` measures what it costs.
      storage: getRxStorageDexie({
        chromeTransactionDurability:
          new URLSearchParams(location.search).get('durability') === 'relaxed'
            ? 'relaxed'
            : 'strict',
      }),
    });
    openTimes.done = performance.now();
    return opened;
  })();
  db = await opening;
  return db;
}

// `?start`: the replica opens as soon as the script runs, as the till's renderer does at boot.
if (new URLSearchParams(location.search).has('start')) void open();

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
  /** Writes SKUs [from, to) with their prices below RxDB's document path; returns milliseconds. */
  async fill(from: number, to: number): Promise<number> {
    const replica = await open();
    return (
      (await fillRange(replica.products, from, to, (i) => syntheticProduct(i).product)) +
      (await fillRange(replica.prices, from, to, (i) => syntheticProduct(i).price))
    );
  },
  /** Writes members [from, to) (as the till holds them, blind indexes made here); returns milliseconds. */
  async fillMembers(from: number, to: number): Promise<number> {
    const replica = await open();
    return fillRange(replica.members, from, to, (i) => syntheticMember(i));
  },
  /**
   * Writes online orders [from, to) of `count` (storeState kind `order`)
   * over the first `skus` SKUs, placed in the 90 days before `now`; with
   * the last range, the units the open ones hold (kind `held`). Returns milliseconds.
   */
  async fillOrders(
    from: number,
    to: number,
    count: number,
    skus: number,
    now: number,
  ): Promise<number> {
    const replica = await open();
    const storeState = replica.storeState as unknown as RxCollection<object>;
    let ms = await fillRange(storeState, from, to, (i) => syntheticStoreOrder(i, count, skus, now));
    if (to === count) {
      const started = performance.now();
      await writeBelowRxdb(storeState, syntheticHeldUnits(count, skus, now));
      ms += performance.now() - started;
    }
    return ms;
  },
  /**
   * Writes the `items` documents of the store's SKUs [from, to) holding the
   * first `epcs` tagged items (ten a SKU); returns milliseconds.
   */
  async fillItems(from: number, to: number, epcs: number, now: number): Promise<number> {
    const replica = await open();
    const storeState = replica.storeState as unknown as RxCollection<object>;
    return fillRange(storeState, from, to, (j) => syntheticStoreItems(j, epcs, now));
  },
  /**
   * Ready to sell: the replica is open and a barcode lookup has answered.
   * Returns milliseconds since navigation start (page load included), and
   * its steps: the script running, the replica opened, the first lookup.
   */
  async ready(probeIndex: number): Promise<{
    sinceNavigation: number;
    scriptStarted: number;
    openMs: number;
    lookupMs: number;
  }> {
    const replica = await open();
    const looking = performance.now();
    const probe = syntheticProduct(probeIndex).product.gtin.slice(1);
    const hit = await tillOf(replica).byBarcode(probe);
    if (!hit.found) throw new Error(`probe ${probe} not found`);
    const now = performance.now();
    return {
      sinceNavigation: now,
      scriptStarted,
      openMs: openTimes.done - openTimes.started,
      lookupMs: now - looking,
    };
  },
  /** Of the fills' milliseconds, those spent making the documents, by collection. */
  fillMaking(): Record<string, number> {
    return makingMs;
  },
  /** What the replica holds. */
  async counts(): Promise<{ products: number; members: number; orders: number; epcs: number }> {
    const replica = await open();
    const items = await replica.storeState.find({ selector: { kind: 'items' } }).exec();
    return {
      products: await replica.products.count().exec(),
      members: await replica.members.count().exec(),
      orders: await replica.storeState.count({ selector: { kind: 'order' } }).exec(),
      epcs: items.reduce((sum, d) => {
        const doc = d.toJSON() as unknown as { sellable: string[]; sold: string[] };
        return sum + doc.sellable.length + doc.sold.length;
      }, 0),
    };
  },
  /** What the origin's storage uses (IndexedDB here), as the browser estimates it. */
  async storageUsage(): Promise<number> {
    return (await navigator.storage.estimate()).usage ?? 0;
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
  /**
   * Scans each order's pickup QR at the pickup desk, as the till does: the
   * QR verified, the order read from the replica with this till's facts
   * folded over it, its lines named; returns each lookup's milliseconds.
   */
  async orderByQr(indexes: number[]): Promise<number[]> {
    const desk = deskOf(await open());
    return timeEach(indexes, async (i) => {
      const orderId = syntheticOrderId(i);
      const opened = await desk.openByQr(makePickupQr(orderId, 'S001', BENCH_PICKUP_QR_KEY));
      if (!opened?.ok || opened.value.order.id !== orderId) {
        throw new Error(`order ${orderId} not opened by its QR`);
      }
    });
  },
  /**
   * Types each order's 6-digit pickup code at the pickup desk (the order
   * must be open for pickup); returns each lookup's milliseconds.
   */
  async orderByCode(indexes: number[]): Promise<number[]> {
    const desk = deskOf(await open());
    return timeEach(indexes, async (i) => {
      const orderId = syntheticOrderId(i);
      const opened = await desk.openByCode(pickupCode(orderId, BENCH_PICKUP_STORE_KEY));
      if (!opened.ok || opened.value.order.id !== orderId) {
        throw new Error(
          `order ${orderId} not opened by its code: ${opened.ok ? 'another order' : opened.message}`,
        );
      }
    });
  },
  /**
   * Where a typed code's time goes, step by step as the desk takes them:
   * reading every order of the store from the replica, reading this till's
   * facts of the open ones, the code's HMAC over them, and the try counted
   * (a local document written). Milliseconds.
   */
  async orderByCodeSteps(): Promise<{
    read: number;
    facts: number;
    match: number;
    attempt: number;
    open: number;
  }> {
    const till = tillOf(await open());
    let started = performance.now();
    const docs = await till.storeOrders();
    const read = performance.now() - started;
    const openIds = docs
      .filter((d) =>
        ['placed', 'held', 'paid', 'ready', 'partly-picked-up'].includes(d.order.status),
      )
      .map((d) => d.order.id);
    started = performance.now();
    await Promise.all(openIds.map((id) => till.orderFactsHere(id)));
    const facts = performance.now() - started;
    started = performance.now();
    matchPickupCode('000000', openIds, [BENCH_PICKUP_STORE_KEY]);
    const match = performance.now() - started;
    // A typed code is counted ([DP2]): one local document written, strict durability.
    started = performance.now();
    await till.writeLocal('bench-attempts', { at: new Date().toISOString() });
    const attempt = performance.now() - started;
    return { read, facts, match, attempt, open: openIds.length };
  },
  /**
   * Each batch of tagged items read at the counter, as the RFID checkout
   * plans them ([RC1] [RC2]): each tag's product by its GTIN, the store's
   * `items` documents of those SKUs, then the plan (sold tags refused);
   * returns each batch's milliseconds.
   */
  async epcLookups(batches: number[][]): Promise<number[]> {
    const till = tillOf(await open());
    const cart = { lines: [] };
    return timeEach(batches, async (batch) => {
      const tags = batch.map(syntheticEpc);
      const plan = await planCounterReads(
        till,
        new Map(),
        cart,
        tags.map((t) => ({ epc: t.epc })),
      );
      const sold = tags.filter((t) => t.sold).length;
      const added = plan.additions.reduce((sum, a) => sum + a.epcs.length, 0);
      if (added !== tags.length - sold || plan.refusals.length !== sold) {
        throw new Error(
          `tags ${batch.join(',')}: ${added} added, ${plan.refusals.length} refused, expected ${sold} sold`,
        );
      }
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
