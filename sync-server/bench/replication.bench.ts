/**
 * Initial pull of N product documents into a fresh RxDB 17 client (memory
 * storage) through its CouchDB replication plugin: from our sync server on
 * PGlite, on PostgreSQL when `DATABASE_URL` is set, and, as the peer in the
 * same run, from express-pouchdb on PouchDB 9 with LevelDB, with the same
 * documents and the same client settings. Each is also read with no client
 * (`_changes?include_docs=true` pages, parsed), to show the server alone.
 *
 *   npx tsx sync-server/bench/replication.bench.ts [--docs 100000] [--batch 1000]
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/replication.bench.ts --docs 300000
 *
 * The size is `--docs 300000`; the default of 100,000 keeps `npm run
 * bench` within a few minutes. Prints seconds, docs/s and the ratio to the
 * peer, and this process's CPU seconds (everything but a PostgreSQL server:
 * steadier than seconds when other work shares the machine). No assertions:
 * a benchmark.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SCHEMAS, withCheckDigit, type Product } from '@pos/domain';
import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
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
    docs: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const N = Number(values.docs);
const BATCH = Number(values.batch);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(BATCH) || BATCH < 1 || BATCH > 10_000) {
  console.error('usage: replication.bench.ts [--docs 100000] [--batch 1..10000] [--skip-pglite]');
  process.exit(2);
}

const TOKEN = `bench-${randomUUID()}`;

function product(i: number): Product {
  const digits = `69${String(i).padStart(10, '0')}`;
  return {
    id: `SKU-${String(i).padStart(7, '0')}`,
    name: `商品 Product ${i}`,
    gtin: `0${withCheckDigit(digits)}`,
    category: ['Beverages', 'Grocery', 'Snacks', 'Apparel'][i % 4]!,
    taxClass: i % 3 === 0 ? 'VAT9' : 'VAT13',
    status: 'active',
  };
}

const products = Array.from({ length: N }, (_, i) => product(i + 1));

type Result = {
  seconds: number;
  docs: number;
  docsPerSecond: number;
  /** CPU seconds of this process (server, client and PGlite or LevelDB; not a PostgreSQL server). */
  cpuSeconds: number;
  load: string;
};

type Started = { wall: number; cpu: NodeJS.CpuUsage };
const clock = (): Started => ({ wall: performance.now(), cpu: process.cpuUsage() });

const result = (started: Started, docs: number): Result => {
  const seconds = (performance.now() - started.wall) / 1000;
  const cpu = process.cpuUsage(started.cpu);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { seconds, docs, docsPerSecond: docs / seconds, cpuSeconds, load: load() };
};

/** A fresh RxDB client pulls `{baseUrl}/products/` once; returns the time and document count. */
async function pullWithRxdb(baseUrl: string, headers: Record<string, string>): Promise<Result> {
  const db = await createRxDatabase<{ products: RxCollection<Product> }>({
    name: `bench${randomUUID().replaceAll('-', '')}`,
    storage: getRxStorageMemory(),
    multiInstance: false,
  });
  await db.addCollections({
    products: { schema: SCHEMAS.products as unknown as RxJsonSchema<Product> },
  });
  const withHeaders: typeof fetch = (input, init = {}) =>
    fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
  const errors: unknown[] = [];
  const started = clock();
  const state = replicateCouchDB<Product>({
    replicationIdentifier: `bench-${baseUrl}`,
    collection: db.products,
    url: `${baseUrl}/products/`,
    fetch: withHeaders,
    live: false,
    waitForLeadership: false,
    pull: { batchSize: BATCH },
  });
  state.error$.subscribe((error) => errors.push(error));
  await state.awaitInitialReplication();
  const measured = result(started, await db.products.count().exec());
  await state.cancel();
  await db.close();
  if (errors.length) throw new Error(`replication failed: ${String(errors[0])}`);
  return measured;
}

/** The same pull without a client: `_changes` pages with documents, parsed, until a short page. */
async function pullFeed(baseUrl: string, headers: Record<string, string>): Promise<Result> {
  const started = clock();
  let since: unknown = 0;
  let docs = 0;
  for (;;) {
    const res = await fetch(
      `${baseUrl}/products/_changes?style=all_docs&include_docs=true&limit=${BATCH}&since=${encodeURIComponent(String(since))}`,
      { headers },
    );
    const page = (await res.json()) as { results: unknown[]; last_seq: unknown };
    docs += page.results.length;
    since = page.last_seq;
    if (page.results.length < BATCH) break;
  }
  return result(started, docs);
}

type Measured = {
  label: string;
  /** Whether all of its work runs in this process, so its CPU seconds compare with the peer's. */
  inProcess: boolean;
  seed: Result;
  rxdb: Result;
  feed: Result;
};

async function measure(baseUrl: string, headers: Record<string, string>) {
  const feed = await pullFeed(baseUrl, headers); // also warms both sides up
  const rxdb = await pullWithRxdb(baseUrl, headers);
  return { rxdb, feed };
}

async function ours(open: () => Promise<BenchStorage>): Promise<Measured> {
  const bench = await open();
  const server = createSyncServer({ storage: bench.storage, rateLimit: false });
  try {
    const started = clock();
    await seedDocs(
      bench,
      'products',
      products.map((p) => ({ id: p.id, body: p, storeId: null })),
    );
    const seed = result(started, N);
    await provisionDevice(bench.storage, TOKEN, { deviceId: 'BENCH-1', storeId: 'S001' });
    const base = await server.listen(0);
    const measured = await measure(base, { authorization: `Bearer ${TOKEN}` });
    const inProcess = bench.storage.kind === 'pglite';
    return { label: `sync-server on ${bench.label}`, inProcess, seed, ...measured };
  } finally {
    await server.close();
    await bench.close();
  }
}

async function peer(): Promise<Measured | string> {
  const started = await startPeer();
  if (typeof started === 'string') return started;
  try {
    const seeding = clock();
    const local = new started.Pouch('products');
    for (let i = 0; i < products.length; i += 5000) {
      await local.bulkDocs(
        products.slice(i, i + 5000).map(({ id, ...rest }) => ({ _id: id, ...rest })),
      );
    }
    await local.close();
    const seed = result(seeding, N);
    const measured = await measure(started.url, {});
    return { label: 'express-pouchdb 4, PouchDB 9 LevelDB', inProcess: true, seed, ...measured };
  } finally {
    await started.close();
  }
}

const show = (r: Result) =>
  `${r.docs} docs in ${r.seconds.toFixed(2)} s = ${Math.round(r.docsPerSecond)} docs/s, ` +
  `process CPU ${r.cpuSeconds.toFixed(1)} s (${r.load})`;
const ratio = (a: Result, b: Result) => `${(a.docsPerSecond / b.docsPerSecond).toFixed(2)}x`;

console.log(
  `initial pull of ${N} products into RxDB 17 (memory storage), replication-couchdb, batchSize ${BATCH}`,
);
const runs: Measured[] = [];
if (!values['skip-pglite']) runs.push(await ours(openPgliteBench));
const url = process.env.DATABASE_URL;
if (url) runs.push(await ours(() => openPostgresBench(url)));
const theirs = await peer();
for (const run of [...runs, ...(typeof theirs === 'string' ? [] : [theirs])]) {
  console.log(`  ${run.label}:`);
  console.log(`    seeded:                    ${show(run.seed)}`);
  console.log(`    RxDB replication:          ${show(run.rxdb)}`);
  console.log(`    _changes pages, no client: ${show(run.feed)}`);
}
if (typeof theirs === 'string') console.log(`  peer: not measured: ${theirs}`);
else {
  for (const run of runs) {
    console.log(
      `  ratio ${run.label} / peer (docs/s): RxDB replication ${ratio(run.rxdb, theirs.rxdb)}, ` +
        `_changes pages ${ratio(run.feed, theirs.feed)}`,
    );
    if (run.inProcess) {
      const cpu = (a: Result, b: Result) => `${(b.cpuSeconds / a.cpuSeconds).toFixed(2)}x`;
      console.log(
        `  ratio ${run.label} / peer (docs per CPU second): RxDB replication ${cpu(run.rxdb, theirs.rxdb)}, ` +
          `_changes pages ${cpu(run.feed, theirs.feed)}`,
      );
    }
  }
}
process.exit(0);
