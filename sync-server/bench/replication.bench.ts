/**
 * Initial pull of N product documents into a fresh RxDB 17 client (memory
 * storage) through its CouchDB replication plugin: from our sync server, and,
 * as a peer in the same run, from express-pouchdb on PouchDB 9 (memory
 * adapter) with the same documents and the same client settings.
 *
 *   npx tsx sync-server/bench/replication.bench.ts [--docs 20000] [--batch 1000]
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/replication.bench.ts   (ours on PostgreSQL)
 *
 * Prints seconds and docs/s for each and the ratio. No assertions: a benchmark.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { SCHEMAS, withCheckDigit, type Product } from '@pos/domain';
import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { provisionDevice } from '../src/auth';
import { createSyncServer } from '../src/server';
import { openPgliteStorage } from '../src/storage/pglite';
import { openPostgresStorage } from '../src/storage/postgres';
import type { DocWrite, SyncStorage } from '../src/storage/storage';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
  },
});
const N = Number(values.docs);
const BATCH = Number(values.batch);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(BATCH) || BATCH < 1 || BATCH > 10_000) {
  console.error('usage: replication.bench.ts [--docs 20000] [--batch 1..10000]');
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

type Result = { seconds: number; docs: number; docsPerSecond: number };

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
  const started = performance.now();
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
  const seconds = (performance.now() - started) / 1000;
  const docs = await db.products.count().exec();
  await state.cancel();
  await db.close();
  if (errors.length) throw new Error(`replication failed: ${String(errors[0])}`);
  return { seconds, docs, docsPerSecond: docs / seconds };
}

/** The same pull without a client: `_changes` pages with documents, parsed, until a short page. */
async function pullFeed(baseUrl: string, headers: Record<string, string>): Promise<Result> {
  const started = performance.now();
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
  const seconds = (performance.now() - started) / 1000;
  return { seconds, docs, docsPerSecond: docs / seconds };
}

type Measured = { rxdb: Result; feed: Result };

async function measure(baseUrl: string, headers: Record<string, string>): Promise<Measured> {
  const feed = await pullFeed(baseUrl, headers); // also warms both sides up
  const rxdb = await pullWithRxdb(baseUrl, headers);
  return { rxdb, feed };
}

async function seedOurs(storage: SyncStorage): Promise<void> {
  for (let i = 0; i < products.length; i += 1000) {
    const writes: DocWrite[] = products.slice(i, i + 1000).map((p) => ({
      db: 'products',
      id: p.id,
      body: p,
      storeId: null,
      expectedRev: null,
    }));
    await storage.bulkWrite(writes);
  }
  await provisionDevice(storage, TOKEN, { deviceId: 'BENCH-1', storeId: 'S001' });
}

async function ours(): Promise<Measured & { storage: string }> {
  const url = process.env.DATABASE_URL;
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const storage = url
    ? await openPostgresStorage(url, { schema })
    : await openPgliteStorage('memory://');
  const server = createSyncServer({ storage, rateLimit: false });
  try {
    await seedOurs(storage);
    const base = await server.listen(0);
    const result = await measure(base, { authorization: `Bearer ${TOKEN}` });
    return { ...result, storage: url ? 'PostgreSQL' : 'PGlite (in memory)' };
  } finally {
    await server.close();
    await storage.close();
    if (url) {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
}

async function peer(): Promise<Measured | string> {
  let modules;
  try {
    modules = await Promise.all([
      import('pouchdb-core'),
      import('pouchdb-adapter-memory'),
      import('pouchdb-adapter-http'),
      import('pouchdb-replication'),
      import('express-pouchdb'),
    ]);
  } catch (error) {
    return `express-pouchdb or PouchDB could not be loaded (${(error as Error).message})`;
  }
  const [core, memory, http, replication, expressPouchDB] = modules;
  const Pouch = core.default
    .plugin(memory.default)
    .plugin(http.default)
    .plugin(replication.default)
    .defaults({ adapter: 'memory' });
  const app = expressPouchDB.default(Pouch, { mode: 'minimumForPouchDB', inMemoryConfig: true });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const created = await fetch(`${base}/products`, { method: 'PUT' });
    if (!created.ok) throw new Error(`peer: creating the database: ${created.status}`);
    for (let i = 0; i < products.length; i += 1000) {
      const docs = products.slice(i, i + 1000).map(({ id, ...rest }) => ({ _id: id, ...rest }));
      const res = await fetch(`${base}/products/_bulk_docs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ docs }),
      });
      if (!res.ok) throw new Error(`peer: seeding: ${res.status}`);
    }
    return await measure(base, {});
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const show = (r: Result) =>
  `${r.docs} docs in ${r.seconds.toFixed(2)} s = ${Math.round(r.docsPerSecond)} docs/s`;
const ratio = (a: Result, b: Result) => `${(a.docsPerSecond / b.docsPerSecond).toFixed(2)}x`;

console.log(
  `initial pull of ${N} products into RxDB 17 (memory storage), replication-couchdb, batchSize ${BATCH}`,
);
const mine = await ours();
const theirs = await peer();
console.log(`  ours (sync-server on ${mine.storage}):`);
console.log(`    RxDB replication:          ${show(mine.rxdb)}`);
console.log(`    _changes pages, no client: ${show(mine.feed)}`);
if (typeof theirs === 'string') {
  console.log(`  peer: not measured: ${theirs}`);
} else {
  console.log('  peer (express-pouchdb 4, PouchDB 9 memory adapter):');
  console.log(`    RxDB replication:          ${show(theirs.rxdb)}`);
  console.log(`    _changes pages, no client: ${show(theirs.feed)}`);
  console.log(
    `  ratio ours / peer (docs/s): RxDB replication ${ratio(mine.rxdb, theirs.rxdb)}, ` +
      `_changes pages ${ratio(mine.feed, theirs.feed)}`,
  );
}
process.exit(0);
