/**
 * Promotions as data: what a promotion targets, what it gives, where and when
 * it runs. The engine (promotion-engine.ts) prices a cart with them.
 * See SPEC.md [PR1]-[PR12].
 */
import type { TaxClass } from './documents';
import type { Minor } from './money';
import type { BasisPoints } from './rounding';

export type Channel = 'store' | 'online' | 'clerk';

/** Items a promotion applies to: any listed SKU, category or brand. All lists empty or absent = every item. */
export type PromotionTarget = {
  skus?: readonly string[];
  categories?: readonly string[];
  brands?: readonly string[];
};

export type ThresholdTier = { spend: Minor; save: Minor };

export type PromotionRule =
  /** bp off each targeted unit. */
  | { kind: 'percent-off'; bp: BasisPoints }
  /** A fixed amount off each targeted unit (never below zero). */
  | { kind: 'amount-off'; amount: Minor }
  /** Each targeted unit sells at this price (member-tier prices); never raises a price. */
  | { kind: 'fixed-price'; price: Minor }
  /** In each group of buy + get units, the `get` cheapest are `bp` off (10000 = free). */
  | { kind: 'buy-x-get-y'; buy: number; get: number; bp: BasisPoints }
  /** Each group of `quantity` targeted units sells for `price`. */
  | { kind: 'bundle'; quantity: number; price: Minor }
  /**
   * 满减: the highest tier whose spend the targeted net subtotal reaches
   * saves its amount; with `repeat`, a single tier saves once per full spend.
   */
  | { kind: 'spend-threshold'; tiers: readonly ThresholdTier[]; repeat?: boolean };

export type PromotionWindow = {
  /** ISO instants: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  /** Local weekdays, 0 = Sunday ... 6 = Saturday. */
  weekdays?: readonly number[];
  /** Local hours [from, to); from > to wraps past midnight. */
  hours?: { from: number; to: number };
};

export type Promotion = {
  id: string;
  name: string;
  status?: 'active' | 'retired';
  /** Higher goes first in the priority order and wins ties. */
  priority: number;
  /** An exclusive promotion is applied alone to the whole cart or not at all. */
  exclusive?: boolean;
  target: PromotionTarget;
  rule: PromotionRule;
  /** Absent = every store / channel / customer. */
  stores?: readonly string[];
  channels?: readonly Channel[];
  memberTiers?: readonly string[];
  window?: PromotionWindow;
};

/** One cart line as the pricing engine sees it. `amount` = `unitPrice` × `quantity`. */
export type PricingItem = {
  lineId: string;
  sku: string;
  name: string;
  category: string;
  brand?: string;
  taxClass: TaxClass;
  quantity: number;
  unitPrice: Minor;
  /** Lines with a manual price override take no promotions. */
  noPromotions?: boolean;
};

export type PricingContext = {
  storeId: string;
  channel: Channel;
  /** ISO instant of the sale (passed in, never read from a clock). */
  now: string;
  /** The store's offset from UTC, for weekday and hour windows (China: 480). */
  utcOffsetMinutes: number;
  memberTier?: string | undefined;
};

/** What one promotion (or coupon, or manual discount) took off one line. */
export type LineAdjustment = {
  source: 'promotion' | 'coupon' | 'manual';
  id: string;
  name: string;
  /** Units of the line it covered. */
  quantity: number;
  /** Minor units taken off (positive). */
  amount: Minor;
};

export type PricedLine = PricingItem & {
  /** unitPrice × quantity. */
  amount: Minor;
  discount: Minor;
  /** amount − discount: what the customer pays for the line. Never negative. */
  net: Minor;
  /** [PR11] Which promotion did what, in the order applied. */
  adjustments: LineAdjustment[];
};

export type PricedCart = {
  lines: PricedLine[];
  subtotal: Minor;
  discount: Minor;
  total: Minor;
  /** Promotions applied, with the amount each saved in total. */
  applied: { id: string; name: string; amount: Minor }[];
  /** Promotions that were not valid data and were skipped, with why. */
  ignored: { id: string; reason: string }[];
  /** How competing promotions were chosen: exhaustively, or best of greedy orders. */
  strategy: 'exact' | 'heuristic';
};
