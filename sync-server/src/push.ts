/**
 * The `_bulk_docs` service: checks each pushed document with pure functions,
 * then stores the accepted facts and their projections (stock, points,
 * coupons, exceptions) in one transaction. [F1]-[F4] [FX1]-[FX4]
 */
import {
  ledgerMovementsForSale,
  stockLevelId,
  stockMovementsForReturn,
  validateDocument,
  type CollectionName,
  type FactCollection,
  type LedgerMovement,
  type Member,
  type PointEntry,
  type ReturnFact,
  type SaleFact,
} from '@pos/domain';
import {
  adminFactRefusal,
  collectionWriteRefusal,
  factOwnershipRefusal,
  ownerStore,
  type Principal,
} from './auth';
import {
  recordReturnPoints,
  recordSalePoints,
  redeemSaleCoupons,
  writePointEntries,
  type FactContext,
} from './ledgers';
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
import { writeDownDocs } from './bulk-load';
import type { SyncStorage, WriteTransaction } from './storage/storage';

/** One row of the `_bulk_docs` answer, in the order of the request. */
export type BulkDocsRow =
  { ok: true; id: string; rev: string } | { id: string | null; error: ErrorCode; reason: string };

/**
 * [A3] Devices write only collections that flow up, [A7] admins only
 * chain-wide ones that flow down and point adjustments [A10]; [F1] schema and
 * business rules (validateDocument); [A4] [A9] [A10] a device only its own
 * and its store's facts. Pure.
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
  const problems = validateDocument(db, doc.body);
  if (problems.length) {
    return { id: doc.id, error: 'forbidden', reason: `invalid ${db}: ${formatProblems(problems)}` };
  }
  const notOwned =
    principal.kind === 'device'
      ? factOwnershipRefusal(principal, db, doc.body)
      : adminFactRefusal(db, doc.body);
  if (notOwned) return { id: doc.id, error: 'forbidden', reason: notOwned };
  return doc;
}

/** [PJ1] Moves the stock levels by ledger movements, in the caller's transaction. */
async function applyStock(
  tx: WriteTransaction,
  movements: readonly Pick<LedgerMovement, 'location' | 'sku' | 'kind' | 'quantity'>[],
): Promise<void> {
  if (movements.length === 0) return;
  const levels = await tx.getDocs(
    'stock',
    movements.map((m) => stockLevelId(m.location, m.sku)),
  );
  for (const write of stockWritesForMovements(levels, movements)) {
    const result = await tx.put(write);
    // Cannot happen: writers are serialised and we just read the revisions.
    if (!result.ok) throw new Error(`stock level ${write.id} changed underneath: ${result.reason}`);
  }
}

/** What a fact changes beyond itself, in its transaction. */
type Projection = (ctx: FactContext, body: unknown) => Promise<void>;

/**
 * [F2] Records a fact with the server's receive time [FX4] and applies its
 * projections in the caller's transaction. [F3] Replaying the same fact is a
 * no-op success whatever `_rev` it carries; [F4] a different fact under a
 * recorded id is refused: facts never change.
 */
function recordFact(db: FactCollection, project: Projection): FactRecorder {
  return async (tx, doc, receivedAt) => {
    const existing = (await tx.getDocs(db, [doc.id])).get(doc.id);
    if (existing) {
      if (sameContent(existing.body, doc.body)) return { ok: true, id: doc.id, rev: existing.rev };
      return {
        id: doc.id,
        error: 'conflict',
        reason: `${db} are immutable facts: a different one with this id is already recorded`,
      };
    }
    const storeId = ownerStore(db, doc.body);
    const written = await tx.put({
      db,
      id: doc.id,
      body: doc.body,
      storeId,
      expectedRev: null,
      receivedAt,
    });
    if (!written.ok) return written;
    await project({ tx, db, factId: doc.id, storeId, receivedAt }, doc.body);
    return { ok: true, id: doc.id, rev: written.rev };
  };
}

/**
 * [A10] [PT5] An HQ point adjustment is made online, so it is checked first:
 * the member must exist and the balance must stay at or above zero, else it
 * is refused and nothing is stored.
 */
const recordAdjustment: FactRecorder = async (tx, doc, receivedAt) => {
  const entry = doc.body as PointEntry;
  const existing = (await tx.getDocs('pointEntries', [doc.id])).get(doc.id);
  if (!existing) {
    const member = (await tx.getDocs('members', [entry.memberId])).get(entry.memberId);
    if (!member) {
      return { id: doc.id, error: 'forbidden', reason: `member ${entry.memberId} does not exist` };
    }
    const balance = (member.body as Member).points;
    if (balance + entry.points < 0) {
      return {
        id: doc.id,
        error: 'forbidden',
        reason: `insufficient points: member ${entry.memberId} has ${balance}`,
      };
    }
  }
  return recordFact('pointEntries', (ctx) => writeBalanceOnly(ctx, entry))(tx, doc, receivedAt);
};

/**
 * [PT1] A pushed point entry is itself the fact: it is already written, so
 * only the member's balance moves (and an overdraw is written off [PT3]).
 */
async function writeBalanceOnly(ctx: FactContext, entry: PointEntry): Promise<void> {
  await writePointEntries(ctx, entry.memberId, [entry], { recorded: true });
}

type FactRecorder = (
  tx: WriteTransaction,
  doc: IncomingDoc,
  receivedAt: string,
) => Promise<BulkDocsRow>;

/** How each collection that flows up is recorded, with what it projects. */
const RECORDERS: Record<FactCollection, FactRecorder> = {
  // [SL6] [PJ1] A sale moves its units out of the selling store; [PT1] [PT2]
  // its member earns and redeems points; [CR1] its coupons are redeemed.
  saleFacts: recordFact('saleFacts', async (ctx, body) => {
    const sale = body as SaleFact;
    await applyStock(ctx.tx, ledgerMovementsForSale(sale));
    await recordSalePoints(ctx, sale);
    await redeemSaleCoupons(ctx, sale);
  }),
  // [RT6] A return puts the returned units back at the returning store;
  // [PT4] its points are reversed.
  returns: recordFact('returns', async (ctx, body) => {
    const ret = body as ReturnFact;
    await applyStock(ctx.tx, stockMovementsForReturn(ret));
    await recordReturnPoints(ctx, ret);
  }),
  shifts: recordFact('shifts', async () => {}),
  // [FX2] Receipts, adjustments, transfers and reservations move the levels.
  stockMovements: recordFact('stockMovements', async (ctx, body) => {
    await applyStock(ctx.tx, [body as LedgerMovement]);
  }),
  // [FX3] A device's entry of its own sale or return, pushed on its own.
  pointEntries: recordFact('pointEntries', (ctx, body) =>
    writeBalanceOnly(ctx, body as PointEntry),
  ),
};

function isFactCollection(db: CollectionName): db is FactCollection {
  return Object.hasOwn(RECORDERS, db);
}

export async function pushDocs(
  storage: SyncStorage,
  principal: Principal,
  db: CollectionName,
  rawDocs: readonly unknown[],
  now: () => Date = () => new Date(),
): Promise<BulkDocsRow[]> {
  const checked = rawDocs.map((raw) => checkPushedDoc(principal, db, raw));
  const accepted = checked.filter((doc): doc is IncomingDoc => !isDocProblem(doc));
  if (accepted.length === 0) return checked as DocProblem[];
  if (principal.kind === 'admin' && db !== 'pointEntries') {
    // [A7] [ST7] An admin's documents that flow down, as one batch: one read, one putMany.
    const written = await storage.transaction((tx) => writeDownDocs(tx, db, accepted));
    let next = 0;
    return checked.map((doc): BulkDocsRow => {
      if (isDocProblem(doc)) return doc;
      const row = written[next++]!;
      return row.ok ? row : { id: row.id, error: row.error, reason: row.reason };
    });
  }
  const record =
    principal.kind === 'device' && isFactCollection(db) ? RECORDERS[db] : recordAdjustment;
  // One transaction for the batch: each accepted fact with its projections.
  const receivedAt = now().toISOString();
  const stored = await storage.transaction(async (tx) => {
    const rows: BulkDocsRow[] = [];
    for (const doc of accepted) rows.push(await record(tx, doc, receivedAt));
    return rows;
  });
  let next = 0;
  return checked.map((doc) => (isDocProblem(doc) ? doc : stored[next++]!));
}
