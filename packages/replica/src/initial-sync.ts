/**
 * Progress of the first download of what flows down (catalog, prices, stock),
 * for the progress bar a terminal shows on its first start: documents
 * received against what the server holds for this device, and the time left
 * at the rate seen so far.
 */
import { BehaviorSubject, merge, type Observable } from 'rxjs';
import { COLLECTIONS, type CollectionName } from '@pos/domain';
import { REPLICA_COLLECTIONS } from './database';
import type { Replication, SyncTarget } from './replication';
import { syncRequestHeaders } from './sync-headers';

export type InitialSyncProgress = {
  received: number;
  /** What the server holds for this device; null until it has answered. */
  total: number | null;
  /** 0-100, or null while the total is unknown. */
  percent: number | null;
  /** Seconds left at the rate so far, or null while it cannot be estimated. */
  secondsLeft: number | null;
  done: boolean;
};

const DOWN = REPLICA_COLLECTIONS.filter((name) => COLLECTIONS[name].direction === 'down');

/** Pure: the progress figures from counts and elapsed time. */
export function progressOf(
  received: number,
  total: number | null,
  elapsedMs: number,
  done: boolean,
): InitialSyncProgress {
  if (done) return { received, total, percent: 100, secondsLeft: 0, done };
  if (total === null || total === 0)
    return { received, total, percent: null, secondsLeft: null, done };
  const shown = Math.min(received, total);
  const percent = Math.floor((shown / total) * 100);
  const rate = elapsedMs > 0 ? shown / elapsedMs : 0;
  const secondsLeft = rate > 0 && shown >= 100 ? Math.ceil((total - shown) / rate / 1000) : null;
  return { received: shown, total, percent, secondsLeft, done };
}

export function trackInitialSync(
  replication: Replication,
  target: SyncTarget,
  clock: () => number = () => Date.now(),
): Observable<InitialSyncProgress> {
  const started = clock();
  let received = 0;
  let total: number | null = null;
  let done = false;
  const progress = new BehaviorSubject(progressOf(0, null, 0, false));
  let publishedAt = Number.NEGATIVE_INFINITY;
  const publish = () => {
    publishedAt = clock();
    progress.next(progressOf(received, total, publishedAt - started, done));
  };
  // received$ fires once per document: a progress bar needs ten updates a second, not thousands.
  const tick = () => {
    if (clock() - publishedAt >= 100) publish();
  };

  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  const base = target.url.replace(/\/+$/, '');
  void Promise.all(
    DOWN.map(async (name: CollectionName) => {
      const response = await fetcher(`${base}/${name}`, {
        headers: syncRequestHeaders(target),
      });
      const info = (await response.json()) as { doc_count?: unknown };
      return typeof info.doc_count === 'number' ? info.doc_count : 0;
    }),
  )
    .then((counts) => {
      total = counts.reduce((a, b) => a + b, 0);
      publish();
    })
    .catch(() => undefined); // offline: the bar shows the count without a total

  const subscription = merge(...DOWN.map((name) => replication.states[name].received$)).subscribe(
    () => {
      received += 1;
      tick();
    },
  );
  // [CDL5] The first download's pages count as received too.
  subscription.add(
    replication.downloaded$.subscribe((documents) => {
      received += documents;
      tick();
    }),
  );
  void replication.awaitInitialSync().then(() => {
    done = true;
    publish();
    subscription.unsubscribe();
    progress.complete();
  });
  return progress.asObservable();
}
