/**
 * Facts waiting to upload (sales, returns, shift closes...). A fact counts as
 * uploaded only once the sync server confirms it holds it, so the count shown
 * to a cashier can be trusted.
 *
 * The outbox is a local (never replicated) document listing unconfirmed facts.
 * A fact's id enters it before the fact is stored, and leaves it when the
 * server's _all_docs answers with that fact. At open, ids whose fact never got
 * stored (a crash between the two writes) are dropped, so the list heals itself.
 */
import { BehaviorSubject, debounceTime, merge, type Observable, type Subscription } from 'rxjs';
import { FACT_COLLECTIONS, type DocumentByCollection, type FactCollection } from '@pos/domain';
import type { ReplicaDatabase } from './database';
import type { Replication, SyncTarget } from './replication';
import { syncRequestHeaders } from './sync-headers';

type Entry = { collection: FactCollection; id: string };
type OutboxDoc = { entries: Entry[] };
const OUTBOX_ID = 'facts-outbox';

export type Outbox = {
  /** How many facts (sales, returns, shift closes...) the server has not confirmed yet. */
  pending$: Observable<number>;
  /** Stores a fact durably and counts it as waiting until the server confirms it. */
  record<C extends FactCollection>(collection: C, fact: DocumentByCollection[C]): Promise<void>;
  /** Asks the server which waiting facts it holds; returns how many are still waiting. */
  confirm(): Promise<number>;
};

const same = (a: Entry, b: Entry) => a.collection === b.collection && a.id === b.id;

export async function openOutbox(db: ReplicaDatabase, target: SyncTarget): Promise<Outbox> {
  const existing = await db.getLocal<OutboxDoc>(OUTBOX_ID);
  const doc = existing ?? (await db.insertLocal<OutboxDoc>(OUTBOX_ID, { entries: [] }));
  const pending = new BehaviorSubject<number>(0);
  const update = async (change: (entries: Entry[]) => Entry[]) => {
    const next = await doc.incrementalModify((data: OutboxDoc) => ({
      entries: change(data.entries),
    }));
    pending.next((next.get('entries') as Entry[]).length);
  };
  const stored = new Set<string>();
  for (const collection of FACT_COLLECTIONS) {
    const ids = (doc.get('entries') as Entry[])
      .filter((e) => e.collection === collection)
      .map((e) => e.id);
    const found = await db[collection].findByIds(ids).exec();
    for (const id of found.keys()) stored.add(`${collection}/${id}`);
  }
  await update((entries) => entries.filter((e) => stored.has(`${e.collection}/${e.id}`)));

  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  const base = target.url.replace(/\/+$/, '');

  async function confirmCollection(collection: FactCollection, ids: string[]): Promise<Entry[]> {
    const response = await fetcher(`${base}/${collection}/_all_docs`, {
      method: 'POST',
      headers: { ...syncRequestHeaders(target, db), 'Content-Type': 'application/json' },
      body: JSON.stringify({ keys: ids }),
    });
    if (!response.ok) throw new Error(`the sync server answered ${response.status}`);
    const body = (await response.json()) as { rows?: { key?: string; value?: unknown }[] };
    return (body.rows ?? [])
      .filter((row) => row.value && typeof row.key === 'string')
      .map((row) => ({ collection, id: row.key! }));
  }

  return {
    pending$: pending.asObservable(),
    async record(collection, fact) {
      const entry: Entry = { collection, id: (fact as { id: string }).id };
      // The id enters the outbox before the fact is stored: a crash between
      // the two writes leaves an id the next open drops, never a fact uncounted.
      await update((entries) =>
        entries.some((e) => same(e, entry)) ? entries : [...entries, entry],
      );
      await (db[collection] as unknown as { insert(doc: unknown): Promise<unknown> }).insert(fact);
    },
    async confirm() {
      const waiting = ((await db.getLocal<OutboxDoc>(OUTBOX_ID))?.get('entries') ?? []) as Entry[];
      if (!waiting.length) return 0;
      const confirmed: Entry[] = [];
      for (const collection of FACT_COLLECTIONS) {
        const ids = waiting.filter((e) => e.collection === collection).map((e) => e.id);
        if (ids.length) confirmed.push(...(await confirmCollection(collection, ids)));
      }
      await update((entries) => entries.filter((e) => !confirmed.some((c) => same(c, e))));
      return pending.getValue();
    },
  };
}

/**
 * Confirms waiting facts now, after every successful push, and whenever a
 * fact collection's replication goes idle; failures (offline) are left for
 * the next try. Returns a function that stops watching.
 */
export function watchOutbox(outbox: Outbox, replication: Replication): () => void {
  let running: Promise<unknown> = Promise.resolve();
  const confirm = () => {
    running = running.then(() => outbox.confirm()).catch(() => undefined);
  };
  const subscription: Subscription = merge(
    ...FACT_COLLECTIONS.flatMap((name) => [
      replication.states[name].sent$,
      replication.states[name].active$,
    ]),
  )
    .pipe(debounceTime(250))
    .subscribe(confirm);
  confirm();
  return () => subscription.unsubscribe();
}
