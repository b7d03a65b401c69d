/**
 * Pickup codes: how a customer proves at the store that an order is theirs,
 * checked offline by any device of the fulfilling store.
 * - The 6-digit code is the HMAC of the order id with the store's key, so a
 *   device that holds the store's open pickup orders finds the order by
 *   recomputing it; no table of codes travels anywhere.
 * - The pickup QR is a signed code of kind `P` (codes.ts) carrying the order
 *   and the store, verified with the chain's code keys like a receipt code.
 * - Wrong tries are counted so that nobody at the desk can try codes until
 *   one fits.
 * See SPEC.md [PU1]-[PU5].
 */
import { makeSignedCode, parseSignedCode, type CodeError, type CodeKey } from './codes';
import { DomainError, fail, type Result } from './errors';
import { hmacSha256, utf8 } from './hmac';

export const PICKUP_CODE_DIGITS = 6;
const MODULUS = 10 ** PICKUP_CODE_DIGITS;
const MAX_TYPED_LENGTH = 100;

/**
 * [PU1] The 6-digit pickup code of an order at its store: the first 48 bits of
 * HMAC-SHA-256(store key, "pickup\n" + order id), modulo 10^6, zero-padded.
 */
export function pickupCode(orderId: string, storeKey: CodeKey): string {
  const mac = hmacSha256(storeKey.secret, utf8(`pickup\n${orderId}`));
  let value = 0;
  for (let i = 0; i < 6; i++) value = value * 256 + mac[i]!;
  return (value % MODULUS).toString().padStart(PICKUP_CODE_DIGITS, '0');
}

export type PickupCodeError =
  'PICKUP_CODE_FORMAT' | 'PICKUP_CODE_UNKNOWN' | 'PICKUP_CODE_AMBIGUOUS';

/**
 * [PU2] Reads a typed pickup code: full-width digits become ASCII (NFKC),
 * spaces and hyphens are dropped, then exactly 6 digits must remain.
 * Never throws.
 */
export function normalisePickupCode(
  input: unknown,
): Result<{ code: string }, 'PICKUP_CODE_FORMAT'> {
  if (typeof input !== 'string' || input.length > MAX_TYPED_LENGTH) {
    return fail('PICKUP_CODE_FORMAT', 'a pickup code is 6 digits');
  }
  const code = input.normalize('NFKC').replace(/[\s\-\u2010-\u2015\u2212]/gu, '');
  if (!/^[0-9]{6}$/.test(code)) {
    return fail(
      'PICKUP_CODE_FORMAT',
      `"${input.trim().slice(0, 20)}" is not a 6-digit pickup code`,
    );
  }
  return { ok: true, code };
}

/**
 * [PU3] Finds the order a typed code belongs to among the store's open
 * pickup orders (the device holds them). Every listed store key is tried, so
 * codes stay valid across a key rotation. Two different orders with the same
 * code are refused (`PICKUP_CODE_AMBIGUOUS`): the customer shows the QR
 * instead. Never throws.
 */
export function matchPickupCode(
  input: unknown,
  candidateOrderIds: readonly string[],
  storeKey: CodeKey | readonly CodeKey[],
): Result<{ orderId: string }, PickupCodeError> {
  const typed = normalisePickupCode(input);
  if (!typed.ok) return typed;
  const keys: readonly CodeKey[] = Array.isArray(storeKey) ? storeKey : [storeKey as CodeKey];
  const matches = new Set<string>();
  for (const orderId of candidateOrderIds) {
    if (keys.some((key) => pickupCode(orderId, key) === typed.code)) matches.add(orderId);
  }
  if (matches.size === 0) {
    return fail('PICKUP_CODE_UNKNOWN', `no open pickup order at this store has code ${typed.code}`);
  }
  if (matches.size > 1) {
    return fail(
      'PICKUP_CODE_AMBIGUOUS',
      `code ${typed.code} fits more than one open order; scan the order's QR code instead`,
    );
  }
  return { ok: true, orderId: [...matches][0]! };
}

/** [PU4] The pickup QR of an order: kind `P`, the order id and the fulfilling store's id, signed. */
export function makePickupQr(orderId: string, storeId: string, key: CodeKey): string {
  return makeSignedCode('P', [orderId, storeId], key);
}

function readPickupQr(
  input: unknown,
  keys: readonly CodeKey[],
): Result<{ orderId: string; storeId: string }, CodeError> {
  const parsed = parseSignedCode(input, keys);
  if (!parsed.ok) return parsed;
  if (parsed.kind !== 'P' || parsed.fields.length !== 2) {
    return fail('CODE_KIND', 'this code is not a pickup code');
  }
  return { ok: true, orderId: parsed.fields[0]!, storeId: parsed.fields[1]! };
}

/**
 * [PU4] Reads a pickup QR at the fulfilling store: the chain's code keys,
 * then the store it names must be this store (`PICKUP_WRONG_STORE`).
 * Never throws.
 */
export function parsePickupQr(
  input: unknown,
  keys: readonly CodeKey[],
  storeId: string,
): Result<{ orderId: string }, CodeError | 'PICKUP_WRONG_STORE'> {
  const r = readPickupQr(input, keys);
  if (!r.ok) return r;
  if (r.storeId !== storeId) {
    return fail(
      'PICKUP_WRONG_STORE',
      `this order is picked up at store ${r.storeId}, not at ${storeId}`,
    );
  }
  return { ok: true, orderId: r.orderId };
}

/** [PU4] Reads a pickup QR anywhere in the chain (a return of an online order): order and store. */
export function readOrderQr(
  input: unknown,
  keys: readonly CodeKey[],
): Result<{ orderId: string; storeId: string }, CodeError> {
  return readPickupQr(input, keys);
}

/** How many wrong codes a desk may type, within what window, and how long it is then locked. */
export type PickupAttemptPolicy = { maxWrong: number; windowMinutes: number; lockMinutes: number };

export const DEFAULT_PICKUP_ATTEMPT_POLICY: PickupAttemptPolicy = {
  maxWrong: 5,
  windowMinutes: 15,
  lockMinutes: 15,
};

/** The wrong tries that still count, and the end of a lock; plain JSON a device can keep. */
export type PickupAttemptState = { wrongAt: string[]; lockedUntil: string | null };

export const NO_PICKUP_ATTEMPTS: PickupAttemptState = { wrongAt: [], lockedUntil: null };

const MINUTE = 60_000;

function instant(iso: string, what: string): number {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  if (!Number.isFinite(ms))
    throw new DomainError('PICKUP_TIME_INVALID', `${what} "${iso}" is not an ISO time`);
  return ms;
}

function checkPolicy(policy: PickupAttemptPolicy): void {
  const { maxWrong, windowMinutes, lockMinutes } = policy;
  if (![maxWrong, windowMinutes, lockMinutes].every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new DomainError(
      'PICKUP_POLICY_INVALID',
      'the pickup attempt policy needs whole positive numbers of tries and minutes',
    );
  }
}

function stillCounting(
  state: PickupAttemptState,
  now: number,
  policy: PickupAttemptPolicy,
): string[] {
  return state.wrongAt.filter((at) => {
    const t = Date.parse(at);
    return Number.isFinite(t) && t <= now && now - t < policy.windowMinutes * MINUTE;
  });
}

/**
 * [PU5] Records one typed code. A wrong one counts for `windowMinutes`; the
 * `maxWrong`-th within the window locks the desk for `lockMinutes`, after
 * which the count starts again. A right code does not wipe earlier wrong
 * ones, so knowing one real code buys no extra guesses. A try during a lock
 * changes nothing (the desk should not have asked).
 */
export function recordPickupAttempt(
  state: PickupAttemptState,
  at: string,
  ok: boolean,
  policy: PickupAttemptPolicy = DEFAULT_PICKUP_ATTEMPT_POLICY,
): PickupAttemptState {
  checkPolicy(policy);
  const t = instant(at, 'the attempt time');
  if (state.lockedUntil !== null && t < Date.parse(state.lockedUntil)) return state;
  const wrongAt = stillCounting(state, t, policy);
  if (ok) return { wrongAt, lockedUntil: null };
  wrongAt.push(new Date(t).toISOString());
  if (wrongAt.length >= policy.maxWrong) {
    return { wrongAt: [], lockedUntil: new Date(t + policy.lockMinutes * MINUTE).toISOString() };
  }
  return { wrongAt, lockedUntil: null };
}

/** [PU5] Whether the desk may take a code now, and how many wrong ones it has left. */
export function pickupAttemptsAllowed(
  state: PickupAttemptState,
  now: string,
  policy: PickupAttemptPolicy = DEFAULT_PICKUP_ATTEMPT_POLICY,
): { allowed: true; remaining: number } | { allowed: false; lockedUntil: string } {
  checkPolicy(policy);
  const t = instant(now, 'the time');
  if (state.lockedUntil !== null && t < Date.parse(state.lockedUntil)) {
    return { allowed: false, lockedUntil: state.lockedUntil };
  }
  return { allowed: true, remaining: policy.maxWrong - stillCounting(state, t, policy).length };
}
