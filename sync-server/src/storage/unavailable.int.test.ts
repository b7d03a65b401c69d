/**
 * [ST12] A database connection that dies under the server (terminated by an
 * administrator, the database restarted, the network cut) fails only the
 * requests that were using it, with 503 and `Retry-After`; the process never
 * exits and serves again once the database answers. Runs on a real
 * PostgreSQL: every connection of the storage under test carries a unique
 * `application_name`, and only those backends are terminated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../demo-data';
import { createSyncServer } from '../server';
import {
  REAL_POSTGRES_SKIP_REASON,
  S001_DEVICE,
  TEST_DATABASE_URL,
  asPushed,
  cliArgs,
  demoSale,
} from '../test-support';
import { openPostgresStorage } from './postgres';
import { StorageUnavailableError } from './storage';

describe.skipIf(!TEST_DATABASE_URL)(
  `a dropped database connection${TEST_DATABASE_URL ? '' : ` — ${REAL_POSTGRES_SKIP_REASON}`}`,
  () => {
    const url = TEST_DATABASE_URL!;
    const schema = `sync_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const app = `pos-sync-test-${randomUUID().slice(0, 8)}`;
    let admin: pg.Client;

    /** Terminates this test's backends only (never anybody else's); how many. */
    async function terminateOurs(): Promise<number> {
      const rows = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1 || '%' AND pid <> pg_backend_pid()`,
        [app],
      );
      for (const { pid } of rows.rows) {
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      }
      return rows.rows.length;
    }

    beforeAll(async () => {
      admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    });
    afterAll(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });

    it('[ST12] [ST9] a write group whose connection is terminated mid-transaction answers every caller with StorageUnavailableError, keeps no lock and no broken client, and writes again', async () => {
      const errors: Error[] = [];
      const storage = await openPostgresStorage(url, {
        schema,
        applicationName: app,
        max: 4,
        onError: (e) => errors.push(e),
      });
      try {
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => (entered = resolve));
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        // The first group holds its connection (checked out, idle in transaction) ...
        const first = storage.transaction(async (tx) => {
          await tx.getDocs('products', ['P1']);
          entered();
          await released;
          await tx.getDocs('products', ['P2']);
          return tx.put({
            db: 'products',
            id: 'P1',
            body: { id: 'P1' },
            storeId: null,
            expectedRev: null,
          });
        });
        await inside;
        // ... while more callers queue for the next group.
        const queued = [1, 2, 3].map((n) =>
          storage.transaction((tx) =>
            tx.put({
              db: 'products',
              id: `Q${n}`,
              body: { id: `Q${n}` },
              storeId: null,
              expectedRev: null,
            }),
          ),
        );
        expect(await terminateOurs()).toBeGreaterThan(0);
        release();
        await expect(first).rejects.toBeInstanceOf(StorageUnavailableError);
        // The queued callers are answered: by the next group on a new connection, or with the error.
        const settled = await Promise.allSettled(queued);
        for (const outcome of settled) {
          if (outcome.status === 'rejected')
            expect(outcome.reason).toBeInstanceOf(StorageUnavailableError);
        }
        expect(errors.length).toBeGreaterThan(0);
        // No broken client is handed out again and no lock is left: more
        // transactions than the pool has connections all commit.
        const after = await Promise.all(
          Array.from({ length: 10 }, (_, n) =>
            storage.transaction((tx) =>
              tx.put({
                db: 'products',
                id: `A${n}`,
                body: { id: `A${n}` },
                storeId: null,
                expectedRev: null,
              }),
            ),
          ),
        );
        expect(after.every((r) => r.ok)).toBe(true);
        const p1 = await storage.getDocs('products', ['P1'], null);
        expect(p1.has('P1')).toBe(false); // the terminated group committed nothing
        const locks = await admin.query(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND a.application_name LIKE $1 || '%'`,
          [app],
        );
        expect(locks.rows[0].n).toBe(0);
      } finally {
        await storage.close();
      }
    });

    it('[ST12] a request whose connection is terminated gets 503 with Retry-After and JSON {error, reason}; the server serves again', async () => {
      const storage = await openPostgresStorage(url, { schema, applicationName: app, max: 4 });
      const server = createSyncServer({ storage, log: () => {}, rateLimit: false });
      try {
        await seedDemo(storage);
        const base = await server.listen(0);
        const auth = {
          authorization: `Bearer ${S001_DEVICE.token}`,
          'content-type': 'application/json',
        };
        // Hold a write group open so the push below waits on a connection that is then cut.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => (entered = resolve));
        const holding = storage
          .transaction(async (tx) => {
            await tx.getDocs('products', ['P1']);
            entered();
            await released;
            await tx.getDocs('products', ['P2']);
          })
          .catch((error: unknown) => error);
        await inside;
        const sale = demoSale(S001_DEVICE, 7, [['SKU-0004', 1]]);
        const pushed = fetch(`${base}/saleFacts/_bulk_docs`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ docs: [asPushed(sale)] }),
        });
        await terminateOurs();
        release();
        expect(await holding).toBeInstanceOf(StorageUnavailableError);
        const answer = await pushed;
        if (answer.status !== 201) {
          expect(answer.status).toBe(503);
          expect(answer.headers.get('retry-after')).toBe('1');
          expect(await answer.json()).toMatchObject({
            error: 'unavailable',
            reason: expect.any(String),
          });
        }
        // The retry is stored (or a no-op replay [F3]) and health is back.
        const retried = await fetch(`${base}/saleFacts/_bulk_docs`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ docs: [asPushed(sale)] }),
        });
        expect(retried.status).toBe(201);
        expect(await retried.json()).toMatchObject([{ ok: true, id: sale.id }]);
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
      } finally {
        await server.close();
        await storage.close();
      }
    });

    it('[ST12] a server process whose connections are terminated under a push load stays alive: 201 or 503, then every sale is stored', async () => {
      const childApp = `${app}-child`;
      const dbUrl = new URL(url);
      dbUrl.searchParams.set('application_name', childApp);
      dbUrl.searchParams.set('options', `-c search_path=${schema}_child`);
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}_child`);
      const child: ChildProcess = spawn(
        process.execPath,
        await cliArgs(['serve', '--port', '0', '--seed-demo', '--quiet', '--no-rate-limit']),
        {
          env: { ...process.env, DATABASE_URL: dbUrl.toString() },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let exited: number | null | undefined;
      child.on('exit', (code) => (exited = code));
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        const base = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const match = /listening on (http:\/\/\S+)/.exec(out);
            if (match) resolve(match[1]!);
          });
          child.once('exit', () => reject(new Error(`the server exited: ${stderr}`)));
        });
        const auth = {
          authorization: `Bearer ${S001_DEVICE.token}`,
          'content-type': 'application/json',
        };
        const push = (n: number) =>
          fetch(`${base}/saleFacts/_bulk_docs`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ docs: [asPushed(demoSale(S001_DEVICE, n, [['SKU-0004', 1]]))] }),
          });
        const statuses = new Map<number, number>();
        let unavailable = 0;
        // Rounds of concurrent pushes, each round's connections terminated
        // while it runs, until some request met a terminated connection.
        for (let round = 0; round < 40 && unavailable === 0; round++) {
          const ns = Array.from({ length: 8 }, (_, i) => round * 8 + i + 1);
          const answers = ns.map((n) => push(n));
          await terminateOurs();
          for (const [i, answer] of (await Promise.all(answers)).entries()) {
            statuses.set(ns[i]!, answer.status);
            if (answer.status === 503) {
              unavailable++;
              expect(answer.headers.get('retry-after')).toBe('1');
              expect(await answer.json()).toMatchObject({ error: 'unavailable' });
            } else {
              expect(answer.status).toBe(201);
            }
          }
        }
        expect(unavailable).toBeGreaterThan(0);
        expect(exited).toBeUndefined();
        // Every sale that got 503 is retried; then all are stored, once.
        for (const [n, status] of statuses) {
          if (status === 503) expect((await push(n)).status).toBe(201);
        }
        const ids = [...statuses.keys()].map((n) => demoSale(S001_DEVICE, n, [['SKU-0004', 1]]).id);
        const all = await fetch(
          `${base}/saleFacts/_all_docs?keys=${encodeURIComponent(JSON.stringify(ids))}`,
          {
            headers: auth,
          },
        );
        const rows = ((await all.json()) as { rows: { id?: string }[] }).rows;
        expect(rows.filter((r) => r.id).length).toBe(ids.length);
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        expect(exited).toBeUndefined();
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) =>
          exited === undefined ? child.once('exit', resolve) : resolve(null),
        );
        await admin.query(`DROP SCHEMA IF EXISTS ${schema}_child CASCADE`);
      }
    });
  },
);
