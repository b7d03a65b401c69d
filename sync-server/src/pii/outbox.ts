/**
 * The message outbox: every message to a member for a purpose (try-on
 * suggestions, marketing) waits here for the sender, and only while the
 * member's consent for its purpose stands. See SPEC.md [CS3]-[CS5].
 */
import { randomUUID } from 'node:crypto';
import type { CollectionName, ConsentPurpose } from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { SyncStorage, WriteTransaction } from '../storage/storage';
import { mayUse, readMember, storageReader, type LedgerReader } from './consent-check';

/** [CS5] Server-only: messages never replicate to devices. */
export const OUTBOX_DB = '_outbox' as CollectionName;

export const MESSAGE_CHANNELS = ['mini-program', 'wecom', 'sms'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];
export type MessageStatus = 'pending' | 'sent' | 'cancelled';

/**
 * [OS9] A service message about the member's own order (a pickup reminder):
 * part of the service the customer asked for, not a purpose on the consent
 * ledger ([CN5]); sent while the member is active.
 */
export const SERVICE_PURPOSE = 'order-service';
export type MessagePurpose = ConsentPurpose | typeof SERVICE_PURPOSE;

/** [CS5] [OS9] Whether a message of `purpose` may go to the member at `at`. */
async function mayMessage(
  reader: LedgerReader,
  memberId: string,
  purpose: MessagePurpose,
  at: string,
): Promise<boolean> {
  if (purpose !== SERVICE_PURPOSE) return mayUse(reader, memberId, purpose, at);
  return (await readMember(reader, memberId))?.status === 'active';
}

export type OutboxMessage = {
  id: string;
  memberId: string;
  purpose: MessagePurpose;
  channel: MessageChannel;
  body: string;
  status: MessageStatus;
  createdAt: string;
  sentAt?: string;
  cancelledAt?: string;
  /** Why it was cancelled, e.g. `consent-withdrawn`. */
  reason?: string;
};

export type NewMessage = {
  memberId: string;
  purpose: ConsentPurpose;
  channel: MessageChannel;
  body: string;
};

export type EnqueueResult =
  { ok: true; message: OutboxMessage } | { ok: false; reason: 'no-consent' };

/** Longest message body, in characters: an SMS or a card's text, not a document. */
export const MESSAGE_BODY_MAX = 2000;

/**
 * [CS5] Queues a message for the sender, or refuses it (`no-consent`) unless
 * the member may be contacted for its purpose now ([CS3]). Checked in the
 * same transaction that writes it, so a withdrawal cannot slip in between.
 */
export async function enqueueMessage(
  storage: SyncStorage,
  message: NewMessage,
  now: string,
): Promise<EnqueueResult> {
  if (message.body.length === 0 || message.body.length > MESSAGE_BODY_MAX) {
    throw new RangeError(`a message body has 1 to ${MESSAGE_BODY_MAX} characters`);
  }
  const id = `msg-${randomUUID()}`;
  return storage.transaction(async (tx): Promise<EnqueueResult> => {
    if (!(await mayUse(tx, message.memberId, message.purpose, now))) {
      return { ok: false, reason: 'no-consent' };
    }
    const stored: OutboxMessage = { id, ...message, status: 'pending', createdAt: now };
    const written = await tx.put({
      db: OUTBOX_DB,
      id,
      body: stored,
      storeId: null,
      expectedRev: null,
    });
    if (!written.ok) throw new Error(`message ${id} already exists`);
    return { ok: true, message: stored };
  });
}

/**
 * [CS4] Inside the transaction recording a withdrawal: every pending message
 * of the member for the purpose becomes `cancelled`. Returns how many.
 */
export async function cancelPendingMessages(
  tx: WriteTransaction,
  which: { memberId: string; purpose?: ConsentPurpose; reason: string; at: string },
): Promise<number> {
  let cancelled = 0;
  const fields: JsonObject = { status: 'pending' };
  if (which.purpose) fields.purpose = which.purpose;
  for (;;) {
    const rows = await tx.findDocs(OUTBOX_DB, { memberId: which.memberId, fields, limit: 500 });
    if (rows.length === 0) return cancelled;
    for (const row of rows) {
      const message = row.body as OutboxMessage;
      const written = await tx.put({
        db: OUTBOX_DB,
        id: row.id,
        body: { ...message, status: 'cancelled', cancelledAt: which.at, reason: which.reason },
        storeId: null,
        expectedRev: row.rev,
      });
      if (!written.ok) throw new Error(`message ${row.id} changed underneath: ${written.reason}`);
      cancelled++;
    }
  }
}

/**
 * [CS5] The sender's read: messages of `status`, oldest first. Pending ones
 * are checked against the ledger now, and one whose consent is gone (the
 * member withdrew, was closed or erased) is never returned.
 */
export async function listMessages(
  storage: SyncStorage,
  status: MessageStatus,
  now: string,
  limit: number,
): Promise<OutboxMessage[]> {
  const rows = await storage.findDocs(OUTBOX_DB, { fields: { status }, limit });
  const messages = rows.map((row) => row.body as OutboxMessage);
  if (status !== 'pending') return messages;
  const reader: LedgerReader = storageReader(storage);
  const allowed = new Map<string, Promise<boolean>>();
  const checks = messages.map((m) => {
    const key = `${m.memberId}\n${m.purpose}`;
    if (!allowed.has(key)) allowed.set(key, mayMessage(reader, m.memberId, m.purpose, now));
    return allowed.get(key)!;
  });
  const verdicts = await Promise.all(checks);
  return messages.filter((_, i) => verdicts[i]);
}

export type MarkSentResult =
  | { ok: true; message: OutboxMessage }
  | { ok: false; reason: 'not-found' | 'not-pending' | 'no-consent'; message?: OutboxMessage };

/**
 * [CS5] The sender reports a message sent. Refused when it is not pending
 * or its consent is gone now: the sender must not send it (a message it
 * sent anyway is its own fault, and the answer says so).
 */
export async function markSent(
  storage: SyncStorage,
  id: string,
  now: string,
): Promise<MarkSentResult> {
  return storage.transaction(async (tx): Promise<MarkSentResult> => {
    const row = (await tx.getDocs(OUTBOX_DB, [id])).get(id);
    if (!row) return { ok: false, reason: 'not-found' };
    const message = row.body as OutboxMessage;
    if (message.status !== 'pending') return { ok: false, reason: 'not-pending', message };
    if (!(await mayMessage(tx, message.memberId, message.purpose, now))) {
      return { ok: false, reason: 'no-consent', message };
    }
    const sent: OutboxMessage = { ...message, status: 'sent', sentAt: now };
    const written = await tx.put({
      db: OUTBOX_DB,
      id,
      body: sent,
      storeId: null,
      expectedRev: row.rev,
    });
    if (!written.ok) throw new Error(`message ${id} changed underneath: ${written.reason}`);
    return { ok: true, message: sent };
  });
}

/**
 * [OS9] In the caller's transaction, queues a service message (id chosen by
 * the caller, so a retried sweep queues it once) when the member is active.
 * Returns the message, or null when it may not be sent or is queued already.
 */
export async function queueServiceMessage(
  tx: WriteTransaction,
  message: { id: string; memberId: string; channel: MessageChannel; body: string },
  now: string,
): Promise<OutboxMessage | null> {
  if ((await tx.getDocs(OUTBOX_DB, [message.id])).has(message.id)) return null;
  if (!(await mayMessage(tx, message.memberId, SERVICE_PURPOSE, now))) return null;
  const stored: OutboxMessage = {
    ...message,
    body: message.body.slice(0, MESSAGE_BODY_MAX),
    purpose: SERVICE_PURPOSE,
    status: 'pending',
    createdAt: now,
  };
  const written = await tx.put({
    db: OUTBOX_DB,
    id: message.id,
    body: stored,
    storeId: null,
    expectedRev: null,
  });
  if (!written.ok) throw new Error(`message ${message.id} already exists`);
  return stored;
}
