/**
 * Printed documents beyond the sale receipt, as data: the shift's X report
 * (mid-shift) and Z report (at close), and the refund receipt of a return.
 * Every figure is copied from the shift's totals, the shift close fact or the
 * return fact; nothing here computes one. See SPEC.md [SR1]-[SR3].
 */
import type { Minor } from './money';
import type { RefundTender, ReturnFact } from './returns';
import type { SaleFact } from './sale-fact';
import type { OpenShift, ShiftFact, ShiftTotals, TenderKind } from './shift';

/** Who and where, printed at the top of every document. */
/** A shift report as a screen shows it: the X report's figures now, or the recorded close. */
export type ShiftReportOnScreen =
  | { kind: 'x'; shift: OpenShift; totals: ShiftTotals; at: string; expectedCash: Minor }
  | { kind: 'z'; fact: ShiftFact };

export type ReceiptStore = { name: string; address: string; footer?: string };

export type ShiftReport = {
  /** 'x': the shift so far (it stays open); 'z': the close of the shift. */
  kind: 'x' | 'z';
  storeName: string;
  storeAddress: string;
  shiftId: string;
  deviceId: string;
  cashierId: string;
  cashierName?: string;
  currency: string;
  openedAt: string;
  /** When the X report was taken, or when the shift closed (Z). */
  at: string;
  openingFloat: Minor;
  sales: { count: number; amount: Minor };
  returns: { count: number; amount: Minor };
  discount: Minor;
  tenders: { kind: TenderKind; amount: Minor }[];
  noSaleOpens: number;
  expectedCash: Minor;
  /** The Z report's cash count and variance (counted − expected); absent on an X report. */
  countedCash?: Minor;
  variance?: Minor;
};

export type ShiftReportContext = { currency: string; cashierName?: string };

function reportBody(
  shift: OpenShift,
  totals: ShiftTotals,
  store: ReceiptStore,
  context: ShiftReportContext,
) {
  return {
    storeName: store.name,
    storeAddress: store.address,
    shiftId: shift.id,
    deviceId: shift.deviceId,
    cashierId: shift.cashierId,
    ...(context.cashierName !== undefined ? { cashierName: context.cashierName } : {}),
    currency: context.currency,
    openedAt: shift.openedAt,
    openingFloat: shift.openingFloat,
    sales: { ...totals.sales },
    returns: { ...totals.returns },
    discount: totals.discount,
    tenders: totals.tenders.map((t) => ({ kind: t.kind, amount: t.amount })),
    noSaleOpens: totals.noSaleOpens,
  };
}

/**
 * [SR1] The X report as data: the open shift and its totals so far, with the
 * expected cash as the caller computed it ([SH2]); no count, no variance.
 */
export function buildXReport(
  report: { shift: OpenShift; totals: ShiftTotals; expectedCash: Minor; at: string },
  store: ReceiptStore,
  context: ShiftReportContext,
): ShiftReport {
  return {
    kind: 'x',
    ...reportBody(report.shift, report.totals, store, context),
    at: report.at,
    expectedCash: report.expectedCash,
  };
}

/** [SR1] The Z report as data: every figure copied from the shift close fact. */
export function buildZReport(
  fact: ShiftFact,
  store: ReceiptStore,
  context: ShiftReportContext,
): ShiftReport {
  return {
    kind: 'z',
    ...reportBody(fact, fact.totals, store, context),
    at: fact.closedAt,
    expectedCash: fact.expectedCash,
    countedCash: fact.countedCash,
    variance: fact.variance,
  };
}

export type ReturnReceipt = {
  storeName: string;
  storeAddress: string;
  footer?: string;
  returnId: string;
  /** The sale returned against. */
  saleId: string;
  returnedAt: string;
  currency: string;
  cashierId?: string;
  cashierName?: string;
  /** Each returned line: its name on the sale, the quantity returned and its refund. */
  lines: { name: string; quantity: number; refund: Minor }[];
  refund: Minor;
  /** Where the money went back: kind, amount, and the card/mobile reference or points. */
  tenders: RefundTender[];
  /**
   * The member's points taken back and given back; absent when the sale had
   * no member. `name` is the member's (masked) name as the sale receipt shows it.
   */
  member?: { id: string; name?: string; reversedEarn: number; restoredRedeem: number };
};

/**
 * [SR2] The refund receipt as data: every figure copied from the return fact;
 * line names come from the sale's lines (by line id), the cashier's name from
 * the caller.
 */
export function buildReturnReceipt(
  ret: ReturnFact,
  sale: SaleFact,
  store: ReceiptStore,
  context: { cashierId?: string; cashierName?: string; memberName?: string } = {},
): ReturnReceipt {
  const names = new Map(sale.lines.map((l) => [l.lineId, l.name]));
  return {
    storeName: store.name,
    storeAddress: store.address,
    ...(store.footer !== undefined ? { footer: store.footer } : {}),
    returnId: ret.id,
    saleId: ret.saleId,
    returnedAt: ret.returnedAt,
    currency: sale.currency,
    ...(context.cashierId !== undefined ? { cashierId: context.cashierId } : {}),
    ...(context.cashierName !== undefined ? { cashierName: context.cashierName } : {}),
    lines: ret.lines.map((l) => ({
      name: names.get(l.lineId) ?? l.sku,
      quantity: l.quantity,
      refund: l.refund,
    })),
    refund: ret.refund,
    tenders: ret.tenders.map((t) => ({ ...t })),
    ...(sale.memberId !== undefined
      ? {
          member: {
            id: sale.memberId,
            ...(context.memberName !== undefined ? { name: context.memberName } : {}),
            reversedEarn: ret.points.reversedEarn,
            restoredRedeem: ret.points.restoredRedeem,
          },
        }
      : {}),
  };
}
