/**
 * The console's users in the database: scrypt password hashes, creating,
 * listing and changing users (the last-admin guard in one transaction), the
 * chain's stores for pickers, the demo users, and the command-line command.
 * See SPEC.md [UC1]-[UC15] and the domain's [UA1]-[UA12].
 */
import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import {
  displayNameRefusal,
  isConsoleRole,
  lastAdminRefusal,
  normaliseSignInName,
  passwordRefusals,
  permissionsOf,
  seesAllStores,
  signInNameRefusal,
  storeListRefusal,
  type ConsoleRole,
  type ConsoleUserView,
  type CreateUserRequest,
  type UpdateUserRequest,
} from '@pos/domain';
import { SyncError, isJsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import type { Queryable } from '../storage/write-group';

// ---------------------------------------------------------------------------
// [UC1] Passwords: scrypt (node:crypto) with a per-user salt; the parameters
// are stored with the hash, so they can be raised without breaking old hashes.
// ---------------------------------------------------------------------------

export type ScryptParameters = { N: number; r: number; p: number };
/** About 50 ms and 16 MiB per hash on a laptop core. */
export const SCRYPT_PARAMETERS: ScryptParameters = { N: 16384, r: 8, p: 1 };
const KEY_BYTES = 32;

function scryptAsync(password: string, salt: Buffer, params: ScryptParameters): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** [UC1] `scrypt$N$r$p$salt$hash` (salt and hash in base64url). */
export async function hashPassword(
  password: string,
  params: ScryptParameters = SCRYPT_PARAMETERS,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, params);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

const STORED_HASH =
  /^scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{16,128})$/;

/** [UC1] Whether `password` is the one `stored` was made from; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED_HASH.exec(stored);
  if (!match) return false;
  const [, n, r, p, salt, hash] = match;
  const expected = Buffer.from(hash!, 'base64url');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const key = await scryptAsync(password, Buffer.from(salt!, 'base64url'), params).catch(
    () => null,
  );
  return key !== null && key.length === expected.length && timingSafeEqual(key, expected);
}

let dummyHash: Promise<string> | undefined;
/** [UC2] A hash no password matches, checked for unknown names so they take as long as known ones. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummyHash;
}

// ---------------------------------------------------------------------------
// Rows and views
// ---------------------------------------------------------------------------

export type ConsoleUserRow = {
  id: string;
  name: string;
  display_name: string;
  role: ConsoleRole;
  stores: string[] | null;
  password_hash: string;
  totp_secret: string | null;
  totp_pending: string | null;
  disabled: boolean;
  created_at: Date | string;
  last_sign_in_at: Date | string | null;
  failed_attempts: number;
  locked_until: Date | string | null;
};

export const iso = (value: Date | string): string => new Date(value).toISOString();

/** A user as the API shows it: never the password hash or the TOTP secret. */
export function toUserView(row: ConsoleUserRow): ConsoleUserView {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    role: row.role,
    stores: row.stores === null ? 'all' : [...row.stores],
    totpEnabled: row.totp_secret !== null,
    disabled: row.disabled,
    createdAt: iso(row.created_at),
    ...(row.last_sign_in_at ? { lastSignInAt: iso(row.last_sign_in_at) } : {}),
  };
}

const USER_COLUMNS = `id, name, display_name, role, stores, password_hash, totp_secret, totp_pending,
  disabled, created_at, last_sign_in_at, failed_attempts, locked_until`;

export async function userByName(
  storage: SyncStorage,
  name: string,
): Promise<ConsoleUserRow | null> {
  const [row] = await storage.reportQuery<ConsoleUserRow>(
    `SELECT ${USER_COLUMNS} FROM console_users WHERE name = $1`,
    [name],
  );
  return row ?? null;
}

export async function userById(
  q: Queryable,
  id: string,
  lock = false,
): Promise<ConsoleUserRow | null> {
  const [row] = await q.query<ConsoleUserRow>(
    `SELECT ${USER_COLUMNS} FROM console_users WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ?? null;
}

export async function listConsoleUsers(storage: SyncStorage): Promise<ConsoleUserView[]> {
  const rows = await storage.reportQuery<ConsoleUserRow>(
    `SELECT ${USER_COLUMNS} FROM console_users ORDER BY name`,
    [],
  );
  return rows.map(toUserView);
}

/** The chain's stores (and warehouses), by id, with their names. */
export async function chainStores(storage: SyncStorage): Promise<{ id: string; name: string }[]> {
  return storage.reportQuery<{ id: string; name: string }>(
    `SELECT id, coalesce(body->>'name', id) AS name FROM docs WHERE db = 'stores' ORDER BY id`,
    [],
  );
}

// ---------------------------------------------------------------------------
// Creating and changing users ([UC12]-[UC14])
// ---------------------------------------------------------------------------

const bad = (reason: string) => new SyncError('bad_request', reason);

function only(body: Record<string, unknown>, keys: readonly string[]): void {
  const extra = Object.keys(body).filter((k) => !keys.includes(k));
  if (extra.length) throw bad(`unknown field(s): ${extra.join(', ')}; allowed: ${keys.join(', ')}`);
}

/** [UC12] The body of `POST /_console/users`, checked; every problem is a 400 with its reason. */
export function parseCreateUser(body: unknown): CreateUserRequest {
  if (!isJsonObject(body)) throw bad('the body must be a JSON object');
  only(body, ['name', 'displayName', 'role', 'stores', 'password']);
  const { name, displayName, role, stores, password } = body;
  const nameRefusal = signInNameRefusal(
    typeof name === 'string' ? normaliseSignInName(name) : name,
  );
  if (nameRefusal) throw bad(nameRefusal);
  const displayRefusal = displayNameRefusal(displayName);
  if (displayRefusal) throw bad(displayRefusal);
  if (!isConsoleRole(role))
    throw bad('role must be hq-admin, regional-manager, store-manager or analyst');
  const storesRefusal = storeListRefusal(role, stores);
  if (storesRefusal) throw bad(storesRefusal);
  const normalised = normaliseSignInName(name as string);
  const passwordProblems = passwordRefusals(normalised, password);
  if (passwordProblems.length) throw bad(passwordProblems.join('; '));
  return {
    name: normalised,
    displayName: (displayName as string).trim(),
    role,
    stores: stores as CreateUserRequest['stores'],
    password: password as string,
  };
}

/** [UC13] The body of `PATCH /_console/users/<id>`, checked for its shape (the rest needs the user). */
export function parseUpdateUser(body: unknown): UpdateUserRequest {
  if (!isJsonObject(body)) throw bad('the body must be a JSON object');
  only(body, ['displayName', 'role', 'stores', 'disabled', 'password']);
  const update: UpdateUserRequest = {};
  if (body.displayName !== undefined) {
    const refusal = displayNameRefusal(body.displayName);
    if (refusal) throw bad(refusal);
    update.displayName = (body.displayName as string).trim();
  }
  if (body.role !== undefined) {
    if (!isConsoleRole(body.role)) {
      throw bad('role must be hq-admin, regional-manager, store-manager or analyst');
    }
    update.role = body.role;
  }
  if (body.stores !== undefined) {
    if (body.stores !== 'all' && !Array.isArray(body.stores)) {
      throw bad('stores must be "all" or a list of store ids');
    }
    update.stores = body.stores as UpdateUserRequest['stores'] & {};
  }
  if (body.disabled !== undefined) {
    if (typeof body.disabled !== 'boolean') throw bad('disabled must be true or false');
    update.disabled = body.disabled;
  }
  if (body.password !== undefined) {
    if (typeof body.password !== 'string') throw bad('the password must be text');
    update.password = body.password;
  }
  if (Object.keys(update).length === 0) throw bad('nothing to change');
  return update;
}

const storesParam = (stores: 'all' | readonly string[]) =>
  stores === 'all' ? null : JSON.stringify(stores);
const STORES_FROM_PARAM = (n: number) =>
  `CASE WHEN $${n}::text IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text($${n}::jsonb)) END`;

async function knownStores(storage: SyncStorage): Promise<Set<string>> {
  return new Set((await chainStores(storage)).map((s) => s.id));
}

/**
 * [UC12] Creates a user: a unique name (409 when taken), a valid role and
 * stores that exist, a password the policy accepts, stored as a scrypt hash.
 */
export async function createConsoleUser(
  storage: SyncStorage,
  request: CreateUserRequest,
  now: Date,
): Promise<ConsoleUserView> {
  const checked = parseCreateUser(request);
  const storesRefusal = storeListRefusal(checked.role, checked.stores, await knownStores(storage));
  if (storesRefusal) throw bad(storesRefusal);
  const passwordHash = await hashPassword(checked.password);
  return storage.sqlTransaction(async (q) => {
    const [taken] = await q.query<{ id: string }>(`SELECT id FROM console_users WHERE name = $1`, [
      checked.name,
    ]);
    if (taken) throw new SyncError('conflict', `the sign-in name ${checked.name} is taken`);
    const [row] = await q.query<ConsoleUserRow>(
      `INSERT INTO console_users (id, name, display_name, role, stores, password_hash, created_at)
       VALUES ($1, $2, $3, $4, ${STORES_FROM_PARAM(5)}, $6, $7)
       ON CONFLICT (name) DO NOTHING
       RETURNING ${USER_COLUMNS}`,
      [
        randomUUID(),
        checked.name,
        checked.displayName,
        checked.role,
        storesParam(checked.stores),
        passwordHash,
        now.toISOString(),
      ],
    );
    if (!row) throw new SyncError('conflict', `the sign-in name ${checked.name} is taken`);
    return toUserView(row);
  });
}

/**
 * [UC13] Changes a user. The role and stores are checked together ([UA6]);
 * [UA11] the last enabled HQ admin is neither disabled nor demoted (409);
 * [UC14] a new password or disabling ends the user's sessions.
 */
export async function updateConsoleUser(
  storage: SyncStorage,
  id: string,
  update: UpdateUserRequest,
): Promise<ConsoleUserView> {
  const checked = parseUpdateUser(update);
  const known = await knownStores(storage);
  return storage.sqlTransaction(async (q) => {
    // Every HQ admin row is locked, so two changes cannot each leave the other the last.
    const admins = await q.query<{ id: string; role: ConsoleRole; disabled: boolean }>(
      `SELECT id, role, disabled FROM console_users WHERE role = 'hq-admin' OR id = $1 ORDER BY id FOR UPDATE`,
      [id],
    );
    const row = await userById(q, id);
    if (!row) throw new SyncError('not_found', `no console user ${id}`);
    const role = checked.role ?? row.role;
    const current = toUserView(row).stores;
    const stores =
      checked.stores ?? (seesAllStores(role) ? 'all' : current === 'all' ? undefined : current);
    if (stores === undefined) throw bad(`a ${role} needs a list of at least one store`);
    const storesRefusal = storeListRefusal(role, stores, known);
    if (storesRefusal) throw bad(storesRefusal);
    const adminRefusal = lastAdminRefusal(admins, id, {
      role,
      ...(checked.disabled !== undefined ? { disabled: checked.disabled } : {}),
    });
    if (adminRefusal) throw new SyncError('conflict', adminRefusal);
    let passwordHash = row.password_hash;
    if (checked.password !== undefined) {
      const problems = passwordRefusals(row.name, checked.password);
      if (problems.length) throw bad(problems.join('; '));
      passwordHash = await hashPassword(checked.password);
    }
    const [updated] = await q.query<ConsoleUserRow>(
      `UPDATE console_users
          SET display_name = $2, role = $3, stores = ${STORES_FROM_PARAM(4)}, disabled = $5,
              password_hash = $6,
              failed_attempts = CASE WHEN $7 THEN 0 ELSE failed_attempts END,
              locked_until = CASE WHEN $7 THEN NULL ELSE locked_until END
        WHERE id = $1
        RETURNING ${USER_COLUMNS}`,
      [
        id,
        checked.displayName ?? row.display_name,
        role,
        storesParam(stores),
        checked.disabled ?? row.disabled,
        passwordHash,
        checked.password !== undefined,
      ],
    );
    if (checked.password !== undefined || checked.disabled === true) {
      await q.query(`DELETE FROM console_sessions WHERE user_id = $1`, [id]);
    }
    return toUserView(updated!);
  });
}

/** The permissions a user view carries. */
export const permissionsOfUser = (user: ConsoleUserView) => permissionsOf(user.role);

// ---------------------------------------------------------------------------
// Demo users ([UC15])
// ---------------------------------------------------------------------------

/** [UC15] The demo chain's console users and their published passwords (never for a real chain). */
export const DEMO_CONSOLE_USERS: readonly (CreateUserRequest & { note: string })[] = [
  {
    name: 'hq',
    displayName: '总部管理员 HQ admin',
    role: 'hq-admin',
    stores: 'all',
    password: 'demo-admin-2026',
    note: 'everything, every store',
  },
  {
    name: 'east',
    displayName: '华东区经理 East regional manager',
    role: 'regional-manager',
    stores: ['S001', 'S002'],
    password: 'demo-region-2026',
    note: 'S001 and S002',
  },
  {
    name: 's001',
    displayName: 'S001 店长 Store manager',
    role: 'store-manager',
    stores: ['S001'],
    password: 'demo-store1-2026',
    note: 'S001 only',
  },
  {
    name: 's002',
    displayName: 'S002 店长 Store manager',
    role: 'store-manager',
    stores: ['S002'],
    password: 'demo-store2-2026',
    note: 'S002 only',
  },
  {
    name: 'analyst',
    displayName: '数据分析师 Analyst',
    role: 'analyst',
    stores: 'all',
    password: 'demo-numbers-2026',
    note: 'dashboards only, no personal data',
  },
];

/** [UC15] Adds the demo console users that are missing (the demo stores must exist). */
export async function seedConsoleUsers(
  storage: SyncStorage,
  now: Date = new Date(),
): Promise<number> {
  let added = 0;
  for (const { note: _note, ...user } of DEMO_CONSOLE_USERS) {
    if (await userByName(storage, user.name)) continue;
    await createConsoleUser(storage, user, now);
    added++;
  }
  return added;
}

/**
 * `sync-server add-console-user --name --role --stores S001,S002 --display-name`:
 * creates the user; returns the line to print. Refusals throw with the reason.
 */
export async function addConsoleUserCommand(
  storage: SyncStorage,
  options: {
    name: string;
    role: string;
    stores: string | undefined;
    displayName: string | undefined;
  },
  password: string,
  now: Date = new Date(),
): Promise<string> {
  const stores =
    options.stores === undefined || options.stores === 'all'
      ? 'all'
      : options.stores
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const user = await createConsoleUser(
    storage,
    {
      name: options.name,
      displayName: options.displayName ?? options.name,
      role: options.role as ConsoleRole,
      stores,
      password,
    },
    now,
  );
  const where = user.stores === 'all' ? 'every store' : user.stores.join(', ');
  return `console user ${user.name} (${user.role}, ${where}) added with id ${user.id}`;
}
