/**
 * VAT per tax class. Price lists are tax-inclusive (China) or tax-exclusive;
 * the receipt shows the tax per class. See SPEC.md [T1]-[T4].
 */
import type { TaxClass } from './documents';
import { assertMinor, sumMinor, type Minor } from './money';
import { divideRounded, type BasisPoints } from './rounding';

/** [T1] China VAT rates in basis points. */
export const VAT_RATES_BP: Readonly<Record<TaxClass, BasisPoints>> = {
  VAT13: 1300,
  VAT9: 900,
  VAT6: 600,
  VAT0: 0,
};

export type PriceBasis = 'inclusive' | 'exclusive';

/** [T2] The tax contained in a tax-inclusive amount: gross × r / (1 + r), rounded half-up. */
export function taxContained(gross: Minor, rateBp: BasisPoints): Minor {
  assertMinor(gross, 'gross amount');
  return Number(divideRounded(BigInt(gross) * BigInt(rateBp), BigInt(10_000 + rateBp), 'half-up'));
}

/** [T3] The tax on a tax-exclusive amount: net × r, rounded half-up. */
export function taxOn(net: Minor, rateBp: BasisPoints): Minor {
  assertMinor(net, 'net amount');
  return Number(divideRounded(BigInt(net) * BigInt(rateBp), 10_000n, 'half-up'));
}

export type TaxLine = { taxClass: TaxClass; amount: Minor };

export type TaxBreakdown = {
  basis: PriceBasis;
  classes: { taxClass: TaxClass; rateBp: BasisPoints; net: Minor; tax: Minor; gross: Minor }[];
  net: Minor;
  tax: Minor;
  /** What the customer pays: equal to the sum of the amounts when inclusive. */
  gross: Minor;
};

/**
 * [T4] Tax per class, computed once on each class's total of (discounted)
 * line amounts, so per-class figures add up and each is rounded once. With an
 * inclusive basis gross is the sum of the amounts and tax is contained in it;
 * with an exclusive basis tax is added on top.
 */
export function taxBreakdown(
  lines: readonly TaxLine[],
  basis: PriceBasis = 'inclusive',
  rates: Readonly<Record<TaxClass, BasisPoints>> = VAT_RATES_BP,
): TaxBreakdown {
  const byClass = new Map<TaxClass, Minor>();
  for (const line of lines) {
    byClass.set(line.taxClass, sumMinor([byClass.get(line.taxClass) ?? 0, line.amount]));
  }
  const classes = [...byClass]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([taxClass, amount]) => {
      const rateBp = rates[taxClass];
      if (basis === 'inclusive') {
        const tax = taxContained(amount, rateBp);
        return { taxClass, rateBp, net: amount - tax, tax, gross: amount };
      }
      const tax = taxOn(amount, rateBp);
      return { taxClass, rateBp, net: amount, tax, gross: amount + tax };
    });
  return {
    basis,
    classes,
    net: sumMinor(classes.map((c) => c.net)),
    tax: sumMinor(classes.map((c) => c.tax)),
    gross: sumMinor(classes.map((c) => c.gross)),
  };
}
