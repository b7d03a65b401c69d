/**
 * [PK6] [PK8] The records PIPL asks the chain to keep: every read of a
 * member's decrypted personal data (allowed reveals, refused attempts, and
 * the server's own reads such as exports), and a counter of individuals
 * whose data was sent abroad (none by default). Server-only documents.
 */
import { randomUUID } from 'node:crypto';
import type { CollectionName } from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { SyncStorage, WriteTransaction } from '../storage/storage';

/** [PK6] One document per read of personal data, in the order they happened. */
export const PII_READS_DB = '_piiReads' as CollectionName;
/** [PK8] The cross-border transfer counter: one document. */
export const PRIVACY_COUNTERS_DB = '_privacyCounters' as CollectionName;
export const CROSS_BORDER_ID = 'cross-border';

/** Who reads personal data and why: `admin:<id>`, `device:<id>/staff:<id>`, or a server job. */
export type PiiReadContext = { actor: string; reason: string; now: () => Date };

/** [PK6] One read (or refused attempt) of a member's personal data. */
export type PiiRead = {
  id: string;
  at: string;
  actor: string;
  memberId: string;
  /** The personal data fields shown or asked for. */
  fields: string[];
  reason: string;
  outcome: 'revealed' | 'read' | 'refused' | 'not_found';
};

/** [PK6] Appends a read record, in its own transaction. */
export async function recordPiiRead(
  storage: SyncStorage,
  context: PiiReadContext,
  entry: Pick<PiiRead, 'memberId' | 'fields' | 'outcome'>,
): Promise<PiiRead> {
  const at = context.now().toISOString();
  const read: PiiRead = {
    id: `${at}:${randomUUID()}`,
    at,
    actor: context.actor,
    memberId: entry.memberId,
    fields: entry.fields,
    reason: context.reason,
    outcome: entry.outcome,
  };
  // The id is made outside the work: a rehearsed work writes the same document.
  await storage.transaction(async (tx) => {
    const written = await tx.put({
      db: PII_READS_DB,
      id: read.id,
      body: read as unknown as JsonObject,
      storeId: null,
      expectedRev: null,
    });
    if (!written.ok) throw new Error(`${PII_READS_DB}/${read.id}: ${written.reason}`);
  });
  return read;
}

/** [PK8] Data sent abroad: the distinct members and each transfer. */
export type CrossBorderCounter = {
  id: typeof CROSS_BORDER_ID;
  individuals: number;
  memberIds: string[];
  transfers: CrossBorderTransfer[];
};

export type CrossBorderTransfer = {
  at: string;
  recipient: string;
  country: string;
  purpose: string;
  members: number;
};

export async function readCrossBorder(
  storage: Pick<SyncStorage, 'getDocs'>,
): Promise<CrossBorderCounter> {
  const row = (await storage.getDocs(PRIVACY_COUNTERS_DB, [CROSS_BORDER_ID], null)).get(
    CROSS_BORDER_ID,
  );
  return (
    (row?.body as CrossBorderCounter | undefined) ?? {
      id: CROSS_BORDER_ID,
      individuals: 0,
      memberIds: [],
      transfers: [],
    }
  );
}

/** [PK8] Records one transfer abroad; `individuals` counts each member once, whatever the transfers. */
export async function recordCrossBorder(
  tx: WriteTransaction,
  transfer: Omit<CrossBorderTransfer, 'members'> & { memberIds: readonly string[] },
): Promise<CrossBorderCounter> {
  const row = (await tx.getDocs(PRIVACY_COUNTERS_DB, [CROSS_BORDER_ID])).get(CROSS_BORDER_ID);
  const current = (row?.body as CrossBorderCounter | undefined) ?? {
    id: CROSS_BORDER_ID,
    individuals: 0,
    memberIds: [],
    transfers: [],
  };
  const ids = [...new Set([...current.memberIds, ...transfer.memberIds])].sort();
  const { memberIds, ...rest } = transfer;
  const next: CrossBorderCounter = {
    id: CROSS_BORDER_ID,
    individuals: ids.length,
    memberIds: ids,
    transfers: [...current.transfers, { ...rest, members: new Set(memberIds).size }],
  };
  const written = await tx.put({
    db: PRIVACY_COUNTERS_DB,
    id: CROSS_BORDER_ID,
    body: next as unknown as JsonObject,
    storeId: null,
    expectedRev: row?.rev ?? null,
  });
  if (!written.ok) throw new Error(`${PRIVACY_COUNTERS_DB}: ${written.reason}`);
  return next;
}
