/**
 * The chain's points programme as the server holds it, and what a stored
 * sale earns under it: the server's own derivation, so a sale's claimed
 * points never create value that no rule justifies. See SPEC.md [MP7]-[MP9].
 */
import { allocateByLargestRemainder, divideRounded } from './rounding';
import { earnPoints, type EarnRule, type RedemptionRule } from './points';
import type { SaleFact } from './sale-fact';

/** [MP7] The chain's earn rules (and redemption rule), set by HQ on the server. */
export type PointsProgramme = {
  earnRules: EarnRule[];
  redemption?: RedemptionRule;
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
const MAX_RULES = 1000;

function isWhole(v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Names of `v`'s own keys that are not in `allowed`. */
function unknownKeys(v: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(v).filter((k) => !allowed.includes(k));
}

/**
 * [MP7] Why `value` is not a points programme, or an empty list: an object
 * `{earnRules, redemption?}` and nothing else; each earn rule names a tier
 * (and optionally a category), whole points ≥ 0 per whole `per` > 0 minor
 * units, at most one rule per tier and category; the redemption rule has
 * whole positive steps, a minimum ≥ 0 and a share from 0 to 10 000 basis
 * points. Lists every problem; never throws.
 */
export function pointsProgrammeProblems(value: unknown): string[] {
  if (!isRecord(value)) return ['a points programme is an object {earnRules, redemption?}'];
  const out: string[] = unknownKeys(value, ['earnRules', 'redemption']).map(
    (k) => `unknown field ${JSON.stringify(k.slice(0, 64))}`,
  );
  const rules = value['earnRules'];
  if (!Array.isArray(rules)) {
    out.push('earnRules must be a list of rules');
  } else if (rules.length > MAX_RULES) {
    out.push(`earnRules: at most ${MAX_RULES} rules`);
  } else {
    const seen = new Set<string>();
    rules.forEach((rule: unknown, i) => {
      const at = `earnRules[${i}]`;
      if (!isRecord(rule)) {
        out.push(`${at} must be an object {tier, category?, points, per}`);
        return;
      }
      for (const k of unknownKeys(rule, ['tier', 'category', 'points', 'per'])) {
        out.push(`${at}: unknown field ${JSON.stringify(k.slice(0, 64))}`);
      }
      const { tier, category, points, per } = rule;
      if (typeof tier !== 'string' || !NAME.test(tier)) out.push(`${at}.tier must be a tier name`);
      if (category !== undefined && (typeof category !== 'string' || !NAME.test(category))) {
        out.push(`${at}.category must be a category name when given`);
      }
      if (!isWhole(points, 0, 1_000_000)) {
        out.push(`${at}.points must be a whole number from 0 to 1000000`);
      }
      if (!isWhole(per, 1, 1_000_000_000)) {
        out.push(`${at}.per must be a whole number of minor units from 1 to 1000000000`);
      }
      const key = JSON.stringify([tier, category ?? null]);
      if (seen.has(key)) out.push(`${at} repeats the rule for its tier and category`);
      seen.add(key);
    });
  }
  const redemption = value['redemption'];
  if (redemption !== undefined) {
    if (!isRecord(redemption)) {
      out.push('redemption must be an object {pointsPerStep, stepValue, minPoints, maxShareBp}');
    } else {
      const fields = ['pointsPerStep', 'stepValue', 'minPoints', 'maxShareBp'];
      for (const k of unknownKeys(redemption, fields)) {
        out.push(`redemption: unknown field ${JSON.stringify(k.slice(0, 64))}`);
      }
      if (!isWhole(redemption['pointsPerStep'], 1, 1_000_000_000)) {
        out.push('redemption.pointsPerStep must be a whole number ≥ 1');
      }
      if (!isWhole(redemption['stepValue'], 1, 1_000_000_000)) {
        out.push('redemption.stepValue must be a whole number of minor units ≥ 1');
      }
      if (!isWhole(redemption['minPoints'], 0)) {
        out.push('redemption.minPoints must be a whole number ≥ 0');
      }
      if (!isWhole(redemption['maxShareBp'], 0, 10_000)) {
        out.push('redemption.maxShareBp must be a whole number of basis points from 0 to 10000');
      }
    }
  }
  return out;
}

/**
 * [MP8] [CK10] The lines a sale earns on, as the checkout weighs them: each
 * line's `paid` less its share of the points tender (largest remainder over
 * the lines' paid), by the category `categoryOf` gives for its SKU (the
 * server's catalog), else the category on the line.
 */
export function saleEarnLines(
  sale: Pick<SaleFact, 'lines' | 'tenders'>,
  categoryOf: (sku: string) => string | undefined = () => undefined,
): { category: string; net: number }[] {
  const paid = sale.lines.map((l) => l.paid);
  const pointsValue = sale.tenders.reduce(
    (sum, t) => sum + (t.kind === 'points' ? t.amount : 0),
    0,
  );
  const paidSum = paid.reduce((a, p) => a + p, 0);
  const shares = allocateByLargestRemainder(
    Math.min(pointsValue, paidSum),
    paid.map((p) => Math.max(0, p)),
  );
  return sale.lines.map((l, i) => ({
    category: categoryOf(l.sku) ?? l.category,
    net: (paid[i] ?? 0) - (shares[i] ?? 0),
  }));
}

/**
 * [MP8] The points a stored sale earns for a member of `tier` under `rules`:
 * [MP2] over [saleEarnLines]. The same figure the checkout computed with the
 * same rules, tier and catalog. Never throws: a sale whose figures cannot be
 * weighed (beyond safe whole numbers) earns nothing.
 */
export function earnedBySale(
  sale: Pick<SaleFact, 'lines' | 'tenders'>,
  tier: string,
  rules: readonly EarnRule[],
  categoryOf?: (sku: string) => string | undefined,
): number {
  try {
    const total = earnPoints(saleEarnLines(sale, categoryOf), tier, rules).total;
    return Number.isSafeInteger(total) && total > 0 ? total : 0;
  } catch {
    return 0;
  }
}

/**
 * [MP9] The points a sale credits: what the rules derive, never more than
 * the sale claims (its receipt told the customer so, and its returns reverse
 * from that figure), and nothing when it claims none.
 */
export function creditedEarn(claimed: number, derived: number): number {
  if (!Number.isSafeInteger(claimed) || claimed <= 0) return 0;
  return Math.max(0, Math.min(claimed, derived));
}

/**
 * [MP9] How many of the credited points a return reverses: its claimed
 * reversal scaled by credited / claimed, cumulatively floored over the
 * sale's returns, so the returns together never reverse more than was
 * credited and a full return reverses exactly that. When the sale was
 * credited what it claimed, it is the return's own figure.
 */
export function creditedReversal(
  sale: { claimed: number; credited: number },
  reversedBefore: number,
  reversedNow: number,
): number {
  const { claimed, credited } = sale;
  if (claimed <= 0 || credited <= 0 || reversedNow <= 0) return 0;
  if (credited >= claimed) return reversedNow;
  const upTo = (n: number) =>
    Number(
      divideRounded(BigInt(Math.min(n, claimed)) * BigInt(credited), BigInt(claimed), 'floor'),
    );
  return Math.max(0, upTo(reversedBefore + reversedNow) - upTo(reversedBefore));
}
