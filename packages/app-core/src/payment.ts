/**
 * The payment dialog's arithmetic, all of it the domain's tender rules
 * (`settle`, `roundCash`): what is still due for the method the cashier
 * chose, after cash rounding (抹零) when cash completes, and whether a tender
 * is taken. See SPEC.md [PY1]-[PY3].
 */
import {
  formatMinorPlain,
  NO_CASH_ROUNDING,
  roundCash,
  settle,
  sumMinor,
  type CashRounding,
  type Minor,
  type PaymentTender,
} from '@pos/domain';
import { done, refuse, type Outcome } from './outcome';

export type PaymentMethod = PaymentTender['kind'];

export type AmountDue = {
  /** What is left after the tenders so far, before any rounding. */
  remaining: Minor;
  /** What this method pays to complete: for cash, `remaining` rounded (抹零). */
  due: Minor;
  /** due − remaining: the rounding when cash completes; 0 for other methods. */
  rounding: Minor;
};

/**
 * [PY1] The amount due for a method: the total less the tenders so far; for
 * cash, rounded by the store's cash rounding, as the domain settles it [TN3].
 */
export function amountDue(
  total: Minor,
  tenders: readonly PaymentTender[],
  method: PaymentMethod,
  rounding: CashRounding = NO_CASH_ROUNDING,
): AmountDue {
  const remaining = Math.max(0, total - sumMinor(tenders.map((t) => t.amount)));
  if (method !== 'cash' || remaining === 0) return { remaining, due: remaining, rounding: 0 };
  const rounded = roundCash(remaining, rounding);
  return { remaining, due: rounded.due, rounding: rounded.adjustment };
}

/**
 * [PY2] A tender the cashier adds: taken when the domain's settlement takes
 * it; cash must cover the rounded amount due (`CASH_SHORT`); card, mobile and
 * points never pay more than is due (`TENDER_OVER`). `complete` says the
 * payment is whole with it.
 * [PY3] What the refusals say names the amount due after rounding.
 */
export function addPaymentTender(
  total: Minor,
  tenders: readonly PaymentTender[],
  tender: PaymentTender,
  rounding: CashRounding = NO_CASH_ROUNDING,
): Outcome<{ tenders: PaymentTender[]; complete: boolean; due: AmountDue }> {
  if (!Number.isSafeInteger(tender.amount) || tender.amount <= 0) {
    return refuse('AMOUNT_INVALID', 'Type an amount above zero');
  }
  const due = amountDue(total, tenders, tender.kind, rounding);
  const next = [...tenders, tender];
  const settled = settle(total, next, rounding);
  if (!settled.ok) {
    if (settled.code === 'TENDER_OVER') {
      return refuse('TENDER_OVER', `At most ${formatMinorPlain(due.due)} by ${tender.kind}`, {
        params: { amount: formatMinorPlain(due.due) },
      });
    }
    return refuse(settled.code, settled.message);
  }
  if (tender.kind === 'cash' && !settled.paid) {
    return refuse('CASH_SHORT', `Cash received is less than ${formatMinorPlain(due.due)}`, {
      params: { amount: formatMinorPlain(due.due) },
    });
  }
  return done({
    tenders: next,
    complete: settled.paid,
    due: amountDue(total, next, 'cash', rounding),
  });
}
