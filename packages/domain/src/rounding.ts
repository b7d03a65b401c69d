/**
 * Explicit integer rounding for money. Every ratio (tax, percent off, prorating)
 * is computed as an exact rational in BigInt and rounded once, by a named mode.
 * See SPEC.md [RD1]-[RD3].
 */
import { describeValue, DomainError } from './errors';
import { assertMinor, type Minor } from './money';

/**
 * - `half-up`: to nearest, halves away from zero (the receipt convention);
 * - `half-even`: to nearest, halves to the even neighbour;
 * - `floor`: toward minus infinity; `ceil`: toward plus infinity.
 */
export type RoundingMode = 'half-up' | 'half-even' | 'floor' | 'ceil';

function toBig(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value)) {
    throw new DomainError(
      'MONEY_INVALID',
      `${what} must be a safe integer, got ${describeValue(value)}`,
    );
  }
  return BigInt(value);
}

/** [RD1] numerator / denominator rounded by `mode`, exactly (BigInt). */
export function divideRounded(
  numerator: bigint,
  denominator: bigint,
  mode: RoundingMode = 'half-up',
): bigint {
  if (denominator === 0n) throw new DomainError('MONEY_INVALID', 'division by zero');
  if (denominator < 0n) return divideRounded(-numerator, -denominator, mode);
  const q = numerator / denominator; // truncates toward zero
  const r = numerator % denominator; // same sign as numerator
  if (r === 0n) return q;
  const floor = r < 0n ? q - 1n : q;
  const ceil = floor + 1n;
  switch (mode) {
    case 'floor':
      return floor;
    case 'ceil':
      return ceil;
    case 'half-up':
    case 'half-even': {
      const twice = 2n * (numerator - floor * denominator); // 2 × distance above floor
      if (twice < denominator) return floor;
      if (twice > denominator) return ceil;
      if (mode === 'half-even') return floor % 2n === 0n ? floor : ceil;
      return numerator < 0n ? floor : ceil; // away from zero
    }
  }
}

/**
 * The same rounding on safe integers, exact as long as |n| and d are safe
 * integers (the float quotient is only a first guess, corrected by the remainder).
 */
function divideRoundedSafe(n: number, d: number, mode: RoundingMode): number {
  let floor = Math.floor(n / d);
  let r = n - floor * d;
  if (r < 0) [floor, r] = [floor - 1, r + d];
  else if (r >= d) [floor, r] = [floor + 1, r - d];
  if (r === 0) return floor;
  switch (mode) {
    case 'floor':
      return floor;
    case 'ceil':
      return floor + 1;
    case 'half-up':
    case 'half-even':
      if (2 * r < d) return floor;
      if (2 * r > d) return floor + 1;
      if (mode === 'half-even') return floor % 2 === 0 ? floor : floor + 1;
      return n < 0 ? floor : floor + 1;
  }
}

/** [RD1] amount × numerator / denominator, rounded once; the result is a safe integer. */
export function scaleMinor(
  amount: Minor,
  numerator: number,
  denominator: number,
  mode: RoundingMode = 'half-up',
): Minor {
  const product = amount * numerator;
  if (
    Number.isSafeInteger(amount) &&
    Number.isSafeInteger(numerator) &&
    Number.isSafeInteger(denominator) &&
    denominator > 0 &&
    Number.isSafeInteger(product) &&
    Math.abs(product) <= Number.MAX_SAFE_INTEGER / 2
  ) {
    return divideRoundedSafe(product, denominator, mode) + 0; // + 0 turns -0 into 0
  }
  const result = divideRounded(
    toBig(amount, 'amount') * toBig(numerator, 'numerator'),
    toBig(denominator, 'denominator'),
    mode,
  );
  return assertMinor(Number(result), 'scaled amount');
}

/** Basis points: 10000 bp = 100 %. */
export type BasisPoints = number;

/** [RD1] `bp` basis points of `amount`, rounded once by `mode`. */
export function percentOf(amount: Minor, bp: BasisPoints, mode: RoundingMode = 'half-up'): Minor {
  return scaleMinor(amount, bp, 10_000, mode);
}

/**
 * [RD2] Splits `total` into parts proportional to `weights` by the largest
 * remainder method: every part is the floor of its exact share, and the
 * leftover units go to the largest remainders (earlier index first on ties).
 * The parts always sum exactly to `total`. Zero weights get zero, unless all
 * weights are zero, in which case the total is split evenly.
 */
export function allocateByLargestRemainder(total: Minor, weights: readonly number[]): Minor[] {
  assertMinor(total, 'total');
  if (weights.length === 0) {
    if (total === 0) return [];
    throw new DomainError('ALLOCATION_INVALID', 'cannot allocate an amount over no parts');
  }
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new DomainError('ALLOCATION_INVALID', `weights must be whole and >= 0, got ${w}`);
    }
  }
  if (total < 0) return allocateByLargestRemainder(-total, weights).map((p) => (p === 0 ? 0 : -p));
  const effective = weights.every((w) => w === 0) ? weights.map(() => 1) : weights;
  const weightSum = effective.reduce((a, w) => a + w, 0);
  if (total * weightSum <= Number.MAX_SAFE_INTEGER)
    return allocateSafe(total, effective, weightSum);
  const sum = effective.reduce((a, w) => a + BigInt(w), 0n);
  const big = BigInt(total);
  const parts: bigint[] = [];
  const remainders: { index: number; remainder: bigint }[] = [];
  let assigned = 0n;
  effective.forEach((w, index) => {
    const exact = big * BigInt(w);
    const part = exact / sum;
    parts.push(part);
    assigned += part;
    remainders.push({ index, remainder: exact % sum });
  });
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  let left = Number(big - assigned);
  for (const { index } of remainders) {
    if (left <= 0) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    left--;
  }
  return parts.map((p) => Number(p));
}

/** Largest remainder on safe integers: every total × weight is below 2^53, so it is exact. */
function allocateSafe(total: number, weights: readonly number[], sum: number): number[] {
  const parts = new Array<number>(weights.length);
  const remainders = new Array<number>(weights.length);
  let left = total;
  for (let i = 0; i < weights.length; i++) {
    const exact = total * weights[i]!;
    const part = Math.floor(exact / sum);
    const fixed = exact - part * sum < 0 ? part - 1 : exact - part * sum >= sum ? part + 1 : part;
    parts[i] = fixed;
    remainders[i] = exact - fixed * sum;
    left -= fixed;
  }
  if (left > 0) {
    const order = weights.map((_, i) => i);
    order.sort((a, b) => remainders[b]! - remainders[a]! || a - b);
    for (let k = 0; k < left; k++) parts[order[k]!]! += 1;
  }
  return parts;
}

export type CashRounding = {
  /** Round the cash amount due to a multiple of this many minor units: 10 (0.1 yuan) or 100 (1 yuan); 1 = off. */
  step: 1 | 10 | 100;
  /** 抹零 usually drops the odd fen: `floor`. `half-up` rounds to nearest. */
  mode: 'floor' | 'half-up';
};

export const NO_CASH_ROUNDING: CashRounding = { step: 1, mode: 'floor' };

/**
 * [RD3] Cash rounding (抹零) of an amount due in cash: returns the rounded
 * amount and the adjustment (rounded − due, usually ≤ 0). Never used for
 * electronic payments (see tender.ts [TN3]).
 */
export function roundCash(due: Minor, rounding: CashRounding): { due: Minor; adjustment: Minor } {
  assertMinor(due, 'amount due');
  const step = BigInt(rounding.step);
  const rounded = Number(divideRounded(BigInt(due), step, rounding.mode) * step);
  return { due: rounded, adjustment: rounded - due };
}
