/**
 * [ST14] One connection runs one statement at a time: the works of a write
 * group share its transaction's connection, and pg warns (and pg 9 refuses)
 * when a statement is sent while another still runs on it. On a real
 * PostgreSQL (PGlite queues statements itself).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { REAL_POSTGRES_SKIP_REASON, TEST_DATABASE_URL } from '../test-support';
import { openPostgresStorage } from './postgres';

describe.skipIf(!TEST_DATABASE_URL)(
  `statements on one connection${TEST_DATABASE_URL ? '' : ` — ${REAL_POSTGRES_SKIP_REASON}`}`,
  () => {
    it('[ST14] [ST11] works of a rehearsed group that look members up by phone never overlap statements on the connection', async () => {
      const url = TEST_DATABASE_URL!;
      const schema = `sync_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.message);
      process.on('warning', onWarning);
      // Also count overlaps directly (pg's own test: statements already queued
      // on the client), in case the once-per-process warning was already printed.
      let overlaps = 0;
      const original = pg.Client.prototype.query;
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        if ((this as unknown as { _queryQueue: unknown[] })._queryQueue.length > 0) overlaps++;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      const storage = await openPostgresStorage(url, { schema, max: 4 });
      try {
        await storage.transaction((tx) =>
          tx.put({
            db: 'members',
            id: 'M1',
            body: { id: 'M1', phoneIndex: '0123456789abcdef0123456789abcdef' },
            storeId: 'S001',
            expectedRev: null,
          }),
        );
        // One group holds the lock while the next group's works queue: they are rehearsed together.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        const holding = storage.transaction(async (tx) => {
          await tx.getDocs('members', ['M1']);
          await released;
        });
        const works = Array.from({ length: 6 }, (_, n) =>
          storage.transaction(async (tx) => {
            const [found] = await tx.membersByPhoneIndex('0123456789abcdef0123456789abcdef');
            await tx.getDocs('products', [`P${n}`]);
            return tx.put({
              db: 'products',
              id: `P${n}`,
              body: { id: `P${n}`, member: found?.id ?? null },
              storeId: null,
              expectedRev: null,
            });
          }),
        );
        release();
        await holding;
        const results = await Promise.all(works);
        expect(results.every((r) => r.ok)).toBe(true);
        expect(overlaps).toBe(0);
        expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
      } finally {
        pg.Client.prototype.query = original;
        process.off('warning', onWarning);
        await storage.close();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });
  },
);
