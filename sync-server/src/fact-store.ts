/**
 * [F2] [F3] [F4] How every fact is stored: once, by its id, with the time the
 * server received it ([FX4]). The same fact again is a no-op success; another
 * fact under a recorded id is refused, since facts never change.
 */
import type { CollectionName } from '@pos/domain';
import type { JsonObject } from './protocol';
import { sameContent } from './revs';
import type { WriteTransaction } from './storage/storage';

export type StoredFact =
  | { ok: true; id: string; rev: string; fresh: boolean }
  | { ok: false; id: string; error: 'conflict'; reason: string };

/**
 * Stores `doc` in `db` unless it is there already. `fresh` says whether it
 * was written now, so the caller applies what it changes exactly once.
 */
export async function storeFactOnce(
  tx: WriteTransaction,
  db: CollectionName,
  doc: { id: string; body: JsonObject },
  storeId: string | null,
  receivedAt: string,
  /** How a refusal names the facts: "returns are immutable facts". */
  immutable: string,
): Promise<StoredFact> {
  const existing = (await tx.getDocs(db, [doc.id])).get(doc.id);
  if (existing) {
    if (sameContent(existing.body, doc.body)) {
      return { ok: true, id: doc.id, rev: existing.rev, fresh: false };
    }
    return {
      ok: false,
      id: doc.id,
      error: 'conflict',
      reason: `${immutable}: a different one with this id is already recorded`,
    };
  }
  const written = await tx.put({
    db,
    id: doc.id,
    body: doc.body,
    storeId,
    expectedRev: null,
    receivedAt,
  });
  if (!written.ok) return written;
  return { ok: true, id: doc.id, rev: written.rev, fresh: true };
}
