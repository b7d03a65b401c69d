/**
 * Codes the POS reads offline: receipt codes (returns), member QR payloads,
 * coupon codes and pickup QR codes (pickup-codes.ts). Each is
 * `KIND.FIELD[.FIELD].TAG` + a check character:
 * - the check character (Luhn mod 36 over the letters and digits) catches a
 *   mistyped character or a swap of neighbours before anything else;
 * - the tag (HMAC-SHA-256 with the chain's key, first 40 bits in Crockford
 *   base32) rejects forged codes with no server.
 * See SPEC.md [K2]-[K6].
 */
import { DomainError, fail, type Result } from './errors';
import { equalBytes, hmacSha256, utf8 } from './hmac';

/** A chain's signing key; `id` names it so keys can rotate (verify accepts any listed). */
export type CodeKey = { id: string; secret: Uint8Array };

export type CodeKind = 'R' | 'M' | 'C' | 'P' | 'T';

export type CodeError =
  'CODE_FORMAT' | 'CODE_CHECK_CHARACTER' | 'CODE_SIGNATURE' | 'CODE_KIND' | 'CODE_EXPIRED';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const FIELD = /^[0-9A-Z-]{1,64}$/;
const TAG_CHARS = 8;
/** [K4] The longest code a device reads. */
export const MAX_CODE_LENGTH = 300;

/** [K2] Luhn mod 36 check character over the letters and digits of `body` (others ignored). */
export function checkCharacter(body: string): string {
  const n = ALNUM.length;
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    const value = ALNUM.indexOf(body[i]!);
    if (value < 0) continue;
    let addend = factor * value;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return ALNUM[(n - (sum % n)) % n]!;
}

function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
    if (out.length >= chars) break;
  }
  return out;
}

function tagOf(kind: CodeKind, fields: readonly string[], key: CodeKey): string {
  return base32(hmacSha256(key.secret, utf8([kind, ...fields].join('.'))), TAG_CHARS);
}

/** [K3] Signs and check-characters a code. Fields are 1-64 of `0-9 A-Z -`. */
export function makeSignedCode(kind: CodeKind, fields: readonly string[], key: CodeKey): string {
  for (const field of fields) {
    if (!FIELD.test(field)) {
      throw new DomainError(
        'CODE_FIELD_INVALID',
        `"${field}" cannot go in a code (use 1-64 of 0-9, A-Z and -)`,
      );
    }
  }
  const body = [kind, ...fields, tagOf(kind, fields, key)].join('.');
  return body + checkCharacter(body);
}

/**
 * [K4] Reads a code: format, then check character (a typo), then the tag
 * against every key given (a forgery). Lower case and surrounding spaces are
 * accepted. Never throws.
 */
export function parseSignedCode(
  input: unknown,
  keys: readonly CodeKey[],
): Result<{ kind: CodeKind; fields: string[] }, CodeError> {
  if (typeof input !== 'string' || input.length > MAX_CODE_LENGTH) {
    return fail('CODE_FORMAT', 'not a code: expected text of at most 300 characters');
  }
  const text = input.trim().toUpperCase();
  const parts = text.split('.');
  const kind = parts[0];
  const last = parts[parts.length - 1] ?? '';
  const fields = parts.slice(1, -1);
  if (
    parts.length < 3 ||
    (kind !== 'R' && kind !== 'M' && kind !== 'C' && kind !== 'P' && kind !== 'T') ||
    !fields.every((f) => FIELD.test(f)) ||
    !new RegExp(`^[${CROCKFORD}]{${TAG_CHARS}}[${ALNUM}]$`).test(last)
  ) {
    return fail(
      'CODE_FORMAT',
      `"${input.trim()}" is not a receipt, member, coupon, pickup or take-now code`,
    );
  }
  const body = text.slice(0, -1);
  if (checkCharacter(body) !== text.slice(-1)) {
    return fail('CODE_CHECK_CHARACTER', `"${input.trim()}" has a typo; scan it or type it again`);
  }
  const tag = utf8(last.slice(0, TAG_CHARS));
  if (!keys.some((key) => equalBytes(utf8(tagOf(kind, fields, key)), tag))) {
    return fail('CODE_SIGNATURE', `"${input.trim()}" was not issued by this chain`);
  }
  return { ok: true, kind, fields };
}

function expectKind(
  parsed: Result<{ kind: CodeKind; fields: string[] }, CodeError>,
  kind: CodeKind,
  count: number,
  what: string,
): Result<{ fields: string[] }, CodeError> {
  if (!parsed.ok) return parsed;
  if (parsed.kind !== kind || parsed.fields.length !== count) {
    return fail('CODE_KIND', `this code is not a ${what}`);
  }
  return { ok: true, fields: parsed.fields };
}

/** [K5] The receipt code printed on a receipt: finds the original sale for a return. */
export function makeReceiptCode(saleId: string, key: CodeKey): string {
  return makeSignedCode('R', [saleId], key);
}

export function parseReceiptCode(
  input: unknown,
  keys: readonly CodeKey[],
): Result<{ saleId: string }, CodeError> {
  const r = expectKind(parseSignedCode(input, keys), 'R', 1, 'receipt code');
  return r.ok ? { ok: true, saleId: r.fields[0]! } : r;
}

/** [K5] A coupon code: its coupon's id, signed. One-time use is the coupon's state (coupons.ts). */
export function makeCouponCode(couponId: string, key: CodeKey): string {
  return makeSignedCode('C', [couponId], key);
}

export function parseCouponCode(
  input: unknown,
  keys: readonly CodeKey[],
): Result<{ couponId: string }, CodeError> {
  const r = expectKind(parseSignedCode(input, keys), 'C', 1, 'coupon code');
  return r.ok ? { ok: true, couponId: r.fields[0]! } : r;
}

const MINUTE = 60_000;
/** The largest instant a Date can hold (ECMAScript: 8.64e15 ms). */
const MAX_TIME = 8.64e15;

/**
 * [K6] A member QR payload: member id and an expiry (minutes since the epoch,
 * base 36), so a screenshot stops working. The shell passes `now`.
 */
export function makeMemberQr(memberId: string, expiresAt: string, key: CodeKey): string {
  const ms = Date.parse(expiresAt);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new DomainError('CODE_FIELD_INVALID', `"${expiresAt}" is not an ISO time`);
  }
  return makeSignedCode(
    'M',
    [
      memberId,
      Math.floor(ms / MINUTE)
        .toString(36)
        .toUpperCase(),
    ],
    key,
  );
}

export function parseMemberQr(
  input: unknown,
  keys: readonly CodeKey[],
  now: string,
): Result<{ memberId: string; expiresAt: string }, CodeError> {
  const r = expectKind(parseSignedCode(input, keys), 'M', 2, 'member code');
  if (!r.ok) return r;
  const [memberId, expiry] = r.fields as [string, string];
  const minutes = /^[0-9A-Z]{1,8}$/.test(expiry) ? parseInt(expiry, 36) : NaN;
  if (!Number.isSafeInteger(minutes) || minutes * MINUTE > MAX_TIME) {
    return fail('CODE_FORMAT', 'the member code has no valid expiry');
  }
  const expiresAt = new Date(minutes * MINUTE).toISOString();
  const nowMs = Date.parse(now);
  if (!(nowMs <= minutes * MINUTE)) {
    return fail('CODE_EXPIRED', 'this member code has expired; ask the member to refresh it');
  }
  return { ok: true, memberId, expiresAt };
}
