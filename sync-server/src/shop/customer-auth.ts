/**
 * Signing a customer in by phone and one-time code: the code goes out by
 * SMS and is kept only as a salted hash; a right code gives a random session
 * token, kept only as its hash. The customer is named by the phone's blind
 * index and, when a member has that phone, the member id; the phone itself
 * is stored nowhere here. See SPEC.md [SHP2], [SHP9].
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import {
  maskPhone,
  normalisePhone,
  phoneIndex,
  type CollectionName,
  type IndexKey,
  type Member,
} from '@pos/domain';
import { SyncError } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import type { SmsProvider } from './sms';

/** [SHP2] Server-only: the current one-time code of each phone, by blind index. */
export const SHOP_OTPS_DB = '_shopOtps' as CollectionName;
/** [SHP2] Server-only: customer sessions, by the SHA-256 of their token. */
export const SHOP_SESSIONS_DB = '_shopSessions' as CollectionName;

export const OTP_VALID_MS = 5 * 60_000;
export const OTP_MAX_TRIES = 5;
export const OTP_MIN_GAP_MS = 60_000;
export const OTP_MAX_PER_HOUR = 5;
export const SESSION_VALID_MS = 7 * 24 * 3600_000;

type OtpRecord = {
  id: string;
  salt: string;
  codeHash: string;
  expiresAt: string;
  wrongTries: number;
  used: boolean;
  /** When codes were sent to this phone within the last hour. */
  sentAt: string[];
};

/** [SHP2] Who a session is: the blind index and, for a member, the member id. */
export type CustomerSession = {
  id: string;
  phoneIndex: string;
  memberId?: string;
  /** [PV2] The phone masked, for the customer's own screen. */
  maskedPhone: string;
  createdAt: string;
  expiresAt: string;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const codeHash = (salt: string, code: string) => sha256(`otp\n${salt}\n${code}`);

export function parsePhone(value: unknown): string {
  const parsed = normalisePhone(value);
  if (!parsed.ok) throw new SyncError('bad_request', `phone: ${parsed.message}`);
  return parsed.phone;
}

/**
 * [SHP2] Sends a fresh code to `phone` unless it was sent one within the last
 * minute or five within the hour. The code replaces any earlier one.
 */
export async function sendOtp(
  storage: SyncStorage,
  sms: SmsProvider,
  key: IndexKey,
  phone: string,
  now: Date,
): Promise<{ expiresAt: string }> {
  const id = phoneIndex(key, phone);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16).toString('hex');
  const at = now.getTime();
  const expiresAt = new Date(at + OTP_VALID_MS).toISOString();
  await storage.transaction(async (tx) => {
    const row = (await tx.getDocs(SHOP_OTPS_DB, [id])).get(id);
    const earlier = (row?.body as OtpRecord | undefined)?.sentAt ?? [];
    const recent = earlier.filter((t) => at - Date.parse(t) < 3600_000);
    const last = recent.at(-1);
    const waitMs = Math.max(
      last === undefined ? 0 : Date.parse(last) + OTP_MIN_GAP_MS - at,
      recent.length >= OTP_MAX_PER_HOUR ? Date.parse(recent[0]!) + 3600_000 - at : 0,
    );
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new SyncError(
        'rate_limited',
        `a code was sent to this phone recently; ask again in ${seconds} s`,
        { retry_after_ms: waitMs },
        { 'retry-after': String(seconds) },
      );
    }
    const record: OtpRecord = {
      id,
      salt,
      codeHash: codeHash(salt, code),
      expiresAt,
      wrongTries: 0,
      used: false,
      sentAt: [...recent, now.toISOString()],
    };
    const written = await tx.put({
      db: SHOP_OTPS_DB,
      id,
      body: record,
      storeId: null,
      expectedRev: row?.rev ?? null,
    });
    if (!written.ok) throw new SyncError('conflict', 'another code is being sent; try again');
  });
  // Sent after the code is stored, so a code the customer receives always works.
  await sms.send(phone, `【Storefront】验证码 ${code}，5 分钟内有效。Your code is ${code}.`);
  return { expiresAt };
}

/**
 * [SHP2] Checks a code: a right, unexpired, unused code is used up and opens a
 * session; a wrong one counts, and the fifth voids the code. Returns the
 * session's token (shown once, stored only as its hash).
 */
export async function openSession(
  storage: SyncStorage,
  key: IndexKey,
  phone: string,
  code: string,
  now: Date,
): Promise<{ token: string; session: CustomerSession }> {
  if (!/^\d{6}$/.test(code)) throw new SyncError('bad_request', 'code must be 6 digits');
  const id = phoneIndex(key, phone);
  const members = (await storage.membersByPhoneIndex(id))
    .map((row) => row.body as Member)
    .filter((m) => m.status === 'active');
  const token = `shop_${randomBytes(32).toString('base64url')}`;
  const session: CustomerSession = {
    id: sha256(token),
    phoneIndex: id,
    ...(members[0] ? { memberId: members[0].id } : {}),
    maskedPhone: maskPhone(phone),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_VALID_MS).toISOString(),
  };
  const outcome = await storage.transaction(async (tx) => {
    const row = (await tx.getDocs(SHOP_OTPS_DB, [id])).get(id);
    const otp = row?.body as OtpRecord | undefined;
    if (!row || !otp || otp.used || otp.wrongTries >= OTP_MAX_TRIES) return 'none' as const;
    if (Date.parse(otp.expiresAt) <= now.getTime()) return 'expired' as const;
    const right = timingSafeEqual(
      Buffer.from(codeHash(otp.salt, code), 'hex'),
      Buffer.from(otp.codeHash, 'hex'),
    );
    const next: OtpRecord = right
      ? { ...otp, used: true }
      : { ...otp, wrongTries: otp.wrongTries + 1 };
    await tx.put({ db: SHOP_OTPS_DB, id, body: next, storeId: null, expectedRev: row.rev });
    if (!right) return OTP_MAX_TRIES - next.wrongTries;
    await tx.put({
      db: SHOP_SESSIONS_DB,
      id: session.id,
      body: session,
      storeId: null,
      expectedRev: null,
    });
    return 'ok' as const;
  });
  if (outcome === 'ok') return { token, session };
  if (outcome === 'none') {
    throw new SyncError('unauthorized', 'no code to check: ask for a new code', {
      code: 'OTP_NONE',
    });
  }
  if (outcome === 'expired') {
    throw new SyncError('unauthorized', 'the code has expired: ask for a new one', {
      code: 'OTP_EXPIRED',
    });
  }
  throw new SyncError(
    'unauthorized',
    outcome > 0
      ? `wrong code: ${outcome} tries left`
      : 'wrong code: this code is now void, ask for a new one',
    { code: 'OTP_WRONG', triesLeft: outcome },
  );
}

/** [SHP9] The session a request's `Authorization: Bearer` names, or 401. */
export async function customerOf(
  storage: SyncStorage,
  authorization: string | undefined,
  now: Date,
): Promise<CustomerSession> {
  const token = /^Bearer (shop_[A-Za-z0-9_-]{43})$/.exec(authorization ?? '')?.[1];
  const refuse = () =>
    new SyncError('unauthorized', 'sign in with your phone: send Authorization: Bearer <session>');
  if (!token) throw refuse();
  const id = sha256(token);
  const session = (await storage.getDocs(SHOP_SESSIONS_DB, [id], null)).get(id)?.body as
    CustomerSession | undefined;
  if (!session || Date.parse(session.expiresAt) <= now.getTime()) throw refuse();
  return session;
}
