/**
 * [FL1]-[FL3] The server through a real PgBouncer in transaction mode, with
 * LISTEN on its own direct session connection: two servers share one
 * database through a pool of two server connections, so consecutive
 * transactions of one server land on different PostgreSQL sessions.
 */
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
  demoSale,
  requestAs,
  waitForLongpolls,
} from '../test-support';
import { pgbouncerMissing, startPgBouncer, type RunningPgBouncer } from './pgbouncer-support';
import { openPostgresStorage } from './postgres';

const missing = TEST_DATABASE_URL ? pgbouncerMissing() : REAL_POSTGRES_SKIP_REASON;
if (missing) console.warn(`[sync-server tests] SKIPPED the PgBouncer suite: ${missing}`);

describe.skipIf(missing !== null)(
  `the server through PgBouncer in transaction mode${missing ? ` — SKIPPED: ${missing}` : ''}`,
  () => {
    const url = TEST_DATABASE_URL!;
    const schema = `sync_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    let bouncer: RunningPgBouncer;
    const admin = () => new pg.Client({ connectionString: url });

    beforeAll(async () => {
      const client = admin();
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.end();
      // The schema comes from the pooler's connect_query: startup options cannot pass it.
      bouncer = await startPgBouncer({
        targetUrl: url,
        databases: { pos: { connectQuery: `SET search_path = ${schema}` } },
        poolSize: 2,
      });
    });

    afterAll(async () => {
      await bouncer?.close();
      const client = admin();
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });

    it('[FL1] [FL2] [FL5] a sale pushed through one server is stored, wakes a longpoll on the other and shows in a poll on either', async () => {
      const open = () =>
        openPostgresStorage(bouncer.url('pos'), { sessionConnectionString: url, max: 10 });
      const [storageA, storageB] = [await open(), await open()];
      const serverA = createSyncServer({ storage: storageA, log: () => {} });
      const serverB = createSyncServer({ storage: storageB, log: () => {} });
      try {
        // Hundreds of statements, with parameters, over two pooled server connections.
        await seedDemo(storageA);
        const [urlA, urlB] = await Promise.all([serverA.listen(0), serverB.listen(0)]);
        const token = S001_DEVICE.token;
        const before = await requestAs(urlA, token, '/stock/_changes?feed=normal&since=0');
        expect(before.status).toBe(200);
        const since = (before.body as { last_seq: string }).last_seq;
        // [FL5] Nothing announced since that read: the same poll is answered from memory.
        const again = await requestAs(urlA, token, `/stock/_changes?feed=normal&since=${since}`);
        expect(again.body).toEqual({ results: [], last_seq: Number(since) });
        expect(await (await fetch(`${urlA}/metrics`)).text()).toMatch(/^pos_sync_quiet_polls 1$/m);

        const waiting = requestAs(
          urlA,
          token,
          `/stock/_changes?feed=longpoll&since=${since}&timeout=50000`,
        );
        await waitForLongpolls(urlA, 1);
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0004', 2]]);
        const pushed = await requestAs(urlB, token, '/saleFacts/_bulk_docs', {
          body: { docs: [asPushed(sale)] },
        });
        expect(pushed.status).toBe(201);
        // The notification came over B's pooled transaction to A's direct LISTEN session.
        const woken = (await waiting).body as { results: { id: string }[] };
        expect(woken.results.map((r) => r.id)).toEqual(['S001:SKU-0004']);

        // A plain poll through either server sees the change (A forgot the quiet
        // seq when the notification came); the fact is stored once.
        for (const server of [urlA, urlB]) {
          const polled = await requestAs(
            server,
            token,
            `/stock/_changes?feed=normal&since=${since}`,
          );
          expect((polled.body as { results: { id: string }[] }).results.map((r) => r.id)).toEqual([
            'S001:SKU-0004',
          ]);
        }
        const client = admin();
        await client.connect();
        try {
          const stored = await client.query(
            `SELECT count(*)::int AS n FROM ${schema}.docs WHERE db = 'saleFacts' AND id = $1`,
            [sale.id],
          );
          expect(stored.rows[0].n).toBe(1);
          // LISTEN is held by a direct session of each server, not through the pooler.
          const listeners = await client.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE application_name = $1 AND backend_type = 'client backend'`,
            [`pos-sync-listen pos_sync_${schema}`],
          );
          expect(listeners.rows[0].n).toBe(2);
        } finally {
          await client.end();
        }
        const pools = await bouncer.show('POOLS');
        const pool = pools.find((row) => row.database === 'pos');
        expect(Number(pool?.sv_active ?? 0) + Number(pool?.sv_idle ?? 0)).toBeLessThanOrEqual(2);
      } finally {
        await Promise.all([serverA.close(), serverB.close()]);
        await Promise.all([storageA.close(), storageB.close()]);
      }
    });

    it('[FL3] a session URL that reaches another database is refused at start', async () => {
      const other = new URL(url);
      other.pathname = '/template1';
      await expect(
        openPostgresStorage(bouncer.url('pos'), { sessionConnectionString: other.toString() }),
      ).rejects.toThrow(/same database/);
    });

    it('[FL2] a schema option through a pooler is refused with the way to set it', async () => {
      await expect(
        openPostgresStorage(bouncer.url('pos'), { sessionConnectionString: url, schema }),
      ).rejects.toThrow(/connect_query/);
    });
  },
);
