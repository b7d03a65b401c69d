/**
 * The one storage interface of the sync server. Implemented over the same SQL
 * by PGlite (embedded, the default) and by a real PostgreSQL (`DATABASE_URL`).
 * One test suite runs against both. See SPEC.md [ST1]-[ST5].
 */
import type { Queryable } from './write-group';
import type { CollectionName } from '@pos/domain';
import type { JsonObject } from '../protocol';

/** The current version of one document. */
export type DocRow = {
  db: CollectionName;
  id: string;
  /** CouchDB-style `N-hash`. */
  rev: string;
  /** Position in the global change sequence; rises on every write. */
  seq: number;
  /** The owning store of a store-private document, null for chain-wide ones. */
  storeId: string | null;
  /** The document as the domain defines it (with `id`, without `_` fields). */
  body: JsonObject;
};

/**
 * [ST15] Which documents `findDocs` returns: those naming a member (their
 * `memberId`), and holding these top-level fields with these values.
 */
export type DocMatch = {
  memberId?: string;
  fields?: JsonObject;
  limit?: number;
};

/** Restricts reads of store-scoped collections to one store; null reads everything. */
export type StoreScope = string | null;

export type DbInfo = { docCount: number; updateSeq: number };

export type ChangesPage = {
  /** Rows with seq > since, in seq order, at most `limit`. */
  rows: DocRow[];
  /** Where the next page starts; pass it back as `since`. */
  lastSeq: number;
};

/**
 * [ST8] A `_changes` page already in its wire form, rendered by the database,
 * so a read neither parses nor re-serialises the documents.
 */
export type ChangesJson = {
  /** The `results` rows, each `{seq, id, changes: [{rev}], doc?}`, joined by commas (no brackets). */
  results: string;
  /** How many rows `results` holds. */
  count: number;
  /** Where the next page starts, as in `ChangesPage`. */
  lastSeq: number;
};

/** [ST8] The current revision of a document and its wire form `{_id, _rev, ...fields}` as JSON text. */
export type DocJson = { rev: string; json: string };

export type DocWrite = {
  db: CollectionName;
  id: string;
  body: JsonObject;
  storeId: string | null;
  /** The revision this write replaces; null creates the document. */
  expectedRev: string | null;
  /**
   * [FX4] When the server received this fact (its own clock, ISO), kept in a
   * column beside the document, never inside it. Honoured by `put` and `putMany`.
   */
  receivedAt?: string;
};

export type WriteResult =
  | { ok: true; id: string; rev: string; seq: number }
  | { ok: false; id: string; error: 'conflict'; reason: string };

/** Reads and writes inside one serialised write transaction. */
/** Documents of one collection a transaction will read. */
export type DocReads = { db: CollectionName; ids: readonly string[] };

export interface WriteTransaction {
  /** Current versions, unscoped, as this transaction sees them (its own writes included). */
  getDocs(db: CollectionName, ids: readonly string[]): Promise<Map<string, DocRow>>;
  /**
   * [PX1] A hint: the documents the transaction will read soon, fetched
   * together so its later `getDocs` find them in memory. Changes no answer.
   */
  prefetch(reads: readonly DocReads[]): Promise<void>;
  /** [ST2] Writes a new revision, or a conflict when `expectedRev` is not the current one. */
  put(write: DocWrite): Promise<WriteResult>;
  /** [MB1] [PI2] The members whose phone has this blind index, any store, by id. */
  membersByPhoneIndex(index: string): Promise<DocRow[]>;
  /** [ST15] `findDocs`, as this transaction sees the documents (its own writes included). */
  findDocs(db: CollectionName, match: DocMatch): Promise<DocRow[]>;
  /**
   * [ST7] The same as `put` for each write in order (a later write of the same
   * id must name the revision an earlier one made), but in a few statements
   * and with one sequence allocation for the whole batch: for imports and
   * bulk loads of many documents.
   */
  putMany(writes: readonly DocWrite[]): Promise<WriteResult[]>;
}

/** What a storage reports to an observer (metrics); never needed for correctness. */
export type StorageObserver = {
  /** After a write transaction commits: how many documents it wrote, by collection. */
  committed?(written: ReadonlyMap<CollectionName, number>): void;
  /** A transaction failed (it rolled back), or the database connection pool reported an error. */
  failed?(what: 'transaction' | 'pool', error: unknown): void;
};

export type DeviceRecord = { deviceId: string; storeId: string };
export type AdminRecord = { adminId: string };

/** A `_local` document (a replication checkpoint): never replicated, one namespace per principal. */
export type LocalDoc = { id: string; rev: string; body: JsonObject };

export type LocalWriteResult = { ok: true; rev: string } | { ok: false; reason: string };

/** The payload prefix `listen` delivers when a principal's tokens are revoked. */
export const REVOKED_PREFIX = '_revoked:';
/** The payload `listen` delivers when notifications may have been lost (e.g. after a reconnect). */
export const ALL_CHANGED = '_all';
/**
 * [FL5] The payload `listen` delivers when the LISTEN connection dropped:
 * notifications are lost until it is back (then ALL_CHANGED).
 */
export const LISTEN_LOST = '_lost';

export interface SyncStorage {
  readonly kind: 'pglite' | 'postgres';
  dbInfo(db: CollectionName, scope: StoreScope): Promise<DbInfo>;
  /**
   * [ST1] The changes after `since`. A change that commits after a higher seq
   * was read is never skipped: writes are serialised (see the SQL implementation).
   */
  changes(
    db: CollectionName,
    options: { since: number; limit: number; scope: StoreScope },
  ): Promise<ChangesPage>;
  getDocs(
    db: CollectionName,
    ids: readonly string[],
    scope: StoreScope,
  ): Promise<Map<string, DocRow>>;
  /** [ST8] `changes` in its wire form, with each row's `doc` when `includeDocs`. */
  changesJson(
    db: CollectionName,
    options: { since: number; limit: number; scope: StoreScope; includeDocs: boolean },
  ): Promise<ChangesJson>;
  /** [ST8] `getDocs` in wire form: the documents found, by id. */
  getDocsJson(
    db: CollectionName,
    ids: readonly string[],
    scope: StoreScope,
  ): Promise<Map<string, DocJson>>;
  /** [MB1] [PI2] The members whose phone has this blind index, any store, by id. */
  membersByPhoneIndex(index: string): Promise<DocRow[]>;
  /**
   * [TB1] [ATP3] The on-hand units (stock levels) and the units orders hold
   * (`held` documents) of each of `skus` at each of `storeIds` that has a
   * stock level, in one statement: only the numbers, no documents, by store
   * then SKU as `[onHand, held]`.
   */
  stockPositions(
    storeIds: readonly string[],
    skus: readonly string[],
  ): Promise<Map<string, Record<string, [onHand: number, held: number]>>>;
  /** [PK9] [PI3] The members whose phone's last four digits have this digest, by id, at most `limit`. */
  membersByPhoneTail(tailIndex: string, limit: number): Promise<DocRow[]>;
  /** [PK8] The last `limit` documents of `db` written before `beforeSeq` (null: all), newest first. */
  latestDocs(db: CollectionName, beforeSeq: number | null, limit: number): Promise<DocRow[]>;
  /**
   * [ST15] The documents of `db` naming `match.memberId` and holding every
   * field of `match.fields`, any store, in seq order, at most `limit` (default 1000).
   */
  findDocs(db: CollectionName, match: DocMatch): Promise<DocRow[]>;
  /** [FX4] When the server received each of these facts, where it recorded it. */
  receivedAt(db: CollectionName, ids: readonly string[]): Promise<Map<string, string>>;
  /**
   * [ST17] A report's read-only statement over the documents table, outside
   * any write transaction: what `findDocs` cannot say (ranges, joins,
   * aggregates), in one round trip. Its SQL lives with its feature.
   */
  reportQuery<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
  /**
   * [ST3] Runs `work` in one transaction; nothing of it is stored if it
   * throws. Resolves only after the COMMIT. [ST9] It may share the database
   * transaction with other callers' works, run one after another; [ST11]
   * `work` may be called twice (a rehearsal that reads ahead, whose writes and
   * result are discarded), so it must have no effects outside `tx`.
   */
  transaction<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T>;
  /**
   * [OC6] Runs `work` only if no other server process on this database runs
   * work under the same `name` now: PostgreSQL takes a transaction-scoped
   * advisory lock (tried, never waited for); PGlite has one process, so it
   * always runs. `{ran: false}` when another process held the lock.
   */
  withSweepLock<T>(
    name: string,
    work: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }>;
  /**
   * [ST19] Runs `work` in a database transaction of its own over the
   * features' tables (console users, rollups, safety stock, shelf labels),
   * outside the write groups and the write lock. It must not write `docs`:
   * documents go through `transaction`, which numbers and announces them.
   */
  sqlTransaction<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
  /** Puts each write in order, in one transaction (`putMany`). */
  bulkWrite(writes: readonly DocWrite[]): Promise<WriteResult[]>;
  /** Answers when the database answers a trivial query; throws when it cannot. */
  ping(): Promise<void>;
  /** Reports commits and failures to `observer`. Returns unsubscribe. */
  observe(observer: StorageObserver): () => void;
  /**
   * [ST4] Calls `onChange(db)` after a write to `db` commits, including writes
   * made by other server processes on the same database; `onChange(ALL_CHANGED)`
   * when notifications may have been lost; `onChange('_revoked:<principal>')`
   * after a revocation. Returns unsubscribe.
   */
  listen(onChange: (db: string) => void): () => void;
  /** Stores a device token's hash (never the token) bound to a device and store. */
  putDeviceToken(tokenHash: string, device: DeviceRecord): Promise<void>;
  /**
   * The device a token hash belongs to, or null. [TR2] A token whose grace has
   * passed at `now` (default the current time) is not found; the first find of
   * a rotated token retires the device's other tokens (after commit, `listen`
   * payload `_revoked:device:<id>`).
   */
  findDeviceToken(tokenHash: string, now?: Date): Promise<DeviceRecord | null>;
  /** Stores a token hash for the device and removes its other tokens; returns how many. */
  replaceDeviceToken(tokenHash: string, device: DeviceRecord): Promise<number>;
  /**
   * [TR1] Adds `tokenHash` as the device's next token, bound to the store of
   * its current ones; they stay valid until the next token is first found or
   * `graceUntil`, whichever comes first (an earlier deadline is kept). Tokens
   * whose grace has passed at `now` are removed. Null when the device has no
   * valid token.
   */
  rotateDeviceToken(
    deviceId: string,
    tokenHash: string,
    at: { now: Date; graceUntil: Date },
  ): Promise<DeviceRecord | null>;
  /**
   * Removes every token of the device and, after commit, tells every server
   * process (`listen` payload `_revoked:device:<id>`). Returns how many.
   */
  revokeDevice(deviceId: string): Promise<number>;
  listDevices(): Promise<DeviceRecord[]>;
  findAdminToken(tokenHash: string): Promise<AdminRecord | null>;
  replaceAdminToken(tokenHash: string, admin: AdminRecord): Promise<number>;
  revokeAdmin(adminId: string): Promise<number>;
  /** The `_local` document `id` of `db` in `owner`'s namespace. */
  getLocalDoc(owner: string, db: CollectionName, id: string): Promise<LocalDoc | null>;
  /** Writes it when `expectedRev` is its current revision (null: it does not exist yet). */
  putLocalDoc(
    owner: string,
    db: CollectionName,
    id: string,
    expectedRev: string | null,
    body: JsonObject,
  ): Promise<LocalWriteResult>;
  close(): Promise<void>;
}

/**
 * [ST12] The database cannot be reached: its connection was terminated or
 * refused. Nothing of the request's write was committed (or, for a COMMIT
 * cut off in flight, it may have been: a replay is a no-op [F3]); the client
 * retries. The server answers 503 with `Retry-After`.
 */
export class StorageUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StorageUnavailableError';
  }
}

/** SQLSTATE classes and codes of a lost or refused connection. */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-4]|53300|53400)/;
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|not queryable|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end/i;

/** Whether `error` says the database connection is lost or cannot be made, rather than a statement failed. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof StorageUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE.test(code);
  }
  return UNAVAILABLE_MESSAGE.test(error.message);
}

/** `error` as a `StorageUnavailableError` when it is a connection failure, else as it is. */
export function asStorageError(error: unknown): unknown {
  if (error instanceof StorageUnavailableError || !isConnectionFailure(error)) return error;
  return new StorageUnavailableError(error);
}
