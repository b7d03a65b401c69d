/**
 * `SyncStorage` over SQL that PGlite and PostgreSQL both run unchanged. The
 * drivers (pglite.ts, postgres.ts) only run statements, transactions and LISTEN.
 */
import type { CollectionName } from '@pos/domain';
import type { JsonObject } from '../protocol';
import { nextRev } from '../revs';
import {
  REVOKED_PREFIX,
  type AdminRecord,
  type LocalDoc,
  type LocalWriteResult,
  type ChangesPage,
  type DbInfo,
  type DeviceRecord,
  type DocRow,
  type DocWrite,
  type StoreScope,
  type SyncStorage,
  type WriteResult,
  type WriteTransaction,
} from './storage';

export type Queryable = {
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
};

export interface SqlDriver extends Queryable {
  transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
  /** Delivers NOTIFY payloads on `channel` (from any connection to the database). */
  listen(channel: string, onPayload: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** Taken by every write transaction; see `transaction` below. */
const WRITE_LOCK_KEY = 7_346_001;
/** Taken while creating the schema, so two servers starting together do not race. */
const MIGRATION_LOCK_KEY = 7_346_002;

const MIGRATION = [
  `CREATE SEQUENCE IF NOT EXISTS doc_seq`,
  `CREATE TABLE IF NOT EXISTS docs (
     db text NOT NULL,
     id text NOT NULL,
     rev text NOT NULL,
     seq bigint NOT NULL,
     store_id text,
     body jsonb NOT NULL,
     PRIMARY KEY (db, id)
   )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS docs_changes ON docs (db, seq)`,
  `CREATE INDEX IF NOT EXISTS docs_store_changes ON docs (db, store_id, seq)`,
  `CREATE TABLE IF NOT EXISTS device_tokens (
     token_hash text PRIMARY KEY,
     device_id text NOT NULL,
     store_id text NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS device_tokens_device ON device_tokens (device_id)`,
  `CREATE TABLE IF NOT EXISTS admin_tokens (
     token_hash text PRIMARY KEY,
     admin_id text NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS admin_tokens_admin ON admin_tokens (admin_id)`,
  `CREATE TABLE IF NOT EXISTS local_docs (
     owner text NOT NULL,
     db text NOT NULL,
     id text NOT NULL,
     rev integer NOT NULL,
     body jsonb NOT NULL,
     PRIMARY KEY (owner, db, id)
   )`,
];

type RawDoc = {
  id: string;
  rev: string;
  seq: number | string;
  store_id: string | null;
  body: JsonObject;
};

function toDocRow(db: CollectionName, raw: RawDoc): DocRow {
  return {
    db,
    id: raw.id,
    rev: raw.rev,
    seq: Number(raw.seq),
    storeId: raw.store_id,
    body: raw.body,
  };
}

async function selectDocs(
  q: Queryable,
  db: CollectionName,
  ids: readonly string[],
  scope: StoreScope,
): Promise<Map<string, DocRow>> {
  const found = new Map<string, DocRow>();
  if (ids.length === 0) return found;
  const rows = await q.query<RawDoc>(
    `SELECT id, rev, seq, store_id, body FROM docs
      WHERE db = $1
        AND id IN (SELECT jsonb_array_elements_text($2::jsonb))
        AND ($3::text IS NULL OR store_id = $3::text)`,
    [db, JSON.stringify(ids), scope],
  );
  for (const raw of rows) found.set(raw.id, toDocRow(db, raw));
  return found;
}

class SqlWriteTransaction implements WriteTransaction {
  readonly touched = new Set<CollectionName>();

  constructor(private readonly q: Queryable) {}

  getDocs(db: CollectionName, ids: readonly string[]): Promise<Map<string, DocRow>> {
    return selectDocs(this.q, db, ids, null);
  }

  async put(write: DocWrite): Promise<WriteResult> {
    if (write.body.id !== write.id) throw new Error(`body.id must equal the id ${write.id}`);
    const current = (await this.getDocs(write.db, [write.id])).get(write.id);
    const currentRev = current?.rev ?? null;
    if (currentRev !== write.expectedRev) {
      const reason = current
        ? `Document update conflict: the current revision is ${current.rev}`
        : 'Document update conflict: the document does not exist';
      return { ok: false, id: write.id, error: 'conflict', reason };
    }
    const rev = nextRev(currentRev, write.body);
    const [row] = await this.q.query<{ seq: number | string }>(
      `INSERT INTO docs (db, id, rev, seq, store_id, body)
       VALUES ($1, $2, $3, nextval('doc_seq'), $4, $5::jsonb)
       ON CONFLICT (db, id) DO UPDATE
         SET rev = excluded.rev, seq = excluded.seq, store_id = excluded.store_id, body = excluded.body
       RETURNING seq`,
      [write.db, write.id, rev, write.storeId, JSON.stringify(write.body)],
    );
    this.touched.add(write.db);
    return { ok: true, id: write.id, rev, seq: Number(row?.seq) };
  }
}

export class SqlSyncStorage implements SyncStorage {
  private readonly listeners = new Set<(db: string) => void>();

  private constructor(
    readonly kind: 'pglite' | 'postgres',
    private readonly driver: SqlDriver,
    private readonly channel: string,
  ) {}

  /** Creates the schema if needed and starts listening for changes. */
  static async open(
    kind: 'pglite' | 'postgres',
    driver: SqlDriver,
    channel = 'pos_sync_changes',
  ): Promise<SqlSyncStorage> {
    const storage = new SqlSyncStorage(kind, driver, channel);
    try {
      await driver.transaction(async (q) => {
        await q.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
        for (const statement of MIGRATION) await q.query(statement);
      });
      await driver.listen(channel, (db) => {
        for (const listener of storage.listeners) listener(db);
      });
    } catch (error) {
      await driver.close();
      throw error;
    }
    return storage;
  }

  async dbInfo(db: CollectionName, scope: StoreScope): Promise<DbInfo> {
    const [row] = await this.driver.query<{
      doc_count: number | string;
      update_seq: number | string;
    }>(
      `SELECT count(*) FILTER (WHERE $2::text IS NULL OR store_id = $2::text) AS doc_count,
              coalesce(max(seq), 0) AS update_seq
         FROM docs WHERE db = $1`,
      [db, scope],
    );
    return { docCount: Number(row?.doc_count ?? 0), updateSeq: Number(row?.update_seq ?? 0) };
  }

  async changes(
    db: CollectionName,
    { since, limit, scope }: { since: number; limit: number; scope: StoreScope },
  ): Promise<ChangesPage> {
    // One statement, so the page and update_seq come from one snapshot.
    const [row] = await this.driver.query<{ update_seq: number | string; rows: RawDoc[] }>(
      `SELECT
         (SELECT coalesce(max(seq), 0) FROM docs WHERE db = $1) AS update_seq,
         coalesce((
           SELECT json_agg(json_build_object(
                    'id', p.id, 'rev', p.rev, 'seq', p.seq, 'store_id', p.store_id, 'body', p.body)
                  ORDER BY p.seq)
             FROM (SELECT id, rev, seq, store_id, body FROM docs
                    WHERE db = $1 AND seq > $2 AND ($3::text IS NULL OR store_id = $3::text)
                    ORDER BY seq LIMIT $4) p
         ), '[]'::json) AS rows`,
      [db, since, scope, limit],
    );
    const rows = (row?.rows ?? []).map((raw) => toDocRow(db, raw));
    const updateSeq = Number(row?.update_seq ?? 0);
    const last = rows.at(-1);
    // A full page may have more after it; a short page has read everything up
    // to update_seq (seen in the same snapshot, and no lower seq can still commit).
    const lastSeq = last && rows.length === limit ? last.seq : updateSeq;
    return { rows, lastSeq };
  }

  getDocs(
    db: CollectionName,
    ids: readonly string[],
    scope: StoreScope,
  ): Promise<Map<string, DocRow>> {
    return selectDocs(this.driver, db, ids, scope);
  }

  /**
   * Every write transaction first takes one advisory lock and holds it until
   * it commits. That serialises the writers, so seqs are drawn (nextval) and
   * committed in the same order: once a reader has seen seq N, no change with
   * a seq below N can commit later. Without the lock, T1 could draw 5 and T2
   * draw 6 and commit first; a follower reading "since 4" would get 6, move
   * its checkpoint to 6, and never see 5. Proven by the concurrent-writers
   * tests. The cost is one writer at a time per database, which the POS
   * write rate allows; partition by store before it does not.
   */
  transaction<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
    return this.driver.transaction(async (q) => {
      await q.query(`SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
      const tx = new SqlWriteTransaction(q);
      const result = await work(tx);
      for (const db of tx.touched) await this.notify(q, db);
      return result;
    });
  }

  bulkWrite(writes: readonly DocWrite[]): Promise<WriteResult[]> {
    return this.transaction(async (tx) => {
      const results: WriteResult[] = [];
      for (const write of writes) results.push(await tx.put(write));
      return results;
    });
  }

  listen(onChange: (db: string) => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  async putDeviceToken(tokenHash: string, device: DeviceRecord): Promise<void> {
    await this.driver.query(
      `INSERT INTO device_tokens (token_hash, device_id, store_id) VALUES ($1, $2, $3)
       ON CONFLICT (token_hash) DO UPDATE
         SET device_id = excluded.device_id, store_id = excluded.store_id
         WHERE (device_tokens.device_id, device_tokens.store_id)
               IS DISTINCT FROM (excluded.device_id, excluded.store_id)`,
      [tokenHash, device.deviceId, device.storeId],
    );
  }

  async findDeviceToken(tokenHash: string): Promise<DeviceRecord | null> {
    const [row] = await this.driver.query<{ device_id: string; store_id: string }>(
      `SELECT device_id, store_id FROM device_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return row ? { deviceId: row.device_id, storeId: row.store_id } : null;
  }

  async replaceDeviceToken(tokenHash: string, device: DeviceRecord): Promise<number> {
    return this.driver.transaction(async (q) => {
      const removed = await q.query(
        `DELETE FROM device_tokens WHERE device_id = $1 AND token_hash <> $2 RETURNING 1`,
        [device.deviceId, tokenHash],
      );
      await q.query(
        `INSERT INTO device_tokens (token_hash, device_id, store_id) VALUES ($1, $2, $3)
         ON CONFLICT (token_hash) DO UPDATE
           SET device_id = excluded.device_id, store_id = excluded.store_id`,
        [tokenHash, device.deviceId, device.storeId],
      );
      // A device moved to another store must not keep a longpoll of the old one.
      if (removed.length) await this.notify(q, `${REVOKED_PREFIX}device:${device.deviceId}`);
      return removed.length;
    });
  }

  revokeDevice(deviceId: string): Promise<number> {
    return this.driver.transaction(async (q) => {
      const removed = await q.query(`DELETE FROM device_tokens WHERE device_id = $1 RETURNING 1`, [
        deviceId,
      ]);
      await this.notify(q, `${REVOKED_PREFIX}device:${deviceId}`);
      return removed.length;
    });
  }

  async listDevices(): Promise<DeviceRecord[]> {
    const rows = await this.driver.query<{ device_id: string; store_id: string }>(
      `SELECT DISTINCT device_id, store_id FROM device_tokens ORDER BY store_id, device_id`,
    );
    return rows.map((row) => ({ deviceId: row.device_id, storeId: row.store_id }));
  }

  async findAdminToken(tokenHash: string): Promise<AdminRecord | null> {
    const [row] = await this.driver.query<{ admin_id: string }>(
      `SELECT admin_id FROM admin_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return row ? { adminId: row.admin_id } : null;
  }

  replaceAdminToken(tokenHash: string, admin: AdminRecord): Promise<number> {
    return this.driver.transaction(async (q) => {
      const removed = await q.query(
        `DELETE FROM admin_tokens WHERE admin_id = $1 AND token_hash <> $2 RETURNING 1`,
        [admin.adminId, tokenHash],
      );
      await q.query(
        `INSERT INTO admin_tokens (token_hash, admin_id) VALUES ($1, $2)
         ON CONFLICT (token_hash) DO UPDATE SET admin_id = excluded.admin_id`,
        [tokenHash, admin.adminId],
      );
      if (removed.length) await this.notify(q, `${REVOKED_PREFIX}admin:${admin.adminId}`);
      return removed.length;
    });
  }

  revokeAdmin(adminId: string): Promise<number> {
    return this.driver.transaction(async (q) => {
      const removed = await q.query(`DELETE FROM admin_tokens WHERE admin_id = $1 RETURNING 1`, [
        adminId,
      ]);
      await this.notify(q, `${REVOKED_PREFIX}admin:${adminId}`);
      return removed.length;
    });
  }

  async getLocalDoc(owner: string, db: CollectionName, id: string): Promise<LocalDoc | null> {
    const [row] = await this.driver.query<{ rev: number; body: JsonObject }>(
      `SELECT rev, body FROM local_docs WHERE owner = $1 AND db = $2 AND id = $3`,
      [owner, db, id],
    );
    return row ? { id, rev: `0-${row.rev}`, body: row.body } : null;
  }

  putLocalDoc(
    owner: string,
    db: CollectionName,
    id: string,
    expectedRev: string | null,
    body: JsonObject,
  ): Promise<LocalWriteResult> {
    return this.driver.transaction(async (q) => {
      const [row] = await q.query<{ rev: number }>(
        `SELECT rev FROM local_docs WHERE owner = $1 AND db = $2 AND id = $3 FOR UPDATE`,
        [owner, db, id],
      );
      const current = row ? `0-${row.rev}` : null;
      if (current !== expectedRev) {
        return {
          ok: false,
          reason: current
            ? `Document update conflict: the current revision is ${current}`
            : 'Document update conflict: the document does not exist',
        };
      }
      const rev = (row?.rev ?? 0) + 1;
      // A concurrent first write of the same document loses, like any stale write.
      const written = await q.query(
        `INSERT INTO local_docs (owner, db, id, rev, body) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (owner, db, id) DO UPDATE SET rev = excluded.rev, body = excluded.body
           WHERE local_docs.rev = $4 - 1
         RETURNING 1`,
        [owner, db, id, rev, JSON.stringify(body)],
      );
      if (!written.length) return { ok: false, reason: 'Document update conflict' };
      return { ok: true, rev: `0-${rev}` };
    });
  }

  /** Sent by PostgreSQL only when (and if) the transaction commits. */
  private async notify(q: Queryable, payload: string): Promise<void> {
    await q.query(`SELECT pg_notify($1, $2)`, [this.channel, payload]);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.driver.close();
  }
}
