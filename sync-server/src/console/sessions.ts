/**
 * Console sign-in, sessions, TOTP and the row-level-security reader.
 * See SPEC.md [UC1]-[UC11] and the domain's [UA1]-[UA12].
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  AFTER_SIGN_IN,
  CONSOLE_PERMISSIONS,
  afterFailedSignIn,
  base32Encode,
  isLocked,
  normaliseSignInName,
  otpauthUrl,
  permissionsOf,
  sessionExpiry,
  totpMatches,
  visibleStores,
  type ConsoleUserView,
  type SessionAnswer,
  type SignInAnswer,
  type TotpSetupAnswer,
} from '@pos/domain';
import { authenticate, hashToken, newToken, parseBearer } from '../auth';
import { SyncError, isJsonObject } from '../protocol';
import type { PrivacyKeys } from '../pii/keyring';
import type { SyncStorage } from '../storage/storage';
import type { Queryable } from '../storage/write-group';
import type { ConsoleSession } from './context';
import type { ConsoleBase } from './routes';
import { CONSOLE_DB_ROLE, CONSOLE_GRANT_SETTING } from './schema';
import {
  chainStores,
  dummyPasswordHash,
  iso,
  toUserView,
  userById,
  userByName,
  verifyPassword,
  type ConsoleUserRow,
} from './users';

/** [UC2] The one answer to any wrong name, password, code, disabled or locked account. */
export const WRONG_CREDENTIALS =
  'wrong name, password or code (after 5 failures in a row the account is locked for 15 minutes)';
/** The issuer authenticator apps show beside the account. */
export const TOTP_ISSUER = 'Storefront HQ';

const hmacSha1 = (key: Uint8Array, message: Uint8Array): Uint8Array =>
  createHmac('sha1', key).update(message).digest();

const bad = (reason: string) => new SyncError('bad_request', reason);
const wrong = () => new SyncError('unauthorized', WRONG_CREDENTIALS);

// ---------------------------------------------------------------------------
// [UC6] The TOTP secret, wrapped under the server's current master key
// ---------------------------------------------------------------------------

async function sealSecret(privacy: PrivacyKeys, secret: Uint8Array): Promise<string> {
  const { kekId, wrapped } = await privacy.kms.wrap(secret);
  return `${kekId}:${Buffer.from(wrapped).toString('base64url')}`;
}

async function openSecret(privacy: PrivacyKeys, sealed: string): Promise<Uint8Array> {
  const at = sealed.indexOf(':');
  return privacy.kms.unwrap(sealed.slice(0, at), Buffer.from(sealed.slice(at + 1), 'base64url'));
}

// ---------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------

type Found = { session: ConsoleSession; user: ConsoleUserView; expiresAt: string };

function sessionOf(sessionId: string, user: ConsoleUserView): ConsoleSession {
  return {
    sessionId,
    userId: user.id,
    userName: user.name,
    role: user.role,
    stores: user.stores,
    permissions: permissionsOf(user.role),
  };
}

/**
 * [UC3] The session a bearer token opens: a console session that has not
 * expired of an enabled user (its role and stores read now, so a change
 * applies at the next request), else [UA5] an HQ admin token acting as an HQ
 * admin. Device tokens open nothing here.
 */
async function findSession(
  storage: SyncStorage,
  authorization: string | undefined,
  now: Date,
): Promise<Found | null> {
  const token = parseBearer(authorization);
  if (!token) return null;
  const hash = hashToken(token);
  const [row] = await storage.reportQuery<ConsoleUserRow & { expires_at: Date | string }>(
    `SELECT u.*, s.expires_at FROM console_sessions s JOIN console_users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`,
    [hash, now.toISOString()],
  );
  if (row) {
    const user = toUserView(row);
    return {
      session: sessionOf(`console:${hash.slice(0, 16)}`, user),
      user,
      expiresAt: iso(row.expires_at),
    };
  }
  const principal = await authenticate(storage, authorization, now);
  if (principal?.kind !== 'admin') return null;
  const user: ConsoleUserView = {
    id: principal.adminId,
    name: principal.adminId,
    displayName: `HQ admin token ${principal.adminId}`,
    role: 'hq-admin',
    stores: 'all',
    totpEnabled: false,
    disabled: false,
    createdAt: new Date(0).toISOString(),
  };
  return {
    session: { ...sessionOf(`admin:${principal.adminId}`, user), permissions: CONSOLE_PERMISSIONS },
    user,
    expiresAt: sessionExpiry(now).toISOString(),
  };
}

export async function authenticateConsole(
  storage: SyncStorage,
  authorization: string | undefined,
  now: Date,
): Promise<ConsoleSession | null> {
  return (await findSession(storage, authorization, now))?.session ?? null;
}

function parseSignIn(body: unknown): { name: string; password: string; totp?: string } {
  if (!isJsonObject(body)) throw bad('the body must be a JSON object {name, password, totp?}');
  const { name, password, totp } = body;
  const extra = Object.keys(body).filter((k) => !['name', 'password', 'totp'].includes(k));
  if (extra.length) throw bad(`unknown field(s): ${extra.join(', ')}`);
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) {
    throw bad('name must be the sign-in name (text, at most 64 characters)');
  }
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) {
    throw bad('password must be text of at most 1024 characters');
  }
  if (totp !== undefined && (typeof totp !== 'string' || totp.length > 16)) {
    throw bad('totp must be the 6-digit code as text');
  }
  return { name: normaliseSignInName(name), password, ...(totp !== undefined ? { totp } : {}) };
}

/** [UA9] Counts a failure against the user, in a transaction so concurrent guesses all count. */
async function recordFailure(storage: SyncStorage, id: string, now: Date): Promise<void> {
  await storage.sqlTransaction(async (q) => {
    const row = await userById(q, id, true);
    if (!row) return;
    const next = afterFailedSignIn(
      {
        failedAttempts: row.failed_attempts,
        lockedUntil: row.locked_until ? iso(row.locked_until) : null,
      },
      now,
    );
    await q.query(
      `UPDATE console_users SET failed_attempts = $2, locked_until = $3 WHERE id = $1`,
      [id, next.failedAttempts, next.lockedUntil],
    );
  });
}

/**
 * [UC2] `POST /_console/session`: the password checked with scrypt (an
 * unknown name against a dummy hash, so it takes as long), [UA9] the lock,
 * [UA12] the TOTP code when the user has one; one wording for every refusal.
 */
export async function signIn(
  storage: SyncStorage,
  privacy: PrivacyKeys,
  body: unknown,
  now: Date,
): Promise<{ status: number; answer: SignInAnswer }> {
  const request = parseSignIn(body);
  const row = await userByName(storage, request.name);
  const guard = row && {
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until ? iso(row.locked_until) : null,
  };
  if (!row || !guard || isLocked(guard, now)) {
    await verifyPassword(request.password, await dummyPasswordHash());
    throw wrong();
  }
  const passwordOk = await verifyPassword(request.password, row.password_hash);
  if (!passwordOk || row.disabled) {
    await recordFailure(storage, row.id, now);
    throw wrong();
  }
  if (row.totp_secret) {
    if (request.totp === undefined)
      return { status: 200, answer: { ok: false, totpRequired: true } };
    const secret = await openSecret(privacy, row.totp_secret);
    if (!totpMatches(hmacSha1, secret, request.totp, now.getTime())) {
      await recordFailure(storage, row.id, now);
      throw wrong();
    }
  }
  const token = newToken();
  const expiresAt = sessionExpiry(now);
  const user = await storage.sqlTransaction(async (q) => {
    await q.query(
      `INSERT INTO console_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
      [hashToken(token), row.id, now.toISOString(), expiresAt.toISOString()],
    );
    // Expired sessions of this user go as it signs in again.
    await q.query(`DELETE FROM console_sessions WHERE user_id = $1 AND expires_at <= $2`, [
      row.id,
      now.toISOString(),
    ]);
    await q.query(
      `UPDATE console_users SET last_sign_in_at = $2, failed_attempts = $3, locked_until = $4 WHERE id = $1`,
      [row.id, now.toISOString(), AFTER_SIGN_IN.failedAttempts, AFTER_SIGN_IN.lockedUntil],
    );
    return toUserView({ ...row, last_sign_in_at: now });
  });
  return {
    status: 201,
    answer: {
      ok: true,
      token,
      expiresAt: expiresAt.toISOString(),
      user,
      permissions: permissionsOf(user.role),
    },
  };
}

async function signedIn(base: ConsoleBase): Promise<Found> {
  const found = await findSession(base.storage, base.authorization, base.now());
  if (!found)
    throw new SyncError('unauthorized', 'sign in to the console (POST /_console/session)');
  return found;
}

/** [UC5] TOTP set-up and confirmation belong to a console user, not an admin token. */
async function ownRow(base: ConsoleBase, found: Found): Promise<ConsoleUserRow> {
  if (found.session.sessionId.startsWith('admin:')) {
    throw bad('an HQ admin token has no console user to set TOTP up for');
  }
  const row = await base.storage.sqlTransaction((q) => userById(q, found.user.id));
  if (!row) throw new SyncError('unauthorized', 'sign in to the console (POST /_console/session)');
  return row;
}

/** `POST|GET|DELETE /_console/session…`: true when it answered. */
export async function serveSessionRoutes(base: ConsoleBase): Promise<boolean> {
  const [, head, ...rest] = base.segments;
  if (head !== 'session') return false;
  const path = rest.join('/');
  const now = base.now();
  if (path === '') {
    if (base.method === 'POST') {
      const { status, answer } = await signIn(
        base.storage,
        base.privacy,
        await base.readJson(),
        now,
      );
      base.send(status, answer);
      return true;
    }
    if (base.method === 'GET') {
      // [UC4] Who is signed in, and the stores they may see, with names.
      const found = await signedIn(base);
      const stores = await chainStores(base.storage);
      const visible = new Set(
        visibleStores(
          found.user,
          stores.map((s) => s.id),
        ),
      );
      const answer: SessionAnswer = {
        user: found.user,
        permissions: [...found.session.permissions],
        expiresAt: found.expiresAt,
        stores: stores.filter((s) => visible.has(s.id)),
      };
      base.send(200, answer);
      return true;
    }
    if (base.method === 'DELETE') {
      await signedIn(base);
      const token = parseBearer(base.authorization)!;
      await base.storage.sqlTransaction((q) =>
        q.query(`DELETE FROM console_sessions WHERE token_hash = $1`, [hashToken(token)]),
      );
      base.send(200, { ok: true });
      return true;
    }
    throw new SyncError('method_not_allowed', 'use POST (sign in), GET (who) or DELETE (sign out)');
  }
  if (path === 'totp' || path === 'totp/confirm') {
    if (base.method !== 'POST') throw new SyncError('method_not_allowed', 'use POST');
    const found = await signedIn(base);
    const row = await ownRow(base, found);
    if (path === 'totp') {
      // [UC5] A new secret, pending until a code from it is confirmed.
      const secret = randomBytes(20);
      const sealed = await sealSecret(base.privacy, secret);
      await base.storage.sqlTransaction((q) =>
        q.query(`UPDATE console_users SET totp_pending = $2 WHERE id = $1`, [row.id, sealed]),
      );
      const answer: TotpSetupAnswer = {
        secret: base32Encode(secret),
        otpauthUrl: otpauthUrl(TOTP_ISSUER, row.name, secret),
      };
      base.send(200, answer);
      return true;
    }
    const body = await base.readJson();
    if (!isJsonObject(body) || typeof body.code !== 'string' || Object.keys(body).length !== 1) {
      throw bad('the body must be {"code": "<6 digits>"}');
    }
    if (!row.totp_pending) throw bad('start TOTP first (POST /_console/session/totp)');
    const secret = await openSecret(base.privacy, row.totp_pending);
    if (!totpMatches(hmacSha1, secret, body.code, now.getTime())) {
      throw bad('that code does not match: check the device clock and type the current code');
    }
    const updated = await base.storage.sqlTransaction(async (q) => {
      const [next] = await q.query<ConsoleUserRow>(
        `UPDATE console_users SET totp_secret = totp_pending, totp_pending = NULL
          WHERE id = $1 RETURNING *`,
        [row.id],
      );
      return next!;
    });
    base.send(200, { ok: true, user: toUserView(updated) });
    return true;
  }
  throw new SyncError('not_found', `no such endpoint: /${base.segments.join('/')}`);
}

// ---------------------------------------------------------------------------
// [UC9] The row-level-security reader
// ---------------------------------------------------------------------------

/** Ends the reader's transaction by rolling it back, carrying the work's result out. */
class ReadDone<T> {
  constructor(readonly value: T) {}
}

/**
 * [UC9] Statements a console reader may not run: changing the role or the
 * settings the policies read. A guard beside the database's rules (which
 * refuse writes and rows of other stores), not a sandbox for untrusted SQL:
 * the console never runs SQL it is sent.
 */
const FORBIDDEN_IN_READER =
  /\b(?:set|reset)\s+(?:local\s+|session\s+)?(?:role|session\s+authorization|all)\b|\bset_config\b|\bquery_to_xml|\bcursor_to_xml|^\s*do\b/i;

function guarded(q: Queryable): Queryable {
  return {
    query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      if (FORBIDDEN_IN_READER.test(sql)) {
        return Promise.reject(
          new Error('a console reader may not change its role or its settings'),
        );
      }
      return q.query<R>(sql, params);
    },
  };
}

/**
 * [UC9] Runs `work` in a read-only transaction as the console's database
 * role, so row-level security limits every row it reads to the session's
 * stores ([UC10], [UC11]). The stores are written to a grant row inserted in
 * this transaction under a random key and never committed (the transaction
 * always rolls back): only this transaction can see it, so no setting `work`
 * makes can widen what it sees.
 */
export async function scopedReader<T>(
  storage: SyncStorage,
  session: ConsoleSession,
  work: (q: Queryable) => Promise<T>,
): Promise<T> {
  const key = randomBytes(24).toString('base64url');
  const stores = session.stores === 'all' ? ['*'] : [...session.stores];
  try {
    await storage.sqlTransaction(async (q) => {
      // One round trip: the grant row, its key in the setting, the role, read-only.
      await q.query(
        `WITH grant_row AS (
           INSERT INTO console_read_grants (grant_key, stores)
           VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))
           RETURNING grant_key)
         SELECT set_config('${CONSOLE_GRANT_SETTING}', grant_key, true),
                set_config('role', '${CONSOLE_DB_ROLE}', true),
                set_config('transaction_read_only', 'on', true)
           FROM grant_row`,
        [key, JSON.stringify(stores)],
      );
      throw new ReadDone(await work(guarded(q)));
    });
  } catch (outcome) {
    if (outcome instanceof ReadDone) return outcome.value as T;
    throw outcome;
  }
  throw new Error('unreachable: the reader always rolls back');
}
