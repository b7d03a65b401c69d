/**
 * Runs inside Chromium: a terminal's first download into the replica on real
 * IndexedDB (Dexie, strict durability, as the POS renderer opens it), by the
 * first download below RxDB's document path or by replication alone. The
 * benchmark driver calls the functions on `window.catalogBench`.
 */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
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
  /** The progress bar's figures now (null before the first). */
  progress: (): InitialSyncProgress | null => progress,
};

(window as unknown as { catalogBench: typeof api }).catalogBench = api;
