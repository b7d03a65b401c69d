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
        await new Promise((resolve) => setTimeout(resolve, 300));
        const pushed = await fetch(`${urlB}/sales/_bulk_docs`, {
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
  },
);
