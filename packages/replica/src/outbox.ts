/**
 * Sales waiting to upload. A sale counts as uploaded only once the sync
 * server confirms it holds it, so the count shown to a cashier can be trusted.
 *
 * The outbox is a local (never replicated) document listing unconfirmed sale
 * ids. A sale's id enters it before the sale is stored, and leaves it when the
 * server's _all_docs answers with that sale. At open, ids whose sale never got
 * stored (a crash between the two writes) are dropped, so the list heals itself.
 */
import { BehaviorSubject, debounceTime, merge, type Observable, type Subscription } from 'rxjs';
import type { Sale } from '@pos/domain';
import type { ReplicaDatabase } from './database';
import type { Replication, SyncTarget } from './replication';

type OutboxDoc = { ids: string[] };
const OUTBOX_ID = 'sales-outbox';

export type Outbox = {
  /** How many sales the server has not confirmed yet. */
  pending$: Observable<number>;
  /** Stores a sale durably and counts it as waiting until the server confirms it. */
  recordSale(sale: Sale): Promise<void>;
  /** Asks the server which waiting sales it holds; returns how many are still waiting. */
  confirm(): Promise<number>;
};

export async function openOutbox(db: ReplicaDatabase, target: SyncTarget): Promise<Outbox> {
  const existing = await db.getLocal<OutboxDoc>(OUTBOX_ID);
  const doc = existing ?? (await db.insertLocal<OutboxDoc>(OUTBOX_ID, { ids: [] }));
  const stored = await db.sales.findByIds(doc.get('ids') as string[]).exec();
  const pending = new BehaviorSubject<number>(0);
  const update = async (change: (ids: string[]) => string[]) => {
    const next = await doc.incrementalModify((data: OutboxDoc) => ({ ids: change(data.ids) }));
    pending.next((next.get('ids') as string[]).length);
  };
  await update((ids) => ids.filter((id) => stored.has(id)));

  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  const base = target.url.replace(/\/+$/, '');

  return {
    pending$: pending.asObservable(),
    async recordSale(sale) {
      await update((ids) => (ids.includes(sale.id) ? ids : [...ids, sale.id]));
      await db.sales.insert(sale);
    },
    async confirm() {
      const waiting = (await db.getLocal<OutboxDoc>(OUTBOX_ID))?.get('ids') as string[] | undefined;
      if (!waiting?.length) return 0;
      const response = await fetcher(`${base}/sales/_all_docs`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${target.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ keys: waiting }),
      });
      if (!response.ok) throw new Error(`the sync server answered ${response.status}`);
      const body = (await response.json()) as { rows?: { key?: string; value?: unknown }[] };
      const confirmed = new Set(
        (body.rows ?? [])
          .filter((row) => row.value && typeof row.key === 'string')
          .map((row) => row.key!),
      );
      await update((ids) => ids.filter((id) => !confirmed.has(id)));
      return pending.getValue();
    },
  };
}

/**
 * Confirms waiting sales now, after every successful push of sales, and
 * whenever the sales replication goes idle; failures (offline) are left for the
 * next try. Returns a function that stops watching.
 */
export function watchOutbox(outbox: Outbox, replication: Replication): () => void {
  const sales = replication.states.sales;
  let running: Promise<unknown> = Promise.resolve();
  const confirm = () => {
    running = running.then(() => outbox.confirm()).catch(() => undefined);
  };
  const subscription: Subscription = merge(sales.sent$, sales.active$)
    .pipe(debounceTime(250))
    .subscribe(confirm);
  confirm();
  return () => subscription.unsubscribe();
}
