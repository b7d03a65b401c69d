/**
 * Chain stock for one style over HTTP ([TB1]): a tablet asks
 * `GET /_clerk/stock?style=` for a style of S sizes (one colour) across T
 * stores with locations, each stocking every size with some units held by
 * orders; R requests one after another, then R more from 4 tablets at once.
 * Measures each request from send to answer read, on PGlite and on
 * PostgreSQL when `DATABASE_URL` is set. The issue's goal: p95 ≤ 150 ms for
 * 30 sizes across 500 stores.
 *
 *   npx tsx sync-server/bench/chain-stock.bench.ts [--stores 500] [--sizes 30] [--requests 200]
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/chain-stock.bench.ts
 *
 * No assertions: a benchmark.
 */
import { parseArgs } from 'node:util';
import {
  heldUnitsId,
  stockLevelId,
  styleDocId,
  type ChainStockAnswer,
  type Store,
  type Style,
} from '@pos/domain';
import { provisionDevice } from '../src/auth';
import { STORE_LOCATIONS_DB, type StoreLocation } from '../src/shop/catalog';
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
    stores: { type: 'string', default: '500' },
    sizes: { type: 'string', default: '30' },
    requests: { type: 'string', default: '200' },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const STORES = Number(values.stores);
const SIZES = Number(values.sizes);
const REQUESTS = Number(values.requests);
if (![STORES, SIZES, REQUESTS].every((n) => Number.isInteger(n) && n > 0) || STORES < 2) {
  console.error('usage: chain-stock.bench.ts [--stores 500 (≥ 2)] [--sizes 30] [--requests 200]');
  process.exit(2);
}

const storeId = (i: number) => `S${String(i + 1).padStart(4, '0')}`;
const SIZE_LABELS = Array.from({ length: SIZES }, (_, i) => String(34 + i));
const STYLE: Style = {
  id: styleDocId('BENCH-01'),
  kind: 'style',
  styleId: 'BENCH-01',
  name: 'Bench shoe',
  category: 'Shoes',
  colours: ['Black'],
  sizes: SIZE_LABELS,
  variants: SIZE_LABELS.map((size) => ({ sku: `BENCH-01-BK-${size}`, colour: 'Black', size })),
};
const TOKEN = 'bench-tablet';

async function seed(bench: BenchStorage): Promise<void> {
  const stores = Array.from({ length: STORES }, (_, i) => i);
  await seedDocs(
    bench,
    'stores',
    stores.map((i) => {
      const store: Store = {
        id: storeId(i),
        name: `Store ${i + 1}`,
        address: `${i + 1} Bench Rd`,
        currency: 'CNY',
        status: 'open',
      };
      return { id: store.id, body: store, storeId: null };
    }),
  );
  // Stores spread over about 50 km around Shanghai.
  await seedDocs(
    bench,
    STORE_LOCATIONS_DB,
    stores.map((i) => {
      const location: StoreLocation = {
        id: storeId(i),
        city: '上海',
        cityEn: 'Shanghai',
        lat: 31.0 + ((i * 37) % 100) / 200,
        lng: 121.2 + ((i * 53) % 100) / 200,
      };
      return { id: location.id, body: location, storeId: null };
    }),
  );
  await seedDocs(bench, 'chain', [{ id: STYLE.id, body: STYLE, storeId: null }]);
  const levels = stores.flatMap((i) =>
    STYLE.variants.map((v, s) => ({
      id: stockLevelId(storeId(i), v.sku),
      body: {
        id: stockLevelId(storeId(i), v.sku),
        storeId: storeId(i),
        sku: v.sku,
        onHand: (i + s) % 7,
      },
      storeId: storeId(i),
    })),
  );
  await seedDocs(bench, 'stock', levels);
  const held = stores
    .filter((i) => i % 5 === 0)
    .flatMap((i) =>
      STYLE.variants.slice(0, 3).map((v) => ({
        id: heldUnitsId(storeId(i), v.sku),
        body: {
          id: heldUnitsId(storeId(i), v.sku),
          kind: 'held',
          storeId: storeId(i),
          sku: v.sku,
          held: 1,
        },
        storeId: storeId(i),
      })),
    );
  await seedDocs(bench, 'storeState', held);
  await provisionDevice(bench.storage, TOKEN, { deviceId: 'S0001-TAB1', storeId: storeId(0) });
}

type Run = { label: string; serial: number[]; parallel: number[]; problems: string[] };

async function ours(open: () => Promise<BenchStorage>): Promise<Run> {
  const bench = await open();
  const server = createSyncServer({
    storage: bench.storage,
    rateLimit: false,
    log: () => {},
    holdSweeper: false,
  });
  try {
    await seed(bench);
    const base = await server.listen(0, '127.0.0.1');
    const problems: string[] = [];
    const ask = async (limit: number): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${base}/_clerk/stock?style=BENCH-01&limit=${limit}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const text = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) {
        if (problems.length < 3) problems.push(`${res.status} ${text.slice(0, 200)}`);
      } else {
        const answer = JSON.parse(text) as ChainStockAnswer;
        if (answer.stores.length !== Math.min(limit, STORES - 1) && problems.length < 3) {
          problems.push(`${answer.stores.length} stores answered`);
        }
      }
      return ms;
    };
    for (let i = 0; i < 5; i++) await ask(500); // warm up
    const serial: number[] = [];
    for (let i = 0; i < REQUESTS; i++) serial.push(await ask(500));
    const parallel: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < REQUESTS / 4; i++) parallel.push(await ask(20));
      }),
    );
    return { label: `${bench.label} (${load()})`, serial, parallel, problems };
  } finally {
    await server.close();
    await bench.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

function line(name: string, latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (p: number) => `${percentile(sorted, p).toFixed(1)} ms`;
  return `    ${name}: p50 ${ms(50)}, p95 ${ms(95)}, p99 ${ms(99)}, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
}

console.log(
  `chain stock over HTTP: one style of ${SIZES} sizes across ${STORES} stores, ${REQUESTS} requests`,
);
const runs: Run[] = [];
if (!values['skip-pglite']) runs.push(await ours(openPgliteBench));
const url = process.env.DATABASE_URL;
if (url) runs.push(await ours(() => openPostgresBench(url)));
for (const run of runs) {
  console.log(`  GET /_clerk/stock on ${run.label}:`);
  console.log(line('one tablet, all stores (limit=500)', run.serial));
  console.log(line('4 tablets at once, nearest 20', run.parallel));
  console.log(
    `    ${run.problems.length === 0 ? 'every answer 200, every store listed' : `PROBLEMS: ${run.problems.join('; ')}`}`,
  );
}
if (!url) console.log('  PostgreSQL: not measured: set DATABASE_URL');
process.exit(0);
