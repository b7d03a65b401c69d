/**
 * Payment notifications: the provider tells the chain that an order was paid,
 * refunded or that a payment failed, shaped like WeChat Pay and Alipay
 * notifications. Paid is only ever such a signed notification, never a
 * client's claim. The provider signs `timestamp\nnonce\nbody\n` with
 * HMAC-SHA-256 and its key; the receiver checks the signature over the raw
 * body as received, the freshness of the timestamp, then the body.
 * See SPEC.md [PN1]-[PN5].
 */
import type { CodeKey } from './codes';
import { fail, type Result } from './errors';
import { equalBytes, fromHex, hmacSha256, toHex, utf8 } from './hmac';

export type PaymentStatus = 'paid' | 'refunded' | 'failed';

export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['paid', 'refunded', 'failed'];

/** [PN1] One notification; `amount` in fen (minor units), `at` when the provider settled it. */
export type PaymentNotification = {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  providerTxnId: string;
  at: string;
  nonce: string;
};

/** The signature fields that travel beside the body (as HTTP headers). */
export type NotificationHeaders = { timestamp: string; nonce: string; signature: string };

/** The HTTP header names the simulated provider sends the signature fields in. */
export const NOTIFICATION_HEADER_NAMES = {
  timestamp: 'x-pay-timestamp',
  nonce: 'x-pay-nonce',
  signature: 'x-pay-signature',
} as const;

export type NotificationError =
  | 'NOTIFICATION_HEADERS'
  | 'NOTIFICATION_STALE'
  | 'NOTIFICATION_SIGNATURE'
  | 'NOTIFICATION_MALFORMED'
  | 'NOTIFICATION_AMOUNT'
  | 'NOTIFICATION_STATUS'
  | 'NOTIFICATION_NONCE';

const MAX_BODY_LENGTH = 64 * 1024;
const ID = /^[0-9A-Za-z_-]{1,64}$/;
const NONCE = /^[0-9A-Za-z]{8,64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** [PN1] The body as the simulated provider sends it: JSON with its fields in a fixed order. */
export function serializeNotification(n: PaymentNotification): string {
  const { id, orderId, amount, currency, status, providerTxnId, at, nonce } = n;
  return JSON.stringify({ id, orderId, amount, currency, status, providerTxnId, at, nonce });
}

function signatureOf(
  body: string,
  secret: Uint8Array,
  timestamp: string,
  nonce: string,
): Uint8Array {
  return hmacSha256(secret, utf8(`${timestamp}\n${nonce}\n${body}\n`));
}

/**
 * [PN2] Signs a raw body: HMAC-SHA-256 with the provider key over
 * `timestamp\nnonce\nbody\n`, in lower-case hex. `timestamp` is in epoch
 * seconds; time and nonce come from the caller.
 */
export function signNotification(
  body: string,
  key: CodeKey,
  timestamp: string,
  nonce: string,
): NotificationHeaders {
  return { timestamp, nonce, signature: toHex(signatureOf(body, key.secret, timestamp, nonce)) };
}

function field(value: unknown, pattern: RegExp): string | null {
  return typeof value === 'string' && pattern.test(value) ? value : null;
}

/**
 * [PN4] Reads a notification body. Unknown extra fields are ignored (they are
 * still covered by the signature). Never throws.
 */
export function parseNotification(
  rawBody: unknown,
): Result<{ notification: PaymentNotification }, NotificationError> {
  if (typeof rawBody !== 'string' || rawBody.length > MAX_BODY_LENGTH) {
    return fail('NOTIFICATION_MALFORMED', 'a notification body is JSON text of at most 64 KiB');
  }
  let data: unknown;
  try {
    data = JSON.parse(rawBody);
  } catch {
    return fail('NOTIFICATION_MALFORMED', 'the notification body is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('NOTIFICATION_MALFORMED', 'the notification body is not a JSON object');
  }
  const o = data as Record<string, unknown>;
  const id = field(o.id, ID);
  const orderId = field(o.orderId, ID);
  const providerTxnId = field(o.providerTxnId, ID);
  const currency = field(o.currency, /^[A-Z]{3}$/);
  const nonce = field(o.nonce, NONCE);
  const at = field(o.at, ISO_TIME);
  if (id === null || orderId === null || providerTxnId === null) {
    return fail(
      'NOTIFICATION_MALFORMED',
      'id, orderId and providerTxnId must each be 1-64 of letters, digits, _ and -',
    );
  }
  if (currency === null) return fail('NOTIFICATION_MALFORMED', 'currency must be a code like CNY');
  if (nonce === null)
    return fail('NOTIFICATION_MALFORMED', 'nonce must be 8-64 letters and digits');
  if (at === null || !Number.isFinite(Date.parse(at))) {
    return fail('NOTIFICATION_MALFORMED', 'at must be an ISO time');
  }
  if (typeof o.amount !== 'number' || !Number.isSafeInteger(o.amount) || o.amount < 0) {
    return fail('NOTIFICATION_AMOUNT', 'amount must be a whole, non-negative number of fen');
  }
  const status = o.status;
  if (!PAYMENT_STATUSES.includes(status as PaymentStatus)) {
    return fail('NOTIFICATION_STATUS', 'status must be paid, refunded or failed');
  }
  return {
    ok: true,
    notification: {
      id,
      orderId,
      amount: o.amount,
      currency,
      status: status as PaymentStatus,
      providerTxnId,
      at,
      nonce,
    },
  };
}

/**
 * [PN3] Verifies a notification as received: the signature fields, the
 * timestamp within `toleranceSeconds` of `now` either way
 * (`NOTIFICATION_STALE`), the signature over the raw body with any listed
 * provider key (`NOTIFICATION_SIGNATURE`), then the body ([PN4]), whose nonce
 * must be the signed one (`NOTIFICATION_NONCE`). Never throws.
 */
export function verifyNotification(
  rawBody: unknown,
  headers: unknown,
  keys: readonly CodeKey[],
  now: string,
  options: { toleranceSeconds?: number } = {},
): Result<{ notification: PaymentNotification }, NotificationError> {
  const tolerance = options.toleranceSeconds ?? 300;
  if (typeof headers !== 'object' || headers === null) {
    return fail('NOTIFICATION_HEADERS', 'the timestamp, nonce and signature are missing');
  }
  const h = headers as Record<string, unknown>;
  const timestamp = field(h.timestamp, TIMESTAMP);
  const nonce = field(h.nonce, NONCE);
  const signature = field(h.signature, SIGNATURE);
  if (timestamp === null || nonce === null || signature === null) {
    return fail(
      'NOTIFICATION_HEADERS',
      'the notification needs a timestamp (epoch seconds), a nonce (8-64 letters and digits) and a hex signature',
    );
  }
  if (typeof rawBody !== 'string' || rawBody.length > MAX_BODY_LENGTH) {
    return fail('NOTIFICATION_MALFORMED', 'a notification body is JSON text of at most 64 KiB');
  }
  const nowSeconds = Date.parse(now) / 1000;
  if (!(Math.abs(nowSeconds - Number(timestamp)) <= tolerance)) {
    return fail(
      'NOTIFICATION_STALE',
      `the notification was signed at ${timestamp}, more than ${tolerance} s from now`,
    );
  }
  const given = fromHex(signature.toLowerCase());
  if (!keys.some((key) => equalBytes(signatureOf(rawBody, key.secret, timestamp, nonce), given))) {
    return fail('NOTIFICATION_SIGNATURE', 'the notification was not signed by the provider');
  }
  const parsed = parseNotification(rawBody);
  if (!parsed.ok) return parsed;
  if (parsed.notification.nonce !== nonce) {
    return fail('NOTIFICATION_NONCE', 'the nonce in the body is not the signed one');
  }
  return parsed;
}

/**
 * [PN5] What makes two notifications the same event: the provider's
 * transaction and the status. A provider retries until answered, so the
 * receiver applies each key once.
 */
export function notificationKey(n: Pick<PaymentNotification, 'providerTxnId' | 'status'>): string {
  return `${n.providerTxnId}:${n.status}`;
}
