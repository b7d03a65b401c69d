/**
 * The one storage interface of the sync server. Implemented over the same SQL
 * by PGlite (embedded, the default) and by a real PostgreSQL (`DATABASE_URL`).
 * One test suite runs against both. See SPEC.md [ST1]-[ST5].
 */
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

/** Restricts reads of store-scoped collections to one store; null reads everything. */
export type StoreScope = string | null;

export type DbInfo = { docCount: number; updateSeq: number };

export type ChangesPage = {
  /** Rows with seq > since, in seq order, at most `limit`. */
  rows: DocRow[];
  /** Where the next page starts; pass it back as `since`. */
  lastSeq: number;
};

export type DocWrite = {
  db: CollectionName;
  id: string;
  body: JsonObject;
  storeId: string | null;
  /** The revision this write replaces; null creates the document. */
  expectedRev: string | null;
};

export type WriteResult =
  | { ok: true; id: string; rev: string; seq: number }
  | { ok: false; id: string; error: 'conflict'; reason: string };

/** Reads and writes inside one serialised write transaction. */
export interface WriteTransaction {
  /** Current versions, unscoped, as this transaction sees them (its own writes included). */
  getDocs(db: CollectionName, ids: readonly string[]): Promise<Map<string, DocRow>>;
  /** [ST2] Writes a new revision, or a conflict when `expectedRev` is not the current one. */
  put(write: DocWrite): Promise<WriteResult>;
}

export type DeviceRecord = { deviceId: string; storeId: string };
export type AdminRecord = { adminId: string };

/** A `_local` document (a replication checkpoint): never replicated, one namespace per principal. */
export type LocalDoc = { id: string; rev: string; body: JsonObject };

export type LocalWriteResult = { ok: true; rev: string } | { ok: false; reason: string };

/** The payload prefix `listen` delivers when a principal's tokens are revoked. */
export const REVOKED_PREFIX = '_revoked:';
/** The payload `listen` delivers when notifications may have been lost (e.g. after a reconnect). */
export const ALL_CHANGED = '_all';

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
  /** [ST3] Runs `work` in one transaction; nothing of it is stored if it throws. */
  transaction<T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T>;
  /** Puts each write in order, in one transaction. */
  bulkWrite(writes: readonly DocWrite[]): Promise<WriteResult[]>;
  /**
   * [ST4] Calls `onChange(db)` after a write to `db` commits, including writes
   * made by other server processes on the same database; `onChange(ALL_CHANGED)`
   * when notifications may have been lost; `onChange('_revoked:<principal>')`
   * after a revocation. Returns unsubscribe.
   */
  listen(onChange: (db: string) => void): () => void;
  /** Stores a device token's hash (never the token) bound to a device and store. */
  putDeviceToken(tokenHash: string, device: DeviceRecord): Promise<void>;
  findDeviceToken(tokenHash: string): Promise<DeviceRecord | null>;
  /** Stores a token hash for the device and removes its other tokens; returns how many. */
  replaceDeviceToken(tokenHash: string, device: DeviceRecord): Promise<number>;
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
