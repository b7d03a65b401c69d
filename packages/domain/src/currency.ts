/**
 * Currencies the domain prices in, with their minor-unit digits (ISO 4217).
 * See SPEC.md [M4].
 */
import { describeValue, fail, type Result } from './errors';

export const CURRENCY_DIGITS: Readonly<Record<string, number>> = {
  CNY: 2,
  HKD: 2,
  MOP: 2,
  TWD: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  SGD: 2,
  AUD: 2,
  CAD: 2,
  JPY: 0,
  KRW: 0,
};

export type CurrencyResult = Result<{ currency: string; digits: number }, 'CURRENCY_UNKNOWN'>;

/** [M4] A currency the domain knows, with its minor-unit digits; anything else is a typed error. */
export function parseCurrency(code: unknown): CurrencyResult {
  const digits =
    typeof code === 'string' && Object.hasOwn(CURRENCY_DIGITS, code)
      ? CURRENCY_DIGITS[code]
      : undefined;
  if (typeof code !== 'string' || digits === undefined) {
    return fail(
      'CURRENCY_UNKNOWN',
      `"${describeValue(code)}" is not a supported currency (use one of ${Object.keys(CURRENCY_DIGITS).join(', ')})`,
    );
  }
  return { ok: true, currency: code, digits };
}
