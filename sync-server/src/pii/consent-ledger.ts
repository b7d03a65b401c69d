/**
 * The consent ledger on the server: append-only entries per member and
 * purpose ([CN1]-[CN4] in the domain), recorded only from a page the
 * customer opened on their own phone, and `mayUse`, the check every use of a
 * member's personal data for a purpose makes ([CN5]). See SPEC.md [CS1]-[CS4].
 */
import {
  consentChanges,
  type ConsentChannel,
  type ConsentEntry,
  type ConsentPurpose,
} from '@pos/domain';
import type { SyncStorage } from '../storage/storage';
import { CONSENTS_DB, readConsents, readMember } from './consent-check';
import { cancelPendingMessages } from './outbox';

/** A customer's answer to the consent page, as trusted server code passes it on. */
export type ConsentAnswer = {
  memberId: string;
  choices: Partial<Record<ConsentPurpose, boolean>>;
  /**
   * [CN2] Where the customer answered: `customer-web` from the page the
   * server serves; the online shop's server code passes `shop`.
   */
  channel: ConsentChannel;
  policyVersion: string;
  /** The server's clock (ISO instant). */
  at: string;
};

export type ConsentRecorded = {
  /** The entries this answer added ([CN4]: none when nothing changed). */
  added: ConsentEntry[];
  /** The member's whole ledger afterwards. */
  entries: ConsentEntry[];
  /** [CS4] Pending messages cancelled because their consent was withdrawn. */
  cancelled: number;
};

/** [CS1] The id of the member's `n`th entry: ordered as recorded. */
function entryId(memberId: string, n: number): string {
  return `${memberId}:${String(n).padStart(6, '0')}`;
}

/**
 * [CS1] [CS4] Records a customer's answer in one transaction: the entries
 * it adds ([CN4]), each created (never overwriting one), and for each
 * withdrawal every pending message of that member and purpose cancelled,
 * so nothing is sent on a consent that is gone. Throws, writing nothing,
 * when the member is not active or an entry id is already taken.
 */
export async function recordConsentAnswer(
  storage: SyncStorage,
  answer: ConsentAnswer,
): Promise<ConsentRecorded> {
  return storage.transaction(async (tx) => {
    const member = await readMember(tx, answer.memberId);
    if (member?.status !== 'active') {
      throw new ConsentError('member-inactive', `member ${answer.memberId} is not active`);
    }
    const before = await readConsents(tx, answer.memberId);
    let n = before.length;
    const added = consentChanges(before, answer, () => entryId(answer.memberId, ++n));
    let cancelled = 0;
    for (const entry of added) {
      const written = await tx.put({
        db: CONSENTS_DB,
        id: entry.id,
        body: entry,
        storeId: null,
        expectedRev: null,
      });
      if (!written.ok) {
        throw new ConsentError('entry-exists', `consent entry ${entry.id} is already recorded`);
      }
      if (!entry.granted) {
        cancelled += await cancelPendingMessages(tx, {
          memberId: entry.memberId,
          purpose: entry.purpose,
          reason: 'consent-withdrawn',
          at: entry.at,
        });
      }
    }
    return { added, entries: [...before, ...added], cancelled };
  });
}

export class ConsentError extends Error {
  constructor(
    readonly code: 'member-inactive' | 'entry-exists',
    message: string,
  ) {
    super(message);
    this.name = 'ConsentError';
  }
}
