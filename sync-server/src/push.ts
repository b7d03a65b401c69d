/**
 * The `_bulk_docs` service: checks each pushed document with pure functions,
 * then stores the accepted facts and their projections in one transaction.
 * [F1]-[F4]
 */
import {
  stockMovementsForSale,
  stockLevelId,
  validateDocument,
  validateSale,
  type CollectionName,
  type Sale,
} from '@pos/domain';
import { collectionWriteRefusal, factOwnershipRefusal, ownerStore, type Principal } from './auth';
import { stockWritesForMovements } from './projections';
import {
  formatProblems,
  isDocProblem,
  parseCouchDoc,
  type DocProblem,
  type ErrorCode,
  type IncomingDoc,
} from './protocol';
import { sameContent } from './revs';
import type { SyncStorage, WriteTransaction } from './storage/storage';

/** One row of the `_bulk_docs` answer, in the order of the request. */
export type BulkDocsRow =
  { ok: true; id: string; rev: string } | { id: string | null; error: ErrorCode; reason: string };

/**
 * [A3] Devices write only collections that flow up, [A7] admins only
 * chain-wide ones that flow down; [F1] schema and business rules
 * (validateSale); [A4] a device only its own and its store's facts. Pure.
 */
export function checkPushedDoc(
  principal: Principal,
  db: CollectionName,
  raw: unknown,
): IncomingDoc | DocProblem {
  const doc = parseCouchDoc(raw);
  if (isDocProblem(doc)) return doc;
  const readOnly = collectionWriteRefusal(principal, db);
  if (readOnly) return { id: doc.id, error: 'forbidden', reason: readOnly };
  const problems = db === 'sales' ? validateSale(doc.body) : validateDocument(db, doc.body);
  if (problems.length) {
    return { id: doc.id, error: 'forbidden', reason: `invalid ${db}: ${formatProblems(problems)}` };
  }
  if (principal.kind === 'device') {
    const notOwned = factOwnershipRefusal(principal, doc.body);
    if (notOwned) return { id: doc.id, error: 'forbidden', reason: notOwned };
  }
  return doc;
}

/**
 * [F2] Records a sale and moves stock in the caller's transaction. [F3]
 * Replaying the same sale is a no-op success whatever `_rev` it carries;
 * [F4] a different sale under a recorded id is refused: facts never change.
 */
async function recordSale(tx: WriteTransaction, doc: IncomingDoc): Promise<BulkDocsRow> {
  const existing = (await tx.getDocs('sales', [doc.id])).get(doc.id);
  if (existing) {
    if (sameContent(existing.body, doc.body)) return { ok: true, id: doc.id, rev: existing.rev };
    return {
      id: doc.id,
      error: 'conflict',
      reason: 'sales are immutable facts: a different sale with this id is already recorded',
    };
  }
  const sale = doc.body as Sale;
  const written = await tx.put({
    db: 'sales',
    id: doc.id,
    body: doc.body,
    storeId: sale.storeId,
    expectedRev: null,
  });
  if (!written.ok) return written;
  const movements = stockMovementsForSale(sale);
  const levels = await tx.getDocs(
    'stock',
    movements.map((m) => stockLevelId(m.storeId, m.sku)),
  );
  for (const write of stockWritesForMovements(levels, movements)) {
    const result = await tx.put(write);
    // Cannot happen: writers are serialised and we just read the revisions.
    if (!result.ok) throw new Error(`stock level ${write.id} changed underneath: ${result.reason}`);
  }
  return { ok: true, id: doc.id, rev: written.rev };
}

/**
 * [A7] An admin's write of a document that flows down, CouchDB-style: it must
 * name the current `_rev` (none to create), else `conflict` [ST2]. Writing the
 * content the document already has is a no-op success returning its revision.
 */
function writeDownDoc(db: CollectionName): FactRecorder {
  return async (tx, doc) => {
    const existing = (await tx.getDocs(db, [doc.id])).get(doc.id);
    if (existing && sameContent(existing.body, doc.body)) {
      return { ok: true, id: doc.id, rev: existing.rev };
    }
    const written = await tx.put({
      db,
      id: doc.id,
      body: doc.body,
      storeId: ownerStore(db, doc.body),
      expectedRev: doc.rev,
    });
    return written.ok ? { ok: true, id: doc.id, rev: written.rev } : written;
  };
}

type FactRecorder = (tx: WriteTransaction, doc: IncomingDoc) => Promise<BulkDocsRow>;

/** How each collection that flows up is recorded. */
const RECORDERS: Partial<Record<CollectionName, FactRecorder>> = { sales: recordSale };

export async function pushDocs(
  storage: SyncStorage,
  principal: Principal,
  db: CollectionName,
  rawDocs: readonly unknown[],
): Promise<BulkDocsRow[]> {
  const checked = rawDocs.map((raw) => checkPushedDoc(principal, db, raw));
  const accepted = checked.filter((doc): doc is IncomingDoc => !isDocProblem(doc));
  if (accepted.length === 0) return checked as DocProblem[];
  const record = principal.kind === 'admin' ? writeDownDoc(db) : RECORDERS[db];
  if (!record) {
    const reason = `the server does not record ${db} yet`;
    return checked.map((doc) =>
      isDocProblem(doc) ? doc : { id: doc.id, error: 'forbidden', reason },
    );
  }
  // One transaction for the batch: each accepted fact with its projections.
  const stored = await storage.transaction(async (tx) => {
    const rows: BulkDocsRow[] = [];
    for (const doc of accepted) rows.push(await record(tx, doc));
    return rows;
  });
  let next = 0;
  return checked.map((doc) => (isDocProblem(doc) ? doc : stored[next++]!));
}
