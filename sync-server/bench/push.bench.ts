/**
 * Push ingest: C concurrent clients (devices spread over stores) each push
 * sales as a till does, one after another for S seconds: the sale fact
 * (3 lines, built with the domain's checkout) to `saleFacts/_bulk_docs`. A
 * sale counts when the server accepted it; it records the fact, its stock
 * movements (`ledgerMovementsForSale`) and the stock levels they move in one
 * transaction, and the run ends by checking that every accepted unit left the
 * stock levels. Ours on PGlite, on PostgreSQL when `DATABASE_URL` is set, and
 * beside them the peer: express-pouchdb on PouchDB 9 with LevelDB receiving
 * the same requests as plain document writes.
 *
 *   npx tsx sync-server/bench/push.bench.ts [--seconds 60] [--clients 50] [--stores 10] [--skus 1000]
 *     [--per-request 1]   (sales per _bulk_docs request: more shows what batching writes would give)
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/push.bench.ts
 *     [--rollups on|off|both]   ([RM6] the dashboards' rollup worker and device health, on by
 *     default as the server ships; `both` runs each backend with and without them and prints
 *     the rollup lag, received → applied, and the throughput of each)
 *
 * Prints accepted sales/s, request latency, whether the stored facts and
 * stock levels match what was accepted, and on PostgreSQL how many sessions
 * waited on the storage's write lock and what its holder was doing. No
 * assertions: a benchmark.
 */
import { parseArgs } from 'node:util';
import {
  addItem,
  addTender,
  buildSaleFact,
  ledgerMovementsForSale,
  newCheckout,
  priceCheckout,
  settleCheckout,
  withCheckDigit,
  type CollectionName,
  type Price,
  type Product,
  type SaleFact,
  type Store,
} from '@pos/domain';
import { provisionDevice } from '../src/auth';
import { createSyncServer } from '../src/server';
import {
  load,
  openPgliteBench,
  openPostgresBench,
  seedDocs,
  startPeer,
  type BenchStorage,
} from './bench-support';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '50' },
    stores: { type: 'string', default: '10' },
    skus: { type: 'string', default: '1000' },
    'per-request': { type: 'string', default: '1' },
    'skip-pglite': { type: 'boolean', default: false },
    'skip-peer': { type: 'boolean', default: false },
    rollups: { type: 'string', default: 'on' },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const STORES = Number(values.stores);
const SKUS = Number(values.skus);
const PER_REQUEST = Number(values['per-request']);
const ROLLUPS = values.rollups;
if (ROLLUPS !== 'on' && ROLLUPS !== 'off' && ROLLUPS !== 'both') {
  console.error('--rollups is on, off or both');
  process.exit(2);
}
if (
  ![SECONDS, CLIENTS, STORES, SKUS, PER_REQUEST].every((n) => Number.isInteger(n) && n > 0) ||
  SKUS < 3
) {
  console.error(
    'usage: push.bench.ts [--seconds 60] [--clients 50] [--stores 10] [--skus 1000 (≥ 3)] [--per-request 1] [--skip-pglite] [--skip-peer]',
  );
  process.exit(2);
}

const SALES: CollectionName = 'saleFacts';
/** The storage's write lock (sql-storage.ts), an advisory lock on this key. */
const WRITE_LOCK_KEY = 7_346_001;
const LINES = 3;

const storeId = (s: number) => `S${String(s + 1).padStart(3, '0')}`;
const stores: Store[] = Array.from({ length: STORES }, (_, s) => ({
  id: storeId(s),
  name: `Store ${s + 1}`,
  address: `${s + 1} Bench Road`,
  currency: 'CNY',
  status: 'open',
}));
const products: Product[] = Array.from({ length: SKUS }, (_, i) => ({
  id: `SKU-${String(i + 1).padStart(7, '0')}`,
  name: `Product ${i + 1}`,
  gtin: `0${withCheckDigit(`69${String(i + 1).padStart(10, '0')}`)}`,
  category: ['Beverages', 'Grocery', 'Snacks', 'Apparel'][i % 4]!,
  taxClass: i % 3 === 0 ? 'VAT9' : 'VAT13',
  status: 'active',
}));
const prices: Price[] = products.map((p, i) => ({
  id: `CN-LIST:${p.id}`,
  priceList: 'CN-LIST',
  sku: p.id,
  amount: 100 + ((i * 37) % 5000),
  currency: 'CNY',
}));

type Device = { deviceId: string; storeId: string; token: string };
const devices: Device[] = Array.from({ length: CLIENTS }, (_, c) => {
  const store = storeId(c % STORES);
  const deviceId = `${store}-POS${Math.floor(c / STORES) + 1}`;
  return { deviceId, storeId: store, token: `bench-push-${deviceId}` };
});

/** Sale `n` of a device: 3 distinct SKUs, 1-3 units each, paid in exact cash, as a till builds it. */
function makeSale(device: Device, n: number, run: string): SaleFact {
  let cart = newCheckout('CNY', 'inclusive');
  for (let line = 0; line < LINES; line++) {
    const i = (n * 7 + line * Math.floor(SKUS / LINES) + device.deviceId.length) % SKUS;
    cart = addItem(cart, {
      lineId: `L${line + 1}`,
      product: products[i]!,
      price: prices[i]!,
      quantity: 1 + ((n + line) % 3),
    });
  }
  const now = new Date().toISOString();
  const pricing = priceCheckout(cart, {
    storeId: device.storeId,
    channel: 'store',
    now,
    utcOffsetMinutes: 480,
    promotions: [],
  });
  cart = addTender(cart, { kind: 'cash', amount: pricing.total });
  return buildSaleFact(cart, pricing, settleCheckout(cart, pricing), {
    // A ULID-shaped suffix: the run, then the device's counter.
    id: `${device.deviceId}-01J${run}${String(n).padStart(17, '0')}`,
    storeId: device.storeId,
    deviceId: device.deviceId,
    channel: 'store',
    now,
    cashierId: 'E1',
  });
}

/** As RxDB's push sends a document: `_id` for `id`. */
const wire = ({ id, ...rest }: { id: string }) => ({ _id: id, ...rest });

type Run = {
  label: string;
  accepted: number;
  /** Units sold in the accepted sales: what the stock levels must have lost. */
  units: number;
  refused: number;
  firstRefusal: string | null;
  seconds: number;
  latencies: number[];
  load: string;
  extra: string[];
};

/** Every client pushes sales back to back until the time is up; returns what was accepted. */
async function drive(
  label: string,
  base: string,
  headersOf: (device: Device) => Record<string, string>,
): Promise<Run> {
  const run = String(Date.now() % 1e6).padStart(6, '0');
  const latencies: number[] = [];
  let accepted = 0;
  let units = 0;
  let refused = 0;
  let firstRefusal: string | null = null;
  const post = async (device: Device, db: string, docs: object[]) => {
    const res = await fetch(`${base}/${db}/_bulk_docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersOf(device) },
      body: JSON.stringify({ docs }),
    });
    const rows = (await res.json()) as unknown;
    const bad = Array.isArray(rows)
      ? rows.find((row: { ok?: boolean; error?: string }) => !row.ok && row.error)
      : rows;
    return bad ? `${db}: ${res.status} ${JSON.stringify(bad).slice(0, 300)}` : null;
  };
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    devices.map(async (device) => {
      for (let n = 0; performance.now() < deadline; n += PER_REQUEST) {
        const sales = Array.from({ length: PER_REQUEST }, (_, k) => makeSale(device, n + k, run));
        const t0 = performance.now();
        const problem = await post(device, SALES, sales.map(wire));
        latencies.push(performance.now() - t0);
        if (problem === null) {
          accepted += sales.length;
          for (const sale of sales) {
            units += ledgerMovementsForSale(sale).reduce((sum, m) => sum + m.quantity, 0);
          }
        } else {
          refused++;
          firstRefusal ??= problem;
          // A refusing server answers fast; do not spin.
          if (refused > 1000) return;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    label,
    accepted,
    units,
    refused,
    firstRefusal,
    seconds,
    latencies,
    load: load(),
    extra: [],
  };
}

/**
 * Samples PostgreSQL every 20 ms: how many sessions wait for the storage's
 * write lock (an advisory lock), and what the session holding it is doing
 * (running a statement, idle in its transaction while the server computes or
 * the round trip runs, or waiting on an IO such as the commit's WAL flush).
 */
function sampleWriteLock(bench: BenchStorage): () => Promise<string[]> {
  const waits: number[] = [];
  const holder = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rows = await bench.sql.query<{ granted: boolean; what: string }>(
        `SELECT l.granted,
                a.state || coalesce(' ' || a.wait_event_type || '/' || a.wait_event, '')
                  || CASE WHEN a.state = 'active' AND a.wait_event IS NULL
                          THEN ': ' || left(regexp_replace(a.query, '\\s+', ' ', 'g'), 48) ELSE '' END AS what
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.objid = $1 AND a.datname = current_database()`,
        [WRITE_LOCK_KEY],
      );
      waits.push(rows.filter((r) => !r.granted).length);
      const held = rows.find((r) => r.granted);
      const what = held ? held.what : '(lock free)';
      holder.set(what, (holder.get(what) ?? 0) + 1);
      // The sampling interval of a measurement, not a wait for an event.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    const mean = waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length);
    const lines = [
      `sessions waiting on the write lock: mean ${mean.toFixed(1)}, max ${Math.max(0, ...waits)} (${waits.length} samples)`,
      'the write lock holder was:',
    ];
    for (const [what, n] of [...holder].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
      lines.push(`  ${((100 * n) / waits.length).toFixed(0).padStart(3)}% ${what}`);
    }
    return lines;
  };
}

async function ours(open: () => Promise<BenchStorage>, rollups: boolean): Promise<Run> {
  const bench = await open();
  // [RM6] Lag of each applied fact: when the worker's page committed less when it was received.
  const lags: number[] = [];
  const server = createSyncServer({
    storage: bench.storage,
    rateLimit: false,
    ...(rollups
      ? {
          rollups: {
            onApplied: ({ receivedAt, appliedAt }) => {
              for (const at of receivedAt) lags.push(appliedAt.getTime() - Date.parse(at));
            },
          },
        }
      : { rollups: false, deviceHealth: false }),
  });
  try {
    await seedDocs(
      bench,
      'stores',
      stores.map((s) => ({ id: s.id, body: s, storeId: null })),
    );
    await seedDocs(
      bench,
      'products',
      products.map((p) => ({ id: p.id, body: p, storeId: null })),
    );
    await seedDocs(
      bench,
      'prices',
      prices.map((p) => ({ id: p.id, body: p, storeId: null })),
    );
    for (const d of devices) await provisionDevice(bench.storage, d.token, d);
    const base = await server.listen(0);
    const stopSampling = bench.storage.kind === 'postgres' ? sampleWriteLock(bench) : null;
    const run = await drive(
      `sync-server on ${bench.label}, rollups ${rollups ? 'on' : 'off'}`,
      base,
      (d) => ({
        authorization: `Bearer ${d.token}`,
      }),
    );
    if (stopSampling) run.extra.push(...(await stopSampling()));
    if (rollups) run.extra.push(await rollupLag(bench, run.accepted, lags));
    // The projections: every accepted sale's movements are in the stock levels.
    const [check] = await bench.sql.query<{ facts: string; levels: string; on_hand: string }>(
      `SELECT count(*) FILTER (WHERE db = $1) AS facts,
              count(*) FILTER (WHERE db = 'stock') AS levels,
              coalesce(sum((body->>'onHand')::bigint) FILTER (WHERE db = 'stock'), 0) AS on_hand
         FROM docs`,
      [SALES],
    );
    const consistent =
      Number(check?.facts) === run.accepted && -Number(check?.on_hand) === run.units;
    run.extra.push(
      `stored: ${check?.facts} sale facts, ${check?.levels} stock levels with ${check?.on_hand} units on hand ` +
        `(${run.units} sold): ${consistent ? 'consistent' : 'INCONSISTENT'}`,
    );
    return run;
  } finally {
    await server.close();
    await bench.close();
  }
}

/** [RM6] Waits (polling, up to 2 min) until the rollups hold every accepted sale; prints the lag. */
async function rollupLag(bench: BenchStorage, accepted: number, lags: number[]): Promise<string> {
  const ended = performance.now();
  let rolled = 0;
  while (performance.now() - ended < 120_000) {
    const [row] = await bench.sql.query<{ n: string | null }>(
      'SELECT sum(sales) AS n FROM rollup_sales_hour',
    );
    rolled = Number(row?.n ?? 0);
    if (rolled >= accepted) break;
    // The polling interval of a measurement, not a wait for an event.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const drained = performance.now() - ended;
  const sorted = [...lags].sort((a, b) => a - b);
  return (
    `rollup lag (received -> applied) over ${sorted.length} facts: p50 ${percentile(sorted, 50)} ms, ` +
    `p95 ${percentile(sorted, 95)} ms, max ${sorted.at(-1) ?? 0} ms; ${rolled} of ${accepted} sales ` +
    `in the rollups ${drained.toFixed(0)} ms after the pushes ended`
  );
}

async function peer(): Promise<Run | string> {
  const started = await startPeer();
  if (typeof started === 'string') return started;
  try {
    const res = await fetch(`${started.url}/${SALES}`, { method: 'PUT' });
    if (!res.ok) throw new Error(`peer: creating ${SALES}: ${res.status}`);
    return await drive(
      'express-pouchdb 4, PouchDB 9 LevelDB (plain writes)',
      started.url,
      () => ({}),
    );
  } finally {
    await started.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

function show(run: Run): string[] {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const rate = run.accepted / run.seconds;
  return [
    `  ${run.label}:`,
    `    ${run.accepted} sales accepted in ${run.seconds.toFixed(1)} s = ${Math.round(rate)} sales/s, ` +
      `${run.refused} refused (${run.load})`,
    `    per request: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`,
    ...(run.firstRefusal ? [`    first refusal: ${run.firstRefusal}`] : []),
    ...run.extra.map((line) => `    ${line}`),
  ];
}

console.log(
  `push ingest: ${CLIENTS} clients over ${STORES} stores, ${SECONDS} s, sale facts of ${LINES} lines ` +
    `(the server moves stock for each line), ${PER_REQUEST} sale(s) per _bulk_docs request`,
);
const runs: Run[] = [];
const modes = ROLLUPS === 'both' ? [false, true] : [ROLLUPS === 'on'];
for (const rollups of modes) {
  if (!values['skip-pglite']) runs.push(await ours(openPgliteBench, rollups));
}
const url = process.env.DATABASE_URL;
for (const rollups of modes) {
  if (url) runs.push(await ours(() => openPostgresBench(url, { max: 20 }), rollups));
}
const theirs = values['skip-peer'] ? 'skipped' : await peer();
for (const run of runs) console.log(show(run).join('\n'));
if (typeof theirs === 'string') console.log(`  peer: not measured: ${theirs}`);
else {
  console.log(show(theirs).join('\n'));
  for (const run of runs) {
    const ratio = run.accepted / run.seconds / (theirs.accepted / theirs.seconds);
    console.log(`  ratio ${run.label} / peer (sales/s): ${ratio.toFixed(2)}x`);
  }
}
process.exit(0);
