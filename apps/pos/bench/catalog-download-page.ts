/**
 * Runs inside Chromium: a terminal's first download into the replica on real
 * IndexedDB (Dexie, strict durability, as the POS renderer opens it), by the
 * first download below RxDB's document path or by replication alone. The
 * benchmark driver calls the functions on `window.catalogBench`.
 */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { syntheticProduct } from './synthetic-catalog';
import {
  openReplica,
  startReplication,
  trackInitialSync,
  type DownloadResult,
  type InitialSyncProgress,
} from '@pos/replica';

/** One download's figures, as the benchmark driver reads them. */
export type Run = {
  ms: number;
  /** Opening the replica, before `ms` starts. */
  openMs: number;
  /** Until the first download ended (the rest of `ms` is replication's first pull). */
  downloadMs: number;
  products: number;
  prices: number;
  download: DownloadResult | null;
  lastProgress: InitialSyncProgress | null;
};

let progress: InitialSyncProgress | null = null;

const api = {
  /**
   * Downloads everything that flows down to the terminal, as its first start
   * does (or resumes a download a killed browser left); returns the time,
   * the counts, and where the download's time went.
   */
  async download(
    url: string,
    token: string,
    path: 'pages' | 'replication',
    parallel: number,
  ): Promise<Run> {
    const opening = performance.now();
    const db = await openReplica({
      name: 'bench-catalog',
      storage: getRxStorageDexie({ chromeTransactionDurability: 'strict' }),
    });
    const target = { url, token };
    const started = performance.now();
    const openMs = started - opening;
    const replication = startReplication(db, target, {
      firstDownload: path === 'pages',
      download: { parallel },
    });
    trackInitialSync(replication, target).subscribe((next) => (progress = next));
    let downloadMs = 0;
    void replication.firstDownload.then(() => (downloadMs = performance.now() - started));
    await replication.awaitInitialSync();
    const ms = performance.now() - started;
    const download = await replication.firstDownload;
    await replication.stop();
    const run = {
      ms,
      openMs,
      downloadMs,
      products: await db.products.count().exec(),
      prices: await db.prices.count().exec(),
      download,
      lastProgress: progress,
    };
    await db.close();
    return run;
  },
  /**
   * Why the page path is slower than the plain peer, measured: the same
   * documents, in the form RxDB's Dexie storage keeps them, put straight into
   * plain IndexedDB stores with the indexes RxDB's Dexie tables of products
   * and prices have (copied from the replica's own databases), 10,000 per
   * transaction; no RxDB, no network. Returns milliseconds and the indexes.
   */
  async rawWithReplicaIndexes(n: number): Promise<{ ms: number; indexes: string[] }> {
    const replica = await openReplica({ name: 'bench-catalog', storage: getRxStorageDexie() });
    await replica.close();
    const layouts: { name: string; keyPath: string | string[]; indexes: IndexLayout[] }[] = [];
    for (const info of await indexedDB.databases()) {
      const match = /bench-catalog--\d+--(products|prices)/.exec(info.name ?? '');
      if (!match) continue;
      const idb = await openIdb(info.name!);
      const store = idb.transaction('docs', 'readonly').objectStore('docs');
      layouts.push({
        name: match[1]!,
        keyPath: store.keyPath as string | string[],
        indexes: [...store.indexNames].map((index) => {
          const { keyPath, unique, multiEntry } = store.index(index);
          return { name: index, keyPath: keyPath as string | string[], unique, multiEntry };
        }),
      });
      idb.close();
    }
    const idb = await openIdb('bench-raw-indexed', (db) => {
      for (const layout of layouts) {
        const store = db.createObjectStore(layout.name, { keyPath: layout.keyPath });
        for (const index of layout.indexes) store.createIndex(index.name, index.keyPath, index);
      }
    });
    const started = performance.now();
    const chunk = 10_000;
    for (let start = 0; start < n; start += chunk) {
      for (const layout of layouts) {
        const tx = idb.transaction(layout.name, 'readwrite', { durability: 'strict' });
        const store = tx.objectStore(layout.name);
        for (let i = start; i < Math.min(n, start + chunk); i++) {
          const doc = syntheticProduct(i)[layout.name === 'products' ? 'product' : 'price'];
          store.put({
            ...doc,
            _deleted: '0',
            _attachments: {},
            _rev: '1-x',
            _meta: { lwt: Date.now() },
          });
        }
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      }
    }
    const ms = performance.now() - started;
    idb.close();
    return {
      ms,
      indexes: layouts.map(
        (l) => `${l.name}: ${l.indexes.map((i) => JSON.stringify(i.keyPath)).join(' ')}`,
      ),
    };
  },
  /** The progress bar's figures now (null before the first). */
  progress: (): InitialSyncProgress | null => progress,
};

type IndexLayout = {
  name: string;
  keyPath: string | string[];
  unique: boolean;
  multiEntry: boolean;
};

function openIdb(name: string, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const request = upgrade ? indexedDB.open(name, 1) : indexedDB.open(name);
    if (upgrade) request.onupgradeneeded = () => upgrade(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

(window as unknown as { catalogBench: typeof api }).catalogBench = api;
