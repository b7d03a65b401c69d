/**
 * What the sync-server benchmarks share: our storage on PGlite or PostgreSQL
 * and its seeding, the peer (express-pouchdb on PouchDB 9 with
 * LevelDB) in the same process, and the machine's load to print beside each
 * figure. Benchmarks only: nothing in `src/` imports this.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { CollectionName } from '@pos/domain';
import pg from 'pg';
import type { PouchStatic } from 'pouchdb-core';
import type { JsonObject } from '../src/protocol';
import { SqlSyncStorage, type Queryable } from '../src/storage/sql-storage';
import { pgliteDriver } from '../src/storage/pglite';
import { openPostgresStorage } from '../src/storage/postgres';

/** Documents per seeding transaction. */
const SEED_CHUNK = 5_000;

export type BenchStorage = {
  storage: SqlSyncStorage;
  /** How the figures name it. */
  label: string;
  /** Runs SQL on the storage's own tables, outside the storage interface (statistics, checks). */
  sql: Queryable;
  /** Closes the storage and drops what the benchmark created. */
  close(): Promise<void>;
  /** On PostgreSQL, the schema it made, for other processes to open the same tables. */
  schema?: string;
};

/** Embedded PGlite in memory: the same SQL storage the server opens with `openPgliteStorage('memory://')`. */
export async function openPgliteBench(): Promise<BenchStorage> {
  const db = new PGlite('memory://');
  const driver = pgliteDriver(db);
  const storage = await SqlSyncStorage.open('pglite', driver);
  return { storage, label: 'PGlite (in memory)', sql: driver, close: () => storage.close() };
}

/** A real PostgreSQL, in a schema of its own that `close()` drops. */
export async function openPostgresBench(
  url: string,
  options: { max?: number } = {},
): Promise<BenchStorage> {
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const storage = await openPostgresStorage(url, { schema, max: options.max ?? 10 });
  const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
  const sql: Queryable = {
    async query<R>(text: string, params?: readonly unknown[]) {
      return (await pool.query(text, params ? [...params] : undefined)).rows as R[];
    },
  };
  const version = await sql.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return {
    storage,
    label: `PostgreSQL ${version[0]?.v.split(' ')[0] ?? ''}`.trim(),
    sql,
    schema,
    async close() {
      await storage.close();
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    },
  };
}

export type SeedDoc = { id: string; body: JsonObject; storeId: string | null };

/**
 * Creates the documents through the storage's own bulk write (`bulkWrite`,
 * a few statements per chunk), then refreshes the planner's statistics as a
 * running server's autovacuum would have.
 */
export async function seedDocs(
  bench: BenchStorage,
  db: CollectionName,
  docs: readonly SeedDoc[],
): Promise<void> {
  for (let i = 0; i < docs.length; i += SEED_CHUNK) {
    const results = await bench.storage.bulkWrite(
      docs.slice(i, i + SEED_CHUNK).map((doc) => ({
        db,
        id: doc.id,
        body: doc.body,
        storeId: doc.storeId,
        expectedRev: null,
      })),
    );
    const failed = results.find((r) => !r.ok);
    if (failed) throw new Error(`seeding ${db}: ${JSON.stringify(failed)}`);
  }
  await bench.sql.query('ANALYZE docs');
}

export type Peer = {
  /** Base URL of express-pouchdb. */
  url: string;
  /** PouchDB 9 on LevelDB, for writing the same documents directly. */
  Pouch: PouchStatic;
  close(): Promise<void>;
};

/**
 * The peer: express-pouchdb 4 on PouchDB 9 with the LevelDB adapter (leveldown),
 * databases in a fresh temporary directory; returns a reason when it cannot load.
 */
export async function startPeer(): Promise<Peer | string> {
  let modules;
  try {
    modules = await Promise.all([
      import('pouchdb-core'),
      import('pouchdb-adapter-leveldb'),
      import('pouchdb-adapter-http'),
      import('pouchdb-replication'),
      import('express-pouchdb'),
    ]);
  } catch (error) {
    return `express-pouchdb or PouchDB's LevelDB adapter could not be loaded (${(error as Error).message})`;
  }
  const [core, leveldb, http, replication, expressPouchDB] = modules;
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-peer-'));
  const Pouch = core.default
    .plugin(leveldb.default)
    .plugin(http.default)
    .plugin(replication.default)
    .defaults({ adapter: 'leveldb', prefix: `${dir}/` });
  const app = expressPouchDB.default(Pouch, {
    mode: 'minimumForPouchDB',
    inMemoryConfig: true,
    logPath: join(dir, 'log.txt'),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    Pouch,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The 1, 5 and 15 minute load averages, to print beside a figure. */
export function load(): string {
  return `load ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`;
}
