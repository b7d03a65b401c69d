/**
 * [ST9] Group commit: the write transactions that wait while one commits run
 * together in the next database transaction, under one write lock, one
 * sequence read, one insert of everything written, one NOTIFY per collection
 * and one COMMIT. Each transaction's work sees the others' writes as if they
 * had run one after another, and a work that throws leaves nothing of its own.
 *
 * [ST10] Writes are buffered: a work's reads come from the database once and
 * are remembered for the group (every writer holds the write lock, so nothing
 * else changes them), its writes are decided in memory (revision, conflict,
 * sequence number) and sent with the group's. The answers are those serial
 * execution gives: the same revisions, conflicts and sequence numbers.
 */
import type { CollectionName } from '@pos/domain';
import type { JsonObject } from '../protocol';
import { nextRev, revGeneration } from '../revs';
import { selectMatchingDocs } from './find-docs';
import type {
  DocMatch,
  DocReads,
  DocRow,
  DocWrite,
  WriteResult,
  WriteTransaction,
} from './storage';

export type Queryable = {
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
};

/**
 * What a group knows of a document: null when it does not exist; `full`
 * null when only its revision was read.
 */
type Known = {
  rev: string;
  full: { seq: number; storeId: string | null; json: string } | null;
} | null;

/** A document version waiting to be sent, its body already JSON text. */
type Row = {
  db: CollectionName;
  id: string;
  rev: string;
  seq: number;
  storeId: string | null;
  json: string;
  receivedAt: string | null;
};

const keyOf = (db: string, id: string) => `${db}\u0000${id}`;

/**
 * JSON text PostgreSQL refuses as jsonb: an escaped NUL or an escaped lone
 * surrogate (JSON.stringify writes both as `\u` escapes; an even run of
 * backslashes before one is an escaped backslash, not an escape).
 */
const UNSTORABLE_JSON = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/i;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses, before anything is sent, text PostgreSQL would refuse: a refusal
 * by the database would abort the whole group's transaction, a thrown error
 * here fails only the work that made it.
 */
function assertStorableText(what: string, text: string): void {
  if (text.includes('\u0000') || LONE_SURROGATE.test(text)) {
    throw new Error(`${what} holds a NUL character or a lone surrogate, which cannot be stored`);
  }
}

function assertStorableJson(id: string, json: string): void {
  if (UNSTORABLE_JSON.test(json)) {
    throw new Error(
      `document ${id} holds a NUL character or a lone surrogate, which cannot be stored`,
    );
  }
}

function storableReceivedAt(receivedAt: string | undefined): string | null {
  if (receivedAt === undefined) return null;
  const at = new Date(receivedAt);
  if (Number.isNaN(at.getTime())) throw new Error(`receivedAt ${receivedAt} is not a time`);
  return at.toISOString();
}

function conflict(id: string, currentRev: string | null): WriteResult {
  const reason = currentRev
    ? `Document update conflict: the current revision is ${currentRev}`
    : 'Document update conflict: the document does not exist';
  return { ok: false, id, error: 'conflict', reason };
}

/**
 * Adds `row` as the latest version of its document. An earlier version
 * waiting in the same map is replaced; the stored `received_at` is the one
 * of the write that created the row, which an update never changes.
 */
function addRow(rows: Map<string, Row>, row: Row): void {
  const k = keyOf(row.db, row.id);
  const earlier = rows.get(k);
  if (earlier) {
    rows.delete(k);
    rows.set(k, { ...row, receivedAt: earlier.receivedAt });
  } else {
    rows.set(k, row);
  }
}

/** The rows as one JSON array for `jsonb_to_recordset`, each body inserted as it is. */
function rowsJson(rows: Iterable<Row>): string {
  const parts: string[] = [];
  for (const r of rows) {
    parts.push(
      `{"db":${JSON.stringify(r.db)},"id":${JSON.stringify(r.id)},"rev":${JSON.stringify(r.rev)},` +
        `"seq":${r.seq},"store_id":${JSON.stringify(r.storeId)},"received_at":${JSON.stringify(r.receivedAt)},` +
        `"body":${r.json}}`,
    );
  }
  return `[${parts.join(',')}]`;
}

/** Writes rows given as `rowsJson` in $1; an update keeps the row's `received_at`. */
const UPSERT_ROWS = `INSERT INTO docs (db, id, rev, seq, store_id, body, received_at)
  SELECT r.db, r.id, r.rev, r.seq, r.store_id, r.body, r.received_at
    FROM jsonb_to_recordset($1::jsonb)
      AS r(db text, id text, rev text, seq bigint, store_id text, body jsonb, received_at timestamptz)
  ON CONFLICT (db, id) DO UPDATE
    SET rev = excluded.rev, seq = excluded.seq, store_id = excluded.store_id, body = excluded.body`;

/** [MB1] Members whose phone has the blind index $1, by id; uses docs_member_phone_index. */
export const MEMBERS_BY_PHONE_INDEX = `SELECT id, rev, seq, store_id, body FROM docs
  WHERE db = 'members' AND body->>'phoneIndex' = $1 ORDER BY id LIMIT 100`;

/** Rows held before the group sends them early (bounds the size of one statement). */
const FLUSH_ROWS = 5_000;

/**
 * [ST14] The group's statements one after another on its one connection, in
 * the order they are asked for: a rehearsal ([ST11]) runs its works at once,
 * and a connection must not be sent a statement while another runs on it.
 */
function sequential(q: Queryable): Queryable {
  let last: Promise<unknown> = Promise.resolve();
  return {
    query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      const result = last.then(() => q.query<R>(sql, params));
      last = result.catch(() => undefined);
      return result;
    },
  };
}

/** The database transaction one group of works shares. */
export class WriteGroup {
  /** Documents as the group has read or written them so far (works that failed excluded). */
  readonly known = new Map<string, Known>();
  /** Writes of the group's finished works not yet sent. */
  readonly pending = new Map<string, Row>();
  /** Collections the group's finished works wrote. */
  readonly written = new Set<CollectionName>();
  /** The last sequence number drawn. */
  seq: number;
  private readonly startSeq: number;
  /** Set when a statement failed outside any work's savepoint: the transaction is aborted. */
  aborted: unknown = undefined;

  constructor(
    readonly q: Queryable,
    lastSeq: number,
  ) {
    this.seq = lastSeq;
    this.startSeq = lastSeq;
  }

  /**
   * [ST1] Takes the write lock, then reads the last sequence number drawn:
   * every writer draws under the lock and sets the sequence before it
   * commits, so numbers are drawn and committed in one order.
   */
  static async begin(connection: Queryable, lockKey: number): Promise<WriteGroup> {
    const q = sequential(connection);
    // [PX2] One round trip: the sequence is read by a subquery of the row the
    // lock call makes, so only once the lock is held (a sequence is read as
    // it is now, whatever the statement's snapshot).
    const [row] = await q.query<{ last: number | string }>(
      `SELECT (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM doc_seq
                WHERE locked.held IS NOT NULL) AS last
         FROM (SELECT pg_advisory_xact_lock(${lockKey})::text AS held OFFSET 0) AS locked`,
    );
    return new WriteGroup(q, Number(row?.last ?? 0));
  }

  /** Runs a statement for the group; a failure aborts its transaction. */
  async run<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    try {
      return await this.q.query<R>(sql, params);
    } catch (error) {
      this.aborted ??= error;
      throw error;
    }
  }

  /** Takes in the state and writes of a work that finished. */
  adopt(work: BufferedWriteTransaction): void {
    for (const [k, known] of work.local) this.known.set(k, known);
    for (const row of work.pending.values()) addRow(this.pending, row);
    for (const db of work.written.keys()) this.written.add(db);
  }

  /** Sends the finished works' writes now when they are many. */
  async maybeFlush(): Promise<void> {
    if (this.pending.size >= FLUSH_ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const rows = rowsJson(this.pending.values());
    this.pending.clear();
    await this.run(UPSERT_ROWS, [rows]);
  }

  /**
   * [ST4] One statement before COMMIT: the remaining writes, the sequence set
   * to the last number drawn, and one NOTIFY per collection written (sent by
   * PostgreSQL only if the transaction commits).
   */
  async finish(channel: string): Promise<void> {
    const advance = this.seq > this.startSeq ? this.seq : null;
    if (this.pending.size === 0 && advance === null && this.written.size === 0) return;
    const rows = rowsJson(this.pending.values());
    this.pending.clear();
    await this.run(
      `WITH w AS (${UPSERT_ROWS} RETURNING 1)
       SELECT (SELECT count(*) FROM w) AS written,
              setval('doc_seq', $2::bigint) AS seq,
              (SELECT count(*) FROM (SELECT pg_notify($3::text, d)
                                       FROM jsonb_array_elements_text($4::jsonb) AS d) n) AS notified`,
      [rows, advance, channel, JSON.stringify([...this.written])],
    );
  }
}

/**
 * [ST11] Reads for the group's read-ahead: the documents asked for by every
 * work in the same turn of the event loop, fetched in one statement into the
 * group's memory.
 */
export class ReadAhead {
  private readonly wanted = new Map<string, { db: CollectionName; id: string }>();
  private batch: Promise<void> | null = null;

  constructor(private readonly group: WriteGroup) {}

  /** Resolves when every document of `ids` is in the group's memory. */
  async load(db: CollectionName, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const k = keyOf(db, id);
      const known = this.group.known.get(k);
      // Ids the database would refuse are left to the work's own run, which throws.
      if (known === undefined || (known !== null && known.full === null)) {
        if (!id.includes('\u0000') && !LONE_SURROGATE.test(id)) this.wanted.set(k, { db, id });
      }
    }
    if (this.wanted.size === 0) return;
    this.batch ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.fetch());
    await this.batch;
  }

  private async fetch(): Promise<void> {
    this.batch = null;
    const keys = [...this.wanted.values()];
    this.wanted.clear();
    await fetchInto(this.group, keys, (sql, params) => this.group.run(sql, params));
  }
}

/**
 * Reads documents of several collections in one statement into the group's
 * memory (null for the ones that do not exist).
 */
async function fetchInto(
  group: WriteGroup,
  keys: readonly { db: CollectionName; id: string }[],
  query: Queryable['query'],
): Promise<void> {
  const rows = await query<{
    db: CollectionName;
    id: string;
    rev: string;
    seq: number | string;
    store_id: string | null;
    body: string;
  }>(
    `SELECT d.db, d.id, d.rev, d.seq, d.store_id, d.body::text AS body
       FROM jsonb_to_recordset($1::jsonb) AS k(db text, id text)
       JOIN docs d ON d.db = k.db AND d.id = k.id`,
    [JSON.stringify(keys)],
  );
  for (const { db, id } of keys) group.known.set(keyOf(db, id), null);
  for (const row of rows) {
    group.known.set(keyOf(row.db, row.id), {
      rev: row.rev,
      full: { seq: Number(row.seq), storeId: row.store_id, json: row.body },
    });
  }
}

/**
 * One work's view of its group: reads through the group's memory of the
 * documents, writes buffered until the work has finished. With a
 * `readAhead`, a rehearsal ([ST11]): reads are batched with the other
 * works', writes stay in this object and are never sent.
 */
export class BufferedWriteTransaction implements WriteTransaction {
  /** Documents written per collection, for the commit notification and the observers. */
  readonly written = new Map<CollectionName, number>();
  /** This work's writes, as later reads of this work see them. */
  readonly local = new Map<string, Known>();
  /** This work's writes not yet sent. */
  readonly pending = new Map<string, Row>();
  /** The work's first statement failure, which aborted its savepoint or the group. */
  failure: unknown = undefined;
  private savepoint = false;
  private closed = false;
  private readonly startSeq: number;

  /** The rehearsal's own sequence numbers, never the group's. */
  private rehearsalSeq: number;

  constructor(
    private readonly group: WriteGroup,
    private readonly readAhead: ReadAhead | null = null,
  ) {
    this.startSeq = group.seq;
    this.rehearsalSeq = group.seq;
  }

  private state(k: string): Known | undefined {
    return this.local.has(k) ? this.local.get(k)! : this.group.known.get(k);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the write transaction has ended');
  }

  private async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    this.assertOpen();
    try {
      return await this.group.q.query<R>(sql, params);
    } catch (error) {
      this.failure ??= error;
      // Without a savepoint of this work, the failure aborted the group's transaction.
      if (!this.savepoint) this.group.aborted ??= error;
      throw error;
    }
  }

  /**
   * [R1] The revision a write makes. A rehearsal only needs one of the
   * right generation that differs from the one before: it skips the hash.
   */
  private nextRev(currentRev: string | null, body: JsonObject): string {
    if (!this.readAhead) return nextRev(currentRev, body);
    return `${currentRev === null ? 1 : revGeneration(currentRev) + 1}-rehearsal${++this.rehearsalSeq}`;
  }

  private count(db: CollectionName, n: number): void {
    this.written.set(db, (this.written.get(db) ?? 0) + n);
  }

  /** Draws the write's seq and buffers it; `counted` false when the caller counts. */
  private record(
    write: DocWrite,
    rev: string,
    json: string,
    receivedAt: string | null,
    counted = true,
  ): number {
    const seq = this.readAhead ? ++this.rehearsalSeq : ++this.group.seq;
    this.local.set(keyOf(write.db, write.id), {
      rev,
      full: { seq, storeId: write.storeId, json },
    });
    addRow(this.pending, {
      db: write.db,
      id: write.id,
      rev,
      seq,
      storeId: write.storeId,
      json,
      receivedAt,
    });
    if (counted) this.count(write.db, 1);
    return seq;
  }

  /**
   * [PX1] Reads the documents the work is about to read, of several
   * collections, in one statement: in a rehearsal with the other works' (one
   * statement for the group), alone in one; a document this work or the
   * group already knows is not read again.
   */
  async prefetch(reads: readonly DocReads[]): Promise<void> {
    this.assertOpen();
    const keys: { db: CollectionName; id: string }[] = [];
    for (const { db, ids } of reads) {
      for (const id of ids) {
        const known = this.state(keyOf(db, id));
        if (known !== undefined && (known === null || known.full !== null)) continue;
        // Ids the database would refuse are left to the work's own reads, which throw.
        if (id.includes('\u0000') || LONE_SURROGATE.test(id)) continue;
        keys.push({ db, id });
      }
    }
    if (keys.length === 0) return;
    if (this.readAhead) {
      const byDb = new Map<CollectionName, string[]>();
      for (const { db, id } of keys) byDb.set(db, [...(byDb.get(db) ?? []), id]);
      await Promise.all([...byDb].map(([db, ids]) => this.readAhead!.load(db, ids)));
    } else {
      await fetchInto(this.group, keys, (sql, params) => this.query(sql, params));
    }
    this.assertOpen();
  }

  async getDocs(db: CollectionName, ids: readonly string[]): Promise<Map<string, DocRow>> {
    this.assertOpen();
    const missing: string[] = [];
    for (const id of ids) {
      const known = this.state(keyOf(db, id));
      if (known === undefined || (known !== null && known.full === null)) {
        assertStorableText(`id ${JSON.stringify(id)}`, id);
        missing.push(id);
      }
    }
    if (missing.length && this.readAhead) {
      await this.readAhead.load(db, missing);
      this.assertOpen();
    } else if (missing.length) {
      await fetchInto(
        this.group,
        missing.map((id) => ({ db, id })),
        (sql, params) => this.query(sql, params),
      );
    }
    const found = new Map<string, DocRow>();
    for (const id of ids) {
      const known = this.state(keyOf(db, id));
      if (!known?.full) continue;
      const { seq, storeId, json } = known.full;
      found.set(id, { db, id, rev: known.rev, seq, storeId, body: JSON.parse(json) as JsonObject });
    }
    return found;
  }

  async put(write: DocWrite): Promise<WriteResult> {
    this.assertOpen();
    if (write.body.id !== write.id) throw new Error(`body.id must equal the id ${write.id}`);
    const k = keyOf(write.db, write.id);
    let known = this.state(k);
    if (known === undefined && this.readAhead) {
      await this.readAhead.load(write.db, [write.id]);
      this.assertOpen();
      known = this.state(k);
    }
    if (known === undefined) {
      assertStorableText(`id ${JSON.stringify(write.id)}`, write.id);
      const [row] = await this.query<{ rev: string }>(
        `SELECT rev FROM docs WHERE db = $1 AND id = $2`,
        [write.db, write.id],
      );
      known = row ? { rev: row.rev, full: null } : null;
      this.group.known.set(k, known);
    }
    const currentRev = known?.rev ?? null;
    if (currentRev !== write.expectedRev) return conflict(write.id, currentRev);
    const json = JSON.stringify(write.body);
    assertStorableJson(write.id, json);
    if (write.storeId !== null) assertStorableText('storeId', write.storeId);
    const receivedAt = storableReceivedAt(write.receivedAt);
    const rev = this.nextRev(currentRev, write.body);
    const seq = this.record(write, rev, json, receivedAt);
    return { ok: true, id: write.id, rev, seq };
  }

  /**
   * [ST7] One read of the unknown revisions per collection; one block of
   * consecutive seqs in the order of each document's last write. A document
   * written twice in the batch is stored once, with the last write; every
   * write of it reports that final seq.
   */
  async putMany(writes: readonly DocWrite[]): Promise<WriteResult[]> {
    this.assertOpen();
    const missingByDb = new Map<CollectionName, Set<string>>();
    for (const write of writes) {
      if (write.body.id !== write.id) throw new Error(`body.id must equal the id ${write.id}`);
      if (this.state(keyOf(write.db, write.id)) !== undefined) continue;
      assertStorableText(`id ${JSON.stringify(write.id)}`, write.id);
      const ids = missingByDb.get(write.db) ?? new Set<string>();
      missingByDb.set(write.db, ids.add(write.id));
    }
    if (this.readAhead) {
      for (const [db, ids] of missingByDb) await this.readAhead.load(db, [...ids]);
      this.assertOpen();
    }
    for (const [db, ids] of this.readAhead ? [] : missingByDb) {
      const rows = await this.query<{ id: string; rev: string }>(
        `SELECT id, rev FROM docs WHERE db = $1 AND id IN (SELECT jsonb_array_elements_text($2::jsonb))`,
        [db, JSON.stringify([...ids])],
      );
      for (const id of ids) this.group.known.set(keyOf(db, id), null);
      for (const row of rows) this.group.known.set(keyOf(db, row.id), { rev: row.rev, full: null });
    }

    const revs = new Map<string, string | null>();
    const results: WriteResult[] = [];
    // The last write of each document, in the order of those last writes.
    const final = new Map<
      string,
      { write: DocWrite; rev: string; json: string; at: string | null }
    >();
    const resultKeys: (string | null)[] = [];
    for (const write of writes) {
      const k = keyOf(write.db, write.id);
      const currentRev = revs.has(k) ? revs.get(k)! : (this.state(k)?.rev ?? null);
      if (currentRev !== write.expectedRev) {
        results.push(conflict(write.id, currentRev));
        resultKeys.push(null);
        continue;
      }
      const json = JSON.stringify(write.body);
      assertStorableJson(write.id, json);
      if (write.storeId !== null) assertStorableText('storeId', write.storeId);
      const at = storableReceivedAt(write.receivedAt);
      const rev = this.nextRev(currentRev, write.body);
      revs.set(k, rev);
      // As one insert of the last writes: the row keeps the received time of the first.
      const earlier = final.get(k);
      final.delete(k);
      final.set(k, { write, rev, json, at: earlier ? earlier.at : at });
      results.push({ ok: true, id: write.id, rev, seq: 0 });
      resultKeys.push(k);
    }
    const seqs = new Map<string, number>();
    for (const [k, { write, rev, json, at }] of final) {
      seqs.set(k, this.record(write, rev, json, at, false));
    }
    // Counted per accepted write, as `put` would.
    writes.forEach((write, i) => {
      if (resultKeys[i] !== null) this.count(write.db, 1);
    });
    return results.map((result, i) => {
      const k = resultKeys[i];
      return result.ok && k ? { ...result, seq: seqs.get(k)! } : result;
    });
  }

  /**
   * Sends the pending writes of `db` before a query reads it from the
   * database: the group's, then this work's behind a savepoint (so that they
   * can be undone alone). A rehearsal reads what is committed: its answer is
   * discarded anyway.
   */
  private async sendPendingOf(db: CollectionName): Promise<void> {
    if (this.readAhead) return;
    const has = (rows: Map<string, Row>) => [...rows.values()].some((row) => row.db === db);
    if (has(this.group.pending)) await this.group.flush();
    if (has(this.pending)) {
      if (!this.savepoint) {
        await this.query('SAVEPOINT work');
        this.savepoint = true;
      }
      const rows = rowsJson(this.pending.values());
      this.pending.clear();
      await this.query(UPSERT_ROWS, [rows]);
    }
  }

  /** [MB1] Sends pending member writes first, so the database's answer includes them. */
  async membersByPhoneIndex(index: string): Promise<DocRow[]> {
    this.assertOpen();
    await this.sendPendingOf('members');
    const rows = await this.query<{
      id: string;
      rev: string;
      seq: number | string;
      store_id: string | null;
      body: JsonObject;
    }>(MEMBERS_BY_PHONE_INDEX, [index]);
    return rows.map((raw) => ({
      db: 'members',
      id: raw.id,
      rev: raw.rev,
      seq: Number(raw.seq),
      storeId: raw.store_id,
      body: raw.body,
    }));
  }

  /**
   * [ST15] Sends pending writes of `db` first (the group's, then this work's
   * behind its savepoint), so the database's answer includes them. A
   * rehearsal reads what is committed: its answer is discarded anyway.
   */
  async findDocs(db: CollectionName, match: DocMatch): Promise<DocRow[]> {
    this.assertOpen();
    await this.sendPendingOf(db);
    return selectMatchingDocs({ query: (sql, params) => this.query(sql, params) }, db, match);
  }

  /**
   * Ends the work. Succeeded: its writes join the group's. Failed (it threw,
   * or one of its statements failed): everything it wrote is undone and its
   * sequence numbers are drawn again by the next work, so they stay
   * consecutive. Returns the error the work's caller gets, or undefined.
   */
  async end(thrown: { error: unknown } | null): Promise<{ error: unknown } | null> {
    this.closed = true;
    // A rehearsal leaves nothing: its writes were never sent.
    if (this.readAhead) return thrown;
    const failed = thrown ?? (this.failure === undefined ? null : { error: this.failure });
    if (!failed) {
      if (this.savepoint) await this.group.run('RELEASE SAVEPOINT work');
      this.group.adopt(this);
      return null;
    }
    this.group.seq = this.startSeq;
    if (this.savepoint) {
      await this.group.run('ROLLBACK TO SAVEPOINT work');
      await this.group.run('RELEASE SAVEPOINT work');
    }
    return failed;
  }
}
