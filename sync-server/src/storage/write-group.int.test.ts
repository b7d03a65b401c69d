/**
 * [ST9] [ST10] Group commit and buffered writes, on PGlite always and on a
 * real PostgreSQL when TEST_DATABASE_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../test-support';
import { openPostgresStorage } from './postgres';
import { SqlSyncStorage, type Queryable } from './sql-storage';
import { pgliteDriver } from './pglite';
import type { DocWrite, SyncStorage, WriteResult, WriteTransaction } from './storage';

type Opened = { storage: SyncStorage; sql: Queryable; close(): Promise<void> };

/** A storage on PGlite in memory; every statement sent is added to `statements`. */
async function openPglite(statements: string[] = []) {
  const db = new PGlite('memory://');
  const driver = pgliteDriver(db, (text) => statements.push(text.replace(/\s+/g, ' ').trim()));
  return { storage: await SqlSyncStorage.open('pglite', driver), driver, statements };
}

/** A fresh storage and a way to run SQL on its tables beside it. */
const BACKENDS: { name: string; skip: boolean; open(): Promise<Opened> }[] = [
  {
    name: 'PGlite (in memory)',
    skip: false,
    async open() {
      const { storage, driver } = await openPglite();
      return { storage, sql: driver, close: () => storage.close() };
    },
  },
  {
    name: 'PostgreSQL (TEST_DATABASE_URL)',
    skip: !TEST_DATABASE_URL,
    async open() {
      const url = TEST_DATABASE_URL!;
      const schema = `write_group_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const storage = await openPostgresStorage(url, { schema, max: 20 });
      const pool = new pg.Pool({
        connectionString: url,
        max: 2,
        options: `-c search_path=${schema}`,
      });
      const sql: Queryable = {
        async query<R>(text: string, params?: readonly unknown[]) {
          return (await pool.query(text, params ? [...params] : undefined)).rows as R[];
        },
      };
      return {
        storage,
        sql,
        async close() {
          await storage.close();
          await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await pool.end();
        },
      };
    },
  },
];

function product(id: string, name = `Product ${id}`, expectedRev: string | null = null): DocWrite {
  return {
    db: 'products',
    id,
    body: {
      id,
      name,
      gtin: '06901234567892',
      category: 'Test',
      taxClass: 'VAT13',
      status: 'active',
    },
    storeId: null,
    expectedRev,
  };
}

/**
 * Holds the storage's writer in a transaction until `open()`, so the
 * transactions started meanwhile wait and then commit as one group.
 */
function holdWriter(storage: SyncStorage): { held: Promise<unknown>; open(): void } {
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const held = storage.transaction(() => gate);
  return { held, open };
}

/** One step of a generated transaction. */
type Op =
  | { kind: 'create'; n: number }
  | { kind: 'update'; n: number }
  | { kind: 'stale'; n: number }
  | { kind: 'many'; ns: number[] }
  | { kind: 'read'; ns: number[] }
  | { kind: 'prefetch'; ns: number[] }
  | { kind: 'pause' }
  | { kind: 'throw' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), n: fc.nat(5) }),
  fc.record({ kind: fc.constant('update' as const), n: fc.nat(5) }),
  fc.record({ kind: fc.constant('stale' as const), n: fc.nat(5) }),
  fc.record({ kind: fc.constant('many' as const), ns: fc.array(fc.nat(5), { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('read' as const), ns: fc.array(fc.nat(5), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('prefetch' as const), ns: fc.array(fc.nat(5), { maxLength: 3 }) }),
  fc.constant({ kind: 'pause' as const }),
  fc.constant({ kind: 'throw' as const }),
);

/** What a transaction answered, with seqs counted from `base`. */
type Answer = { ok: true; steps: unknown[] } | { ok: false; error: string };

function relative(result: WriteResult, base: number): unknown {
  return result.ok ? { ...result, seq: result.seq - base } : result;
}

/** Runs the ops of one transaction; every answer of the storage is recorded. */
function workOf(ops: readonly Op[], prefix: string, base: () => number) {
  return async (tx: WriteTransaction): Promise<unknown[]> => {
    const steps: unknown[] = [];
    const id = (n: number) => `${prefix}${n}`;
    for (const [i, op] of ops.entries()) {
      switch (op.kind) {
        case 'create':
          steps.push(relative(await tx.put(product(id(op.n), `c${i}`)), base()));
          break;
        case 'update': {
          const current = (await tx.getDocs('products', [id(op.n)])).get(id(op.n));
          steps.push(
            relative(await tx.put(product(id(op.n), `u${i}`, current?.rev ?? null)), base()),
          );
          break;
        }
        case 'stale':
          steps.push(relative(await tx.put(product(id(op.n), `s${i}`, '1-stale')), base()));
          break;
        case 'many':
          steps.push(
            (await tx.putMany(op.ns.map((n) => product(id(n), `m${i}`)))).map((r) =>
              relative(r, base()),
            ),
          );
          break;
        case 'read': {
          const found = await tx.getDocs('products', op.ns.map(id));
          steps.push(
            [...found.values()]
              .map((row) => [row.id, row.rev, row.seq - base(), row.body.name])
              .sort(),
          );
          break;
        }
        case 'prefetch':
          // [PX1] A hint only: it answers nothing and changes no later answer.
          await tx.prefetch([
            { db: 'products', ids: op.ns.map(id) },
            { db: 'stock', ids: op.ns.map(id) },
          ]);
          break;
        case 'pause':
          // Not a wait for anything: a generated step that yields to the event
          // loop inside the transaction, so other work interleaves with it.
          await new Promise((resolve) => setTimeout(resolve, 1));
          break;
        case 'throw':
          throw new Error(`work refused at step ${i}`);
      }
    }
    return steps;
  };
}

async function settle(run: Promise<unknown[]>): Promise<Answer> {
  try {
    return { ok: true, steps: await run };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`write groups on ${backend.name}`, () => {
    it('[ST9] a work that throws in a group leaves the others committed, with consecutive seqs', async () => {
      const { storage, close } = await backend.open();
      try {
        const committed: string[][] = [];
        const unobserve = storage.observe({
          committed: (written) => committed.push([...written.keys()]),
        });
        const writer = holdWriter(storage);
        const runs = Array.from({ length: 12 }, (_, t) =>
          storage.transaction(async (tx) => {
            const first = await tx.put(product(`P${t}-a`));
            const second = await tx.put(product(`P${t}-b`));
            if (t % 4 === 1) throw new Error(`work ${t} refused`);
            return [first, second];
          }),
        );
        writer.open();
        await writer.held;
        const answers = await Promise.allSettled(runs);
        unobserve();
        answers.forEach((answer, t) => {
          if (t % 4 === 1)
            expect(answer).toMatchObject({ reason: { message: `work ${t} refused` } });
          else expect(answer.status).toBe('fulfilled');
        });
        const stored = await storage.changes('products', { since: 0, limit: 100, scope: null });
        const kept = [0, 2, 3, 4, 6, 7, 8, 10, 11];
        expect(stored.rows.map((row) => row.id)).toEqual(
          kept.flatMap((t) => [`P${t}-a`, `P${t}-b`]),
        );
        // The failed works' numbers were drawn again: no gap.
        expect(stored.rows.map((row) => row.seq)).toEqual(
          stored.rows.map((_, i) => stored.rows[0]!.seq + i),
        );
        const results = answers.flatMap((a) =>
          a.status === 'fulfilled' ? (a.value as WriteResult[]) : [],
        );
        expect(results.map((r) => r.ok && r.seq)).toEqual(stored.rows.map((row) => row.seq));
        expect(committed).toEqual(kept.map(() => ['products']));
      } finally {
        await close();
      }
    });

    it('[ST9] a COMMIT that fails fails every work of the group and stores nothing', async () => {
      const { storage, sql, close } = await backend.open();
      try {
        // Checked at COMMIT: a deferred constraint trigger refuses a product named "poison".
        await sql.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.body->>'name' = 'poison' THEN RAISE EXCEPTION 'poison refused at commit'; END IF;
            RETURN NULL;
          END $$`);
        await sql.query(`CREATE CONSTRAINT TRIGGER refuse_poison AFTER INSERT OR UPDATE ON docs
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
        const heard: string[] = [];
        const unlisten = storage.listen((db) => heard.push(db));
        const failures: string[] = [];
        const unobserve = storage.observe({ failed: (what) => failures.push(what) });
        const writer = holdWriter(storage);
        const runs = Array.from({ length: 5 }, (_, t) =>
          storage.transaction((tx) => tx.put(product(`P${t}`, t === 3 ? 'poison' : `P${t}`))),
        );
        writer.open();
        await writer.held;
        const answers = await Promise.allSettled(runs);
        expect(answers.map((a) => a.status)).toEqual(Array(5).fill('rejected'));
        for (const answer of answers) {
          expect(answer).toMatchObject({ reason: { message: 'poison refused at commit' } });
        }
        expect(failures).toEqual(Array(5).fill('transaction'));
        expect(await storage.dbInfo('products', null)).toMatchObject({ docCount: 0 });

        // The next group commits; only its change is announced.
        const [after] = await storage.bulkWrite([product('P9')]);
        expect(after).toMatchObject({ ok: true });
        await expect.poll(() => heard).toEqual(['products']);
        unlisten();
        unobserve();
        const feed = await storage.changes('products', { since: 0, limit: 10, scope: null });
        expect(feed.rows.map((row) => row.id)).toEqual(['P9']);
      } finally {
        await close();
      }
    });

    it('[ST9] a write the database would refuse fails its own work only', async () => {
      const { storage, close } = await backend.open();
      try {
        const writer = holdWriter(storage);
        const good = storage.transaction((tx) => tx.put(product('OK-1')));
        const bad = storage.transaction((tx) => tx.put(product('BAD\u0000')));
        const later = storage.transaction((tx) => tx.put(product('OK-2')));
        writer.open();
        await writer.held;
        await expect(bad).rejects.toThrow(/cannot be stored/);
        expect(await good).toMatchObject({ ok: true });
        expect(await later).toMatchObject({ ok: true });
        expect(await storage.dbInfo('products', null)).toMatchObject({ docCount: 2 });
      } finally {
        await close();
      }
    });

    it('[ST10] [ST11] [PX1] grouped transactions answer exactly as the same transactions one after another, prefetch hints included', async () => {
      const serial = await backend.open();
      const grouped = await backend.open();
      let round = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.record({
                ops: fc.array(opArb, { maxLength: 6 }),
                // Whether the transaction waits for the ones before it to finish first.
                awaitsBefore: fc.boolean(),
              }),
              { minLength: 1, maxLength: 12 },
            ),
            async (transactions) => {
              const prefix = `R${round++}-`;
              const baseOf = async (storage: SyncStorage) =>
                (await storage.dbInfo('products', null)).updateSeq;
              // One after another.
              const serialBase = await baseOf(serial.storage);
              const expected: Answer[] = [];
              for (const { ops } of transactions) {
                expected.push(
                  await settle(serial.storage.transaction(workOf(ops, prefix, () => serialBase))),
                );
              }
              // Started in the same order, waiting only where the generator says.
              const groupedBase = await baseOf(grouped.storage);
              const runs: Promise<Answer>[] = [];
              for (const { ops, awaitsBefore } of transactions) {
                if (awaitsBefore) await Promise.all(runs);
                runs.push(
                  settle(grouped.storage.transaction(workOf(ops, prefix, () => groupedBase))),
                );
              }
              expect(await Promise.all(runs)).toEqual(expected);

              // The same documents and feed; every committed write's seq drawn once, no gaps.
              const feed = async (storage: SyncStorage, base: number) =>
                (
                  await storage.changes('products', { since: base, limit: 1000, scope: null })
                ).rows.map((row) => [row.id, row.rev, row.seq - base, row.body.name]);
              expect(await feed(grouped.storage, groupedBase)).toEqual(
                await feed(serial.storage, serialBase),
              );
              const seqs = new Set<number>();
              for (const answer of expected) {
                if (!answer.ok) continue;
                for (const step of answer.steps.flat()) {
                  const seq = (step as { ok?: boolean; seq?: number }).seq;
                  if ((step as { ok?: boolean }).ok && typeof seq === 'number') seqs.add(seq);
                }
              }
              expect([...seqs].sort((a, b) => a - b)).toEqual(
                Array.from({ length: seqs.size }, (_, i) => i + 1),
              );
            },
          ),
          { numRuns: 25 },
        );
      } finally {
        await serial.close();
        await grouped.close();
      }
    });
  });
}

describe('[PX1] [PX2] [PX3] statements of the storage (PGlite)', () => {
  /** PGlite whose every statement is recorded. */
  const counted = () => openPglite();

  it('[PX1] [PX2] a group whose works prefetch reads everything in one statement after one statement for the lock and the sequence', async () => {
    const { storage, statements } = await counted();
    try {
      await storage.transaction((tx) => tx.putMany(['A', 'B', 'C'].map((id) => product(id))));
      const writer = holdWriter(storage);
      await Promise.resolve();
      const works = Array.from({ length: 8 }, (_, t) =>
        storage.transaction(async (tx) => {
          const ids = [['A', 'B', 'C'][t % 3]!, `new-${t}`];
          await tx.prefetch([
            { db: 'products', ids },
            { db: 'stock', ids: [`S001:${ids[0]}`] },
          ]);
          // Reads one after another, as a projection does: all found in memory.
          const first = await tx.getDocs('products', [ids[0]!]);
          const second = await tx.getDocs('products', [ids[1]!]);
          const level = await tx.getDocs('stock', [`S001:${ids[0]}`]);
          const written = await tx.put(product(ids[1]!));
          return [first.get(ids[0]!)?.rev.slice(0, 2), second.size, level.size, written.ok];
        }),
      );
      statements.length = 0;
      writer.open();
      await writer.held;
      expect(await Promise.all(works)).toEqual(works.map(() => ['1-', 0, 0, true]));
      const reads = statements.filter((s) => s.includes('FROM docs') || s.includes('JOIN docs'));
      const locks = statements.filter((s) => s.includes('pg_advisory_xact_lock'));
      // The held work's group, then the eight works' group.
      expect(locks).toHaveLength(2);
      expect(locks.every((s) => s.includes('doc_seq'))).toBe(true);
      expect(statements.filter((s) => s.includes('FROM doc_seq'))).toHaveLength(2);
      expect(reads).toHaveLength(1);
      expect(await storage.dbInfo('products', null)).toMatchObject({ docCount: 11 });
    } finally {
      await storage.close();
    }
  });

  it('[PX1] a work alone reads what it prefetches in one statement', async () => {
    const { storage, statements } = await counted();
    try {
      await storage.transaction((tx) => tx.putMany(['A', 'B'].map((id) => product(id))));
      statements.length = 0;
      const found = await storage.transaction(async (tx) => {
        await tx.prefetch([{ db: 'products', ids: ['A', 'B', 'missing'] }]);
        const rows = await tx.getDocs('products', ['A', 'B', 'missing']);
        return [...rows.keys()].sort();
      });
      expect(found).toEqual(['A', 'B']);
      expect(
        statements.filter((s) => s.includes('JOIN docs') || s.includes('FROM docs')),
      ).toHaveLength(1);
    } finally {
      await storage.close();
    }
  });

  it('[PX3] token lookups made together are one statement, each with its own time', async () => {
    const { storage, statements } = await counted();
    try {
      await storage.putDeviceToken('hash-a', { deviceId: 'S001-POS1', storeId: 'S001' });
      await storage.putDeviceToken('hash-b', { deviceId: 'S002-POS1', storeId: 'S002' });
      const now = new Date('2026-12-07T10:00:00.000Z');
      const later = new Date('2026-12-08T10:00:00.000Z');
      // hash-a is in its grace period until 11:00.
      await storage.rotateDeviceToken('S001-POS1', 'hash-a2', {
        now,
        graceUntil: new Date('2026-12-07T11:00:00.000Z'),
      });
      statements.length = 0;
      const found = await Promise.all([
        storage.findDeviceToken('hash-a', now),
        storage.findDeviceToken('hash-b', now),
        storage.findDeviceToken('unknown', now),
        storage.findDeviceToken('hash-a', later),
        storage.findDeviceToken('hash-b', later),
      ]);
      expect(found).toEqual([
        { deviceId: 'S001-POS1', storeId: 'S001' },
        { deviceId: 'S002-POS1', storeId: 'S002' },
        null,
        null,
        { deviceId: 'S002-POS1', storeId: 'S002' },
      ]);
      expect(statements.filter((s) => s.includes('device_tokens'))).toHaveLength(1);
      // [A6] A revoked device's token fails the next lookup.
      await storage.revokeDevice('S002-POS1');
      expect(await storage.findDeviceToken('hash-b', now)).toBeNull();
    } finally {
      await storage.close();
    }
  });
});
