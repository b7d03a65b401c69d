/**
 * The `_bulk_docs` service: checks each pushed document with pure functions,
 * then stores the accepted facts and their projections (stock, points,
 * coupons, exceptions) in one transaction. [F1]-[F4] [FX1]-[FX4]
 */
import { recordSaleCredits, returnSaleCredits } from './clerk/ledger';
import { markReturnedItems, markSoldItems } from './rfid/items';
import {
  addReturned,
  ledgerMovementsForSale,
  NOTHING_RETURNED,
  returnAgainstSaleProblems,
  stockMovementsForReturn,
  validateDocument,
  fromFact,
  type ReturnedSoFar,
  type Store,
  type CollectionName,
  type FactCollection,
  type LedgerMovement,
  type Member,
  type PointEntry,
  type ReturnFact,
  type SaleFact,
  maskPhone,
  oversellShortfall,
  pseudonymiseSale,
  stockLevelId,
  type IndexKey,
} from '@pos/domain';
import {
  adminFactRefusal,
  collectionWriteRefusal,
  factOwnershipRefusal,
  ownerStore,
  type Principal,
} from './auth';
import {
  applyStockMovements,
  EXCEPTIONS_DB,
  recordException,
  recordReturnPoints,
  recordSalePoints,
  redeemSaleCoupons,
  SALE_RETURNS_DB,
  writePointEntries,
  type FactContext,
} from './ledgers';
import {
  formatProblems,
  isDocProblem,
  parseCouchDoc,
  type DocProblem,
  type ErrorCode,
  type IncomingDoc,
  type JsonObject,
} from './protocol';
import { sameContent } from './revs';
import { storeFactOnce } from './fact-store';
import { writeDownDocs } from './bulk-load';
import { recordOrderFact, type OrderFactOptions } from './orders/order-facts';
import { recordTryOnFact } from './rfid/tryons';
import { DEMO_PRIVACY_KEYS, type PrivacyKeys } from './pii/keyring';
import { memberRecordProblems } from './pii/member-record';
import { writeAdminMembers } from './pii/member-vault';
import type { DocReads, SyncStorage, WriteTransaction } from './storage/storage';

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
  indexKey: IndexKey = DEMO_PRIVACY_KEYS.indexKey,
): IncomingDoc | DocProblem {
  const doc = parseCouchDoc(raw);
  if (isDocProblem(doc)) return doc;
  const readOnly = collectionWriteRefusal(principal, db);
  if (readOnly) return { id: doc.id, error: 'forbidden', reason: readOnly };
  // [PK4] HQ writes members as records (plaintext), which the server encrypts.
  const problems =
    db === 'members' ? memberRecordProblems(doc.body, indexKey) : validateDocument(db, doc.body);
  if (problems.length) {
    return { id: doc.id, error: 'forbidden', reason: `invalid ${db}: ${formatProblems(problems)}` };
  }
  // [DK5] A fact pushed as `facts` is owned by the same rules as under its kind's collection.
  const asKind = db === 'facts' ? fromFact(doc.body) : null;
  // [OF1] A kind born in `facts` is owned like any store fact: this device, this store.
  const [ownerDb, ownerBody] = asKind ? [asKind.collection ?? db, asKind.body] : [db, doc.body];
  const notOwned =
    principal.kind === 'device'
      ? factOwnershipRefusal(principal, ownerDb, ownerBody)
      : adminFactRefusal(ownerDb, ownerBody);
  if (notOwned) return { id: doc.id, error: 'forbidden', reason: notOwned };
  return doc;
}

const applyStock = applyStockMovements;

/**
 * [FX5] The SKUs of `lines` the catalog knows. A well-formed SKU the catalog
 * does not know is a genuine line (the till sold it) that moves no stock:
 * an `unknown-sku` exception names the fact and the line for HQ.
 */
async function knownSkus(
  ctx: FactContext,
  lines: readonly { sku: string; lineId?: string; quantity: number }[],
): Promise<Set<string>> {
  const skus = [...new Set(lines.map((l) => l.sku))];
  const products = await ctx.tx.getDocs('products', skus);
  for (const line of lines) {
    if (products.has(line.sku)) continue;
    await recordException(
      ctx,
      'unknown-sku',
      { sku: line.sku, lineId: line.lineId ?? null, quantity: line.quantity },
      line.lineId ?? line.sku,
    );
  }
  return new Set(skus.filter((sku) => products.has(sku)));
}

/**
 * [XS1] [XR4] A sale that takes a store's on hand below 0 is recorded all
 * the same (it happened) and is an `oversell` exception per SKU, with the
 * shortfall: the units sold beyond what was on hand.
 */
async function recordOversells(
  ctx: FactContext,
  movements: readonly LedgerMovement[],
  before: ReadonlyMap<string, number>,
): Promise<void> {
  for (const m of movements) {
    const onHand = before.get(stockLevelId(m.location, m.sku)) ?? 0;
    const shortfall = oversellShortfall(m.quantity, onHand - m.quantity);
    if (shortfall === 0) continue;
    await recordException(
      ctx,
      'oversell',
      { sku: m.sku, storeId: m.location, sold: m.quantity, onHandBefore: onHand, shortfall },
      m.sku,
    );
  }
}

/**
 * [FX6] Whether a sale can be applied: it is priced in its store's currency.
 * One in another currency is recorded (the till sold it) but moves no stock,
 * points or coupons, and is a `sale-currency-mismatch` exception.
 */
async function saleApplies(ctx: FactContext, sale: SaleFact): Promise<boolean> {
  const store = (await ctx.tx.getDocs('stores', [sale.storeId])).get(sale.storeId);
  const currency = (store?.body as Store | undefined)?.currency;
  if (currency === undefined || currency === sale.currency) return true;
  await recordException(ctx, 'sale-currency-mismatch', {
    saleId: sale.id,
    currency: sale.currency,
    storeCurrency: currency,
  });
  return false;
}

/** [RT8] What a sale's applied returns took back, and the returns waiting for it. */
type SaleReturns = ReturnedSoFar & { id: string; applied: string[]; pending: string[] };

async function saleReturns(ctx: FactContext, saleId: string) {
  const row = (await ctx.tx.getDocs(SALE_RETURNS_DB, [saleId])).get(saleId);
  const record: SaleReturns = row
    ? (row.body as SaleReturns)
    : { id: saleId, ...NOTHING_RETURNED, applied: [], pending: [] };
  return { record, rev: row?.rev ?? null };
}

async function putSaleReturns(
  ctx: FactContext,
  record: SaleReturns,
  rev: string | null,
): Promise<void> {
  const written = await ctx.tx.put({
    db: SALE_RETURNS_DB,
    id: record.id,
    body: record,
    storeId: null,
    expectedRev: rev,
  });
  // Cannot happen: writers are serialised and we just read the revision.
  if (!written.ok) throw new Error(`${record.id} changed underneath: ${written.reason}`);
}

/**
 * [RT6] [RT8] [PT4] Applies a return to its recorded sale, once: the units
 * go back to stock and the points are reversed, when the return fits what
 * the sale sold and what earlier returns took back. One that does not fit,
 * or whose sale moved nothing ([FX6]), stays recorded (the money went back)
 * and is a `return-not-applicable` exception.
 */
async function applyReturn(ctx: FactContext, sale: SaleFact, ret: ReturnFact): Promise<void> {
  const { record, rev } = await saleReturns(ctx, sale.id);
  if (record.applied.includes(ret.id)) return;
  // [RI3] Its tagged items are back in the store, whatever the money did.
  await markReturnedItems(ctx, ret);
  const notApplied = `sale-currency-mismatch:${sale.id}`;
  const problems = (await ctx.tx.getDocs(EXCEPTIONS_DB, [notApplied])).has(notApplied)
    ? [`sale ${sale.id} was not applied (its currency is not its store's)`]
    : returnAgainstSaleProblems(sale, record, ret);
  if (problems.length) {
    await recordException(ctx, 'return-not-applicable', { saleId: sale.id, problems });
    return;
  }
  const known = await knownSkus(ctx, ret.lines);
  await applyStock(
    ctx.tx,
    stockMovementsForReturn(ret).filter((m) => known.has(m.sku)),
  );
  await recordReturnPoints(ctx, ret, record);
  // [TB8] [CM7] Returned credited lines take their commission back.
  await returnSaleCredits(ctx.tx, sale, ret, (lineId) => record.lines[lineId] ?? 0);
  await putSaleReturns(
    ctx,
    {
      ...record,
      ...addReturned(record, ret),
      applied: [...record.applied, ret.id],
      pending: record.pending.filter((id) => id !== ret.id),
    },
    rev,
  );
}

/**
 * [RT9] A return that arrives before its sale (a till's sales and returns
 * replicate in different collections) is recorded and waits, moving
 * nothing; the sale applies it when it is recorded, exactly once.
 */
async function holdReturn(ctx: FactContext, ret: ReturnFact): Promise<void> {
  const { record, rev } = await saleReturns(ctx, ret.saleId);
  if (record.pending.includes(ret.id)) return;
  await putSaleReturns(ctx, { ...record, pending: [...record.pending, ret.id] }, rev);
}

/** [RT9] Applies the returns that waited for `sale`, in the order they arrived. */
async function applyWaitingReturns(ctx: FactContext, sale: SaleFact): Promise<void> {
  const { record } = await saleReturns(ctx, sale.id);
  if (record.pending.length === 0) return;
  const returns = await ctx.tx.getDocs('returns', record.pending);
  for (const id of record.pending) {
    const row = returns.get(id);
    if (!row) continue;
    const ret = row.body as ReturnFact;
    await applyReturn(
      { tx: ctx.tx, db: 'returns', factId: id, storeId: ret.storeId, receivedAt: ctx.receivedAt },
      sale,
      ret,
    );
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
function recordFact(
  db: FactCollection,
  project: Projection,
  /** [PK10] The fact as it is stored, e.g. pseudonymised; compared with a replay as stored. */
  prepare?: (body: JsonObject, keys: PrivacyKeys) => JsonObject,
  /** [PX1] The documents its projection reads, fetched with the fact in one statement. */
  reads?: (body: JsonObject) => DocReads[],
): FactRecorder {
  return async (tx, pushed, receivedAt, keys) => {
    const doc = prepare ? { ...pushed, body: prepare(pushed.body, keys) } : pushed;
    const storeId = ownerStore(db, doc.body);
    if (reads) await tx.prefetch([{ db, ids: [doc.id] }, ...reads(doc.body)]);
    const stored = await storeFactOnce(
      tx,
      db,
      doc,
      storeId,
      receivedAt,
      `${db} are immutable facts`,
    );
    if (!stored.ok) return { id: stored.id, error: stored.error, reason: stored.reason };
    if (!stored.fresh) return { ok: true, id: doc.id, rev: stored.rev };
    // [PK10] Of a phone the fact came with, only its masked form goes on (to an exception).
    const phone = pushed.body.memberPhone;
    const masked = typeof phone === 'string' ? { maskedPhone: maskPhone(phone) } : {};
    await project({ tx, db, factId: doc.id, storeId, receivedAt, ...masked }, doc.body);
    return { ok: true, id: doc.id, rev: stored.rev };
  };
}

/**
 * [A10] [PT5] An HQ point adjustment is made online, so it is checked first:
 * the member must exist and the balance must stay at or above zero, else it
 * is refused and nothing is stored.
 */
const recordAdjustment: FactRecorder = async (tx, doc, receivedAt, keys) => {
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
  return recordFact('pointEntries', (ctx) => writeBalanceOnly(ctx, entry))(
    tx,
    doc,
    receivedAt,
    keys,
  );
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
  keys: PrivacyKeys,
) => Promise<BulkDocsRow>;

/** [PK10] A sale with the member's phone in plaintext (an older till's) is stored by its blind index. */
const pseudonymised = (body: JsonObject, keys: PrivacyKeys): JsonObject =>
  pseudonymiseSale(body as SaleFact, keys.indexKey) as unknown as JsonObject;

/**
 * [DK5] A fact of any kind: recorded exactly as under its kind's collection,
 * in that collection's storage, so one fact is stored once whichever name it
 * came under, and its projections run once. [OS5] A kind born in `facts`
 * (the order facts) is recorded in its own storage and applied to its order.
 */
function factsRecorder(orders: OrderFactOptions): FactRecorder {
  return async (tx, doc, receivedAt, keys) => {
    const found = fromFact(doc.body);
    // Cannot happen: validation refused a fact of no known kind.
    if (!found) return { id: doc.id, error: 'forbidden', reason: 'a fact must name its kind' };
    const body = found.body as JsonObject;
    // [RI5] A closed fitting-room session: stored once, applied to nothing.
    if (found.kind === 'tryOn') return recordTryOnFact(tx, { ...doc, body }, receivedAt);
    if (found.collection === null) {
      return recordOrderFact(tx, found.kind, { ...doc, body }, receivedAt, orders);
    }
    return RECORDERS[found.collection](tx, { ...doc, body }, receivedAt, keys);
  };
}

/**
 * [PX1] What recording a sale reads in the common case: its store, its
 * SKUs, their stock levels at the store and the returns waiting for it.
 */
function saleReads(body: JsonObject): DocReads[] {
  const sale = body as unknown as SaleFact;
  return [
    { db: 'stores', ids: [sale.storeId] },
    { db: 'products', ids: sale.lines.map((l) => l.sku) },
    { db: 'stock', ids: ledgerMovementsForSale(sale).map((m) => stockLevelId(m.location, m.sku)) },
    { db: SALE_RETURNS_DB, ids: [sale.id] },
  ];
}

/** How each collection that flows up is recorded, with what it projects. */
const RECORDERS: Record<FactCollection, FactRecorder> = {
  // [SL6] [PJ1] A sale moves its units out of the selling store; [PT1] [PT2]
  // its member earns and redeems points; [CR1] its coupons are redeemed.
  // [FX5] [FX6] Only lines of known SKUs move stock, and only a sale in its
  // store's currency moves anything; [RT9] returns that waited for it apply.
  // [PK10] A phone in plaintext never reaches the store.
  saleFacts: recordFact(
    'saleFacts',
    async (ctx, body) => {
      const sale = body as SaleFact;
      if (await saleApplies(ctx, sale)) {
        const known = await knownSkus(ctx, sale.lines);
        const movements = ledgerMovementsForSale(sale).filter((m) => known.has(m.sku));
        const onHand = await applyStock(ctx.tx, movements);
        await recordOversells(ctx, movements, onHand);
        await recordSalePoints(ctx, sale);
        // [TB8] [TK4] The lines a clerk's take-now code credited.
        await recordSaleCredits(ctx.tx, sale);
        await redeemSaleCoupons(ctx, sale);
      }
      // [RI2] Its tagged items are sold, whatever the currency.
      await markSoldItems(ctx, sale);
      await applyWaitingReturns(ctx, sale);
    },
    pseudonymised,
    saleReads,
  ),
  // [RT6] A return puts the returned units back at the returning store;
  // [PT4] its points are reversed; [RT8] only as far as its sale allows;
  // [RT9] one whose sale is not recorded yet waits for it.
  returns: recordFact('returns', async (ctx, body) => {
    const ret = body as ReturnFact;
    const sale = (await ctx.tx.getDocs('saleFacts', [ret.saleId])).get(ret.saleId);
    if (sale) await applyReturn(ctx, sale.body as SaleFact, ret);
    else await holdReturn(ctx, ret);
  }),
  shifts: recordFact('shifts', async () => {}),
  // [FX2] Receipts, adjustments and transfers move the levels; [FX5] of known SKUs.
  stockMovements: recordFact('stockMovements', async (ctx, body) => {
    const movement = body as LedgerMovement;
    if ((await knownSkus(ctx, [movement])).has(movement.sku)) {
      await applyStock(ctx.tx, [movement]);
    }
  }),
  // [FX3] A device never creates points: its entry is only a replay of one
  // the server derived from its own sale or return.
  pointEntries: async (tx, doc) => {
    const existing = (await tx.getDocs('pointEntries', [doc.id])).get(doc.id);
    if (existing && sameContent(existing.body, doc.body)) {
      return { ok: true, id: doc.id, rev: existing.rev };
    }
    return {
      id: doc.id,
      error: 'forbidden',
      reason:
        'point entries are derived by the server from sale and return facts: push the fact; ' +
        'this entry is not one the server derived from a fact of this device',
    };
  },
  facts: factsRecorder({}),
};

/**
 * [RI12] A movement the server makes (an approved count's adjustment),
 * recorded exactly as a device's pushed stock movement is, so stock levels
 * project; the same movement again is a no-op.
 */
export async function recordServerMovement(
  tx: WriteTransaction,
  movement: LedgerMovement,
  receivedAt: string,
): Promise<BulkDocsRow> {
  const body = movement as unknown as JsonObject;
  const problems = validateDocument('stockMovements', body);
  // Cannot happen: the server builds the movement from its own figures.
  if (problems.length) throw new Error(`invalid stockMovements: ${formatProblems(problems)}`);
  return RECORDERS.stockMovements(
    tx,
    { id: movement.id, rev: null, body },
    receivedAt,
    DEMO_PRIVACY_KEYS,
  );
}

function isFactCollection(db: CollectionName): db is FactCollection {
  return Object.hasOwn(RECORDERS, db);
}

export async function pushDocs(
  storage: SyncStorage,
  principal: Principal,
  db: CollectionName,
  rawDocs: readonly unknown[],
  now: () => Date = () => new Date(),
  /** [PK2] The keys members are encrypted and phones indexed with. */
  keys: PrivacyKeys = DEMO_PRIVACY_KEYS,
  /** [OS6] The hold policy and pickup keys order facts are applied with. */
  orders: OrderFactOptions = {},
): Promise<BulkDocsRow[]> {
  const checked = rawDocs.map((raw) => checkPushedDoc(principal, db, raw, keys.indexKey));
  const accepted = checked.filter((doc): doc is IncomingDoc => !isDocProblem(doc));
  if (accepted.length === 0) return checked as DocProblem[];
  if (principal.kind === 'admin' && db !== 'pointEntries') {
    // [A7] [ST7] An admin's documents that flow down, as one batch: one read, one putMany;
    // [PK4] members through the intake, encrypted.
    const written = await storage.transaction((tx) =>
      db === 'members' ? writeAdminMembers(tx, keys, accepted) : writeDownDocs(tx, db, accepted),
    );
    let next = 0;
    return checked.map((doc): BulkDocsRow => {
      if (isDocProblem(doc)) return doc;
      const row = written[next++]!;
      return row.ok ? row : { id: row.id, error: row.error, reason: row.reason };
    });
  }
  const record =
    principal.kind !== 'device' || !isFactCollection(db)
      ? recordAdjustment
      : db === 'facts'
        ? factsRecorder(orders)
        : RECORDERS[db];
  // One transaction for the batch: each accepted fact with its projections.
  const receivedAt = now().toISOString();
  const stored = await storage.transaction(async (tx) => {
    const rows: BulkDocsRow[] = [];
    for (const doc of accepted) rows.push(await record(tx, doc, receivedAt, keys));
    return rows;
  });
  let next = 0;
  return checked.map((doc) => (isDocProblem(doc) ? doc : stored[next++]!));
}
