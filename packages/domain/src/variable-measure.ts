/**
 * In-store variable-measure barcodes (GS1 prefixes 20-29): an EAN-13 that
 * carries an item number and a price or a weight. The layout is set per chain.
 * See SPEC.md [VM1]-[VM4].
 */
import { gs1CheckDigit, parseGtin } from './barcode';
import { fail, type Result } from './errors';
import type { Minor } from './money';
import { scaleMinor } from './rounding';

export type VariableMeasureLayout = {
  /** Two-digit prefixes this layout reads, each 20-29, e.g. ['20', '21']. */
  prefixes: readonly string[];
  /** Digits of the item number after the prefix. */
  itemDigits: number;
  /** Digits of the embedded value, just before the final check digit. */
  valueDigits: number;
  /** `price`: the value is an amount in minor units; `weight`: grams. */
  valueKind: 'price' | 'weight';
  /** Digits between the item and the value that the layout ignores (e.g. a price check digit). */
  skipDigits?: number;
};

/** The common layout: 2 + 5-digit item + 5-digit price in fen + check digit. */
export const PRICE_LAYOUT_2_5_5: VariableMeasureLayout = {
  prefixes: ['20', '21', '22', '23', '24'],
  itemDigits: 5,
  valueDigits: 5,
  valueKind: 'price',
};

/** 2 + 5-digit item + 5-digit weight in grams + check digit. */
export const WEIGHT_LAYOUT_2_5_5: VariableMeasureLayout = {
  prefixes: ['25', '26', '27', '28', '29'],
  itemDigits: 5,
  valueDigits: 5,
  valueKind: 'weight',
};

export type VariableMeasureCode = {
  prefix: string;
  itemCode: string;
  /** The product's catalog GTIN (14 digits): the code with its value zeroed. */
  lookupGtin: string;
} & ({ valueKind: 'price'; price: Minor } | { valueKind: 'weight'; grams: number });

export type VariableMeasureError =
  'BARCODE_FORMAT' | 'BARCODE_CHECK_DIGIT' | 'NOT_VARIABLE_MEASURE' | 'LAYOUT_INVALID';

/** [VM1] A layout must fill exactly 13 digits and use prefixes 20-29. */
export function checkLayout(layout: VariableMeasureLayout): string | undefined {
  const skip = layout.skipDigits ?? 0;
  const digits = [layout.itemDigits, layout.valueDigits, skip];
  if (!digits.every((d) => Number.isSafeInteger(d) && d >= 0) || layout.valueDigits < 1) {
    return 'digit counts must be whole numbers and the value needs at least one digit';
  }
  if (2 + layout.itemDigits + skip + layout.valueDigits + 1 !== 13) {
    return `prefix 2 + item ${layout.itemDigits} + skip ${skip} + value ${layout.valueDigits} + check 1 must be 13 digits`;
  }
  if (layout.prefixes.length === 0 || !layout.prefixes.every((p) => /^2\d$/.test(p))) {
    return 'prefixes must be two digits from 20 to 29';
  }
  return undefined;
}

/**
 * [VM2] Reads a variable-measure code by the first layout whose prefix
 * matches. [VM3] A code that is not a valid EAN-13, or whose prefix no
 * layout reads, is a typed error; nothing throws.
 */
export function parseVariableMeasure(
  input: string,
  layouts: readonly VariableMeasureLayout[],
): Result<VariableMeasureCode, VariableMeasureError> {
  const gtin = parseGtin(input);
  if (!gtin.ok) return gtin;
  if (gtin.kind !== 'EAN-13') {
    return fail('NOT_VARIABLE_MEASURE', `"${input.trim()}" is not an in-store EAN-13 code`);
  }
  const code = gtin.gtin.slice(1);
  const prefix = code.slice(0, 2);
  const layout = layouts.find((l) => l.prefixes.includes(prefix));
  if (!layout) {
    return fail(
      'NOT_VARIABLE_MEASURE',
      `"${code}" has prefix ${prefix}, which no variable-measure layout reads`,
    );
  }
  const problem = checkLayout(layout);
  if (problem) return fail('LAYOUT_INVALID', `variable-measure layout for ${prefix}: ${problem}`);
  const itemCode = code.slice(2, 2 + layout.itemDigits);
  const valueStart = 12 - layout.valueDigits;
  const value = Number(code.slice(valueStart, 12));
  const body = code.slice(0, valueStart) + '0'.repeat(layout.valueDigits);
  const lookupGtin = (body + String(gs1CheckDigit(body))).padStart(14, '0');
  const base = { prefix, itemCode, lookupGtin };
  return layout.valueKind === 'price'
    ? { ok: true, ...base, valueKind: 'price', price: value }
    : { ok: true, ...base, valueKind: 'weight', grams: value };
}

/** Builds a variable-measure code (for labels, tests and the demo scale). */
export function makeVariableMeasure(
  layout: VariableMeasureLayout,
  prefix: string,
  itemCode: string,
  value: number,
): string {
  const problem = checkLayout(layout);
  if (problem) throw new RangeError(problem);
  const item = itemCode.padStart(layout.itemDigits, '0');
  const text = String(value).padStart(layout.valueDigits, '0');
  if (!/^\d+$/.test(item) || item.length !== layout.itemDigits) {
    throw new RangeError(`item code must be at most ${layout.itemDigits} digits`);
  }
  if (!Number.isSafeInteger(value) || value < 0 || text.length !== layout.valueDigits) {
    throw new RangeError(`value must fit ${layout.valueDigits} digits`);
  }
  const body = prefix + item + '0'.repeat(layout.skipDigits ?? 0) + text;
  return body + String(gs1CheckDigit(body));
}

/** [VM4] The amount for a weighed item: price per kg × grams / 1000, rounded half-up to the fen. */
export function priceForWeight(pricePerKg: Minor, grams: number): Minor {
  return scaleMinor(pricePerKg, grams, 1000, 'half-up');
}
