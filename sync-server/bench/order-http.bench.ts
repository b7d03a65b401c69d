/**
 * Order placement over HTTP ([OC5]): C clients, as a channel's backend does,
 * each `POST /_orders` with an admin token and an Idempotency-Key, one
 * after another, N orders each, against a running sync server (in this
 * process, on port 0): pickup orders of 1-3 lines of 1-3 units on K SKUs at
 * S001, stocked so that none runs out. Measures each request from send to
 * answer read. Ours on PGlite, and on PostgreSQL when `DATABASE_URL` is set.
 * No peer: no other server speaks this API.
 *
 *   npx tsx sync-server/bench/order-http.bench.ts [--clients 8] [--orders 250] [--skus 100]
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/order-http.bench.ts
 *
 * Prints orders/s and p50, p90, p99 and max latency, and whether every
 * answer was 201 and every order is stored. No assertions: a benchmark.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { provisionAdminToken } from '../src/auth';
import { ORDERS_DB } from '../src/orders/holds';
import type { StockLevel } from '@pos/domain';
import { heldByLevel } from '../src/orders/store-orders';
import { createSyncServer } from '../src/server';
import {
  load,
  openPgliteBench,
  openPostgresBench,
  seedDocs,
  type BenchStorage,
} from './bench-support';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '8' },
    orders: { type: 'string', default: '250' },
    skus: { type: 'string', default: '100' },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(values.clients);
const ORDERS = Number(values.orders);
const SKUS = Number(values.skus);
if (![CLIENTS, ORDERS, SKUS].every((n) => Number.isInteger(n) && n > 0) || SKUS < 3) {
  console.error(
    'usage: order-http.bench.ts [--clients 8] [--orders 250 (per client)] [--skus 100 (≥ 3)] [--skip-pglite]',
  );
  process.exit(2);
}

const STORE = 'S001';
const sku = (i: number) => `SKU-${String(i + 1).padStart(4, '0')}`;

/** The body of order `n` of client `c`: 1-3 distinct SKUs, 1-3 units each. */
function body(c: number, n: number) {
  const count = 1 + ((c + n) % 3);
  const lines = Array.from({ length: count }, (_, l) => {
    const quantity = 1 + ((n + l) % 3);
    return {
      lineId: `L${l + 1}`,
      sku: sku((c * 31 + n * 7 + l * 13) % SKUS),
      quantity,
      unitPrice: 1000,
      net: 1000 * quantity,
      fulfilment: { mode: 'pickup', storeId: STORE },
    };
  });
  return {
    channel: 'shop',
    customer: { memberId: `M${c}-${n}` },
    lines,
    total: lines.reduce((sum, line) => sum + line.net, 0),
  };
}

type Run = { label: string; seconds: number; latencies: number[]; problems: string[] };

async function ours(open: () => Promise<BenchStorage>): Promise<Run> {
  const bench = await open();
  const server = createSyncServer({ storage: bench.storage, rateLimit: false, log: () => {} });
  try {
    await seedDocs(
      bench,
      'stock',
      Array.from({ length: SKUS }, (_, i) => {
        const level: StockLevel = {
          id: `${STORE}:${sku(i)}`,
          storeId: STORE,
          sku: sku(i),
          onHand: 1_000_000,
        };
        return { id: level.id, body: level, storeId: STORE };
      }),
    );
    const admin = (await provisionAdminToken(bench.storage, 'shop-backend')).token;
    const base = await server.listen(0, '127.0.0.1');
    const run = randomUUID().slice(0, 8);
    const latencies: number[] = [];
    const problems: string[] = [];
    let units = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let n = 0; n < ORDERS; n++) {
          const sent = body(c, n);
          const t0 = performance.now();
          const res = await fetch(`${base}/_orders`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${admin}`,
              'content-type': 'application/json',
              'idempotency-key': `${run}-${c}-${n}`,
            },
            body: JSON.stringify(sent),
          });
          const text = await res.text();
          latencies.push(performance.now() - t0);
          if (res.status === 201) units += sent.lines.reduce((sum, l) => sum + l.quantity, 0);
          else if (problems.length < 3) problems.push(`${res.status} ${text.slice(0, 200)}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const ids = Array.from({ length: SKUS }, (_, i) => `${STORE}:${sku(i)}`);
    const heldNow = await heldByLevel(bench.storage);
    const held = ids.reduce((sum, id) => sum + (heldNow.get(id) ?? 0), 0);
    // Counted with SQL: the storage's `findDocs` returns at most 1000 documents.
    const [stored] = await bench.sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM docs WHERE db = $1`,
      [ORDERS_DB],
    );
    if (Number(stored?.n) !== CLIENTS * ORDERS || held !== units) {
      problems.push(
        `stored ${stored?.n} orders holding ${held} units; ${units} units answered 201`,
      );
    }
    return { label: `POST /_orders on ${bench.label} (${load()})`, seconds, latencies, problems };
  } finally {
    await server.close();
    await bench.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

function show(run: Run): string[] {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const ms = (p: number) => `${percentile(sorted, p).toFixed(1)} ms`;
  return [
    `  ${run.label}:`,
    `    ${sorted.length} orders in ${run.seconds.toFixed(1)} s = ${Math.round(sorted.length / run.seconds)} orders/s`,
    `    latency p50 ${ms(50)}, p90 ${ms(90)}, p99 ${ms(99)}, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
    `    ${run.problems.length === 0 ? 'every answer 201, every order stored and its units held' : `PROBLEMS: ${run.problems.join('; ')}`}`,
  ];
}

console.log(
  `order placement over HTTP: ${CLIENTS} clients, ${ORDERS} orders each, one after another, ` +
    `pickup orders of 1-3 lines on ${SKUS} SKUs at ${STORE}`,
);
const runs: Run[] = [];
if (!values['skip-pglite']) runs.push(await ours(openPgliteBench));
const url = process.env.DATABASE_URL;
if (url) runs.push(await ours(() => openPostgresBench(url)));
for (const run of runs) console.log(show(run).join('\n'));
if (!url) console.log('  PostgreSQL: not measured: set DATABASE_URL');
process.exit(0);
