/**
 * Money is an integer count of minor units (fen for CNY). Never a float.
 * [M1] every amount is a safe integer; [M2] arithmetic stays in integers.
 */
import { describeValue } from './errors';

export type Minor = number;

export class MoneyError extends Error {
  readonly code = 'MONEY_INVALID';
}

/** [M1] Accepts only safe integers as minor-unit amounts. */
export function assertMinor(value: unknown, what = 'amount'): Minor {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new MoneyError(
      `${what} must be a whole number of minor units, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** [M2] Unit price times an integer quantity, checked for overflow. */
export function multiplyMinor(unit: Minor, quantity: number): Minor {
  assertMinor(unit, 'unit price');
  if (!Number.isSafeInteger(quantity))
    throw new MoneyError(`quantity must be whole, got ${quantity}`);
  return assertMinor(unit * quantity, 'line amount');
}

export function sumMinor(amounts: readonly Minor[]): Minor {
  let total = 0;
  for (const a of amounts) total = assertMinor(total + assertMinor(a));
  return total;
}

/** [M3] Formats for people with Intl; the amount itself never passes through a float division. */
export function formatMoney(amount: Minor, currency = 'CNY', locale = 'zh-CN'): string {
  assertMinor(amount);
  const digits =
    new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  const negative = amount < 0;
  const abs = Math.abs(amount)
    .toString()
    .padStart(digits + 1, '0');
  const major = abs.slice(0, abs.length - digits);
  const minor = abs.slice(abs.length - digits);
  // Intl formats the decimal string exactly (no binary float on the way).
  const text = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(`${negative ? '-' : ''}${major}${digits ? '.' + minor : ''}` as unknown as number);
  return text;
}

/** Plain "12.50" style used on receipts, independent of locale. */
export function formatMinorPlain(amount: Minor, digits = 2): string {
  assertMinor(amount);
  const negative = amount < 0;
  const abs = Math.abs(amount)
    .toString()
    .padStart(digits + 1, '0');
  const text = digits ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs;
  return negative ? `-${text}` : text;
}

/** Parses a decimal string typed by a person ("12.5", "12") into minor units. */
export function parseMinor(text: string, digits = 2): Minor {
  const match = /^\s*(\d{1,13})(?:\.(\d*))?\s*$/.exec(text);
  if (!match) throw new MoneyError(`"${text}" is not an amount`);
  const fraction = match[2] ?? '';
  if (fraction.length > digits) throw new MoneyError(`"${text}" has more than ${digits} decimals`);
  return assertMinor(Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0'));
}
