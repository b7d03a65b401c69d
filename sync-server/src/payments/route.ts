/**
 * `POST /_payments/notify`: the provider's webhook. It carries no bearer
 * token; the signature over the raw body is its authentication ([PM1]).
 */
import { NOTIFICATION_HEADER_NAMES, verifyNotification, type NotificationError } from '@pos/domain';
import { PAY_PAGE_SEGMENT, servePayPage, type SimulatedPayments } from '../clerk/pay-page';
import { SyncError } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import { applyPaymentNotification, DEMO_PROVIDER_KEY, type PaymentOptions } from './notify';

export const PAYMENTS_ROUTE = '_payments';
/** A notification body is at most 64 KiB ([PN4]); a little more is read to say so. */
const MAX_NOTIFY_BYTES = 64 * 1024 + 1024;

/** [PM1] Not signed by the provider, or not now: 401. Signed but unreadable: 400. */
const UNAUTHENTICATED: readonly NotificationError[] = [
  'NOTIFICATION_HEADERS',
  'NOTIFICATION_SIGNATURE',
  'NOTIFICATION_STALE',
];

export type PaymentRequest = {
  storage: SyncStorage;
  method: string;
  segments: readonly string[];
  headers: Record<string, string | string[] | undefined>;
  readBody: (maxBytes: number) => Promise<string>;
  send: (status: number, body: unknown) => void;
  now: () => Date;
  options: PaymentOptions;
  /** [TB3] The simulated provider, for its pay page; none with a real provider. */
  simulated?: () => SimulatedPayments | undefined;
  /** [TB3] Sends the pay page. */
  sendHtml?: (status: number, headers: Readonly<Record<string, string>>, body: string) => void;
};

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** [PM1]-[PM5] Serves `/_payments/...`. */
export async function servePayments(request: PaymentRequest): Promise<void> {
  const { segments, method, headers, options } = request;
  if (segments[1] === PAY_PAGE_SEGMENT && request.sendHtml) {
    return servePayPage({
      method,
      rest: segments.slice(2),
      payments: request.simulated?.(),
      send: request.sendHtml,
    });
  }
  if (segments.length !== 2 || segments[1] !== 'notify') {
    throw new SyncError('not_found', 'the payments route is POST /_payments/notify');
  }
  if (method !== 'POST') throw new SyncError('method_not_allowed', 'use POST here');
  const body = await request.readBody(MAX_NOTIFY_BYTES);
  const now = request.now();
  const verified = verifyNotification(
    body,
    {
      timestamp: header(headers[NOTIFICATION_HEADER_NAMES.timestamp]),
      nonce: header(headers[NOTIFICATION_HEADER_NAMES.nonce]),
      signature: header(headers[NOTIFICATION_HEADER_NAMES.signature]),
    },
    options.providerKeys ?? [DEMO_PROVIDER_KEY],
    now.toISOString(),
    options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds },
  );
  if (!verified.ok) {
    throw new SyncError(
      UNAUTHENTICATED.includes(verified.code) ? 'unauthorized' : 'bad_request',
      verified.message,
      { code: verified.code },
    );
  }
  const { note, replayed } = await applyPaymentNotification(
    request.storage,
    verified.notification,
    now.toISOString(),
    options,
  );
  // [PM2] Any recorded notification is answered 2xx, so the provider stops retrying.
  request.send(200, {
    code: 'SUCCESS',
    outcome: note.outcome,
    orderId: note.orderId,
    replayed,
  });
}
