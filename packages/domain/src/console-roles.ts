/**
 * The HQ console's people: what each role may do and see, sign-in names,
 * the password policy, the lockout after failed sign-ins, session lifetime,
 * the last-admin guard and TOTP codes (RFC 6238 over an injected HMAC).
 * Pure: time comes in as arguments. See SPEC.md [UA1]-[UA12].
 */
import {
  CONSOLE_PERMISSIONS,
  CONSOLE_ROLES,
  type ConsolePermission,
  type ConsoleRole,
} from './console-api';

/** [UA2] Each role's permissions, in the order of CONSOLE_PERMISSIONS. */
const ROLE_PERMISSIONS: Record<ConsoleRole, readonly ConsolePermission[]> = {
  'hq-admin': CONSOLE_PERMISSIONS,
  'regional-manager': ['dashboards:read', 'exceptions:resolve', 'inventory:edit', 'labels:edit'],
  'store-manager': ['dashboards:read', 'exceptions:resolve', 'inventory:edit', 'labels:edit'],
  analyst: ['dashboards:read'],
};

export function isConsoleRole(value: unknown): value is ConsoleRole {
  return typeof value === 'string' && (CONSOLE_ROLES as readonly string[]).includes(value);
}

/** [UA2] What `role` may do: HQ admins everything; managers their stores' work; analysts read. */
export function permissionsOf(role: ConsoleRole): ConsolePermission[] {
  return [...ROLE_PERMISSIONS[role]];
}

export function hasPermission(
  who: { permissions: readonly ConsolePermission[] },
  permission: ConsolePermission,
): boolean {
  return who.permissions.includes(permission);
}

/** [UA3] Whether a role sees the whole chain (`'all'`) or the stores assigned to the user. */
export function seesAllStores(role: ConsoleRole): boolean {
  return role === 'hq-admin' || role === 'analyst';
}

/** [UA3] The stores of `allStoreIds` a user sees, in that order. */
export function visibleStores(
  user: { stores: 'all' | readonly string[] },
  allStoreIds: readonly string[],
): string[] {
  if (user.stores === 'all') return [...allStoreIds];
  const own = new Set(user.stores);
  return allStoreIds.filter((id) => own.has(id));
}

/** [UA3] Whether a session may see `storeId` (a store it may not see is answered 404). */
export function maySeeStore(
  session: { stores: 'all' | readonly string[] },
  storeId: string,
): boolean {
  return session.stores === 'all' || session.stores.includes(storeId);
}

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Most stores a manager may be given (a region's stores, not the chain). */
export const MAX_USER_STORES = 500;

/**
 * [UA6] The stores a user of `role` may be given: HQ admins and analysts
 * `'all'`; regional and store managers a list of at least one store id
 * (a store manager usually one), no repeats, each a valid id and, when
 * `known` is given, an existing store. Returns why not, or null.
 */
export function storeListRefusal(
  role: ConsoleRole,
  stores: unknown,
  known?: ReadonlySet<string>,
): string | null {
  if (seesAllStores(role)) {
    return stores === 'all' ? null : `a ${role} sees every store: stores must be "all"`;
  }
  if (!Array.isArray(stores) || stores.length === 0) {
    return `a ${role} needs a list of at least one store`;
  }
  if (stores.length > MAX_USER_STORES) return `at most ${MAX_USER_STORES} stores`;
  const seen = new Set<string>();
  for (const store of stores as unknown[]) {
    if (typeof store !== 'string' || !STORE_ID.test(store)) {
      return `store ids are 1-64 letters, digits, "-", "_" or "."; got ${JSON.stringify(store)}`;
    }
    if (seen.has(store)) return `store ${store} is listed twice`;
    if (known && !known.has(store)) return `store ${store} does not exist`;
    seen.add(store);
  }
  return null;
}

const SIGN_IN_NAME = /^[a-z][a-z0-9._-]{1,31}$/;

/** [UA7] Sign-in names are compared in lower case, trimmed. */
export function normaliseSignInName(name: string): string {
  return name.trim().toLowerCase();
}

/** [UA7] A sign-in name: 2-32 characters, lower-case letters, digits, ".", "_" or "-", starting with a letter. */
export function signInNameRefusal(name: unknown): string | null {
  if (typeof name !== 'string' || !SIGN_IN_NAME.test(name)) {
    return 'a sign-in name is 2-32 lower-case letters, digits, ".", "_" or "-", starting with a letter';
  }
  return null;
}

/** [UA7] A display name: 1-80 characters after trimming, no control characters. */
export function displayNameRefusal(name: unknown): string | null {
  if (typeof name !== 'string') return 'the display name must be text';
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed.length === 0 || trimmed.length > 80 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    return 'the display name is 1-80 characters with no control characters';
  }
  return null;
}

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/**
 * [UA8] Why a password is refused, each reason in plain words (empty: it
 * is accepted): at least 10 characters (counted as code points), at most
 * 200, not the sign-in name (nor containing it), not one character repeated.
 */
export function passwordRefusals(name: string, password: unknown): string[] {
  if (typeof password !== 'string') return ['the password must be text'];
  const reasons: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    reasons.push(
      `the password needs at least ${MIN_PASSWORD_LENGTH} characters (it has ${length})`,
    );
  }
  if (length > MAX_PASSWORD_LENGTH) {
    reasons.push(`the password may have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  const lower = password.toLowerCase();
  const who = normaliseSignInName(name);
  if (who.length > 0 && lower.includes(who)) {
    reasons.push('the password must not contain the sign-in name');
  }
  if (length > 0 && new Set(password).size === 1) {
    reasons.push('the password must not be one character repeated');
  }
  return reasons;
}

/** [UA9] Failed sign-ins in a row that lock an account, and for how long. */
export const LOCKOUT_ATTEMPTS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

export type SignInGuard = { failedAttempts: number; lockedUntil: string | null };

/** [UA9] Whether the account is locked at `now`. */
export function isLocked(guard: SignInGuard, now: Date): boolean {
  return guard.lockedUntil !== null && Date.parse(guard.lockedUntil) > now.getTime();
}

/**
 * [UA9] After a failed sign-in: the count goes up; the fifth in a row locks
 * the account for 15 minutes and starts the count again. A failure while
 * locked changes nothing (the lock is not extended by guessing).
 */
export function afterFailedSignIn(guard: SignInGuard, now: Date): SignInGuard {
  if (isLocked(guard, now)) return guard;
  const failedAttempts = guard.failedAttempts + 1;
  if (failedAttempts >= LOCKOUT_ATTEMPTS) {
    return { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_MS).toISOString() };
  }
  return { failedAttempts, lockedUntil: null };
}

/** [UA9] A successful sign-in clears the count. */
export const AFTER_SIGN_IN: SignInGuard = { failedAttempts: 0, lockedUntil: null };

/** [UA10] A session lasts 12 hours from sign-in (absolute, not extended by use). */
export const SESSION_MS = 12 * 60 * 60 * 1000;

export function sessionExpiry(signedInAt: Date): Date {
  return new Date(signedInAt.getTime() + SESSION_MS);
}

/** [UA11] What the last-admin guard needs of a user. */
export type AdminCandidate = { id: string; role: ConsoleRole; disabled: boolean };

/**
 * [UA11] A change may not leave the chain without an enabled HQ admin: the
 * last one cannot be disabled or given another role. Returns why not, or null.
 */
export function lastAdminRefusal(
  users: readonly AdminCandidate[],
  userId: string,
  change: { role?: ConsoleRole; disabled?: boolean },
): string | null {
  const admins = users.filter((u) => u.role === 'hq-admin' && !u.disabled);
  const target = admins.find((u) => u.id === userId);
  if (!target || admins.length > 1) return null;
  const demoted = change.role !== undefined && change.role !== 'hq-admin';
  if (demoted || change.disabled === true) {
    return 'this is the last enabled HQ admin: make another HQ admin first';
  }
  return null;
}

// ---------------------------------------------------------------------------
// [UA12] TOTP (RFC 6238 over RFC 4226), SHA-1, 6 digits, 30-second steps
// ---------------------------------------------------------------------------

/** An HMAC over the key and message (HMAC-SHA-1 for authenticator apps), supplied by the caller. */
export type Hmac = (key: Uint8Array, message: Uint8Array) => Uint8Array;

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now a code is still accepted (clock drift, typing time). */
export const TOTP_WINDOW = 1;

/** [UA12] The time step of an instant. */
export function totpCounter(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

/** [UA12] RFC 4226's HOTP code of `counter` (dynamic truncation), zero-padded to 6 digits. */
export function hotp(hmac: Hmac, secret: Uint8Array, counter: number): string {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const mac = hmac(secret, message);
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary =
    ((mac[offset]! & 0x7f) << 24) |
    (mac[offset + 1]! << 16) |
    (mac[offset + 2]! << 8) |
    mac[offset + 3]!;
  return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0');
}

/** [UA12] The TOTP code at `nowMs`. */
export function totpCode(hmac: Hmac, secret: Uint8Array, nowMs: number): string {
  return hotp(hmac, secret, totpCounter(nowMs));
}

/**
 * [UA12] Whether `code` is the TOTP code of the step of `nowMs` or of one
 * step either side. A code that is not 6 digits is never accepted.
 */
export function totpMatches(hmac: Hmac, secret: Uint8Array, code: unknown, nowMs: number): boolean {
  if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code)) return false;
  const counter = totpCounter(nowMs);
  let match = false;
  for (let step = -TOTP_WINDOW; step <= TOTP_WINDOW; step++) {
    // Every candidate is computed, so the time taken does not say which matched.
    if (hotp(hmac, secret, counter + step) === code) match = true;
  }
  return match;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** [UA12] RFC 4648 base32 without padding: how authenticator apps take a secret. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** [UA12] The bytes of a base32 text (case and padding ignored), or null when it is not base32. */
export function base32Decode(text: string): Uint8Array | null {
  const clean = text.replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32.indexOf(char);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}

/** [UA12] The `otpauth://` address an authenticator app scans to add the account. */
export function otpauthUrl(issuer: string, account: string, secret: Uint8Array): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const params = [
    `secret=${base32Encode(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    `digits=${TOTP_DIGITS}`,
    `period=${TOTP_STEP_SECONDS}`,
  ];
  return `otpauth://totp/${label}?${params.join('&')}`;
}
