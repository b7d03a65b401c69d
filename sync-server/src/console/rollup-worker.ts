/**
 * The rollup worker: tails the documents table by `seq` from its checkpoint,
 * folds each page of facts with the domain's folds (rollups.ts) and, in ONE
 * feature transaction, adds the page's cells to the rollup tables, puts the
 * orders' rows in place of their last version's and moves the checkpoint.
 * A page is therefore applied exactly once. Every server process runs one;
 * one at a time works ([OC6]'s sweep lock), woken by committed writes
 * (`listen`) and by a slow timer. See SPEC.md [RM1]-[RM7].
 */
import {
  dayCells,
  DEFAULT_ROLLUP_UTC_OFFSET_MINUTES,
  foldFacts,
  type CommissionEntry,
  type Order,
  type ReturnFact,
  type RollupDelta,
  type RollupFact,
  type SaleFact,
  type SalesCell,
} from '@pos/domain';
import { COMMISSION_ENTRIES_DB } from '../clerk/ledger';
import { EXCEPTIONS_DB } from '../ledgers';
import type { Logger } from '../server';
import { ALL_CHANGED, type SyncStorage } from '../storage/storage';
import type { Queryable } from '../storage/write-group';
import { ROLLUP_CHECKPOINT } from './rollup-schema';

/** [RM1] The documents the rollups read, by the table's `db`. */
export const ROLLUP_SOURCES = [
  'saleFacts',
  'returns',
  COMMISSION_ENTRIES_DB,
  '_orders',
  EXCEPTIONS_DB,
] as const;
const SOURCES = new Set<string>(ROLLUP_SOURCES);

/** [RM6] The lock only one server process holds while it applies pages. */
export const ROLLUP_LOCK = 'rollups';
export const DEFAULT_ROLLUP_PAGE = 2000;
/** [RM6] The slow timer's interval: catches up after a lost notification. */
export const DEFAULT_ROLLUP_INTERVAL_MS = 5000;
export const DEFAULT_ROLLUP_SETTLE_MS = 250;

export type RollupWorkerOptions = {
  log?: Logger;
  now?: () => Date;
  /** Documents read per transaction (default 2000). */
  pageSize?: number;
  intervalMs?: number;
  /**
   * [RM6] How long a wake by a commit waits before the run, so that the
   * commits of a busy second are read as one page, not one page each
   * (default 250 ms).
   */
  settleMs?: number;
  /** Called after each page commits with when each applied fact was received (lag measurement). */
  onApplied?: (page: { facts: number; receivedAt: string[]; appliedAt: Date }) => void;
};

type RawRow = {
  db: string;
  id: string;
  rev: string;
  seq: number | string;
  body: Record<string, unknown> | string;
  received_at: Date | string | null;
};

const PAGE_SQL = `SELECT db, id, rev, seq, body, received_at FROM (${ROLLUP_SOURCES.map(
  (_db, i) =>
    `(SELECT db, id, rev, seq, body, received_at FROM docs
       WHERE db = $${i + 3} AND seq > $1 ORDER BY seq LIMIT $2)`,
).join(' UNION ALL ')}) p ORDER BY seq LIMIT $2`;

/** [RM1] A fact of an immutable kind counts once, at its first revision; later ones only rewrite personal fields. */
const firstRevision = (rev: string) => rev.startsWith('1-');

/** [RM1] The rows of a page as the domain's facts, and the exceptions among them. */
function readPage(rows: readonly RawRow[]): {
  facts: RollupFact[];
  exceptions: { id: string; storeId: string | null; kind: string; receivedAt: string }[];
} {
  const facts: RollupFact[] = [];
  const exceptions: { id: string; storeId: string | null; kind: string; receivedAt: string }[] = [];
  for (const row of rows) {
    const body = (typeof row.body === 'string' ? JSON.parse(row.body) : row.body) as Record<
      string,
      unknown
    >;
    switch (row.db) {
      case 'saleFacts':
        if (firstRevision(row.rev)) facts.push({ kind: 'sale', sale: body as SaleFact });
        break;
      case 'returns':
        if (firstRevision(row.rev)) facts.push({ kind: 'return', ret: body as ReturnFact });
        break;
      case COMMISSION_ENTRIES_DB:
        if (firstRevision(row.rev)) {
          facts.push({ kind: 'commission', entry: body as CommissionEntry });
        }
        break;
      case '_orders':
        facts.push({ kind: 'order', order: body as Order });
        break;
      case EXCEPTIONS_DB:
        exceptions.push({
          id: row.id,
          storeId: typeof body.storeId === 'string' ? body.storeId : null,
          kind: String(body.kind),
          receivedAt: String(body.receivedAt),
        });
        break;
    }
  }
  return { facts, exceptions };
}

const SALES_COLUMNS = `store_id text, channel text, bucket timestamptz, sales integer,
  returns integer, net_fen bigint, units bigint`;

function salesUpsert(table: 'rollup_sales_hour' | 'rollup_sales_day', bucket: string): string {
  return `INSERT INTO ${table} (store_id, channel, ${bucket}, sales, returns, net_fen, units)
    SELECT store_id, channel, bucket, sales, returns, net_fen, units
      FROM jsonb_to_recordset($1::jsonb) AS x(${SALES_COLUMNS})
    ON CONFLICT (store_id, channel, ${bucket}) DO UPDATE SET
      sales = ${table}.sales + EXCLUDED.sales,
      returns = ${table}.returns + EXCLUDED.returns,
      net_fen = ${table}.net_fen + EXCLUDED.net_fen,
      units = ${table}.units + EXCLUDED.units`;
}

const salesJson = (cells: Iterable<SalesCell>) =>
  JSON.stringify(
    [...cells].map((c) => ({
      store_id: c.storeId,
      channel: c.channel,
      bucket: c.hour,
      sales: c.sales,
      returns: c.returns,
      net_fen: c.netFen,
      units: c.units,
    })),
  );

/** [RM2]-[RM5] Writes one page's delta into the rollup tables. */
export async function writeDelta(
  q: Queryable,
  delta: RollupDelta,
  utcOffsetMinutes: number,
): Promise<void> {
  if (delta.sales.size > 0) {
    await q.query(salesUpsert('rollup_sales_hour', 'hour'), [salesJson(delta.sales.values())]);
    const days = dayCells(delta.sales.values(), utcOffsetMinutes);
    await q.query(salesUpsert('rollup_sales_day', 'day'), [salesJson(days.values())]);
  }
  if (delta.clerks.size > 0) {
    await q.query(
      `INSERT INTO rollup_clerk_day (store_id, staff_id, day, lines, credited_net_fen, commission_fen)
       SELECT store_id, staff_id, day, lines, credited_net_fen, commission_fen
         FROM jsonb_to_recordset($1::jsonb) AS x(store_id text, staff_id text, day date,
              lines integer, credited_net_fen bigint, commission_fen bigint)
       ON CONFLICT (store_id, staff_id, day) DO UPDATE SET
         lines = rollup_clerk_day.lines + EXCLUDED.lines,
         credited_net_fen = rollup_clerk_day.credited_net_fen + EXCLUDED.credited_net_fen,
         commission_fen = rollup_clerk_day.commission_fen + EXCLUDED.commission_fen`,
      [
        JSON.stringify(
          [...delta.clerks.values()].map((c) => ({
            store_id: c.storeId,
            staff_id: c.staffId,
            day: c.day,
            lines: c.lines,
            credited_net_fen: c.creditedNetFen,
            commission_fen: c.commissionFen,
          })),
        ),
      ],
    );
  }
  if (delta.orders.size > 0) {
    // [RM4] The order's last version replaces whatever its earlier one counted.
    await q.query(
      `DELETE FROM rollup_bopis_order WHERE order_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify([...delta.orders.keys()])],
    );
    const rows = [...delta.orders.values()].flat();
    if (rows.length > 0) {
      await q.query(
        `INSERT INTO rollup_bopis_order (order_id, store_id, placed_at, status, hold_open, paid,
           ready, ready_minutes, picked_up, picked_up_on_time, no_show)
         SELECT order_id, store_id, placed_at, status, hold_open, paid, ready, ready_minutes,
                picked_up, picked_up_on_time, no_show
           FROM jsonb_to_recordset($1::jsonb) AS x(order_id text, store_id text,
                placed_at timestamptz, status text, hold_open boolean, paid boolean,
                ready boolean, ready_minutes integer, picked_up boolean,
                picked_up_on_time boolean, no_show boolean)`,
        [
          JSON.stringify(
            rows.map((r) => ({
              order_id: r.orderId,
              store_id: r.storeId,
              placed_at: r.placedAt,
              status: r.status,
              hold_open: r.holdOpen,
              paid: r.paid,
              ready: r.ready,
              ready_minutes: r.readyMinutes,
              picked_up: r.pickedUp,
              picked_up_on_time: r.pickedUpOnTime,
              no_show: r.noShow,
            })),
          ),
        ],
      );
    }
  }
}

export type PageResult = { read: number; receivedAt: string[]; full: boolean };

/**
 * [RM1] Applies the next page after the checkpoint, in one transaction: the
 * checkpoint row is locked first, so two workers can never apply the same
 * page. Writes are serialised by the storage's write lock ([ST1]), so every
 * snapshot holds a prefix of the sequence: reading `seq > checkpoint` never
 * skips a change that commits later with a lower seq.
 */
export async function applyNextPage(
  storage: SyncStorage,
  options: { pageSize?: number } = {},
): Promise<PageResult> {
  const pageSize = options.pageSize ?? DEFAULT_ROLLUP_PAGE;
  // [RU1] The chain's stores keep UTC+8 ([LOC3]); the dashboards read days in the same zone.
  const offset = DEFAULT_ROLLUP_UTC_OFFSET_MINUTES;
  return storage.sqlTransaction(async (q) => {
    const [checkpoint] = await q.query<{ seq: number | string }>(
      `SELECT seq FROM rollup_checkpoint WHERE name = $1 FOR UPDATE`,
      [ROLLUP_CHECKPOINT],
    );
    const since = Number(checkpoint?.seq ?? 0);
    const rows = await q.query<RawRow>(PAGE_SQL, [since, pageSize, ...ROLLUP_SOURCES]);
    if (rows.length === 0) return { read: 0, receivedAt: [], full: false };
    const { facts, exceptions } = readPage(rows);
    await writeDelta(
      q,
      foldFacts(facts, () => offset),
      offset,
    );
    if (exceptions.length > 0) {
      await q.query(
        `INSERT INTO rollup_exception (exception_id, store_id, kind, received_at)
         SELECT exception_id, store_id, kind, received_at
           FROM jsonb_to_recordset($1::jsonb) AS x(exception_id text, store_id text, kind text,
                received_at timestamptz)
         ON CONFLICT (exception_id) DO NOTHING`,
        [
          JSON.stringify(
            exceptions.map((e) => ({
              exception_id: e.id,
              store_id: e.storeId,
              kind: e.kind,
              received_at: e.receivedAt,
            })),
          ),
        ],
      );
    }
    const receivedAt = rows
      .filter((r) => r.received_at !== null && SOURCES.has(r.db))
      .map((r) => new Date(r.received_at!).toISOString());
    const newest = receivedAt.reduce<string | null>((a, b) => (a === null || b > a ? b : a), null);
    const last = Number(rows[rows.length - 1]!.seq);
    await q.query(
      `UPDATE rollup_checkpoint
          SET seq = $2,
              applied_through = CASE WHEN $3::timestamptz IS NULL THEN applied_through
                                     ELSE greatest(applied_through, $3::timestamptz) END
        WHERE name = $1`,
      [ROLLUP_CHECKPOINT, last, newest],
    );
    return { read: rows.length, receivedAt, full: rows.length === pageSize };
  });
}

/** [RM7] How fresh the rollups are: the newest fact applied, and how many wait. */
export async function rollupFreshness(
  q: Queryable,
  at: Date,
): Promise<{ appliedThrough: string | null; behind: number; at: string }> {
  const [row] = await q.query<{
    applied_through: Date | string | null;
    behind: number | string;
  }>(
    `SELECT c.applied_through,
            (SELECT count(*) FROM (${ROLLUP_SOURCES.map(
              (_db, i) => `(SELECT 1 FROM docs WHERE db = $${i + 2} AND seq > c.seq LIMIT 10000)`,
            ).join(' UNION ALL ')}) w) AS behind
       FROM rollup_checkpoint c WHERE c.name = $1`,
    [ROLLUP_CHECKPOINT, ...ROLLUP_SOURCES],
  );
  return {
    appliedThrough: row?.applied_through ? new Date(row.applied_through).toISOString() : null,
    behind: Number(row?.behind ?? 0),
    at: at.toISOString(),
  };
}

export type RollupWorker = {
  /** Resolves once everything committed before the call is applied (tests, benchmarks). */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * [RM6] Starts the worker: a run applies pages until one is not full. A run
 * is started by a committed write to a source (this process's or another's,
 * through `listen`) and by the slow timer; runs never overlap in a process,
 * and across processes the sweep lock lets one work while the others skip.
 */
export function startRollupWorker(
  storage: SyncStorage,
  options: RollupWorkerOptions = {},
): RollupWorker {
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let settling: NodeJS.Timeout | undefined;

  const runOnce = async (): Promise<void> => {
    for (;;) {
      const locked = await storage.withSweepLock(ROLLUP_LOCK, async () => {
        let page: PageResult;
        do {
          page = await applyNextPage(storage, options);
          if (page.read > 0) {
            options.onApplied?.({
              facts: page.read,
              receivedAt: page.receivedAt,
              appliedAt: now(),
            });
          }
        } while (page.full && !stopped);
      });
      if (!locked.ran) return;
      if (!again || stopped) return;
      again = false;
    }
  };

  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = runOnce()
      .catch((error: unknown) => {
        if (!stopped) {
          log('warn', 'rollup worker failed; retrying at its next wake', {
            error: error instanceof Error ? error.message : String(error),
            at: now().toISOString(),
          });
        }
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  // A commit schedules one run a little later; the commits until then join it.
  const wake = () => {
    if (stopped || settling) return;
    settling = setTimeout(() => {
      settling = undefined;
      void run();
    }, options.settleMs ?? DEFAULT_ROLLUP_SETTLE_MS);
  };
  const unlisten = storage.listen((db) => {
    if (db === ALL_CHANGED || SOURCES.has(db)) wake();
  });
  const tick = () => {
    void run().then(() => {
      if (stopped) return;
      timer = setTimeout(tick, options.intervalMs ?? DEFAULT_ROLLUP_INTERVAL_MS);
      timer.unref();
    });
  };
  tick();

  return {
    async catchUp() {
      while (running) await running;
      await run();
      while (running) await running;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(settling);
      unlisten();
      while (running) await running;
    },
  };
}
