/**
 * Test helpers: the storage backends every storage and server suite runs on,
 * a server on a free port, and valid demo sales. Imported by tests only.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { expect, vi } from 'vitest';
import type { Product, SaleFact } from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import { DEMO_DEVICES, DEMO_PRICES, DEMO_PRODUCTS, seedDemo } from './demo-data';
import { createSyncServer, type Logger, type SyncServerOptions } from './server';
import { openPgliteStorage } from './storage/pglite';
import { openPostgresStorage } from './storage/postgres';
import type { SyncStorage } from './storage/storage';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export const REAL_POSTGRES_SKIP_REASON =
  'SKIPPED: TEST_DATABASE_URL is not set, so the real-PostgreSQL variant did not run ' +
  '(set it, e.g. TEST_DATABASE_URL=postgres://pos:pos@127.0.0.1:5432/pos_test)';

export type Backend = {
  name: string;
  skip: boolean;
  /** A fresh, empty storage. */
  open(): Promise<SyncStorage>;
};

export const BACKENDS: Backend[] = [
  {
    name: 'PGlite (in memory)',
    skip: false,
    open: async () => openPgliteStorage('memory://', { loadDataDir: await emptyPgliteCluster() }),
  },
  {
    name: TEST_DATABASE_URL
      ? 'PostgreSQL (TEST_DATABASE_URL)'
      : `PostgreSQL — ${REAL_POSTGRES_SKIP_REASON}`,
    skip: !TEST_DATABASE_URL,
    open: () => openPostgresSchema(TEST_DATABASE_URL!),
  },
];

if (!TEST_DATABASE_URL) console.warn(`[sync-server tests] ${REAL_POSTGRES_SKIP_REASON}`);

let emptyCluster: Promise<Blob> | undefined;

/** An initialised empty PGlite cluster, made once per test file: loading it is ~4x faster than initdb. */
function emptyPgliteCluster(): Promise<Blob> {
  emptyCluster ??= (async () => {
    const pg = new PGlite('memory://');
    try {
      await pg.waitReady; // dumpDataDir before the cluster is ready never resolves
      return await pg.dumpDataDir('none');
    } finally {
      await pg.close();
    }
  })();
  return emptyCluster;
}

/**
 * A real PostgreSQL storage in its own throwaway schema, so parallel test
 * files share one database without seeing each other. Closing drops it.
 */
async function openPostgresSchema(url: string): Promise<SyncStorage> {
  const schema = `sync_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const storage = await openPostgresStorage(url, { schema, max: 20 });
  const closeStorage = storage.close.bind(storage);
  return Object.assign(storage, {
    async close() {
      await closeStorage();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  });
}

export const [S001_DEVICE, S002_DEVICE] = DEMO_DEVICES;

export type TestServer = {
  url: string;
  storage: SyncStorage;
  logged: { level: string; message: string }[];
  /** Sends a request as `token` (null: no Authorization) and reads the JSON answer. */
  request(
    token: string | null,
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  close(): Promise<void>;
};

/**
 * Sends a request to the server at `url` as `token` (null: no Authorization)
 * and reads the answer: its text, and its JSON when it says it is JSON.
 */
export async function requestAs(
  url: string,
  token: string | null,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { ...init.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined && !headers['content-type']) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(url + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return {
    status: response.status,
    text,
    body: json && text ? (JSON.parse(text) as unknown) : null,
    headers: response.headers,
  };
}

/** A seeded server on a free port over a fresh storage of `backend`. */
export async function startTestServer(
  backend: Backend,
  /** Server options beyond the test defaults, e.g. `{holdSweeper: false}`. */
  extra: Partial<SyncServerOptions> = {},
): Promise<TestServer> {
  const storage = await backend.open();
  await seedDemo(storage);
  const logged: { level: string; message: string }[] = [];
  const log: Logger = (level, message) => logged.push({ level, message });
  const server = createSyncServer({
    storage,
    log,
    now: () => new Date('2026-01-02T03:04:05Z'),
    ...extra,
  });
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    storage,
    logged,
    request: (token, path, init) => requestAs(url, token, path, init),
    async close() {
      await server.close();
      await storage.close();
    },
  };
}

/**
 * A server on a free port over `storage` as the test left it (seed it
 * first), at the clock `now`, with no rate limit, no hold sweeper and no log.
 * `close` closes the server, then the storage.
 */
export async function serveStorage(
  storage: SyncStorage,
  now: Date,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createSyncServer({
    storage,
    now: () => now,
    log: () => {},
    rateLimit: false,
    holdSweeper: false,
  });
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    async close() {
      await server.close();
      await storage.close();
    },
  };
}

/**
 * Signs a shopper in to the shop API at `url`: asks for an SMS code, reads it
 * from the simulated provider's outbox as the admin `admin`, and opens a
 * session. Returns the session's token.
 */
export async function shopSignIn(url: string, admin: string, phone: string): Promise<string> {
  expect((await requestAs(url, null, '/_shop/otp', { body: { phone } })).status).toBe(202);
  const outbox = await requestAs(url, admin, `/_shop/sms-outbox?phone=${phone}`);
  const messages = (outbox.body as { messages: { text: string }[] }).messages;
  const code = /(\d{6})/.exec(messages.at(-1)!.text)![1]!;
  const session = await requestAs(url, null, '/_shop/session', { body: { phone, code } });
  expect(session.status).toBe(201);
  return (session.body as { token: string }).token;
}

/**
 * A valid sale fact of `device` for the given SKUs and quantities, at the
 * demo prices, paid with exact cash. `n` makes the id unique.
 */
export function demoSale(
  device: { deviceId: string; storeId: string },
  n: number,
  items: [sku: string, quantity: number][],
): SaleFact {
  const lines = items.map(([sku, quantity]): [Product, number, number] => {
    const product = DEMO_PRODUCTS.find((p) => p.id === sku);
    const price = DEMO_PRICES.find((p) => p.sku === sku);
    if (!product || !price) throw new Error(`no demo product ${sku}`);
    return [product, price.amount, quantity];
  });
  return saleFactFixture({
    id: `${device.deviceId}-01JTEST${String(n).padStart(19, '0')}`,
    storeId: device.storeId,
    deviceId: device.deviceId,
    soldAt: '2026-01-02T03:04:05.000Z',
    lines,
  });
}

/** A sale as RxDB's push sends it: `_id` instead of `id`, `_deleted: false`. */
export function asPushed(sale: SaleFact, rev?: string): Record<string, unknown> {
  const { id, ...rest } = sale;
  return { _id: id, ...rest, _deleted: false, ...(rev ? { _rev: rev } : {}) };
}

/**
 * Resolves once the server at `url` holds at least `count` longpolls waiting
 * for a change (its `pos_sync_changes_listeners` gauge): a change committed
 * from then on wakes them.
 */
export async function waitForLongpolls(url: string, count: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const waiting = Number(/^pos_sync_changes_listeners (\d+)$/m.exec(text)?.[1] ?? 0);
      if (waiting < count) throw new Error(`${waiting} of ${count} longpolls waiting at ${url}`);
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** The sync server's command line, as `npm start` and the tests run it. */
export const CLI = new URL('./cli.ts', import.meta.url).pathname;

/** The environment a CLI run gets: this one, with `DATABASE_URL` only when given. */
export function cliEnv(databaseUrl?: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

let cliBundle: Promise<string> | undefined;

/**
 * The CLI bundled into one JavaScript file (esbuild, once per test process;
 * packages stay external, resolved from the repository's node_modules), so
 * that each run of it starts in a fraction of the time `--import tsx` takes
 * to load and transform ~100 TypeScript modules. Same code: esbuild strips
 * the types as tsx does. Removed when the test process exits.
 */
function bundledCli(): Promise<string> {
  cliBundle ??= (async () => {
    const { build } = await import('esbuild');
    const root = new URL('../../', import.meta.url).pathname;
    const dir = join(root, 'node_modules', '.cache', 'sync-server-cli');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `cli-${process.pid}-${randomUUID().slice(0, 8)}.mjs`);
    await build({
      entryPoints: [CLI],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      // The workspace's own packages are TypeScript: bundled. Every other package: external.
      plugins: [
        {
          name: 'external-packages',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (a) =>
              a.path.startsWith('@pos/') ? undefined : { path: a.path, external: true },
            );
          },
        },
      ],
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
    });
    process.once('exit', () => rmSync(outfile, { force: true }));
    return outfile;
  })();
  return cliBundle;
}

/** The arguments that run the CLI with `args` under `process.execPath`. */
export async function cliArgs(args: string[]): Promise<string[]> {
  return [await bundledCli(), ...args];
}

/** Runs the CLI to completion: its exit code and what it printed. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = cliEnv()) {
  const child = spawn(process.execPath, await cliArgs(args), {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}
