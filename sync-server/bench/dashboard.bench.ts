/**
 * Dashboard queries over a year of a chain: generates `--days` days of
 * `--sales` sales a day at each of `--stores` stores (hours, channels,
 * lines and ~3 % returns from a seeded generator), folds them with the
 * domain's own fold (`foldFacts`) and writes the cells through the rollup
 * worker's own upsert (`writeDelta`), then asks the running server's
 * `/_console/dashboard/sales` for today, 7 days, 30 days (by hour) and the
 * year (by day), for all stores and for one, `--runs` times each, and prints
 * p50/p95/p99 per query. Goal: p95 <= 300 ms.
 *
 * Peer: the same figures computed by scanning sale documents (a month of
 * `--peer-stores` stores stored as sale facts, aggregated by SQL over their
 * lines), timed, and scaled linearly to the year of the whole chain.
 *
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/dashboard.bench.ts
 *     [--stores 100] [--days 365] [--sales 400] [--runs 30] [--peer-stores 3] [--pglite]
 *
 * No assertions: a benchmark.
 */
import { parseArgs } from 'node:util';
import {
  dayStart,
  foldFacts,
  localDay,
  type ReturnFact,
  type RollupFact,
  type SaleFact,
} from '@pos/domain';
import { provisionAdminToken } from '../src/auth';
import { writeDelta } from '../src/console/rollup-worker';
import { Draw } from '../src/demo-chain';
import { createSyncServer } from '../src/server';
import type { JsonObject } from '../src/protocol';
import {
  load,
  openPgliteBench,
  openPostgresBench,
  seedDocs,
  type BenchStorage,
} from './bench-support';

const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: '100' },
    days: { type: 'string', default: '365' },
    sales: { type: 'string', default: '400' },
    runs: { type: 'string', default: '30' },
    'peer-stores': { type: 'string', default: '3' },
    pglite: { type: 'boolean', default: false },
  },
});
const STORES = Number(values.stores);
const DAYS = Number(values.days);
const SALES = Number(values.sales);
const RUNS = Number(values.runs);
const PEER_STORES = Number(values['peer-stores']);
if (![STORES, DAYS, SALES, RUNS, PEER_STORES].every((n) => Number.isInteger(n) && n > 0)) {
  console.error(
    'usage: dashboard.bench.ts [--stores 100] [--days 365] [--sales 400] [--runs 30] [--peer-stores 3] [--pglite]',
  );
  process.exit(2);
}
const OFFSET = 480;
const LAST_DAY = '2026-11-30';
const FIRST_DAY = localDay(
  new Date(Date.parse(`${LAST_DAY}T00:00:00Z`) - (DAYS - 1) * 86_400_000).toISOString(),
  0,
);
const storeId = (s: number) => `S${String(s + 1).padStart(3, '0')}`;
/** The store the one-store queries ask for. */
const ONE = storeId(Math.min(41, STORES - 1));

/** One store-day's sales and returns, as the fold reads them. */
function dayOfFacts(store: number, day: number): RollupFact[] {
  const draw = new Draw(2026, store, day);
  const next = () => draw.next();
  const start = Date.parse(dayStart(FIRST_DAY, OFFSET)) + day * 86_400_000;
  const count = Math.round(SALES * (0.7 + 0.6 * next()));
  const facts: RollupFact[] = [];
  for (let n = 0; n < count; n++) {
    // Open 09:00-22:00 local.
    const at = start + (9 + next() * 13) * 3_600_000;
    const roll = next();
    const channel = roll < 0.8 ? 'store' : roll < 0.95 ? 'online' : 'clerk';
    const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => ({
      lineId: `L${i + 1}`,
      paid: 100 + Math.floor(next() * 20_000),
      quantity: 1 + Math.floor(next() * 3),
    }));
    const sale = {
      id: `${storeId(store)}-POS1-${day}-${n}`,
      storeId: storeId(store),
      channel,
      soldAt: new Date(at).toISOString(),
      lines,
    } as unknown as SaleFact;
    facts.push({ kind: 'sale', sale });
    if (next() < 0.03) {
      const line = lines[0]!;
      const ret = {
        id: `${sale.id}-R`,
        storeId: sale.storeId,
        returnedAt: new Date(at + 3_600_000).toISOString(),
        lines: [
          { lineId: line.lineId, quantity: 1, refund: Math.floor(line.paid / line.quantity) },
        ],
        refund: Math.floor(line.paid / line.quantity),
      } as unknown as ReturnFact;
      facts.push({ kind: 'return', ret });
    }
  }
  return facts;
}

async function generate(bench: BenchStorage): Promise<{ sales: number; cells: number }> {
  let sales = 0;
  for (let s = 0; s < STORES; s++) {
    const facts: RollupFact[] = [];
    for (let d = 0; d < DAYS; d++) facts.push(...dayOfFacts(s, d));
    sales += facts.filter((f) => f.kind === 'sale').length;
    const delta = foldFacts(facts, () => OFFSET);
    await bench.storage.sqlTransaction((q) => writeDelta(q, delta, OFFSET));
  }
  await bench.sql.query('ANALYZE rollup_sales_hour');
  await bench.sql.query('ANALYZE rollup_sales_day');
  const [row] = await bench.sql.query<{ n: string }>(
    'SELECT (SELECT count(*) FROM rollup_sales_hour) + (SELECT count(*) FROM rollup_sales_day) AS n',
  );
  return { sales, cells: Number(row?.n) };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)] ?? 0;
}

async function timed(runs: number, work: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const figures = (t: readonly number[]) =>
  `p50 ${percentile(t, 50).toFixed(1)} ms, p95 ${percentile(t, 95).toFixed(1)} ms, p99 ${percentile(t, 99).toFixed(1)} ms`;

/** The peer: a month of a few stores' sale documents, aggregated by scanning them. */
async function peer(
  bench: BenchStorage,
  days: number,
): Promise<{ times: number[]; sales: number }> {
  const docs: { id: string; body: JsonObject; storeId: string }[] = [];
  for (let s = 0; s < PEER_STORES; s++) {
    for (let d = DAYS - days; d < DAYS; d++) {
      for (const f of dayOfFacts(s, d)) {
        if (f.kind !== 'sale') continue;
        docs.push({
          id: f.sale.id,
          body: f.sale as unknown as JsonObject,
          storeId: f.sale.storeId,
        });
      }
    }
  }
  await seedDocs(bench, 'saleFacts', docs);
  const from = dayStart(
    localDay(
      new Date(Date.parse(`${LAST_DAY}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString(),
      0,
    ),
    OFFSET,
  );
  const to = new Date(Date.parse(dayStart(LAST_DAY, OFFSET)) + 86_400_000).toISOString();
  const times = await timed(Math.min(RUNS, 10), async () => {
    await bench.storage.reportQuery(
      `SELECT d.store_id, d.body->>'channel' AS channel,
              date_trunc('hour', (d.body->>'soldAt')::timestamptz) AS hour,
              count(DISTINCT d.id) AS sales,
              sum((l->>'paid')::bigint) AS net_fen, sum((l->>'quantity')::bigint) AS units
         FROM docs d, jsonb_array_elements(d.body->'lines') l
        WHERE d.db = 'saleFacts'
          AND (d.body->>'soldAt')::timestamptz >= $1::timestamptz
          AND (d.body->>'soldAt')::timestamptz < $2::timestamptz
        GROUP BY 1, 2, 3`,
      [from, to],
    );
  });
  return { times, sales: docs.length };
}

async function run(open: () => Promise<BenchStorage>): Promise<void> {
  const bench = await open();
  const server = createSyncServer({
    storage: bench.storage,
    rateLimit: false,
    holdSweeper: false,
    rollups: false,
    deviceHealth: false,
    log: () => {},
  });
  try {
    const g0 = performance.now();
    const { sales, cells } = await generate(bench);
    console.log(
      `  ${bench.label}: ${sales.toLocaleString('en')} sales of ${STORES} stores over ${DAYS} days ` +
        `folded into ${cells.toLocaleString('en')} rollup rows in ${((performance.now() - g0) / 1000).toFixed(0)} s`,
    );
    const base = await server.listen(0);
    const { token } = await provisionAdminToken(bench.storage, 'bench-dashboards');
    const dayMs = 86_400_000;
    const end = Date.parse(dayStart(LAST_DAY, OFFSET)) + dayMs;
    const range = (days: number) =>
      `from=${new Date(end - days * dayMs).toISOString()}&to=${new Date(end).toISOString()}`;
    const queries: [string, string][] = [
      ['today, all stores, by hour', `${range(1)}&bucket=hour`],
      ['today, chain (summed), by hour', `${range(1)}&bucket=hour&group=chain`],
      ['today, one store, by hour', `${range(1)}&bucket=hour&store=${ONE}`],
      ['7 days, all stores, by hour', `${range(7)}&bucket=hour`],
      ['7 days, chain (summed), by hour', `${range(7)}&bucket=hour&group=chain`],
      ['7 days, one store, by hour', `${range(7)}&bucket=hour&store=${ONE}`],
      ['30 days, all stores, by day', `${range(30)}&bucket=day`],
      ['30 days, chain (summed), by hour', `${range(30)}&bucket=hour&group=chain`],
      ['30 days, one store, by hour', `${range(30)}&bucket=hour&store=${ONE}`],
      [
        '30 days, one store, store channel, by hour',
        `${range(30)}&bucket=hour&store=${ONE}&channel=store`,
      ],
      ['year, all stores, by day', `${range(Math.min(DAYS, 365))}&bucket=day`],
      ['year, chain (summed), by day', `${range(Math.min(DAYS, 365))}&bucket=day&group=chain`],
      ['year, one store, by day', `${range(Math.min(DAYS, 365))}&bucket=day&store=${ONE}`],
    ];
    let year: number[] = [];
    for (const [label, query] of queries) {
      let rows = 0;
      const times = await timed(RUNS, async () => {
        const res = await fetch(`${base}/_console/dashboard/sales?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (!res.ok) throw new Error(`${label}: ${res.status} ${await res.text()}`);
        rows = ((await res.json()) as { rows: unknown[] }).rows.length;
      });
      if (label.startsWith('year, chain')) year = times;
      console.log(`    ${label.padEnd(44)} ${String(rows).padStart(7)} rows  ${figures(times)}`);
    }
    const days = Math.min(30, DAYS);
    const scan = await peer(bench, days);
    const perSale = percentile(scan.times, 95) / scan.sales;
    const scaled = perSale * sales;
    console.log(
      `    peer (scan sale documents): ${scan.sales.toLocaleString('en')} sales of ${PEER_STORES} stores ` +
        `over ${days} days by hour: ${figures(scan.times)}`,
    );
    console.log(
      `    peer scaled to ${sales.toLocaleString('en')} sales (linear): p95 ~${(scaled / 1000).toFixed(1)} s; ` +
        `ours (year, chain by day) p95 ${percentile(year, 95).toFixed(1)} ms: ` +
        `${(scaled / percentile(year, 95)).toFixed(0)}x faster`,
    );
    console.log(`    (${load()})`);
  } finally {
    await server.close();
    await bench.close();
  }
}

console.log(
  `dashboard queries over rollups: ${STORES} stores x ${DAYS} days x ~${SALES} sales a day, ${RUNS} runs per query, over HTTP`,
);
const url = process.env.DATABASE_URL;
if (url) await run(() => openPostgresBench(url, { max: 10 }));
else console.log('  PostgreSQL: not measured (set DATABASE_URL)');
if (values.pglite) await run(openPgliteBench);
process.exit(0);
