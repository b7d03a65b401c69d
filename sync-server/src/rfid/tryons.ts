/**
 * Try-ons on the server: the `tryOn` facts the store's fitting-room service
 * pushes, stored once ([RI5]), and what is read from them with the sales of
 * their EPCs: conversion ([RI6]), the day's tried-not-bought list ([RI7]) and
 * a member's tried items ([RI8]). Set-based reads (tryons-sql.ts), pure
 * figures (domain tryon-reports.ts).
 */
import {
  conversionReport,
  decodeSgtin96,
  DEFAULT_FITTING_ROOM_POLICY,
  localDayBounds,
  triedNotBought,
  type CollectionName,
  type ConversionReport,
  type FittingRoomPolicy,
  type MemberTryOnsAnswer,
  type TriedNotBoughtAnswer,
  type TryOnFact,
  type TryOnForReport,
} from '@pos/domain';
import { storeFactOnce } from '../fact-store';
import type { IncomingDoc } from '../protocol';
import type { SyncStorage, WriteTransaction } from '../storage/storage';
import {
  selectEpcSales,
  selectProductsByGtin,
  selectTryOns,
  TRY_ON_FACTS_DB,
  type ReportProduct,
} from './tryons-sql';

/** [TO10] The chain's time zone when a store names none: China Standard Time. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

export type TryOnFactRow =
  { ok: true; id: string; rev: string } | { id: string; error: 'conflict'; reason: string };

/**
 * [RI5] [TO7] Records a `tryOn` fact (its body without `kind`, already
 * checked and owned by the pushing device's store) in `_tryOnFacts` with the
 * server's receive time. The same fact again changes nothing; another fact
 * under a recorded id is refused. Item states are left as they are.
 */
export async function recordTryOnFact(
  tx: WriteTransaction,
  doc: IncomingDoc,
  receivedAt: string,
): Promise<TryOnFactRow> {
  const stored = await storeFactOnce(
    tx,
    TRY_ON_FACTS_DB as CollectionName,
    doc,
    doc.body.storeId as string,
    receivedAt,
    'tryOn facts are immutable',
  );
  if (!stored.ok) return { id: stored.id, error: stored.error, reason: stored.reason };
  return { ok: true, id: doc.id, rev: stored.rev };
}

/** [IT3] The GTIN an EPC names: the fact's own, else decoded from the SGTIN-96. */
export function gtinOfTryOn(fact: Pick<TryOnFact, 'epc' | 'gtin'>): string | null {
  if (fact.gtin) return fact.gtin;
  const decoded = decodeSgtin96(fact.epc);
  return decoded.ok ? decoded.gtin : null;
}

/** [TO8] The facts as reports read them, each with its SKU's style, colour and size. */
export async function forReport(
  storage: Pick<SyncStorage, 'reportQuery'>,
  facts: readonly TryOnFact[],
): Promise<{ tryOns: TryOnForReport[]; products: Map<string, ReportProduct> }> {
  const gtins = facts.map(gtinOfTryOn).filter((g): g is string => g !== null);
  const products = await selectProductsByGtin(storage, gtins);
  const tryOns = facts.map((f): TryOnForReport => {
    const gtin = gtinOfTryOn(f);
    const product = gtin === null ? undefined : products.get(gtin);
    return {
      id: f.id,
      storeId: f.storeId,
      epc: f.epc,
      sku: product?.sku ?? null,
      styleId: product?.styleId ?? null,
      colour: product?.colour ?? null,
      size: product?.size ?? null,
      clerkId: f.clerkId ?? null,
      memberId: f.memberId ?? null,
      openedAt: f.openedAt,
      closedAt: f.closedAt,
    };
  });
  return { tryOns, products };
}

/** [TO8] The sales of the try-ons' EPCs from the first opening to the last close plus the window. */
export async function salesOfTryOns(
  storage: Pick<SyncStorage, 'reportQuery'>,
  facts: readonly Pick<TryOnFact, 'epc' | 'openedAt' | 'closedAt'>[],
  policy: Pick<FittingRoomPolicy, 'conversionWindowMs'>,
) {
  if (facts.length === 0) return [];
  let first = Infinity;
  let last = -Infinity;
  for (const f of facts) {
    first = Math.min(first, Date.parse(f.openedAt));
    last = Math.max(last, Date.parse(f.closedAt));
  }
  return selectEpcSales(
    storage,
    facts.map((f) => f.epc),
    {
      from: new Date(first).toISOString(),
      to: new Date(last + policy.conversionWindowMs).toISOString(),
    },
  );
}

/** [RI6] [TO8] [TO9] Conversion of the try-ons closed in `[from, to)` at a store or (null) every store. */
export async function tryOnReport(
  storage: Pick<SyncStorage, 'reportQuery'>,
  where: { storeId: string | null; from: string; to: string },
  policy: FittingRoomPolicy = DEFAULT_FITTING_ROOM_POLICY,
): Promise<ConversionReport> {
  const facts = await selectTryOns(storage, where);
  const [{ tryOns }, sales] = await Promise.all([
    forReport(storage, facts),
    salesOfTryOns(storage, facts, policy),
  ]);
  return conversionReport(tryOns, sales, policy, { from: where.from, to: where.to });
}

/** [RI7] [TO10] The day's tried-not-bought list at a store or (null) every store. */
export async function notBoughtOn(
  storage: Pick<SyncStorage, 'reportQuery'>,
  where: { storeId: string | null; day: string; utcOffsetMinutes: number },
  policy: FittingRoomPolicy = DEFAULT_FITTING_ROOM_POLICY,
): Promise<TriedNotBoughtAnswer> {
  const bounds = localDayBounds(where.day, where.utcOffsetMinutes);
  if (!bounds) return { day: where.day, items: [] };
  const facts = await selectTryOns(storage, { storeId: where.storeId, ...bounds });
  const [{ tryOns }, sales] = await Promise.all([
    forReport(storage, facts),
    salesOfTryOns(storage, facts, policy),
  ]);
  return {
    day: where.day,
    items: triedNotBought(tryOns, sales, policy, {
      day: where.day,
      utcOffsetMinutes: where.utcOffsetMinutes,
    }),
  };
}

/** [RI8] At most this many of a member's sessions are read. */
export const MEMBER_TRY_ONS_MAX = 500;

/**
 * [RI8] A member's tried items at a store (try-ons closed at or after
 * `since`), latest first, each with its SKU, name and whether its EPC was
 * sold since it was tried.
 */
export async function memberTryOns(
  storage: Pick<SyncStorage, 'reportQuery' | 'findDocs'>,
  where: { storeId: string; memberId: string; since?: string },
  now: string,
): Promise<MemberTryOnsAnswer> {
  const rows = await storage.findDocs(TRY_ON_FACTS_DB as CollectionName, {
    memberId: where.memberId,
    fields: { storeId: where.storeId, tryOn: true },
    limit: MEMBER_TRY_ONS_MAX,
  });
  const since = where.since === undefined ? -Infinity : Date.parse(where.since);
  const facts = rows
    .map((r) => r.body as unknown as TryOnFact)
    .filter((f) => Date.parse(f.closedAt) >= since)
    .sort((a, b) => b.closedAt.localeCompare(a.closedAt) || a.id.localeCompare(b.id));
  const gtins = facts.map(gtinOfTryOn).filter((g): g is string => g !== null);
  const first = facts.reduce((t, f) => Math.min(t, Date.parse(f.openedAt)), Infinity);
  const [products, sales] = await Promise.all([
    selectProductsByGtin(storage, gtins),
    facts.length === 0
      ? Promise.resolve([])
      : selectEpcSales(
          storage,
          facts.map((f) => f.epc),
          { from: new Date(first).toISOString(), to: now },
        ),
  ]);
  return {
    memberId: where.memberId,
    tryOns: facts.map((f) => {
      const gtin = gtinOfTryOn(f);
      const product = gtin === null ? undefined : products.get(gtin);
      const opened = Date.parse(f.openedAt);
      return {
        id: f.id,
        epc: f.epc,
        room: f.room,
        openedAt: f.openedAt,
        closedAt: f.closedAt,
        durationMs: f.durationMs,
        sku: product?.sku ?? null,
        name: product?.name ?? null,
        sold: sales.some((s) => s.epc === f.epc && Date.parse(s.soldAt) >= opened),
      };
    }),
  };
}
