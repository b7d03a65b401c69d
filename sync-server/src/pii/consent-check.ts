/**
 * The one check every use of a member's personal data for a purpose makes
 * ([CN5]), and the reads of the consent ledger it rests on. See SPEC.md [CS1], [CS3].
 */
import {
  consentFor,
  type CollectionName,
  type ConsentEntry,
  type ConsentPurpose,
  type Member,
} from '@pos/domain';
import type { DocMatch, DocRow, SyncStorage } from '../storage/storage';

/**
 * [CS1] Server-only records (a name starting with `_`: no device or admin can
 * address it as a collection, so it never replicates). Entries are only ever
 * created: an id already taken is an error, never an overwrite.
 */
export const CONSENTS_DB = '_consents' as CollectionName;

/** The privacy policy the consent page shows, until the server is configured with another. */
export const DEFAULT_POLICY_VERSION = '2026-12';

/** What reading the ledger needs: the storage's reads, or a write transaction's. */
export type LedgerReader = {
  getDocs(db: CollectionName, ids: readonly string[]): Promise<Map<string, DocRow>>;
  findDocs(db: CollectionName, match: DocMatch): Promise<DocRow[]>;
};

/** The storage's reads as a `LedgerReader` (unscoped: server code only). */
export function storageReader(storage: SyncStorage): LedgerReader {
  return {
    getDocs: (db, ids) => storage.getDocs(db, ids, null),
    findDocs: (db, match) => storage.findDocs(db, match),
  };
}

/** [CS1] Every entry of the member's ledger, in the order they were recorded. */
export async function readConsents(
  reader: LedgerReader,
  memberId: string,
): Promise<ConsentEntry[]> {
  const rows = await reader.findDocs(CONSENTS_DB, { memberId });
  return rows.map((row) => row.body as ConsentEntry);
}

/** The member document, or undefined. */
export async function readMember(
  reader: LedgerReader,
  memberId: string,
): Promise<Member | undefined> {
  return (await reader.getDocs('members', [memberId])).get(memberId)?.body as Member | undefined;
}

/**
 * [CS3] Whether the member's personal data may be used for `purpose` at
 * `at`: the member is active, and their latest entry for the purpose
 * recorded by then grants it ([CN3]), with no withdrawal recorded since.
 * No entry, a withdrawal, a closed or an erased member: false.
 */
export async function mayUse(
  reader: LedgerReader | SyncStorage,
  memberId: string,
  purpose: ConsentPurpose,
  at: string,
): Promise<boolean> {
  const read = 'kind' in reader ? storageReader(reader) : reader;
  const member = await readMember(read, memberId);
  if (member?.status !== 'active') return false;
  // A withdrawal counts whenever it was recorded: a caller whose clock is
  // behind the ledger's must not send on a consent that is already gone.
  const entries = (await readConsents(read, memberId)).filter(
    (entry) => entry.at <= at || !entry.granted,
  );
  return consentFor(entries, memberId, purpose).granted;
}
