/**
 * Facts waiting to upload (sales, returns, shift closes...). A fact counts as
 * uploaded only once the sync server confirms it holds it, so the count shown
 * to a cashier can be trusted.
 *
 * Every fact lives in the `facts` collection with its kind ([DK1] [DK2]). The
 * outbox is a local (never replicated) document listing unconfirmed facts.
 * A fact's id enters it before the fact is stored, and leaves it when the
 * server's `facts/_all_docs` answers with that fact. At open, ids whose fact
 * never got stored (a crash between the two writes) are dropped, so the list
 * heals itself. Entries of the earlier layout (one collection per kind) name
 * facts that the layout migration moved into `facts` ([DK5]): they are kept.
 */
import { BehaviorSubject, debounceTime, merge, type Observable, type Subscription } from 'rxjs';
import { toFact, type FactBodyByKind, type FactKind } from '@pos/domain';
import type { ReplicaDatabase } from './database';
import type { Replication, SyncTarget } from './replication';
import { syncRequestHeaders } from './sync-headers';

/** An unconfirmed fact; `collection` is `facts`, or a collection of the earlier layout. */
type Entry = { collection: string; id: string };
type OutboxDoc = { entries: Entry[] };
const OUTBOX_ID = 'facts-outbox';

export type Outbox = {
  /** How many facts (sales, returns, shift closes...) the server has not confirmed yet. */
  pending$: Observable<number>;
  /** Stores a fact of a kind durably and counts it as waiting until the server confirms it. */
  record<K extends FactKind>(kind: K, fact: FactBodyByKind[K]): Promise<void>;
  /** Asks the server which waiting facts it holds; returns how many are still waiting. */
  confirm(): Promise<number>;
};

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
  const ids = [...new Set((doc.get('entries') as Entry[]).map((e) => e.id))];
  const stored = await db.facts.findByIds(ids).exec();
  // One entry per stored fact, named by `facts` whatever collection it was recorded under.
  await update((entries) => [
    ...new Map(
      entries
        .filter((e) => stored.has(e.id))
        .map((e): [string, Entry] => [e.id, { collection: 'facts', id: e.id }]),
    ).values(),
  ]);

  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  const base = target.url.replace(/\/+$/, '');

  async function confirmed(ids: string[]): Promise<Set<string>> {
    const response = await fetcher(`${base}/facts/_all_docs`, {
      method: 'POST',
      headers: { ...syncRequestHeaders(target, db), 'Content-Type': 'application/json' },
      body: JSON.stringify({ keys: ids }),
    });
    if (!response.ok) throw new Error(`the sync server answered ${response.status}`);
    const body = (await response.json()) as { rows?: { key?: string; value?: unknown }[] };
    return new Set(
      (body.rows ?? [])
        .filter((row) => row.value && typeof row.key === 'string')
        .map((row) => row.key!),
    );
  }

  return {
    pending$: pending.asObservable(),
    async record(kind, fact) {
      const entry: Entry = { collection: 'facts', id: fact.id };
      // The id enters the outbox before the fact is stored: a crash between
      // the two writes leaves an id the next open drops, never a fact uncounted.
      await update((entries) =>
        entries.some((e) => e.id === entry.id) ? entries : [...entries, entry],
      );
      await db.facts.insert(toFact(kind, fact));
    },
    async confirm() {
      const waiting = ((await db.getLocal<OutboxDoc>(OUTBOX_ID))?.get('entries') ?? []) as Entry[];
      if (!waiting.length) return 0;
      const held = await confirmed(waiting.map((e) => e.id));
      await update((entries) => entries.filter((e) => !held.has(e.id)));
      return pending.getValue();
    },
  };
}

/**
 * Confirms waiting facts now, after every successful push, and whenever the
 * facts replication goes idle; failures (offline) are left for the next try.
 * Returns a function that stops watching.
 */
export function watchOutbox(outbox: Outbox, replication: Replication): () => void {
  let running: Promise<unknown> = Promise.resolve();
  const confirm = () => {
    running = running.then(() => outbox.confirm()).catch(() => undefined);
  };
  const subscription: Subscription = merge(
    replication.states.facts.sent$,
    replication.states.facts.active$,
  )
    .pipe(debounceTime(250))
    .subscribe(confirm);
  confirm();
  return () => subscription.unsubscribe();
}
