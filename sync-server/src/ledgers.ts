/**
 * The point and coupon ledgers, and the exceptions HQ reviews. Each function
 * runs inside the write transaction that records the fact causing it, so a
 * fact and everything it changes commit together ([F2]). Writers are
 * serialised by the storage, so "read, decide, write" here never races
 * another push ([CR1]). See SPEC.md [PT1]-[PT7], [CR1]-[CR3], [EX1]-[EX3].
 */
import {
  creditedEarn,
  creditedReversal,
  earnedBySale,
  pointEntriesForReturn,
  pointEntriesForSale,
  type CollectionName,
  type Coupon,
  type FactCollection,
  type Member,
  type PointEntry,
  type PointsProgramme,
  type Product,
  type ReturnFact,
  type SaleFact,
  stockLevelId,
  type StockLevel,
  type LedgerMovement,
} from '@pos/domain';
import { applyPointEntries, stockWritesForMovements } from './projections';
import type { JsonObject } from './protocol';
import { sameContent } from './revs';
import type { DocRow, WriteTransaction } from './storage/storage';

/**
 * [EX1] Server-only records, kept in the documents table under names that
 * start with `_`: no device or admin can address them as a collection, so
 * they are never replicated. Read through the admin endpoints only.
 */
export const EXCEPTIONS_DB = '_exceptions' as CollectionName;
/** [CR1] Which sale redeemed each one-time coupon, by coupon id. */
export const COUPON_REDEMPTIONS_DB = '_couponRedemptions' as CollectionName;
/** [RT8] What the applied returns took back from each sale, and returns waiting for it, by sale id. */
export const SALE_RETURNS_DB = '_saleReturns' as CollectionName;
/** [PT6] The chain's points programme ([MP7]): one server-only record, set by HQ. */
export const POINTS_PROGRAMME_DB = '_pointsProgramme' as CollectionName;
export const POINTS_PROGRAMME_ID = 'programme';

/** [PT6] The points programme the server earns by, or null when HQ has set none. */
export async function readPointsProgramme(
  tx: Pick<WriteTransaction, 'getDocs'>,
): Promise<PointsProgramme | null> {
  const row = (await tx.getDocs(POINTS_PROGRAMME_DB, [POINTS_PROGRAMME_ID])).get(
    POINTS_PROGRAMME_ID,
  );
  return row ? ((row.body as { programme: PointsProgramme }).programme ?? null) : null;
}

/**
 * [PT6] Sets the points programme (already valid, [MP7]) for the sales
 * recorded from now on; setting the one in force writes nothing. Returns
 * whether it changed.
 */
export async function writePointsProgramme(
  tx: WriteTransaction,
  programme: PointsProgramme,
  /** The server's clock, or null for the demo seed (which has none). */
  setAt: string | null,
  setBy: string,
): Promise<boolean> {
  const row = (await tx.getDocs(POINTS_PROGRAMME_DB, [POINTS_PROGRAMME_ID])).get(
    POINTS_PROGRAMME_ID,
  );
  const current = row?.body as { programme?: PointsProgramme } | undefined;
  if (current?.programme && sameContent(current.programme, programme)) return false;
  mustWrite(
    await tx.put({
      db: POINTS_PROGRAMME_DB,
      id: POINTS_PROGRAMME_ID,
      body: { id: POINTS_PROGRAMME_ID, programme, setAt, setBy },
      storeId: null,
      expectedRev: row?.rev ?? null,
    }),
  );
  return true;
}

/** [EX2] What HQ has to look at; each kind is explained in the README. */
export type ExceptionKind =
  | 'points-overdraw'
  | 'unknown-member'
  | 'unknown-member-phone'
  | 'return-member-unknown'
  | 'point-entry-mismatch'
  | 'points-earn-mismatch'
  | 'coupon-already-redeemed'
  | 'coupon-unknown'
  | 'coupon-void'
  | 'unknown-sku'
  | 'sale-currency-mismatch'
  | 'return-not-applicable'
  | 'refund-due'
  | 'payment-amount-mismatch'
  | 'unknown-order'
  | 'duplicate-pickup'
  | 'pickup-not-applicable'
  | 'order-return-not-applicable'
  | 'pickup-overdue'
  | 'fulfilment-not-applicable'
  | 'reroute-failed'
  | 'epc-sold-twice'
  | 'oversell'
  | 'transfer-discrepancy';

/**
 * [PM2] Payment notifications are recorded like facts, under their own
 * collection; [OF1] order facts in their kind's storage; [OS3] refunds and
 * [OS4] the sweeps of overdue pickups in theirs.
 */
export type RecordedIn =
  | FactCollection
  | '_paymentNotes'
  | '_pickupFacts'
  | '_orderPaymentFacts'
  | '_orderReturnFacts'
  | '_fulfilmentFacts'
  | '_refunds'
  | '_orders'
  | '_transfers';

/** [EX2] One exception record, as `GET /_exceptions` lists it. */
export type FactException = {
  /** `${kind}:${factId}`, plus `:${subject}` when one fact can raise several of a kind. */
  id: string;
  kind: ExceptionKind;
  /** The collection and id of the fact that raised it; the fact itself was accepted. */
  factDb: RecordedIn;
  factId: string;
  storeId: string | null;
  /** Kind-specific figures, e.g. the shortfall of an overdraw or the sale that won a coupon. */
  details: JsonObject;
  /** [FX4] When the server received the fact (the server's clock, not the device's). */
  receivedAt: string;
};

/** [CR1] [CR3] Which sale or order redeemed a coupon; a released one is no one's any more. */
export type CouponRedemption = {
  id: string;
  couponId: string;
  /** The sale that redeemed it at a till, or ... */
  saleId?: string;
  /** [CR3] ... the online order it was used on. */
  orderId?: string;
  storeId: string | null;
  redeemedAt: string;
  /** [CR3] When the order gave it back (expired unpaid or cancelled before any hand-over). */
  releasedAt?: string;
};

/** [CR3] Server-only: the coupons each online order used, by order id, with what each took off. */
export const ORDER_COUPONS_DB = '_orderCoupons' as CollectionName;

/** [CR3] The coupons an order used. */
export type OrderCoupons = {
  id: string;
  orderId: string;
  coupons: { id: string; name: string; amount: number }[];
  releasedAt?: string;
};

/** [CR1] Who redeems: a sale at a till's store, or an online order at its pickup store. */
export type CouponRedeemer =
  { saleId: string; storeId: string } | { orderId: string; storeId: string | null };

/** [CR2] A coupon that could not be redeemed, and the exception it is for a sale. */
export type CouponRefusal = {
  couponId: string;
  kind: 'coupon-unknown' | 'coupon-void' | 'coupon-already-redeemed';
  details: JsonObject;
};

/** The fact being recorded: where exceptions and write-offs point back to. */
export type FactContext = {
  tx: WriteTransaction;
  db: RecordedIn;
  factId: string;
  storeId: string | null;
  /** [FX4] The server's receive time of the fact. */
  receivedAt: string;
  /** [PK10] The member's phone masked, when the fact came with it in plaintext (then dropped). */
  maskedPhone?: string;
};

/** Cannot fail for a new fact: writers are serialised and we just read the revision. */
function mustWrite(result: { ok: boolean; id: string; reason?: string }): void {
  if (!result.ok) throw new Error(`${result.id} changed underneath: ${result.reason ?? ''}`);
}

/** [EX1] Records an exception about the fact in `ctx`; the same one twice is recorded once. */
export async function recordException(
  ctx: FactContext,
  kind: ExceptionKind,
  details: JsonObject,
  subject?: string,
): Promise<void> {
  const id = `${kind}:${ctx.factId}${subject === undefined ? '' : `:${subject}`}`;
  if ((await ctx.tx.getDocs(EXCEPTIONS_DB, [id])).has(id)) return;
  const exception: FactException = {
    id,
    kind,
    factDb: ctx.db,
    factId: ctx.factId,
    storeId: ctx.storeId,
    details,
    receivedAt: ctx.receivedAt,
  };
  mustWrite(
    await ctx.tx.put({
      db: EXCEPTIONS_DB,
      id,
      body: exception,
      storeId: ctx.storeId,
      expectedRev: null,
    }),
  );
}

/** Writes a member's new balance over the revision that was read. */
async function putMember(tx: WriteTransaction, row: DocRow, member: Member): Promise<void> {
  mustWrite(
    await tx.put({
      db: 'members',
      id: member.id,
      body: member,
      storeId: member.homeStoreId,
      expectedRev: row.rev,
    }),
  );
}

/**
 * [PT1] Writes the entries that are not recorded yet and moves the member's
 * balance by them; [MP5] an entry already recorded with the same content
 * counts once (a device may have pushed it before the fact), one recorded
 * with other content stays as it is and is an exception. [PT3] A balance the
 * entries would make negative is written off to 0 and is an exception.
 */
export async function writePointEntries(
  ctx: FactContext,
  memberId: string,
  entries: readonly PointEntry[],
  /** `recorded`: the entries are the pushed facts themselves, already written. */
  options: { recorded?: boolean } = {},
): Promise<void> {
  if (entries.length === 0) return;
  const { tx } = ctx;
  const row = (await tx.getDocs('members', [memberId])).get(memberId);
  if (!row) {
    await recordException(ctx, 'unknown-member', {
      memberId,
      points: entries.map(({ kind, points }) => ({ kind, points })),
    });
    return;
  }
  const recorded = options.recorded
    ? new Map<string, DocRow>()
    : await tx.getDocs(
        'pointEntries',
        entries.map((e) => e.id),
      );
  const fresh: PointEntry[] = [];
  for (const entry of entries) {
    const existing = recorded.get(entry.id);
    if (!existing) fresh.push(entry);
    else if (!sameContent(existing.body, entry)) {
      await recordException(
        ctx,
        'point-entry-mismatch',
        { entryId: entry.id, recorded: existing.body, derived: entry },
        entry.id,
      );
    }
  }
  if (fresh.length === 0) return;
  const applied = applyPointEntries(row.body as Member, fresh, {
    id: ctx.factId,
    factId: ctx.factId,
    at: ctx.receivedAt,
  });
  const writes = [
    ...(options.recorded ? [] : fresh),
    ...(applied.writeOff ? [applied.writeOff] : []),
  ];
  // [CT7] Under the member's home store, beside the member: a sale for a
  // member of its own store writes that store's shard only.
  const home = (row.body as Member).homeStoreId;
  for (const entry of writes) {
    mustWrite(
      await tx.put({
        db: 'pointEntries',
        id: entry.id,
        body: entry,
        storeId: home,
        expectedRev: null,
      }),
    );
  }
  await putMember(tx, row, applied.member);
  if (applied.writeOff) {
    await recordException(ctx, 'points-overdraw', {
      memberId,
      balanceBefore: (row.body as Member).points,
      entries: fresh.map(({ id, kind, points }) => ({ id, kind, points })),
      shortfall: applied.shortfall,
      writeOffEntryId: applied.writeOff.id,
    });
  }
}

/**
 * [PT2] The member a sale's points belong to: its `memberId`, or for a sale
 * recorded offline with only the customer's phone, the member whose phone
 * has the sale's blind index ([PI4]; a sale with the phone in plaintext was
 * pseudonymised before it was stored, [PK10]), an active one first; none is
 * an exception that names the index, never a phone.
 */
async function memberOfSale(ctx: FactContext, sale: SaleFact): Promise<string | null> {
  if (sale.memberId !== undefined) return sale.memberId;
  if (sale.memberPhoneIndex === undefined) return null;
  const found = (await ctx.tx.membersByPhoneIndex(sale.memberPhoneIndex)).map(
    (row) => row.body as Member,
  );
  const member = found.find((m) => m.status === 'active') ?? found[0];
  if (!member || member.status === 'erased') {
    await recordException(ctx, 'unknown-member-phone', {
      phoneIndex: sale.memberPhoneIndex,
      ...(ctx.maskedPhone === undefined ? {} : { maskedPhone: ctx.maskedPhone }),
      earned: sale.points.earned,
      redeemed: sale.points.redeemed,
    });
    return null;
  }
  return member.id;
}

/**
 * [PT7] [MP8] [MP9] What a sale credits its member: the points the server's
 * programme derives from the sale's lines for the member's tier (the
 * server's record) and the catalog's categories, never more than the sale
 * claims. A claim that differs from the derivation is a
 * `points-earn-mismatch` exception; no programme derives nothing.
 */
async function creditedEarnOfSale(
  ctx: FactContext,
  sale: SaleFact,
  memberId: string,
): Promise<number> {
  const claimed = sale.points.earned;
  if (claimed <= 0) return 0;
  const programme = await readPointsProgramme(ctx.tx);
  const member = (await ctx.tx.getDocs('members', [memberId])).get(memberId)?.body as
    Member | undefined;
  // An unknown member gets nothing either way ([PT2]): writePointEntries says so.
  if (!member) return claimed;
  let derived = 0;
  if (programme) {
    const products = await ctx.tx.getDocs('products', [...new Set(sale.lines.map((l) => l.sku))]);
    const categoryOf = (sku: string) => (products.get(sku)?.body as Product | undefined)?.category;
    derived = earnedBySale(sale, member.tier, programme.earnRules, categoryOf);
  }
  const credited = creditedEarn(claimed, derived);
  if (derived !== claimed) {
    await recordException(ctx, 'points-earn-mismatch', {
      memberId,
      tier: member.tier,
      claimed,
      derived,
      credited,
      programme: programme ? 'set' : 'none',
    });
  }
  return credited;
}

/** [PT1] [PT2] [PT7] [MP6] The point entries of a sale, for its member. */
export async function recordSalePoints(ctx: FactContext, sale: SaleFact): Promise<void> {
  const { redeemed } = sale.points;
  if (sale.memberId === undefined && sale.memberPhoneIndex === undefined) return;
  const memberId = await memberOfSale(ctx, sale);
  if (memberId === null) return;
  const earned = await creditedEarnOfSale(ctx, sale, memberId);
  if (earned === 0 && redeemed === 0) return;
  await writePointEntries(
    ctx,
    memberId,
    pointEntriesForSale({ id: sale.id, memberId, at: sale.soldAt, earned, redeemed }),
  );
}

/**
 * [PT4] [RT5] A return reverses the points of the returned part, for the
 * member the sale's entries went to (so a sale attached by phone is found
 * too). A return whose sale or member the server does not know is an
 * exception: its points are not moved. [PT7] [MP9] Earned points are
 * reversed only as far as the sale was credited them, and redeemed points
 * restored only as far as the sale took them (its redemption less what was
 * written off, [PT3]); `before` is what the sale's earlier applied returns
 * claimed ([RT8]).
 */
export async function recordReturnPoints(
  ctx: FactContext,
  ret: ReturnFact,
  before: { reversedEarn: number; restoredRedeem: number },
): Promise<void> {
  if (ret.points.reversedEarn === 0 && ret.points.restoredRedeem === 0) return;
  const [earnId, redeemId] = [`${ret.saleId}:earn`, `${ret.saleId}:redeem`];
  const writeOffId = `${ret.saleId}:write-off`;
  const saleEntries = await ctx.tx.getDocs('pointEntries', [earnId, redeemId, writeOffId]);
  const points = (id: string) => (saleEntries.get(id)?.body as PointEntry | undefined)?.points ?? 0;
  const fromEntries = [earnId, redeemId]
    .map((id) => (saleEntries.get(id)?.body as PointEntry | undefined)?.memberId)
    .find((id) => id !== undefined);
  const sale = (await ctx.tx.getDocs('saleFacts', [ret.saleId])).get(ret.saleId);
  const saleFact = sale?.body as SaleFact | undefined;
  const reversedEarn = creditedReversal(
    { claimed: saleFact?.points.earned ?? 0, credited: points(earnId) },
    before.reversedEarn,
    ret.points.reversedEarn,
  );
  const restoredRedeem = creditedReversal(
    { claimed: saleFact?.points.redeemed ?? 0, credited: -points(redeemId) - points(writeOffId) },
    before.restoredRedeem,
    ret.points.restoredRedeem,
  );
  const memberId = fromEntries ?? saleFact?.memberId;
  if (memberId === undefined) {
    await recordException(ctx, 'return-member-unknown', {
      saleId: ret.saleId,
      saleRecorded: sale !== undefined,
      reversedEarn: ret.points.reversedEarn,
      restoredRedeem: ret.points.restoredRedeem,
    });
    return;
  }
  await writePointEntries(
    ctx,
    memberId,
    pointEntriesForReturn({ ...ret, points: { reversedEarn, restoredRedeem } }, memberId),
  );
}

/**
 * [CR1] [CR3] Redeems coupons once chain-wide, for a sale or an order, in the
 * caller's transaction: an issued coupon becomes `redeemed` and its
 * redemption names the redeemer. A coupon unknown, void or already redeemed
 * stays as it is and is answered as a refusal; with `allOrNothing` (an
 * order, which is refused instead) any refusal writes nothing at all.
 */
export async function redeemCoupons(
  tx: WriteTransaction,
  couponIds: readonly string[],
  redeemer: CouponRedeemer,
  at: string,
  options: { allOrNothing?: boolean } = {},
): Promise<CouponRefusal[]> {
  const ids = [...new Set(couponIds)];
  if (ids.length === 0) return [];
  const coupons = await tx.getDocs('coupons', ids);
  const redemptions = await tx.getDocs(COUPON_REDEMPTIONS_DB, ids);
  const refusals: CouponRefusal[] = [];
  const usable: [DocRow, Coupon][] = [];
  for (const couponId of ids) {
    const row = coupons.get(couponId);
    const coupon = row?.body as Coupon | undefined;
    if (!row || !coupon) {
      refusals.push({ couponId, kind: 'coupon-unknown', details: { couponId } });
    } else if (coupon.status === 'void') {
      refusals.push({ couponId, kind: 'coupon-void', details: { couponId } });
    } else if (coupon.status === 'redeemed') {
      const winner = redemptions.get(couponId)?.body as CouponRedemption | undefined;
      refusals.push({
        couponId,
        kind: 'coupon-already-redeemed',
        details: {
          couponId,
          redeemedBy: winner?.saleId ?? winner?.orderId ?? null,
          ...(winner?.orderId === undefined ? {} : { redeemedByOrder: winner.orderId }),
          redeemedAt: winner?.redeemedAt ?? null,
          redeemedAtStore: winner?.storeId ?? null,
        },
      });
    } else usable.push([row, coupon]);
  }
  if (options.allOrNothing && refusals.length > 0) return refusals;
  for (const [row, coupon] of usable) {
    mustWrite(
      await tx.put({
        db: 'coupons',
        id: coupon.id,
        body: { ...coupon, status: 'redeemed' },
        storeId: null,
        expectedRev: row.rev,
      }),
    );
    const redemption: CouponRedemption = {
      id: coupon.id,
      couponId: coupon.id,
      ...('saleId' in redeemer ? { saleId: redeemer.saleId } : { orderId: redeemer.orderId }),
      storeId: redeemer.storeId,
      redeemedAt: at,
    };
    mustWrite(
      await tx.put({
        db: COUPON_REDEMPTIONS_DB,
        id: coupon.id,
        body: redemption,
        storeId: redeemer.storeId,
        // A coupon HQ re-issued, or an order gave back, is redeemed anew.
        expectedRev: redemptions.get(coupon.id)?.rev ?? null,
      }),
    );
  }
  return refusals;
}

/**
 * [CR1] Each coupon of a sale is redeemed exactly once chain-wide, in the
 * sale's transaction. [CR2] A coupon already redeemed by another sale or an
 * order, void, or unknown stays as it is; the sale is still recorded (it
 * happened) and the coupon is an exception.
 */
export async function redeemSaleCoupons(ctx: FactContext, sale: SaleFact): Promise<void> {
  const refusals = await redeemCoupons(
    ctx.tx,
    sale.coupons,
    { saleId: sale.id, storeId: sale.storeId },
    ctx.receivedAt,
  );
  for (const refusal of refusals) {
    await recordException(ctx, refusal.kind, refusal.details, refusal.couponId);
  }
}

/**
 * [CR3] Gives back the coupons of orders that expired unpaid or were
 * cancelled before any hand-over, in the caller's transaction: each coupon
 * the order still holds is `issued` again and its redemption marked
 * released, so the member can use it anew. Returns the coupon ids given back.
 */
export async function releaseOrderCoupons(
  tx: WriteTransaction,
  orderIds: readonly string[],
  at: string,
): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const used = await tx.getDocs(ORDER_COUPONS_DB, orderIds);
  const released: string[] = [];
  for (const row of used.values()) {
    const record = row.body as OrderCoupons;
    if (record.releasedAt !== undefined) continue;
    const ids = record.coupons.map((c) => c.id);
    const coupons = await tx.getDocs('coupons', ids);
    const redemptions = await tx.getDocs(COUPON_REDEMPTIONS_DB, ids);
    for (const id of ids) {
      const couponRow = coupons.get(id);
      const redemptionRow = redemptions.get(id);
      const redemption = redemptionRow?.body as CouponRedemption | undefined;
      if (!couponRow || !redemptionRow || redemption?.orderId !== record.orderId) continue;
      if (redemption.releasedAt !== undefined) continue;
      const coupon = couponRow.body as Coupon;
      if (coupon.status === 'redeemed') {
        mustWrite(
          await tx.put({
            db: 'coupons',
            id,
            body: { ...coupon, status: 'issued' },
            storeId: null,
            expectedRev: couponRow.rev,
          }),
        );
      }
      mustWrite(
        await tx.put({
          db: COUPON_REDEMPTIONS_DB,
          id,
          body: { ...redemption, releasedAt: at },
          storeId: redemption.storeId,
          expectedRev: redemptionRow.rev,
        }),
      );
      released.push(id);
    }
    mustWrite(
      await tx.put({
        db: ORDER_COUPONS_DB,
        id: row.id,
        body: { ...record, releasedAt: at },
        storeId: null,
        expectedRev: row.rev,
      }),
    );
  }
  return released;
}

/**
 * [PJ1] Moves the stock levels by ledger movements, in the caller's
 * transaction: the one path sales, returns, movements and order hand-overs
 * take to on hand. Answers each touched level's on hand before the
 * movements, by stock level id (0 for a level not there yet).
 */
export async function applyStockMovements(
  tx: WriteTransaction,
  movements: readonly Pick<LedgerMovement, 'location' | 'sku' | 'kind' | 'quantity'>[],
): Promise<Map<string, number>> {
  const before = new Map<string, number>();
  if (movements.length === 0) return before;
  const ids = movements.map((m) => stockLevelId(m.location, m.sku));
  const levels = await tx.getDocs('stock', ids);
  for (const id of ids) {
    before.set(id, (levels.get(id)?.body as StockLevel | undefined)?.onHand ?? 0);
  }
  for (const write of stockWritesForMovements(levels, movements)) {
    // Cannot fail: writers are serialised and we just read the revisions.
    mustWrite(await tx.put(write));
  }
  return before;
}
