/**
 * Server processes are stateless: several share one PostgreSQL, and a
 * longpoll on one wakes for a write made through another (LISTEN/NOTIFY).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { seedDemo } from './demo-data';
import { createSyncServer } from './server';
import { openPostgresStorage } from './storage/postgres';
import {
  REAL_POSTGRES_SKIP_REASON,
  S001_DEVICE,
  TEST_DATABASE_URL,
  asPushed,
  demoSale,
  waitForLongpolls,
} from './test-support';

describe.skipIf(!TEST_DATABASE_URL)(
  `two servers on one PostgreSQL${TEST_DATABASE_URL ? '' : ` — ${REAL_POSTGRES_SKIP_REASON}`}`,
  () => {
    it('[ST4] a longpoll on one server wakes for a sale pushed through the other', async () => {
      const url = TEST_DATABASE_URL!;
      const schema = `sync_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const storageA = await openPostgresStorage(url, { schema });
      const storageB = await openPostgresStorage(url, { schema });
      const serverA = createSyncServer({ storage: storageA });
      const serverB = createSyncServer({ storage: storageB });
      try {
        await seedDemo(storageA);
        const [urlA, urlB] = await Promise.all([serverA.listen(0), serverB.listen(0)]);
        const auth = { authorization: `Bearer ${S001_DEVICE.token}` };
        // Long enough that an answer with rows can only come from a wake-up.
        const waiting = fetch(`${urlA}/stock/_changes?feed=longpoll&since=now&timeout=50000`, {
          headers: auth,
        }).then((r) => r.json() as Promise<{ results: { id: string }[] }>);
        await waitForLongpolls(urlA, 1);
        const pushed = await fetch(`${urlB}/saleFacts/_bulk_docs`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ docs: [asPushed(demoSale(S001_DEVICE, 1, [['SKU-0004', 1]]))] }),
        });
        expect(pushed.status).toBe(201);
        expect((await waiting).results.map((r) => r.id)).toEqual(['S001:SKU-0004']);
      } finally {
        await Promise.all([serverA.close(), serverB.close()]);
        await Promise.all([storageA.close(), storageB.close()]);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });

    it('[ST6] when the LISTEN connection drops, it reconnects and waiting longpolls still wake', async () => {
      const url = TEST_DATABASE_URL!;
      const schema = `sync_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const errors: Error[] = [];
      const storageA = await openPostgresStorage(url, { schema, onError: (e) => errors.push(e) });
      const storageB = await openPostgresStorage(url, { schema });
      const serverA = createSyncServer({ storage: storageA });
      const serverB = createSyncServer({ storage: storageB });
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await seedDemo(storageA);
        const [urlA, urlB] = await Promise.all([serverA.listen(0), serverB.listen(0)]);
        const auth = { authorization: `Bearer ${S001_DEVICE.token}` };
        const longpoll = () =>
          fetch(`${urlA}/stock/_changes?feed=longpoll&since=now&timeout=50000`, {
            headers: auth,
          }).then((r) => r.json() as Promise<{ results: { id: string }[] }>);
        const push = (n: number, sku: string) =>
          fetch(`${urlB}/saleFacts/_bulk_docs`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ docs: [asPushed(demoSale(S001_DEVICE, n, [[sku, 1]]))] }),
          });

        const waiting = longpoll();
        await waitForLongpolls(urlA, 1);
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
          [`pos-sync-listen pos_sync_${schema}`],
        );
        expect(killed.rowCount).toBe(2); // A's and B's listeners
        // Pushed while A's listener is down: its NOTIFY is lost, the reconnect makes up for it.
        await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
        expect((await push(1, 'SKU-0004')).status).toBe(201);
        expect((await waiting).results.map((r) => r.id)).toEqual(['S001:SKU-0004']);

        // The new connection listens: the next longpoll wakes on the next push.
        const next = longpoll();
        await waitForLongpolls(urlA, 1);
        expect((await push(2, 'SKU-0005')).status).toBe(201);
        expect((await next).results.map((r) => r.id)).toEqual(['S001:SKU-0005']);
      } finally {
        await admin.end();
        await Promise.all([serverA.close(), serverB.close()]);
        await Promise.all([storageA.close(), storageB.close()]);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });
  },
);
