/**
 * [CT1]-[CT5] The schema is ready for distributed PostgreSQL (Citus): read
 * from the live catalogue of a fresh server on PGlite and PostgreSQL, and
 * compared with the distribution manifest and the SQL that carries it out.
 * Citus itself does not run here; what it requires of a schema does.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROLLUP_SCHEMA } from './console/rollup-schema';
import {
  CHAIN_SHARD_KEY,
  DISTRIBUTION,
  PREPARED_TABLES,
  STORE_ANCHOR,
  storeTables,
} from './storage/distribution';
import type { SyncStorage } from './storage/storage';
import type { Queryable } from './storage/write-group';
import { BACKENDS } from './test-support';

const sqlFile = (name: string) =>
  readFileSync(new URL(`../sql/citus/${name}`, import.meta.url), 'utf8');

/**
 * The statements of a SQL file: split at a `;` that ends a line outside a
 * dollar-quoted body, comment lines dropped.
 */
function sqlStatements(text: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of text.split('\n')) {
    if (!inBody && /^\s*--/.test(line)) continue;
    current.push(line);
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').trim().replace(/;$/, ''));
      current = [];
    }
  }
  if (current.join('').trim()) throw new Error(`unterminated statement: ${current.join('\n')}`);
  return statements;
}

type Column = { name: string; notNull: boolean; type: string };
type UniqueIndex = { name: string; primary: boolean; columns: (string | null)[] };

async function tablesOf(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
      ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

async function columnsOf(q: Queryable, table: string): Promise<Map<string, Column>> {
  const rows = await q.query<Column>(
    `SELECT a.attname AS name, a.attnotnull AS "notNull", format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [table],
  );
  return new Map(rows.map((r) => [r.name, r]));
}

/** Primary keys and unique indexes, each with its key columns (null for an expression). */
async function uniqueIndexesOf(q: Queryable, table: string): Promise<UniqueIndex[]> {
  return q.query<UniqueIndex>(
    `SELECT i.indexrelid::regclass::text AS name, i.indisprimary AS primary,
            ARRAY(SELECT a.attname::text
                    FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   WHERE k.ord <= i.indnkeyatts
                   ORDER BY k.ord) AS columns
       FROM pg_index i
      WHERE i.indrelid = $1::regclass AND i.indisunique`,
    [table],
  );
}

/**
 * [CT2] What keeps `table` from being distributed by its manifest entry:
 * the column missing, NULL allowed, not text, or left out of a unique index.
 */
async function readinessProblems(q: Queryable, table: string): Promise<string[]> {
  const entry = DISTRIBUTION[table];
  if (!entry || entry.kind !== 'distributed') return [];
  const column = (await columnsOf(q, table)).get(entry.column);
  if (!column) return [`${table} has no column ${entry.column}`];
  const problems: string[] = [];
  if (!column.notNull) problems.push(`${table}.${entry.column} allows NULL`);
  if (entry.colocation === 'store' && column.type !== 'text') {
    problems.push(`${table}.${entry.column} is ${column.type}, not text like every store key`);
  }
  for (const index of await uniqueIndexesOf(q, table)) {
    if (!index.columns.includes(entry.column)) {
      problems.push(`${index.name} on ${table} leaves out ${entry.column}`);
    }
  }
  return problems;
}

type Call = { fn: 'reference' | 'distributed'; table: string; column?: string; with?: string };

/** The create_reference_table / create_distributed_table calls of distribute.sql, in order. */
function distributionCalls(text: string): Call[] {
  const calls: Call[] = [];
  for (const statement of sqlStatements(text)) {
    const ref = /^SELECT create_reference_table\('(\w+)'\)$/.exec(statement);
    const dist =
      /^SELECT create_distributed_table\('(\w+)', '(\w+)', colocate_with => '(\w+)'\)$/.exec(
        statement,
      );
    if (ref) calls.push({ fn: 'reference', table: ref[1]! });
    else if (dist) {
      calls.push({ fn: 'distributed', table: dist[1]!, column: dist[2]!, with: dist[3]! });
    } else if (/create_(reference|distributed)_table/.test(statement)) {
      throw new Error(`distribute.sql: a call the test cannot read: ${statement}`);
    }
  }
  return calls;
}

describe('[CT3] distribute.sql', () => {
  const calls = distributionCalls(sqlFile('distribute.sql'));

  it('[CT3] distributes exactly the manifest tables, each by its column, once', () => {
    expect(calls.map((c) => c.table).sort()).toEqual(Object.keys(DISTRIBUTION).sort());
    expect(new Set(calls.map((c) => c.table)).size).toBe(calls.length);
    for (const call of calls) {
      const entry = DISTRIBUTION[call.table]!;
      expect({ table: call.table, fn: call.fn }).toEqual({ table: call.table, fn: entry.kind });
      if (entry.kind === 'distributed') {
        expect({ table: call.table, column: call.column }).toEqual({
          table: call.table,
          column: entry.column,
        });
      }
    }
  });

  it('[CT3] makes the reference tables first, then the store anchor, then its group', () => {
    const firstDistributed = calls.findIndex((c) => c.fn === 'distributed');
    expect(calls.slice(firstDistributed).every((c) => c.fn === 'distributed')).toBe(true);
    const store = calls.filter((c) => storeTables().includes(c.table));
    expect(store[0]).toMatchObject({ table: STORE_ANCHOR, with: 'none' });
    for (const call of store.slice(1)) expect(call).toMatchObject({ with: STORE_ANCHOR });
    const others = calls.filter((c) => c.fn === 'distributed' && !storeTables().includes(c.table));
    for (const call of others) expect(call).toMatchObject({ with: 'none' });
  });

  it('[CT4] isolates the chain-wide key on a shard of its own', () => {
    expect(sqlStatements(sqlFile('distribute.sql'))).toContain(
      `SELECT isolate_tenant_to_new_shard('${STORE_ANCHOR}', '${CHAIN_SHARD_KEY}', cascade_option => 'CASCADE')`,
    );
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`Citus readiness on ${backend.name}`, () => {
    let storage: SyncStorage;
    beforeEach(async () => {
      storage = await backend.open();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('[CT1] every table of a fresh schema has a class, and every class names a table', async () => {
      const tables = await storage.sqlTransaction(tablesOf);
      expect(tables.filter((t) => !(t in DISTRIBUTION))).toEqual([]);
      expect(Object.keys(DISTRIBUTION).filter((t) => !tables.includes(t))).toEqual([]);
    });

    it('[CT2] every table distributed by a key has it NOT NULL and in every unique index', async () => {
      const problems = await storage.sqlTransaction(async (q) => {
        const found: string[] = [];
        for (const table of await tablesOf(q)) {
          if (!PREPARED_TABLES.includes(table)) found.push(...(await readinessProblems(q, table)));
        }
        return found;
      });
      expect(problems).toEqual([]);
      // The prepared tables are not ready before prepare.sql: the list is honest.
      for (const table of PREPARED_TABLES) {
        expect(await storage.sqlTransaction((q) => readinessProblems(q, table))).not.toEqual([]);
      }
    });

    it('[CT4] prepare.sql keys every document by its store or the chain, twice over the same result', async () => {
      await storage.bulkWrite([
        {
          db: 'stock',
          id: 'S001:SKU-1',
          body: { id: 'S001:SKU-1', storeId: 'S001', sku: 'SKU-1', onHand: 3 },
          storeId: 'S001',
          expectedRev: null,
        },
        {
          db: 'chain',
          id: 'settings',
          body: { id: 'settings', kind: 'settings' },
          storeId: null,
          expectedRev: null,
        },
      ]);
      const statements = sqlStatements(sqlFile('prepare.sql'));
      for (let run = 0; run < 2; run += 1) {
        await storage.sqlTransaction(async (q) => {
          for (const statement of statements) await q.query(statement);
        });
      }
      const problems = await storage.sqlTransaction(async (q) => {
        const found: string[] = [];
        for (const table of await tablesOf(q)) found.push(...(await readinessProblems(q, table)));
        return found;
      });
      expect(problems).toEqual([]);
      const keys = await storage.sqlTransaction((q) =>
        q.query<{ id: string; shard_key: string }>(
          `SELECT id, shard_key FROM docs WHERE id IN ('S001:SKU-1', 'settings') ORDER BY id`,
        ),
      );
      expect(keys).toEqual([
        { id: 'S001:SKU-1', shard_key: 'S001' },
        { id: 'settings', shard_key: CHAIN_SHARD_KEY },
      ]);
      await expect(
        storage.sqlTransaction((q) =>
          q.query(`UPDATE docs SET shard_key = 'S002' WHERE id = 'S001:SKU-1'`),
        ),
      ).rejects.toThrow(/docs_shard_key_is_store/);
    });

    it('[CT5] a database keyed device health by device alone: re-keyed by store and device, rows kept', async () => {
      await storage.sqlTransaction(async (q) => {
        await q.query(`ALTER TABLE device_health DROP CONSTRAINT device_health_pkey`);
        await q.query(`ALTER TABLE device_health ADD PRIMARY KEY (device_id)`);
        await q.query(
          `INSERT INTO device_health (device_id, store_id, app_version) VALUES ('S001-POS1', 'S001', '1.2.3')`,
        );
      });
      await storage.sqlTransaction(async (q) => {
        for (const statement of ROLLUP_SCHEMA) await q.query(statement);
      });
      const after = await storage.sqlTransaction(async (q) => ({
        key: (await uniqueIndexesOf(q, 'device_health')).map((i) => i.columns),
        rows: await q.query(`SELECT device_id, store_id, app_version FROM device_health`),
      }));
      expect(after).toEqual({
        key: [['store_id', 'device_id']],
        rows: [{ device_id: 'S001-POS1', store_id: 'S001', app_version: '1.2.3' }],
      });
    });
  });
}
