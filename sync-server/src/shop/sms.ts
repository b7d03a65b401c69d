/**
 * The SMS provider the shop sends one-time codes through, and a simulated
 * one. The simulated provider's outbox stands for the provider's own side:
 * it is the one place a customer's phone number is kept in plaintext, and
 * only an admin token reads it (tests and the demo read the code there).
 * See SPEC.md [SHP1].
 */
import { randomUUID } from 'node:crypto';
import type { CollectionName } from '@pos/domain';
import type { SyncStorage } from '../storage/storage';

/** [SHP1] Server-only: the messages the simulated SMS provider has sent. */
export const SMS_OUTBOX_DB = '_smsOutbox' as CollectionName;

/** [SHP1] What the shop needs of an SMS provider. */
export type SmsProvider = {
  send(phone: string, text: string): Promise<void>;
};

/** [SHP1] One message in the simulated provider's outbox. */
export type SmsMessage = { id: string; phone: string; text: string; sentAt: string };

/** [SHP1] A provider that "sends" by writing to `_smsOutbox`; `onSent` lets the demo print it. */
export function simulatedSmsProvider(
  storage: SyncStorage,
  now: () => Date,
  onSent?: (message: SmsMessage) => void,
): SmsProvider {
  return {
    async send(phone, text) {
      const sentAt = now().toISOString();
      const message: SmsMessage = { id: `sms-${sentAt}-${randomUUID()}`, phone, text, sentAt };
      await storage.transaction((tx) =>
        tx.put({
          db: SMS_OUTBOX_DB,
          id: message.id,
          body: message,
          storeId: null,
          expectedRev: null,
        }),
      );
      onSent?.(message);
    },
  };
}

/** [SHP1] The messages sent to `phone`, oldest first. */
export async function smsSentTo(storage: SyncStorage, phone: string): Promise<SmsMessage[]> {
  return (await storage.findDocs(SMS_OUTBOX_DB, { fields: { phone } })).map(
    (row) => row.body as SmsMessage,
  );
}
