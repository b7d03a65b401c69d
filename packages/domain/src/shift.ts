/**
 * Shifts at a till: opened with a cash float, closed with a cash count. The
 * X report (mid-shift) and the Z report (at close) are the same totals of the
 * shift's sale and return facts; the close is an immutable fact that flows up.
 * See SPEC.md [SH1]-[SH4].
 */
import { sumMinor, type Minor } from './money';
import type { OrderPaymentFact, OrderReturnFact } from './order-facts';
import type { ReturnFact } from './returns';
import type { SaleFact } from './sale-fact';
import { count, id, minor, time } from './schema-fields';
import { isOwnFactId, timeProblems } from './fact-rules';

export type TenderKind = 'cash' | 'card' | 'mobile' | 'points';
const TENDER_KINDS: readonly TenderKind[] = ['cash', 'card', 'mobile', 'points'];

/** A shift while it is open: kept on the device until it is closed. */
export type OpenShift = {
  /** Device prefix + ULID, minted when the shift opens; the close fact keeps it. */
  id: string;
  storeId: string;
  deviceId: string;
  cashierId: string;
  openedAt: string;
  openingFloat: Minor;
};

export type ShiftTotals = {
  sales: { count: number; amount: Minor };
  returns: { count: number; amount: Minor };
  /** Sales' discounts (promotions, coupons, manual). */
  discount: Minor;
  /** Money taken per tender kind, net of change and of refunds paid in that kind. */
  tenders: { kind: TenderKind; amount: Minor }[];
  /** Times the drawer was opened without a sale. */
  noSaleOpens: number;
};

/** The immutable close of a shift: what the Z report printed. */
export type ShiftFact = OpenShift & {
  closedAt: string;
  totals: ShiftTotals;
  expectedCash: Minor;
  countedCash: Minor;
  /** Counted minus expected: negative when cash is missing. */
  variance: Minor;
};

/** [SH1] The tender kind an online order's payment at the till was taken in. */
const ORDER_TENDER: Record<OrderPaymentFact['tender'], TenderKind> = {
  cash: 'cash',
  card: 'card',
  qr: 'mobile',
};

/**
 * [SH1] The totals of a shift from its facts: each tender kind counts what the
 * sales took in it (cash less the change given) less what returns refunded in
 * it, plus online orders paid at this till and less online orders' refunds
 * paid out of its drawer; sales and returns are counted and summed (sales by
 * amount due).
 */
export function shiftTotals(input: {
  sales: readonly SaleFact[];
  returns: readonly ReturnFact[];
  noSaleOpens: number;
  /** [OF4] Online orders paid at this till during the shift. */
  orderPayments?: readonly OrderPaymentFact[];
  /** [OF5] Online orders' items returned at this till; only cash refunds leave the drawer. */
  orderReturns?: readonly OrderReturnFact[];
}): ShiftTotals {
  const byKind = new Map<TenderKind, Minor>(TENDER_KINDS.map((k) => [k, 0]));
  const add = (kind: TenderKind, amount: Minor) =>
    byKind.set(kind, (byKind.get(kind) ?? 0) + amount);
  for (const sale of input.sales) {
    for (const t of sale.tenders) add(t.kind, t.amount);
    add('cash', -sale.change);
  }
  for (const ret of input.returns) for (const t of ret.tenders) add(t.kind, -t.amount);
  for (const paid of input.orderPayments ?? []) add(ORDER_TENDER[paid.tender], paid.amount);
  for (const ret of input.orderReturns ?? []) if (ret.refundTo === 'cash') add('cash', -ret.refund);
  return {
    sales: { count: input.sales.length, amount: sumMinor(input.sales.map((s) => s.due)) },
    returns: { count: input.returns.length, amount: sumMinor(input.returns.map((r) => r.refund)) },
    discount: sumMinor(input.sales.map((s) => s.discount)),
    tenders: TENDER_KINDS.map((kind) => ({ kind, amount: byKind.get(kind) ?? 0 })),
    noSaleOpens: input.noSaleOpens,
  };
}

/** [SH2] Cash the drawer should hold: the opening float plus the net cash taken. */
export function expectedCash(openingFloat: Minor, totals: ShiftTotals): Minor {
  return openingFloat + (totals.tenders.find((t) => t.kind === 'cash')?.amount ?? 0);
}

/** [SH3] Closes a shift with the cash counted: the variance is counted minus expected. */
export function closeShift(
  open: OpenShift,
  totals: ShiftTotals,
  countedCash: Minor,
  closedAt: string,
): ShiftFact {
  const expected = expectedCash(open.openingFloat, totals);
  return {
    ...open,
    closedAt,
    totals,
    expectedCash: expected,
    countedCash,
    variance: countedCash - expected,
  };
}

const tenderKind = { type: 'string', enum: [...TENDER_KINDS] } as const;

const countAndAmount = {
  type: 'object',
  properties: { count, amount: minor },
  required: ['count', 'amount'],
  additionalProperties: false,
} as const;

/** The fields of ShiftTotals as schema properties: the shift close and the printed reports share them. */
export const SHIFT_TOTALS_PROPERTIES = {
  sales: countAndAmount,
  returns: countAndAmount,
  discount: minor,
  tenders: {
    type: 'array',
    maxItems: 4,
    items: {
      type: 'object',
      properties: { kind: tenderKind, amount: minor },
      required: ['kind', 'amount'],
      additionalProperties: false,
    },
  },
  noSaleOpens: count,
} as const;

/** [SH4] The JSON schema of a shift close (RxDB shape). */
export const SHIFT_SCHEMA = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id,
    storeId: id,
    deviceId: id,
    cashierId: id,
    openedAt: time,
    closedAt: time,
    openingFloat: minor,
    expectedCash: minor,
    countedCash: minor,
    variance: minor,
    totals: {
      type: 'object',
      properties: SHIFT_TOTALS_PROPERTIES,
      required: ['sales', 'returns', 'discount', 'tenders', 'noSaleOpens'],
      additionalProperties: false,
    },
  },
  required: [
    'id',
    'storeId',
    'deviceId',
    'cashierId',
    'openedAt',
    'closedAt',
    'openingFloat',
    'expectedCash',
    'countedCash',
    'variance',
    'totals',
  ],
  additionalProperties: false,
} as const;

/**
 * [SH4] Rules a pushed shift close satisfies beyond its schema: the expected
 * cash is the float plus the net cash, the variance is counted minus
 * expected, the id is minted by the device [D4] and its times are instants [FT1].
 */
export function shiftProblems(shift: ShiftFact): string[] {
  const problems: string[] = [];
  if (shift.expectedCash !== expectedCash(shift.openingFloat, shift.totals)) {
    problems.push('expectedCash must be the opening float plus the net cash taken');
  }
  if (shift.variance !== shift.countedCash - shift.expectedCash) {
    problems.push('variance must be countedCash minus expectedCash');
  }
  if (shift.openingFloat < 0 || shift.countedCash < 0) {
    problems.push('the float and the cash count cannot be negative');
  }
  if (!isOwnFactId(shift.deviceId, shift.id)) {
    problems.push('id must be the device id, "-", then letters and digits (a ULID)');
  }
  problems.push(...timeProblems(shift, ['openedAt', 'closedAt']));
  return problems;
}
