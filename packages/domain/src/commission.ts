/**
 * Clerk credit and commission. Each line a clerk sells (on the tablet, or at
 * a till from the tablet's take-now code) is credited to one or more staff
 * with shares; commission comes from the chain's rule table (by product,
 * brand or category). The commission a line owes is kept as a ledger of
 * entries per staff member, and every change (the sale, a refund, a
 * supervisor's credit edit) adds the difference between what the line owes
 * now and what its entries hold, so the entries always sum exactly to the
 * line's due, and a full refund leaves every staff member at zero.
 * Pure: money in integer fen, shares in basis points. See SPEC.md [CM1]-[CM9].
 */
import { fail, type Result } from './errors';
import type { Minor } from './money';
import { allocateByLargestRemainder, percentOf, type BasisPoints } from './rounding';
import type { SchemaProblem } from './validate';

/** [CM1] A whole line is 10,000 basis points of credit. */
export const FULL_SHARE = 10_000;
/** [CM1] At most this many staff share one line. */
export const MAX_CREDITED_STAFF = 5;

/** [CM1] One staff member's share of a line, in basis points (1-10,000). */
export type LineCredit = { staffId: string; share: BasisPoints };

const STAFF_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * [CM1] Problems of a line's credits: 1 to 5 entries, each a well-formed
 * staff id named once, whole shares above zero that sum to exactly 10,000.
 * Never throws.
 */
export function creditProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['credits must be a list of { staffId, share }'];
  if (value.length === 0) return ['a line is credited to at least one staff member'];
  if (value.length > MAX_CREDITED_STAFF) {
    return [`a line is credited to at most ${MAX_CREDITED_STAFF} staff members`];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  let sum = 0;
  value.forEach((credit: unknown, i) => {
    if (typeof credit !== 'object' || credit === null) {
      problems.push(`credits[${i}] must be { staffId, share }`);
      return;
    }
    const { staffId, share } = credit as Record<string, unknown>;
    if (typeof staffId !== 'string' || !STAFF_ID.test(staffId)) {
      problems.push(`credits[${i}].staffId is not a staff id`);
    } else if (seen.has(staffId)) {
      problems.push(`${staffId} is credited twice on one line`);
    } else seen.add(staffId);
    if (!Number.isSafeInteger(share) || (share as number) <= 0 || (share as number) > FULL_SHARE) {
      problems.push(`credits[${i}].share must be a whole number of basis points from 1 to 10000`);
    } else sum += share as number;
  });
  if (problems.length === 0 && sum !== FULL_SHARE) {
    problems.push(`the shares add up to ${sum} basis points, not 10000 (100 %)`);
  }
  return problems;
}

/** [CM2] The default credit: the whole line to the signed-in clerk. */
export function defaultCredits(staffId: string): LineCredit[] {
  return [{ staffId, share: FULL_SHARE }];
}

/**
 * [CM2] Shares split evenly among staff (the first ones take the leftover
 * basis points), for a clerk who says "we sold it together".
 */
export function evenCredits(staffIds: readonly string[]): LineCredit[] {
  const shares = allocateByLargestRemainder(
    FULL_SHARE,
    staffIds.map(() => 1),
  );
  return staffIds.map((staffId, i) => ({ staffId, share: shares[i]! }));
}

/** [CM3] What a rule applies to. */
export type CommissionMatch =
  { sku: string } | { brand: string } | { category: string } | { all: true };

/** [CM3] One row of the chain's commission table. */
export type CommissionRule = {
  id: string;
  match: CommissionMatch;
  /** Commission as basis points of the line's net (0-10,000). */
  rate: BasisPoints;
  /** Inclusive start, ISO time; absent: always. */
  from?: string;
  /** Exclusive end, ISO time; absent: no end. */
  until?: string;
};

/** [CM3] The chain's commission table: a `chain` document of kind `commissionRules`. */
export type CommissionRules = {
  id: 'commissionRules';
  kind: 'commissionRules';
  rules: CommissionRule[];
  updatedAt?: string;
};

export const COMMISSION_RULES_ID = 'commissionRules';

/** [CM3] Problems of a commission table document. Never throws. */
export function commissionRulesProblems(value: unknown): SchemaProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '$', message: 'must be an object' }];
  }
  const doc = value as Record<string, unknown>;
  const problems: SchemaProblem[] = [];
  if (doc.id !== COMMISSION_RULES_ID) {
    problems.push({ path: '$.id', message: `must be "${COMMISSION_RULES_ID}"` });
  }
  if (doc.kind !== 'commissionRules') {
    problems.push({ path: '$.kind', message: 'must be "commissionRules"' });
  }
  if (!Array.isArray(doc.rules) || doc.rules.length > 10_000) {
    problems.push({ path: '$.rules', message: 'must be a list of at most 10000 rules' });
    return problems;
  }
  const ids = new Set<string>();
  doc.rules.forEach((rule: unknown, i) => {
    for (const message of commissionRuleProblems(rule)) {
      problems.push({ path: `$.rules[${i}]`, message });
    }
    const ruleId = (rule as { id?: unknown } | null)?.id;
    if (typeof ruleId === 'string') {
      if (ids.has(ruleId)) problems.push({ path: `$.rules[${i}].id`, message: 'is used twice' });
      ids.add(ruleId);
    }
  });
  return problems;
}

/** [CM3] Problems of one rule. */
export function commissionRuleProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['a rule must be an object'];
  }
  const rule = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof rule.id !== 'string' || !STAFF_ID.test(rule.id)) problems.push('id is missing');
  if (
    !Number.isSafeInteger(rule.rate) ||
    (rule.rate as number) < 0 ||
    (rule.rate as number) > FULL_SHARE
  ) {
    problems.push('rate must be whole basis points from 0 to 10000');
  }
  const match = rule.match as Record<string, unknown> | null | undefined;
  const keys = match && typeof match === 'object' ? Object.keys(match) : [];
  const one =
    keys.length === 1 &&
    ((keys[0] === 'all' && match!.all === true) ||
      (['sku', 'brand', 'category'].includes(keys[0]!) &&
        typeof match![keys[0]!] === 'string' &&
        (match![keys[0]!] as string).length > 0 &&
        (match![keys[0]!] as string).length <= 200));
  if (!one) problems.push('match must be one of { sku }, { brand }, { category } or { all: true }');
  for (const field of ['from', 'until'] as const) {
    const value = rule[field];
    if (value !== undefined && (typeof value !== 'string' || !Number.isFinite(Date.parse(value)))) {
      problems.push(`${field} must be an ISO time`);
    }
  }
  if (
    typeof rule.from === 'string' &&
    typeof rule.until === 'string' &&
    Date.parse(rule.from) >= Date.parse(rule.until)
  ) {
    problems.push('from must be before until');
  }
  return problems;
}

/** The product facts a rule is matched on. */
export type CommissionProduct = { sku: string; brand?: string; category: string };

const LEVEL = (match: CommissionMatch, product: CommissionProduct): number => {
  if ('sku' in match) return match.sku === product.sku ? 4 : 0;
  if ('brand' in match) return product.brand !== undefined && match.brand === product.brand ? 3 : 0;
  if ('category' in match) return match.category === product.category ? 2 : 0;
  return 1;
};

/**
 * [CM4] The rule that sets a line's commission at `at`: of the rules in force
 * then, the most specific (product, then brand, then category, then all);
 * among equals the one that started last, then the smaller id. Null: no
 * rule, no commission.
 */
export function ruleFor(
  product: CommissionProduct,
  rules: readonly CommissionRule[],
  at: string,
): CommissionRule | null {
  const when = Date.parse(at);
  let best: { rule: CommissionRule; level: number; from: number } | null = null;
  for (const rule of rules) {
    const level = LEVEL(rule.match, product);
    if (level === 0) continue;
    const from = rule.from === undefined ? -Infinity : Date.parse(rule.from);
    const until = rule.until === undefined ? Infinity : Date.parse(rule.until);
    if (!(from <= when && when < until)) continue;
    if (
      !best ||
      level > best.level ||
      (level === best.level && from > best.from) ||
      (level === best.level && from === best.from && rule.id < best.rule.id)
    ) {
      best = { rule, level, from };
    }
  }
  return best?.rule ?? null;
}

/**
 * [CM5] A credited line as the ledger sees it: where it comes from (a sale
 * or an order), its product, what it sold for, who is credited, the rate
 * fixed when it was sold, and the two stores: the customer's attribution
 * store (where the clerk works) apart from the fulfilling store.
 */
export type CreditedLine = {
  /** `sale:<sale id>` or `order:<order id>`. */
  source: string;
  lineId: string;
  sku: string;
  /** The line's net when sold, fen. */
  net: Minor;
  /** [CM8] The credit now: the sale's, or the last credit edit's (the store keeps it current). */
  credits: LineCredit[];
  /** The rule's rate when sold (basis points), and its id; null: no rule matched. */
  rate: BasisPoints;
  ruleId: string | null;
  attributionStoreId: string;
  fulfilmentStoreId: string;
  soldAt: string;
};

/** [CM5] What each staff member is owed on a line: credited sales and commission, fen. */
export type StaffDue = { staffId: string; sales: Minor; commission: Minor };

/**
 * [CM5] What a line owes its staff with `remainingNet` of it still sold
 * (the net less what was refunded): the line's commission is `rate` of the
 * remaining net, rounded half up once; both the sales and the commission are
 * shared out by the credits' shares by the largest remainder, so each sums
 * exactly.
 */
export function lineDue(
  remainingNet: Minor,
  credits: readonly LineCredit[],
  rate: BasisPoints,
): StaffDue[] {
  const commission = percentOf(remainingNet, rate);
  const weights = credits.map((c) => c.share);
  const sales = allocateByLargestRemainder(remainingNet, weights);
  const due = allocateByLargestRemainder(commission, weights);
  return credits.map((c, i) => ({ staffId: c.staffId, sales: sales[i]!, commission: due[i]! }));
}

/** [CM6] Why an entry was written. */
export type CommissionReason = 'sale' | 'refund' | 'credit-edit';

/** [CM6] One entry of the commission ledger: a change of one staff member's due on one line. */
export type CommissionEntry = {
  /** `<source>:<lineId>:<event>:<staffId>`: the same event never writes twice. */
  id: string;
  staffId: string;
  source: string;
  lineId: string;
  sku: string;
  reason: CommissionReason;
  /** The event that caused it: the sale or order, a refund's id, an edit's id. */
  event: string;
  /** Change of credited sales, fen (negative for a refund). */
  sales: Minor;
  /** Change of commission, fen. */
  commission: Minor;
  rate: BasisPoints;
  ruleId: string | null;
  attributionStoreId: string;
  fulfilmentStoreId: string;
  /** When the event happened (a refund's time, an edit's time). */
  at: string;
};

/** [CM6] The sum of a line's entries per staff member. */
export function heldByStaff(
  entries: readonly Pick<CommissionEntry, 'staffId' | 'sales' | 'commission'>[],
): Map<string, { sales: Minor; commission: Minor }> {
  const held = new Map<string, { sales: Minor; commission: Minor }>();
  for (const e of entries) {
    const h = held.get(e.staffId) ?? { sales: 0, commission: 0 };
    held.set(e.staffId, { sales: h.sales + e.sales, commission: h.commission + e.commission });
  }
  return held;
}

/**
 * [CM6] The entries that bring a line's ledger from what `existing` holds to
 * `due`: one per staff member whose figures change (a staff member no
 * longer credited goes back to zero). Nothing changes: no entries.
 */
export function entriesToward(
  line: CreditedLine,
  existing: readonly CommissionEntry[],
  due: readonly StaffDue[],
  reason: CommissionReason,
  event: string,
  at: string,
): CommissionEntry[] {
  const held = heldByStaff(
    existing.filter((e) => e.source === line.source && e.lineId === line.lineId),
  );
  const staff = [...new Set([...held.keys(), ...due.map((d) => d.staffId)])].sort();
  const entries: CommissionEntry[] = [];
  for (const staffId of staff) {
    const now = held.get(staffId) ?? { sales: 0, commission: 0 };
    const target = due.find((d) => d.staffId === staffId) ?? { sales: 0, commission: 0 };
    const sales = target.sales - now.sales;
    const commission = target.commission - now.commission;
    if (sales === 0 && commission === 0) continue;
    entries.push({
      id: `${line.source}:${line.lineId}:${event}:${staffId}`,
      staffId,
      source: line.source,
      lineId: line.lineId,
      sku: line.sku,
      reason,
      event,
      sales,
      commission,
      rate: line.rate,
      ruleId: line.ruleId,
      attributionStoreId: line.attributionStoreId,
      fulfilmentStoreId: line.fulfilmentStoreId,
      at,
    });
  }
  return entries;
}

/** [CM6] The entries of a line's sale: its whole net, by its credits. */
export function saleEntries(line: CreditedLine): CommissionEntry[] {
  return entriesToward(
    line,
    [],
    lineDue(line.net, line.credits, line.rate),
    'sale',
    'sale',
    line.soldAt,
  );
}

/**
 * [CM7] The entries of a refund that leaves `remainingNet` of the line sold
 * (its net less every refund so far): the staff's dues shrink by the same
 * shares, so a line refunded in full leaves every staff member at zero.
 * `refundId` names the refund, so a replayed refund writes nothing new.
 */
export function refundEntries(
  line: CreditedLine,
  existing: readonly CommissionEntry[],
  remainingNet: Minor,
  refundId: string,
  at: string,
): Result<{ entries: CommissionEntry[] }, 'COMMISSION_REFUND_INVALID'> {
  if (!Number.isSafeInteger(remainingNet) || remainingNet < 0 || remainingNet > line.net) {
    return fail(
      'COMMISSION_REFUND_INVALID',
      `a refund must leave between 0 and ${line.net} of the line sold, not ${remainingNet}`,
    );
  }
  return {
    ok: true,
    entries: entriesToward(
      line,
      existing,
      lineDue(remainingNet, line.credits, line.rate),
      'refund',
      `refund-${refundId}`,
      at,
    ),
  };
}

/** [CM8] A supervisor's change of a line's credit after the sale: audited, never silent. */
export type CreditEdit = {
  /** Made on the device: `<deviceId>-<ulid>`. */
  id: string;
  source: string;
  lineId: string;
  before: LineCredit[];
  after: LineCredit[];
  /** The supervisor who approved it. */
  approvedBy: string;
  /** The staff member who asked for it (may be the supervisor). */
  requestedBy: string;
  reason: string;
  at: string;
};

/**
 * [CM8] Applies a credit edit: refused unless the edit's `after` is valid
 * credit ([CM1]), its `before` is the line's credit now (no edit over a
 * stale screen), and a reason is given; else the entries that move the
 * line's remaining sales and commission to the new split. The line's total
 * never changes.
 */
export function creditEditEntries(
  line: CreditedLine,
  existing: readonly CommissionEntry[],
  remainingNet: Minor,
  edit: CreditEdit,
): Result<{ entries: CommissionEntry[] }, 'CREDIT_INVALID' | 'CREDIT_STALE' | 'CREDIT_NO_REASON'> {
  const problems = creditProblems(edit.after);
  if (problems.length > 0) return fail('CREDIT_INVALID', problems.join('; '));
  if (!sameCredits(edit.before, line.credits)) {
    return fail('CREDIT_STALE', 'the line’s credit changed since this edit was made; look again');
  }
  if (edit.reason.trim().length === 0)
    return fail('CREDIT_NO_REASON', 'say why the credit changes');
  return {
    ok: true,
    entries: entriesToward(
      line,
      existing,
      lineDue(remainingNet, edit.after, line.rate),
      'credit-edit',
      `edit-${edit.id}`,
      edit.at,
    ),
  };
}

/** [CM8] Two credit lists are the same split (order does not matter). */
export function sameCredits(a: readonly LineCredit[], b: readonly LineCredit[]): boolean {
  if (a.length !== b.length) return false;
  const key = (l: readonly LineCredit[]) =>
    [...l]
      .sort((x, y) => (x.staffId < y.staffId ? -1 : x.staffId > y.staffId ? 1 : 0))
      .map((c) => `${c.staffId}=${c.share}`)
      .join(',');
  return key(a) === key(b);
}

/** [CM9] One period of a clerk's figures. */
export type ClerkPeriod = { sales: Minor; commission: Minor; lines: number };

/**
 * [CM9] A clerk's own sales and commission for the day and the month of
 * `now` in the store's time zone (`utcOffsetMinutes`, e.g. 480 for China),
 * from the ledger's entries: entries count in the period of their `at`;
 * `lines` counts the distinct lines with a sale entry in the period.
 */
export function clerkSummary(
  entries: readonly CommissionEntry[],
  staffId: string,
  now: string,
  utcOffsetMinutes: number,
): { day: ClerkPeriod; month: ClerkPeriod } {
  const local = (iso: string) =>
    new Date(Date.parse(iso) + utcOffsetMinutes * 60_000).toISOString();
  const today = local(now).slice(0, 10);
  const month = today.slice(0, 7);
  const day: ClerkPeriod = { sales: 0, commission: 0, lines: 0 };
  const monthly: ClerkPeriod = { sales: 0, commission: 0, lines: 0 };
  const dayLines = new Set<string>();
  const monthLines = new Set<string>();
  for (const e of entries) {
    if (e.staffId !== staffId) continue;
    const at = local(e.at);
    if (at.slice(0, 7) !== month) continue;
    monthly.sales += e.sales;
    monthly.commission += e.commission;
    if (e.reason === 'sale') monthLines.add(`${e.source}:${e.lineId}`);
    if (at.slice(0, 10) === today) {
      day.sales += e.sales;
      day.commission += e.commission;
      if (e.reason === 'sale') dayLines.add(`${e.source}:${e.lineId}`);
    }
  }
  day.lines = dayLines.size;
  monthly.lines = monthLines.size;
  return { day, month: monthly };
}
