/**
 * Paying: cash with change, bank card and mobile-pay QR as external
 * references, points, and any split of them. Cash rounding (抹零) touches
 * only an amount that cash completes. See SPEC.md [TN1]-[TN5].
 */
import { describeValue, fail, type Result } from './errors';
import { sumMinor, type Minor } from './money';
import { roundCash, type CashRounding, NO_CASH_ROUNDING } from './rounding';

export type PaymentTender =
  | { kind: 'cash'; amount: Minor }
  | { kind: 'card'; amount: Minor; reference: string }
  | { kind: 'mobile'; amount: Minor; reference: string; provider: 'alipay' | 'wechat' | 'unionpay' }
  | { kind: 'points'; amount: Minor; points: number };

export type TenderError = 'TENDER_INVALID' | 'TENDER_OVER' | 'TOTAL_INVALID';

export type Settlement = {
  /** The cart total before cash rounding. */
  total: Minor;
  /** Cash rounding applied (rounded − unrounded); 0 unless cash completed the payment. */
  rounding: Minor;
  /** What the customer owes: total + rounding. */
  due: Minor;
  tendered: Minor;
  /** Given back in cash. */
  change: Minor;
  /** Still to pay; 0 when paid. */
  remaining: Minor;
  paid: boolean;
};

const isAmount = (n: unknown): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

/**
 * [TN1] Every tender is a positive whole amount; card and mobile tenders carry
 * their external reference; points tenders their points.
 * [TN2] Card, mobile and points never exceed what is due: only cash gives change.
 * [TN3] Cash rounding applies only when cash completes the payment, on what is
 * left after the other tenders; never on an electronic payment.
 * [TN4] change = cash − cash due, never more than the cash given.
 * [TN5] Short: `remaining` says how much is still to pay and `paid` is false.
 */
export function settle(
  total: Minor,
  tenders: readonly PaymentTender[],
  rounding: CashRounding = NO_CASH_ROUNDING,
): Result<Settlement, TenderError> {
  if (!Number.isSafeInteger(total) || total < 0) {
    return fail(
      'TOTAL_INVALID',
      `the total must be a whole amount >= 0, got ${describeValue(total)}`,
    );
  }
  for (const [i, t] of tenders.entries()) {
    if (!isAmount(t.amount)) {
      return fail('TENDER_INVALID', `tender ${i + 1} must be a positive whole amount`);
    }
    if ((t.kind === 'card' || t.kind === 'mobile') && !/^\S.{0,63}$/.test(t.reference)) {
      return fail('TENDER_INVALID', `tender ${i + 1} (${t.kind}) needs its payment reference`);
    }
    if (t.kind === 'points' && !isAmount(t.points)) {
      return fail('TENDER_INVALID', `tender ${i + 1} must redeem a positive number of points`);
    }
  }
  const cash = sumMinor(tenders.filter((t) => t.kind === 'cash').map((t) => t.amount));
  const other = sumMinor(tenders.filter((t) => t.kind !== 'cash').map((t) => t.amount));
  if (other > total) {
    return fail(
      'TENDER_OVER',
      'card, mobile and points payments cannot exceed the amount due (no change on them)',
    );
  }
  const left = total - other;
  const rounded = cash > 0 ? roundCash(left, rounding) : { due: left, adjustment: 0 };
  const completes = cash > 0 && cash >= rounded.due;
  const cashDue = completes ? rounded.due : left;
  const adjustment = completes ? rounded.adjustment : 0;
  return {
    ok: true,
    total,
    rounding: adjustment,
    due: total + adjustment,
    tendered: cash + other,
    change: completes ? cash - cashDue : 0,
    remaining: completes ? 0 : cashDue - cash,
    paid: completes || cashDue - cash === 0,
  };
}
