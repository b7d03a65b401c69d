/**
 * What every console endpoint is given: the signed-in user, the request,
 * and a way to read under the user's row-level security. Thin handlers:
 * parse, check the permission, call the feature, send.
 * See SPEC.md [UA1]-[UA12].
 */
import type { ConsolePermission, ConsoleRole } from '@pos/domain';
import type { Logger } from '../server';
import type { PrivacyKeys } from '../pii/keyring';
import type { SyncStorage } from '../storage/storage';
import type { Queryable } from '../storage/write-group';

/** [UA3] Who is signed in, and which stores they may see. */
export type ConsoleSession = {
  sessionId: string;
  userId: string;
  userName: string;
  role: ConsoleRole;
  /** `'all'` for HQ admins and analysts; else the stores assigned. */
  stores: 'all' | readonly string[];
  permissions: readonly ConsolePermission[];
};

export type ConsoleRequest = {
  storage: SyncStorage;
  session: ConsoleSession;
  method: string;
  /** The decoded path segments, e.g. `['_console', 'dashboard', 'sales']`. */
  segments: readonly string[];
  query: URLSearchParams;
  readJson(): Promise<unknown>;
  /** The body as text (CSV imports), at most `max` bytes. */
  readText(max: number): Promise<string>;
  header(name: string): string | undefined;
  send(status: number, body: unknown): void;
  sendText(status: number, headers: Record<string, string>, body: string): void;
  now: () => Date;
  log: Logger;
  privacy: PrivacyKeys;
  /**
   * [UA4] Runs `work` in a read-only transaction as the database role of the
   * console, with the session's stores set, so PostgreSQL's row-level
   * security limits every row it reads, whatever the SQL says.
   */
  scoped<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
};

/** A feature's console endpoints: answers and returns true, or returns false when the path is not its own. */
export type ConsoleHandler = (request: ConsoleRequest) => Promise<boolean>;
