/**
 * Returns against the original sale (found by its receipt code, codes.ts):
 * refunds prorate what the customer paid for each line, including its share
 * of promotions, coupons and cash rounding; partial returns over several
 * visits never exceed what was sold or paid; points are reversed in step.
 * See SPEC.md [RT1]-[RT6].
 */
import type { SaleFact } from './sale-fact';
import { fail, type Failure, type Result } from './errors';
import { sumMinor, type Minor } from './money';
import type { PointEntry } from './points';
import { divideRounded } from './rounding';

/** Where money goes back: to the original card or wallet (by reference), in cash, or as points. */
export type RefundTender =
  | { kind: 'cash'; amount: Minor }
  | { kind: 'card' | 'mobile'; amount: Minor; reference: string }
  | { kind: 'points'; amount: Minor; points: number };

/** An immutable return fact. */
export type ReturnFact = {
  /** Device prefix + ULID, minted by the caller. */
  id: string;
  saleId: string;
  storeId: string;
  deviceId: string;
  returnedAt: string;
  lines: {
    lineId: string;
    sku: string;
    quantity: number;
    refund: Minor;
    /** [RC6] The tagged items returned on the line, when the sale line had EPCs. */
    epcs?: string[];
  }[];
  refund: Minor;
  tenders: RefundTender[];
  /** Points taken back (earned on the returned part) and given back (redeemed on it). */
  points: { reversedEarn: number; restoredRedeem: number };
};

/** A return in progress: the original sale and its earlier returns. */
export type ReturnDraft = { sale: SaleFact; previous: ReturnFact[] };

export type ReturnError =
  | 'RETURN_EMPTY'
  | 'RETURN_LINE_UNKNOWN'
  | 'RETURN_QUANTITY_INVALID'
  | 'RETURN_EXCEEDS_SOLD'
  | 'RETURN_EPC_INVALID';

/** Cumulative share of `whole` after `part` of `of`: exact at the end, floored before. */
function cumulative(whole: number, part: number, of: number): number {
  if (of <= 0 || part >= of) return whole;
  return Number(divideRounded(BigInt(whole) * BigInt(part), BigInt(of), 'floor'));
}

/**
 * [RT1] Plans a return of some units of some lines of `sale`, given the
 * returns already made against it. [RT2] Per line, the refund is the
 * difference of cumulative prorated shares of what was paid for it, so
 * returning every unit, in any number of visits, refunds exactly what was
 * paid, and never more. [RT3] The quantity returned per line, over all
 * visits, never exceeds the quantity sold. [RC6] A line sold with EPCs
 * returns the EPCs named (each one the line sold and not returned before, at
 * most the units returned); when none are named and every unit left is
 * returned, all of its EPCs left; otherwise none.
 */
export function planReturn(
  sale: SaleFact,
  previous: readonly ReturnFact[],
  request: readonly { lineId: string; quantity: number; epcs?: readonly string[] }[],
  ctx: { id: string; storeId: string; deviceId: string; now: string },
): Result<{ ret: ReturnFact }, ReturnError> {
  const earlier = previous.filter((r) => r.saleId === sale.id);
  const returned = new Map<string, number>();
  const epcsBack = new Set<string>();
  for (const r of earlier) {
    for (const l of r.lines) {
      returned.set(l.lineId, (returned.get(l.lineId) ?? 0) + l.quantity);
      for (const epc of l.epcs ?? []) epcsBack.add(epc);
    }
  }
  const wanted = new Map<string, number>();
  const named = new Map<string, string[]>();
  for (const r of request) {
    if (!Number.isSafeInteger(r.quantity) || r.quantity < 1) {
      return fail(
        'RETURN_QUANTITY_INVALID',
        `return quantities must be whole numbers of at least 1`,
      );
    }
    wanted.set(r.lineId, (wanted.get(r.lineId) ?? 0) + r.quantity);
    if (r.epcs !== undefined) {
      const list = named.get(r.lineId) ?? [];
      list.push(...r.epcs.map((e) => String(e).trim().toUpperCase()));
      named.set(r.lineId, list);
    }
  }
  if (wanted.size === 0) return fail('RETURN_EMPTY', 'choose at least one item to return');
  const lines: ReturnFact['lines'] = [];
  for (const [lineId, quantity] of wanted) {
    const line = sale.lines.find((l) => l.lineId === lineId);
    if (!line) return fail('RETURN_LINE_UNKNOWN', `sale ${sale.id} has no line ${lineId}`);
    const before = returned.get(lineId) ?? 0;
    if (before + quantity > line.quantity) {
      return fail(
        'RETURN_EXCEEDS_SOLD',
        `${line.name}: ${line.quantity} sold, ${before} already returned, cannot return ${quantity} more`,
      );
    }
    const refund =
      cumulative(line.paid, before + quantity, line.quantity) -
      cumulative(line.paid, before, line.quantity);
    const epcs = returnedEpcs(line, named.get(lineId), quantity, before, epcsBack);
    if (!Array.isArray(epcs)) return epcs;
    lines.push({ lineId, sku: line.sku, quantity, refund, ...(epcs.length ? { epcs } : {}) });
  }
  const refund = sumMinor(lines.map((l) => l.refund));
  const refundedBefore = sumMinor(earlier.map((r) => r.refund));
  const refundedAfter = refundedBefore + refund;
  return {
    ok: true,
    ret: {
      id: ctx.id,
      saleId: sale.id,
      storeId: ctx.storeId,
      deviceId: ctx.deviceId,
      returnedAt: ctx.now,
      lines,
      refund,
      tenders: refundTenders(sale, earlier, refundedBefore, refundedAfter),
      points: {
        reversedEarn:
          cumulative(sale.points.earned, refundedAfter, sale.due) -
          cumulative(sale.points.earned, refundedBefore, sale.due),
        restoredRedeem:
          cumulative(sale.points.redeemed, refundedAfter, sale.due) -
          cumulative(sale.points.redeemed, refundedBefore, sale.due),
      },
    },
  };
}

/** [RC6] The EPCs a return line carries back, or why the ones named cannot be. */
function returnedEpcs(
  line: SaleFact['lines'][number],
  named: readonly string[] | undefined,
  quantity: number,
  before: number,
  back: ReadonlySet<string>,
): string[] | Failure<ReturnError> {
  const sold = line.epcs ?? [];
  const left = sold.filter((e) => !back.has(e));
  if (named === undefined) {
    return sold.length > 0 && before + quantity === line.quantity ? left : [];
  }
  if (new Set(named).size !== named.length) {
    return fail('RETURN_EPC_INVALID', `${line.name}: an item's tag is named twice`);
  }
  if (named.length > quantity) {
    return fail(
      'RETURN_EPC_INVALID',
      `${line.name}: ${named.length} tags named for ${quantity} items returned`,
    );
  }
  for (const epc of named) {
    if (!sold.includes(epc)) {
      return fail('RETURN_EPC_INVALID', `${line.name}: tag ${epc} was not sold on this line`);
    }
    if (back.has(epc)) {
      return fail('RETURN_EPC_INVALID', `${line.name}: tag ${epc} was returned already`);
    }
  }
  return [...named];
}

/**
 * [RT4] The refund goes back the way it was paid: the points share in
 * proportion (cumulatively, so a full return restores every point), then to
 * the original cards and wallets by reference up to what each paid, then
 * cash. Nothing goes back to a tender beyond what it paid net of change.
 */
function refundTenders(
  sale: SaleFact,
  earlier: readonly ReturnFact[],
  before: Minor,
  after: Minor,
): RefundTender[] {
  const out: RefundTender[] = [];
  const pointsPaid = sumMinor(sale.tenders.flatMap((t) => (t.kind === 'points' ? [t.amount] : [])));
  const pointsCount = sumMinor(
    sale.tenders.flatMap((t) => (t.kind === 'points' ? [t.points] : [])),
  );
  const pointsAmount =
    cumulative(pointsPaid, after, sale.due) - cumulative(pointsPaid, before, sale.due);
  let left = after - before;
  if (pointsAmount > 0) {
    out.push({
      kind: 'points',
      amount: pointsAmount,
      points: cumulative(pointsCount, after, sale.due) - cumulative(pointsCount, before, sale.due),
    });
    left -= pointsAmount;
  }
  const alreadyBack = new Map<string, Minor>();
  for (const r of earlier) {
    for (const t of r.tenders) {
      if (t.kind === 'card' || t.kind === 'mobile') {
        alreadyBack.set(t.reference, (alreadyBack.get(t.reference) ?? 0) + t.amount);
      }
    }
  }
  for (const t of sale.tenders) {
    if (left <= 0) break;
    if (t.kind !== 'card' && t.kind !== 'mobile') continue;
    const room = t.amount - (alreadyBack.get(t.reference) ?? 0);
    const amount = Math.min(room, left);
    if (amount <= 0) continue;
    out.push({ kind: t.kind, amount, reference: t.reference });
    alreadyBack.set(t.reference, (alreadyBack.get(t.reference) ?? 0) + amount);
    left -= amount;
  }
  if (left > 0) out.push({ kind: 'cash', amount: left });
  return out;
}

/** [RT5] The point entries a return writes: reverse what was earned, restore what was redeemed. */
export function pointEntriesForReturn(ret: ReturnFact, memberId: string): PointEntry[] {
  const base = { memberId, factId: ret.id, at: ret.returnedAt };
  const out: PointEntry[] = [];
  if (ret.points.reversedEarn > 0) {
    out.push({
      ...base,
      id: `${ret.id}:reverse-earn`,
      kind: 'reverse-earn',
      points: -ret.points.reversedEarn,
    });
  }
  if (ret.points.restoredRedeem > 0) {
    out.push({
      ...base,
      id: `${ret.id}:reverse-redeem`,
      kind: 'reverse-redeem',
      points: ret.points.restoredRedeem,
    });
  }
  return out;
}

/** [RT6] A return puts the returned units back in stock at the returning store. */
export function stockMovementsForReturn(ret: ReturnFact): {
  id: string;
  location: string;
  sku: string;
  kind: 'return';
  quantity: number;
  at: string;
  factId: string;
}[] {
  const bySku = new Map<string, number>();
  for (const l of ret.lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
  return [...bySku].map(([sku, quantity]) => ({
    id: `${ret.id}:${sku}`,
    location: ret.storeId,
    sku,
    kind: 'return',
    quantity,
    at: ret.returnedAt,
    factId: ret.id,
  }));
}
