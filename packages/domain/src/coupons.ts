/**
 * Coupons: one-time codes checked offline (check character and signature,
 * codes.ts), then the coupon's state, window, scope, minimum spend and which
 * promotions and coupons it combines with. See SPEC.md [CP1]-[CP5].
 */
import { spreadDiscount } from './adjustments';
import { parseCouponCode, type CodeError, type CodeKey } from './codes';
import { fail, type Result } from './errors';
import type { Minor } from './money';
import { isPromotionActive, isTargeted } from './promotion-engine';
import type { Channel, PricedCart, PricingContext, PromotionTarget } from './promotion-types';
import { percentOf, type BasisPoints } from './rounding';

/** Server-owned coupon state; flows down to devices. */
export type Coupon = {
  /** The id carried in the signed coupon code. */
  id: string;
  campaignId: string;
  name: string;
  /** `redeemed` once a sale used it (one-time codes); `void` when withdrawn. */
  status: 'issued' | 'redeemed' | 'void';
  benefit: { kind: 'amount'; amount: Minor } | { kind: 'percent'; bp: BasisPoints; cap?: Minor };
  /** Net spend on the coupon's items (after promotions) needed to use it. */
  minSpend: Minor;
  /** ISO instants: from inclusive, to exclusive. */
  validFrom: string;
  validTo: string;
  target: PromotionTarget;
  stores?: readonly string[];
  channels?: readonly Channel[];
  /** Only this member may use it. */
  memberId?: string;
  /**
   * Items already discounted by a promotion count for the coupon when it
   * combines with all promotions, with none, or with the listed ones.
   */
  combinesWith: {
    mode: 'all-promotions' | 'no-promotions' | 'listed';
    promotionIds?: readonly string[];
  };
  /** Whether another coupon may be used in the same sale. */
  combinesWithCoupons: boolean;
};

export type CouponError =
  | CodeError
  | 'COUPON_INVALID'
  | 'COUPON_UNKNOWN'
  | 'COUPON_USED'
  | 'COUPON_VOID'
  | 'COUPON_NOT_YET_VALID'
  | 'COUPON_EXPIRED'
  | 'COUPON_NOT_HERE'
  | 'COUPON_OTHER_MEMBER'
  | 'COUPON_ALREADY_IN_CART'
  | 'COUPON_NOT_COMBINABLE'
  | 'COUPON_NO_ITEMS'
  | 'COUPON_MIN_SPEND';

const isMinor = (n: unknown, min: number): boolean =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= min;

/** [CP4] Problems that make a coupon unusable; an empty list means it is well formed. */
export function couponProblems(coupon: Coupon): string[] {
  const out: string[] = [];
  const b = coupon.benefit;
  if (b.kind === 'amount' && !isMinor(b.amount, 1))
    out.push('amount must be a positive whole number');
  if (b.kind === 'percent' && !(isMinor(b.bp, 1) && b.bp <= 10_000)) out.push('bp must be 1-10000');
  if (b.kind === 'percent' && b.cap !== undefined && !isMinor(b.cap, 1))
    out.push('cap must be positive');
  if (!isMinor(coupon.minSpend, 0)) out.push('minSpend must be a whole number >= 0');
  if (!(Date.parse(coupon.validFrom) < Date.parse(coupon.validTo))) {
    out.push('validFrom must be an ISO time before validTo');
  }
  return out;
}

/**
 * [CP1] Reads a typed or scanned coupon code and finds its coupon: a typo, a
 * forgery or an unknown id is a typed error. [CP2] A redeemed or void coupon,
 * one outside its window, store, channel or member is refused. `usedOffline`
 * lists coupon ids this device has already used in sales not yet synced.
 */
export function checkCoupon(
  code: unknown,
  keys: readonly CodeKey[],
  findCoupon: (id: string) => Coupon | undefined,
  ctx: PricingContext & { memberId?: string | undefined; usedOffline?: ReadonlySet<string> },
): Result<{ coupon: Coupon }, CouponError> {
  const parsed = parseCouponCode(code, keys);
  if (!parsed.ok) return parsed;
  const coupon = findCoupon(parsed.couponId);
  if (!coupon) return fail('COUPON_UNKNOWN', `coupon ${parsed.couponId} is not known here yet`);
  if (coupon.status === 'redeemed' || ctx.usedOffline?.has(coupon.id)) {
    return fail('COUPON_USED', `coupon ${coupon.name} has already been used`);
  }
  if (coupon.status === 'void') return fail('COUPON_VOID', `coupon ${coupon.name} was withdrawn`);
  const now = Date.parse(ctx.now);
  if (!(now >= Date.parse(coupon.validFrom))) {
    return fail('COUPON_NOT_YET_VALID', `coupon ${coupon.name} is valid from ${coupon.validFrom}`);
  }
  if (!(now < Date.parse(coupon.validTo))) {
    return fail('COUPON_EXPIRED', `coupon ${coupon.name} expired at ${coupon.validTo}`);
  }
  const scope = {
    id: coupon.id,
    name: coupon.name,
    priority: 0,
    target: coupon.target,
    rule: { kind: 'percent-off' as const, bp: 1 },
    ...(coupon.stores ? { stores: coupon.stores } : {}),
    ...(coupon.channels ? { channels: coupon.channels } : {}),
  };
  if (!isPromotionActive(scope, ctx)) {
    return fail('COUPON_NOT_HERE', `coupon ${coupon.name} cannot be used in this store or channel`);
  }
  if (coupon.memberId !== undefined && coupon.memberId !== ctx.memberId) {
    return fail('COUPON_OTHER_MEMBER', `coupon ${coupon.name} belongs to another member`);
  }
  return { ok: true, coupon };
}

/** [CP3] Lines a coupon can discount: in scope, not overridden, and combinable with their promotions. */
export function couponLines(cart: PricedCart, coupon: Coupon): number[] {
  const out: number[] = [];
  cart.lines.forEach((line, i) => {
    if (line.noPromotions || line.net <= 0 || !isTargeted(coupon.target, line)) return;
    const promotions = line.adjustments.filter((a) => a.source === 'promotion');
    const { mode, promotionIds = [] } = coupon.combinesWith;
    const ok =
      mode === 'all-promotions' ||
      (mode === 'no-promotions'
        ? promotions.length === 0
        : promotions.every((a) => promotionIds.includes(a.id)));
    if (ok) out.push(i);
  });
  return out;
}

/**
 * [CP4] Applies checked coupons, in order, after the promotions: each needs
 * its minimum spend on its lines' net, takes its amount (or percent, capped)
 * off them by largest remainder, and never more than their net. [CP5] A coupon
 * that does not combine with other coupons is refused next to another.
 * Refused coupons are listed with why; the others still apply.
 */
export function applyCoupons(
  cart: PricedCart,
  coupons: readonly Coupon[],
): {
  cart: PricedCart;
  coupons: { id: string; name: string; amount: Minor }[];
  rejected: { id: string; code: CouponError; message: string }[];
} {
  const applied: { id: string; name: string; amount: Minor }[] = [];
  const rejected: { id: string; code: CouponError; message: string }[] = [];
  const reject = (coupon: Coupon, code: CouponError, message: string): void => {
    rejected.push({ id: coupon.id, code, message });
  };
  const accepted: Coupon[] = [];
  for (const coupon of coupons) {
    const problems = couponProblems(coupon);
    if (problems.length) {
      reject(
        coupon,
        'COUPON_INVALID',
        `coupon ${coupon.name} is malformed: ${problems.join('; ')}`,
      );
    } else if (accepted.some((c) => c.id === coupon.id)) {
      reject(coupon, 'COUPON_ALREADY_IN_CART', `coupon ${coupon.name} is already in this sale`);
    } else if (
      accepted.length > 0 &&
      (!coupon.combinesWithCoupons || accepted.some((c) => !c.combinesWithCoupons))
    ) {
      reject(
        coupon,
        'COUPON_NOT_COMBINABLE',
        `coupon ${coupon.name} cannot be used with another coupon`,
      );
    } else accepted.push(coupon);
  }
  let current = cart;
  for (const coupon of accepted) {
    const lines = couponLines(current, coupon);
    if (lines.length === 0) {
      reject(coupon, 'COUPON_NO_ITEMS', `nothing in the cart can use coupon ${coupon.name}`);
      continue;
    }
    const spend = lines.reduce((s, i) => s + (current.lines[i]?.net ?? 0), 0);
    if (spend < coupon.minSpend) {
      reject(
        coupon,
        'COUPON_MIN_SPEND',
        `coupon ${coupon.name} needs a spend of ${coupon.minSpend} on its items, got ${spend}`,
      );
      continue;
    }
    const b = coupon.benefit;
    const wanted =
      b.kind === 'amount'
        ? b.amount
        : Math.min(percentOf(spend, b.bp, 'floor'), b.cap ?? Number.MAX_SAFE_INTEGER);
    const r = spreadDiscount(current, lines, wanted, {
      source: 'coupon',
      id: coupon.id,
      name: coupon.name,
    });
    current = r.cart;
    applied.push({ id: coupon.id, name: coupon.name, amount: r.amount });
  }
  return { cart: current, coupons: applied, rejected };
}
