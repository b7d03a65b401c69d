/**
 * [PK11] Encrypts in place what an earlier server stored in plaintext,
 * while the server serves: members with `name`/`phone` in their document
 * go through the intake (a new revision of the member document, masked and
 * indexed, every device receives, plus the sealed personal data), and sale
 * facts naming a customer's phone are pseudonymised ([PI4]). In batches,
 * one transaction each; idempotent, so a rerun after a crash finishes it.
 */
import { pseudonymiseSale, type MemberRecord, type SaleFact } from '@pos/domain';
import type { CollectionName } from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { DocRow, DocWrite, SyncStorage, WriteTransaction } from '../storage/storage';
import type { PrivacyKeys } from './keyring';
import { writeMemberRecords } from './member-vault';

export const MIGRATION_BATCH = 500;

export type MigrationResult = { members: number; sales: number };

const isPlaintextMember = (body: JsonObject) =>
  typeof body.phone === 'string' || typeof body.name === 'string';
const hasPlainPhone = (body: JsonObject) => typeof body.memberPhone === 'string';

/** Converts each page of `db` whose rows `needs` it, reading them again in the page's transaction. */
async function convertAll(
  storage: SyncStorage,
  db: CollectionName,
  needs: (body: JsonObject) => boolean,
  convert: (tx: WriteTransaction, rows: DocRow[]) => Promise<number>,
  batch: number,
): Promise<number> {
  let since = 0;
  let converted = 0;
  for (;;) {
    const page = await storage.changes(db, { since, limit: batch, scope: null });
    const ids = page.rows.filter((row) => needs(row.body)).map((row) => row.id);
    if (ids.length) {
      converted += await storage.transaction(async (tx) => {
        // Read again: a row may have changed (or been converted) since the page.
        const current = [...(await tx.getDocs(db, ids)).values()].filter((row) => needs(row.body));
        return current.length ? convert(tx, current) : 0;
      });
    }
    if (page.rows.length < batch) return converted;
    since = page.lastSeq;
  }
}

/** [PK11] Converts every plaintext member and every sale naming a phone; returns how many of each. */
export async function encryptPlaintextMembers(
  storage: SyncStorage,
  keys: PrivacyKeys,
  options: { batch?: number } = {},
): Promise<MigrationResult> {
  const batch = options.batch ?? MIGRATION_BATCH;
  const members = await convertAll(
    storage,
    'members',
    isPlaintextMember,
    async (tx, rows) => {
      // The balance in the document is the server's: the record keeps it.
      const records = rows.map((row) => row.body as unknown as MemberRecord);
      const counts = await writeMemberRecords(tx, keys, records);
      return counts.created + counts.updated;
    },
    batch,
  );
  const sales = await convertAll(
    storage,
    'saleFacts',
    hasPlainPhone,
    async (tx, rows) => {
      const writes: DocWrite[] = rows.map((row) => ({
        db: 'saleFacts',
        id: row.id,
        body: pseudonymiseSale(
          row.body as unknown as SaleFact,
          keys.indexKey,
        ) as unknown as JsonObject,
        storeId: row.storeId,
        expectedRev: row.rev,
      }));
      const results = await tx.putMany(writes);
      const refused = results.find((result) => !result.ok);
      if (refused && !refused.ok) throw new Error(`saleFacts/${refused.id}: ${refused.reason}`);
      return writes.length;
    },
    batch,
  );
  return { members, sales };
}
