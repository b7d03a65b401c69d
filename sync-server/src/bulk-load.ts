/**
 * Loads many server-owned documents in the caller's write transaction through
 * the batch path (`putMany`): the import, the demo seed and the demo-chain
 * generator use it. [ST7]
 */
import type { CollectionName } from '@pos/domain';
import { ownerStore } from './auth';
import type { IncomingDoc, JsonObject } from './protocol';
import { nextRev, sameContent } from './revs';
import type { DocWrite, WriteTransaction } from './storage/storage';

export type LoadCounts = { created: number; updated: number; unchanged: number };

export type LoadOptions = {
  /** Leave documents that already exist as they are (e.g. stock that sales have moved). */
  createOnly?: boolean;
  /** What to store over an existing document (default: the incoming one). */
  merge?: (existing: JsonObject, incoming: JsonObject) => JsonObject;
};

/** [PK3] Members are never loaded as they come: they go through `writeMemberRecords`. */
function refuseMembers(db: CollectionName): void {
  if (db === 'members') {
    throw new Error(
      'members are written through the member intake (writeMemberRecords), encrypted',
    );
  }
}

/** Documents read and written per statement. */
export const LOAD_BATCH = 2000;

/**
 * Creates the documents that do not exist and updates those whose content
 * differs; equal content is left alone (no new revision or seq). Throws when
 * a write conflicts, which only a repeated id in `docs` can cause (the
 * transaction holds the write lock), so the caller's transaction rolls back.
 */
export async function loadDocs(
  tx: WriteTransaction,
  db: CollectionName,
  docs: readonly JsonObject[],
  options: LoadOptions = {},
): Promise<LoadCounts> {
  refuseMembers(db);
  const counts: LoadCounts = { created: 0, updated: 0, unchanged: 0 };
  for (let from = 0; from < docs.length; from += LOAD_BATCH) {
    const batch = docs.slice(from, from + LOAD_BATCH);
    const current = await tx.getDocs(
      db,
      batch.map((doc) => doc.id as string),
    );
    const writes: DocWrite[] = [];
    for (const incoming of batch) {
      const id = incoming.id as string;
      const existing = current.get(id);
      if (existing && options.createOnly) {
        counts.unchanged++;
        continue;
      }
      const body = existing && options.merge ? options.merge(existing.body, incoming) : incoming;
      if (existing && sameContent(existing.body, body)) {
        counts.unchanged++;
        continue;
      }
      writes.push({
        db,
        id,
        body,
        storeId: ownerStore(db, body),
        expectedRev: existing?.rev ?? null,
      });
      if (existing) counts.updated++;
      else counts.created++;
    }
    const results = await tx.putMany(writes);
    const refused = results.find((result) => !result.ok);
    if (refused && !refused.ok) throw new Error(`${db}/${refused.id}: ${refused.reason}`);
  }
  return counts;
}

export type DownWriteRow =
  | { ok: true; id: string; rev: string }
  | { ok: false; id: string; error: 'conflict' | 'forbidden'; reason: string };

/**
 * [A7] [ST2] An admin's `_bulk_docs` of documents that flow down, as one
 * batch: each must name the current `_rev` (none to create), else
 * `conflict`; writing the content a document already has is a no-op success
 * with its revision. The same answers, in order, as writing them one by one
 * (a later document of the same id sees the earlier one's revision), with one
 * read and one `putMany`.
 */
export async function writeDownDocs(
  tx: WriteTransaction,
  db: CollectionName,
  docs: readonly IncomingDoc[],
): Promise<DownWriteRow[]> {
  refuseMembers(db);
  const stored = await tx.getDocs(db, [...new Set(docs.map((doc) => doc.id))]);
  const current = new Map<string, { rev: string; body: JsonObject }>();
  for (const [id, row] of stored) current.set(id, { rev: row.rev, body: row.body });
  const rows: DownWriteRow[] = [];
  const writes: DocWrite[] = [];
  for (const doc of docs) {
    const now = current.get(doc.id);
    if (now && sameContent(now.body, doc.body)) {
      rows.push({ ok: true, id: doc.id, rev: now.rev });
      continue;
    }
    const currentRev = now?.rev ?? null;
    if (doc.rev !== currentRev) {
      const reason = now
        ? `Document update conflict: the current revision is ${now.rev}`
        : 'Document update conflict: the document does not exist';
      rows.push({ ok: false, id: doc.id, error: 'conflict', reason });
      continue;
    }
    const rev = nextRev(currentRev, doc.body);
    current.set(doc.id, { rev, body: doc.body });
    writes.push({
      db,
      id: doc.id,
      body: doc.body,
      storeId: ownerStore(db, doc.body),
      expectedRev: currentRev,
    });
    rows.push({ ok: true, id: doc.id, rev });
  }
  const results = await tx.putMany(writes);
  // Cannot happen: the transaction holds the write lock and read the revisions.
  const refused = results.find((result) => !result.ok);
  if (refused && !refused.ok) throw new Error(`${db}/${refused.id}: ${refused.reason}`);
  return rows;
}
