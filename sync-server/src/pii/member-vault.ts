/**
 * Members' personal information on the server ([PK1]-[PK6]). A member is two
 * documents written in one transaction: the member document every device may
 * hold (`memberView`: masked, blind-indexed, [PI1]) and, in the server-only
 * `_memberPii`, the personal data encrypted with AES-256-GCM under a data key
 * of the member's own, which is stored wrapped by a master key ([PK2]).
 * Every writer of members goes through `writeMemberRecords`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  erasedMember,
  memberView,
  type CollectionName,
  type Member,
  type MemberRecord,
  type PersonalData,
} from '@pos/domain';
import { LOAD_BATCH, type DownWriteRow, type LoadCounts } from '../bulk-load';
import type { JsonObject } from '../protocol';
import { sameContent } from '../revs';
import type { DocRow, DocWrite, SyncStorage, WriteTransaction } from '../storage/storage';
import type { Kms, PrivacyKeys } from './keyring';
import { personalDataOf } from './member-record';
import { recordPiiRead, type PiiReadContext } from './pii-reads';

/** [PK1] Server-only: the encrypted personal data of each member, by member id. Never served. */
export const MEMBER_PII_DB = '_memberPii' as CollectionName;

/** [PK1] A member's personal data, sealed. Binary fields are base64. */
export type SealedPii = {
  id: string;
  /** The master key `wrappedDek` is wrapped under. */
  kekId: string;
  wrappedDek: string;
  iv: string;
  ciphertext: string;
  tag: string;
};

/** [PK5] What is left of a member's personal data after erasure: no key, no ciphertext. */
export type ShreddedPii = { id: string; shreddedAt: string };

export type MemberPiiDoc = SealedPii | ShreddedPii;

function isSealed(doc: JsonObject | undefined): doc is SealedPii & JsonObject {
  return doc !== undefined && typeof doc.wrappedDek === 'string';
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64');

/**
 * [PK1] Encrypts `data` for member `memberId` under a fresh data key; the
 * member id is associated data, so a sealed document only opens as its own
 * member's. Other personal data (a delivery address, [SHP14]) is sealed the
 * same way under its own id.
 */
export async function sealPersonalData<T extends object = PersonalData>(
  kms: Kms,
  memberId: string,
  data: T,
): Promise<SealedPii> {
  const dek = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dek, iv);
  cipher.setAAD(Buffer.from(memberId));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  const { kekId, wrapped } = await kms.wrap(dek);
  dek.fill(0);
  return {
    id: memberId,
    kekId,
    wrappedDek: b64(wrapped),
    iv: b64(iv),
    ciphertext: b64(ciphertext),
    tag: b64(cipher.getAuthTag()),
  };
}

/** [PK1] Decrypts a sealed document; throws when a key or the content does not check. */
export async function openPersonalData<T extends object = PersonalData>(
  kms: Kms,
  sealed: SealedPii,
): Promise<T> {
  const dek = await kms.unwrap(sealed.kekId, unb64(sealed.wrappedDek));
  const decipher = createDecipheriv('aes-256-gcm', dek, unb64(sealed.iv));
  decipher.setAAD(Buffer.from(sealed.id));
  decipher.setAuthTag(unb64(sealed.tag));
  const plain = Buffer.concat([decipher.update(unb64(sealed.ciphertext)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as T;
}

export type IntakeOptions = {
  /**
   * Keep the point balance of a member that exists (the server owns it: the
   * fold of the member's point entries), as imports, the demo seed and the
   * generator do. Default: the record's balance is stored.
   */
  keepPoints?: boolean;
};

export type IntakeCounts = LoadCounts & {
  /** Records of erased members: left erased ([PK5]), nothing of them stored. */
  erased: string[];
};

/**
 * [PK3] The one intake of members: for each record, in the caller's
 * transaction, the member document (a new revision only when its content
 * changes) and the sealed personal data (sealed anew only when it changes).
 * A member stored in plaintext (before [PI1]) is rewritten. Records must be
 * valid (`memberRecordProblems`) and their ids distinct. Throws when a write
 * conflicts, so the caller's transaction rolls back.
 */
export async function writeMemberRecords(
  tx: WriteTransaction,
  keys: PrivacyKeys,
  records: readonly MemberRecord[],
  options: IntakeOptions = {},
): Promise<IntakeCounts> {
  const counts: IntakeCounts = { created: 0, updated: 0, unchanged: 0, erased: [] };
  for (let from = 0; from < records.length; from += LOAD_BATCH) {
    const batch = records.slice(from, from + LOAD_BATCH);
    const ids = batch.map((record) => record.id);
    const [members, sealed] = await Promise.all([
      tx.getDocs('members', ids),
      tx.getDocs(MEMBER_PII_DB, ids),
    ]);
    const writes: DocWrite[] = [];
    for (const record of batch) {
      const existing = members.get(record.id);
      const existingPii = sealed.get(record.id);
      if ((existing?.body as Member | undefined)?.status === 'erased') {
        counts.erased.push(record.id);
        continue;
      }
      const view = memberView(record, keys.indexKey);
      if (existing && options.keepPoints && typeof existing.body.points === 'number') {
        view.points = existing.body.points;
      }
      const data = personalDataOf(record);
      const viewChanged = !existing || !sameContent(existing.body, view);
      const piiChanged =
        !isSealed(existingPii?.body) ||
        !sameContent(await openPersonalData(keys.kms, existingPii.body), data);
      if (!viewChanged && !piiChanged) {
        counts.unchanged++;
        continue;
      }
      if (viewChanged) {
        writes.push({
          db: 'members',
          id: record.id,
          body: view as unknown as JsonObject,
          storeId: view.homeStoreId,
          expectedRev: existing?.rev ?? null,
        });
      }
      if (piiChanged) {
        writes.push({
          db: MEMBER_PII_DB,
          id: record.id,
          body: (await sealPersonalData(keys.kms, record.id, data)) as unknown as JsonObject,
          storeId: null,
          expectedRev: existingPii?.rev ?? null,
        });
      }
      if (existing) counts.updated++;
      else counts.created++;
    }
    const results = await tx.putMany(writes);
    const refused = results.find((result) => !result.ok);
    if (refused && !refused.ok) throw new Error(`members/${refused.id}: ${refused.reason}`);
  }
  return counts;
}

/**
 * [PK5] Erases a member in the caller's transaction: the sealed personal data
 * is replaced by a record with neither key nor ciphertext (crypto-shredding:
 * no copy of the data key is left), and the member document becomes
 * `erasedMember`, a new revision every device's replica receives. False when
 * there was nothing to erase.
 */
export async function shredMember(
  tx: WriteTransaction,
  memberId: string,
  at: string,
): Promise<boolean> {
  const [member, pii] = await Promise.all([
    tx.getDocs('members', [memberId]).then((found) => found.get(memberId)),
    tx.getDocs(MEMBER_PII_DB, [memberId]).then((found) => found.get(memberId)),
  ]);
  const writes: DocWrite[] = [];
  if (pii && !Object.hasOwn(pii.body, 'shreddedAt')) {
    const shredded: ShreddedPii = { id: memberId, shreddedAt: at };
    writes.push({
      db: MEMBER_PII_DB,
      id: memberId,
      body: shredded,
      storeId: null,
      expectedRev: pii.rev,
    });
  }
  const body = member?.body as Member | undefined;
  if (member && body && (body.status !== 'erased' || !sameContent(body, erasedMember(body)))) {
    writes.push({
      db: 'members',
      id: memberId,
      body: erasedMember(body) as unknown as JsonObject,
      storeId: body.homeStoreId,
      expectedRev: member.rev,
    });
  }
  if (writes.length === 0) return false;
  const results = await tx.putMany(writes);
  const refused = results.find((result) => !result.ok);
  if (refused && !refused.ok) throw new Error(`members/${refused.id}: ${refused.reason}`);
  return true;
}

/** [PK5] [PK6] Reads and erasures of members' personal data, as the server's other services use them. */
export type MemberVault = {
  /** The member's personal data, or null when erased or unknown; [PK6] each read is recorded. */
  read(memberId: string): Promise<PersonalData | null>;
  /** [PK5] Crypto-shreds the member (see `shredMember`); true if it erased something. */
  shred(memberId: string, at: string): Promise<boolean>;
};

/** Decrypts the personal data in a `_memberPii` row; null when erased or absent. */
export async function openPiiRow(
  keys: PrivacyKeys,
  row: DocRow | undefined,
): Promise<PersonalData | null> {
  return isSealed(row?.body) ? openPersonalData(keys.kms, row.body) : null;
}

/**
 * The vault for one reader: `context` says who reads and why, and each read
 * that decrypts something is recorded in `_piiReads` ([PK6]) before the data
 * is returned.
 */
export function memberVault(
  storage: SyncStorage,
  keys: PrivacyKeys,
  context: PiiReadContext,
): MemberVault {
  return {
    async read(memberId) {
      const row = (await storage.getDocs(MEMBER_PII_DB, [memberId], null)).get(memberId);
      const data = await openPiiRow(keys, row);
      if (data === null) return null;
      await recordPiiRead(storage, context, {
        memberId,
        fields: Object.keys(data),
        outcome: 'read',
      });
      return data;
    },
    shred(memberId, at) {
      return storage.transaction((tx) => shredMember(tx, memberId, at));
    },
  };
}

/** [PK7] How many sealed documents a rotation rewraps per transaction. */
export const ROTATION_BATCH = 500;

/**
 * [PK7] Rewraps every member's data key that is not under the current master
 * key, in batches: the ciphertext stays, only `kekId` and `wrappedDek`
 * change. Reads keep working throughout (each document names its master key),
 * and a rerun after a crash finishes the job. Returns how many it rewrapped.
 */
export async function rewrapMemberKeys(
  storage: SyncStorage,
  keys: PrivacyKeys,
  onBatch?: (rewrapped: number) => void,
): Promise<number> {
  const current = keys.kms.currentKekId;
  let since = 0;
  let rewrapped = 0;
  for (;;) {
    const page = await storage.changes(MEMBER_PII_DB, {
      since,
      limit: ROTATION_BATCH,
      scope: null,
    });
    const stale = page.rows.filter((row) => isSealed(row.body) && row.body.kekId !== current);
    if (stale.length) {
      rewrapped += await storage.transaction(async (tx) => {
        // Read again inside the transaction: a member may have changed since the page.
        const now = await tx.getDocs(
          MEMBER_PII_DB,
          stale.map((row) => row.id),
        );
        const writes: DocWrite[] = [];
        for (const row of now.values()) {
          if (!isSealed(row.body) || row.body.kekId === current) continue;
          const dek = await keys.kms.unwrap(row.body.kekId, unb64(row.body.wrappedDek));
          const { kekId, wrapped } = await keys.kms.wrap(dek);
          dek.fill(0);
          writes.push({
            db: MEMBER_PII_DB,
            id: row.id,
            body: { ...row.body, kekId, wrappedDek: b64(wrapped) },
            storeId: null,
            expectedRev: row.rev,
          });
        }
        const results = await tx.putMany(writes);
        const refused = results.find((result) => !result.ok);
        if (refused && !refused.ok) throw new Error(`_memberPii/${refused.id}: ${refused.reason}`);
        return writes.length;
      });
      onBatch?.(rewrapped);
    }
    if (page.rows.length < ROTATION_BATCH) return rewrapped;
    since = page.lastSeq;
  }
}

/**
 * [PK4] [A7] An admin's `_bulk_docs` of member records (already valid), in
 * order: each must name the member document's current `_rev` (none to
 * create), else `conflict`; a record the server already holds is a no-op
 * success with the revision; an erased member stays erased (`forbidden`).
 */
export async function writeAdminMembers(
  tx: WriteTransaction,
  keys: PrivacyKeys,
  docs: readonly { id: string; rev: string | null; body: JsonObject }[],
): Promise<DownWriteRow[]> {
  const rows: DownWriteRow[] = [];
  for (const doc of docs) {
    const record = doc.body as unknown as MemberRecord;
    const current = (await tx.getDocs('members', [doc.id])).get(doc.id);
    if ((current?.body as Member | undefined)?.status === 'erased') {
      rows.push({
        ok: false,
        id: doc.id,
        error: 'forbidden',
        reason: `member ${doc.id} was erased at their request: the id cannot be used again`,
      });
      continue;
    }
    const pii = (await tx.getDocs(MEMBER_PII_DB, [doc.id])).get(doc.id);
    const unchanged =
      current !== undefined &&
      sameContent(current.body, memberView(record, keys.indexKey)) &&
      sameContent(await openPiiRow(keys, pii), personalDataOf(record));
    if (!unchanged && doc.rev !== (current?.rev ?? null)) {
      const reason = current
        ? `Document update conflict: the current revision is ${current.rev}`
        : 'Document update conflict: the document does not exist';
      rows.push({ ok: false, id: doc.id, error: 'conflict', reason });
      continue;
    }
    if (!unchanged) await writeMemberRecords(tx, keys, [record]);
    const rev = (await tx.getDocs('members', [doc.id])).get(doc.id)!.rev;
    rows.push({ ok: true, id: doc.id, rev });
  }
  return rows;
}
