/**
 * Members and points: one member id across channels, found by phone number
 * or member QR; earning by tier and category; redemption as a tender; a
 * ledger whose balance is the fold of its entries. See SPEC.md [MP1]-[MP6].
 */
import { parseMemberQr, type CodeKey } from './codes';
import { fail, type Result } from './errors';
import { sumMinor, type Minor } from './money';
import { divideRounded, percentOf, type BasisPoints } from './rounding';

/**
 * A member as every device and the server's document store hold them
 * (server-owned, flows down): masked display fields and blind indexes, never
 * the name or phone in plaintext ([PI1]). The personal data itself is kept
 * encrypted on the server (`MemberRecord` in member-privacy.ts).
 */
export type Member = {
  id: string;
  /** [PV1] e.g. `张*`. */
  maskedName: string;
  /** [PV2] e.g. `138****8001`. */
  maskedPhone: string;
  /** [PI2] The phone's blind index under the chain's index key; absent once erased. */
  phoneIndex?: string;
  /** [PI3] The keyed digest of the phone's last four digits; absent once erased. */
  phoneTailIndex?: string;
  /** The index key both indexes were made with. */
  indexKeyId?: string;
  tier: string;
  /** The store the member signed up at; a terminal keeps its own store's members. */
  homeStoreId: string;
  /** Point balance: the server's fold of the member's point entries ([MP5]); flows down. */
  points: number;
  /** [PI5] `erased`: deleted at the member's request; only the id and home store remain. */
  status: 'active' | 'closed' | 'erased';
};

/** [MP1] A mainland China mobile number from what a person typed: spaces, dashes and +86 allowed. */
export function normalisePhone(input: unknown): Result<{ phone: string }, 'PHONE_INVALID'> {
  if (typeof input !== 'string' || input.length > 40) {
    return fail('PHONE_INVALID', 'not a phone number');
  }
  const digits = input.replace(/[\s()-]/g, '').replace(/^(?:\+86|0086)/, '');
  if (!/^1[3-9]\d{9}$/.test(digits)) {
    return fail(
      'PHONE_INVALID',
      `"${input.trim()}" is not a mobile number (11 digits starting with 1)`,
    );
  }
  return { ok: true, phone: digits };
}

export type MemberLookup = { by: 'phone'; phone: string } | { by: 'id'; memberId: string };

/**
 * [MP1] What the cashier typed or scanned, as a lookup: a member QR (signed,
 * unexpired) gives the member id, a mobile number gives the phone. Never throws.
 */
export function memberLookup(
  input: unknown,
  keys: readonly CodeKey[],
  now: string,
): Result<MemberLookup, 'MEMBER_NOT_RECOGNISED' | 'CODE_EXPIRED' | 'CODE_SIGNATURE'> {
  const phone = normalisePhone(input);
  if (phone.ok) return { ok: true, by: 'phone', phone: phone.phone };
  const qr = parseMemberQr(input, keys, now);
  if (qr.ok) return { ok: true, by: 'id', memberId: qr.memberId };
  if (qr.code === 'CODE_EXPIRED' || qr.code === 'CODE_SIGNATURE') return fail(qr.code, qr.message);
  return fail('MEMBER_NOT_RECOGNISED', 'scan the member QR code or type a mobile number');
}

/** Earn `points` per `per` minor units of net spend; a rule with a category beats one without. */
export type EarnRule = { tier: string; category?: string; points: number; per: Minor };

/**
 * [MP2] Points earned per line: floor(net × points / per) by the most specific
 * rule for the member's tier and the line's category; no rule, no points.
 */
export function earnPoints(
  lines: readonly { category: string; net: Minor }[],
  tier: string,
  rules: readonly EarnRule[],
): { perLine: number[]; total: number } {
  const perLine = lines.map((line) => {
    const rule =
      rules.find((r) => r.tier === tier && r.category === line.category) ??
      rules.find((r) => r.tier === tier && r.category === undefined);
    if (!rule || line.net <= 0 || rule.per <= 0) return 0;
    return Number(divideRounded(BigInt(line.net) * BigInt(rule.points), BigInt(rule.per), 'floor'));
  });
  return { perLine, total: sumMinor(perLine) };
}

export type RedemptionRule = {
  /** `pointsPerStep` points are worth `stepValue` minor units (100 points = 100 fen). */
  pointsPerStep: number;
  stepValue: Minor;
  /** Fewest points redeemable at once. */
  minPoints: number;
  /** Largest share of the amount due that points may pay. */
  maxShareBp: BasisPoints;
};

export type PointsError =
  'POINTS_INVALID' | 'POINTS_BELOW_MINIMUM' | 'POINTS_INSUFFICIENT' | 'POINTS_OVER_LIMIT';

/**
 * [MP3] Redeeming points as a tender: whole steps only, at least the minimum,
 * no more than the balance, and worth no more than the allowed share of what
 * is due.
 */
export function redeemPoints(
  points: number,
  balance: number,
  due: Minor,
  rule: RedemptionRule,
): Result<{ tender: { kind: 'points'; amount: Minor; points: number } }, PointsError> {
  if (!Number.isSafeInteger(points) || points <= 0 || points % rule.pointsPerStep !== 0) {
    return fail('POINTS_INVALID', `redeem a positive multiple of ${rule.pointsPerStep} points`);
  }
  if (points < rule.minPoints) {
    return fail('POINTS_BELOW_MINIMUM', `redeem at least ${rule.minPoints} points`);
  }
  if (points > balance) return fail('POINTS_INSUFFICIENT', `the member has only ${balance} points`);
  const amount = (points / rule.pointsPerStep) * rule.stepValue;
  const limit = percentOf(due, rule.maxShareBp, 'floor');
  if (amount > limit) {
    return fail('POINTS_OVER_LIMIT', `points can pay at most ${limit} of this sale`);
  }
  return { ok: true, tender: { kind: 'points', amount, points } };
}

/** An immutable ledger fact. Signs: earn and reverse-redeem add, redeem and reverse-earn subtract. */
export type PointEntry = {
  /** `${factId}:${kind}` or another id minted by the caller; unique. */
  id: string;
  memberId: string;
  kind: 'earn' | 'redeem' | 'reverse-earn' | 'reverse-redeem' | 'adjust';
  /** Signed change to the balance. */
  points: number;
  /** The sale or return that caused it. */
  factId: string;
  at: string;
};

/** [MP4] An entry's sign matches its kind: earn/reverse-redeem > 0, redeem/reverse-earn < 0. */
export function pointEntryProblems(entry: PointEntry): string[] {
  const p = entry.points;
  if (!Number.isSafeInteger(p) || p === 0) return ['points must be a non-zero whole number'];
  const positive = entry.kind === 'earn' || entry.kind === 'reverse-redeem';
  const negative = entry.kind === 'redeem' || entry.kind === 'reverse-earn';
  if ((positive && p < 0) || (negative && p > 0))
    return [`a ${entry.kind} entry has the wrong sign`];
  return [];
}

/**
 * [MP5] A member's balance is the fold of their entries; duplicates (same id,
 * e.g. a replayed push) count once, so the order and repetition of delivery
 * never change it.
 */
export function pointsBalance(entries: readonly PointEntry[], memberId: string): number {
  const seen = new Set<string>();
  let balance = 0;
  for (const e of entries) {
    if (e.memberId !== memberId || seen.has(e.id)) continue;
    seen.add(e.id);
    balance += e.points;
  }
  return balance;
}

/** [MP6] The entries a sale writes: what the member earned and what they redeemed. */
export function pointEntriesForSale(sale: {
  id: string;
  memberId: string;
  at: string;
  earned: number;
  redeemed: number;
}): PointEntry[] {
  const base = { memberId: sale.memberId, factId: sale.id, at: sale.at };
  const out: PointEntry[] = [];
  if (sale.redeemed > 0)
    out.push({ ...base, id: `${sale.id}:redeem`, kind: 'redeem', points: -sale.redeemed });
  if (sale.earned > 0)
    out.push({ ...base, id: `${sale.id}:earn`, kind: 'earn', points: sale.earned });
  return out;
}
