/**
 * Safety stock and replenishment: safety stock and reorder points from
 * demand, the alert rule, weeks of cover, and the suggestion for a store's
 * SKU that is low — transfers first from stores that can spare the units,
 * nearest first, then slow sellers first; purchase only the rest, in whole
 * packs. Every figure comes with its arithmetic in words. Pure.
 * See SPEC.md [RN1]-[RN14].
 */
import type { TransferSource } from './console-api';
import { haversineMetres, type GeoPoint } from './geo';

/** [RN1] Daily demand over a window: days without sales count as 0. */
export type DemandStats = { days: number; total: number; mean: number; sd: number };

/**
 * [RN1] The mean and (population) standard deviation of daily units sold
 * over `days` days, from the units of the days with sales (the rest are 0).
 */
export function demandStats(soldByDay: readonly number[], days: number): DemandStats {
  if (!Number.isSafeInteger(days) || days < 1)
    throw new RangeError('days must be a whole number >= 1');
  if (soldByDay.length > days) throw new RangeError('more days with sales than days');
  const total = soldByDay.reduce((t, n) => t + n, 0);
  const mean = total / days;
  const squares =
    soldByDay.reduce((t, n) => t + (n - mean) ** 2, 0) + (days - soldByDay.length) * mean ** 2;
  return { days, total, mean, sd: Math.sqrt(squares / days) };
}

/** [RN3] Service levels accepted, in basis points: 50.00 % to 99.99 %. */
export const MIN_SERVICE_LEVEL_BP = 5000;
export const MAX_SERVICE_LEVEL_BP = 9999;

/**
 * [RN3] The z of a service level (basis points), the inverse of the standard
 * normal distribution by Acklam's rational approximation (relative error
 * below 1.2e-9), rounded to 3 decimals: 9500 → 1.645, 9000 → 1.282.
 */
export function serviceLevelZ(bp: number): number {
  if (!Number.isSafeInteger(bp) || bp < MIN_SERVICE_LEVEL_BP || bp > MAX_SERVICE_LEVEL_BP) {
    throw new RangeError(
      `service level must be ${MIN_SERVICE_LEVEL_BP} to ${MAX_SERVICE_LEVEL_BP} basis points`,
    );
  }
  const p = bp / 10_000;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let z: number;
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    z =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    z =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  return Math.round(z * 1000) / 1000;
}

/** Rounds up, ignoring floating-point dust (3.0000000001 is 3). */
const ceilUnits = (x: number): number => Math.max(0, Math.ceil(Math.round(x * 1e6) / 1e6));
const fmt = (x: number): string => String(Math.round(x * 100) / 100);

/**
 * [RN4] Safety stock and reorder point from demand: SS = ⌈z·σ·√L⌉,
 * ROP = ⌈mean·L⌉ + SS (L the lead time in days), whole units, with the
 * working in words.
 */
export function safetyStockFromDemand(input: {
  stats: DemandStats;
  serviceLevelBp: number;
  leadTimeDays: number;
}): { safetyStock: number; reorderPoint: number; working: string[] } {
  const { stats, leadTimeDays } = input;
  if (!Number.isSafeInteger(leadTimeDays) || leadTimeDays < 0 || leadTimeDays > 365) {
    throw new RangeError('lead time must be 0 to 365 days');
  }
  const z = serviceLevelZ(input.serviceLevelBp);
  const root = Math.sqrt(leadTimeDays);
  const safetyStock = ceilUnits(z * stats.sd * root);
  const leadDemand = ceilUnits(stats.mean * leadTimeDays);
  const reorderPoint = leadDemand + safetyStock;
  return {
    safetyStock,
    reorderPoint,
    working: [
      `sold ${stats.total} over ${stats.days} days: mean daily demand ${fmt(stats.mean)}, standard deviation ${fmt(stats.sd)}`,
      `service level ${fmt(input.serviceLevelBp / 100)} %: z = ${z}`,
      `safety stock = ⌈${z} × ${fmt(stats.sd)} × √${leadTimeDays}⌉ = ${safetyStock}`,
      `reorder point = ⌈${fmt(stats.mean)} × ${leadTimeDays}⌉ + ${safetyStock} = ${reorderPoint}`,
    ],
  };
}

/** [RN2] An alert is raised when ATP ([ATP1], after the safety stock) is at or below the reorder point. */
export const isBelowReorderPoint = (atp: number, reorderPoint: number): boolean =>
  atp <= reorderPoint;

/** [RN14] A store-SKU's replenishment settings, as the safety-stock row holds them. */
export type StockSettings = {
  safetyStock: number;
  reorderPoint: number;
  maxStock: number | null;
  leadTimeDays: number;
  packSize: number;
};

/** [RN14] Problems of a settings row: whole figures, ROP ≥ SS, max ≥ ROP, pack ≥ 1. */
export function settingsProblems(s: Record<string, unknown>): string[] {
  const out: string[] = [];
  const whole = (name: string, value: unknown, min: number, max = 1_000_000) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      out.push(`${name} must be a whole number from ${min} to ${max}`);
      return false;
    }
    return true;
  };
  const ss = whole('safety stock', s.safetyStock, 0);
  const rop = whole('reorder point', s.reorderPoint, 0);
  whole('lead time (days)', s.leadTimeDays, 0, 365);
  whole('pack size', s.packSize, 1, 10_000);
  if (ss && rop && (s.reorderPoint as number) < (s.safetyStock as number)) {
    out.push('the reorder point is at least the safety stock');
  }
  if (s.maxStock !== null && s.maxStock !== undefined) {
    if (
      whole('max stock', s.maxStock, 0) &&
      rop &&
      (s.maxStock as number) < (s.reorderPoint as number)
    ) {
      out.push('max stock is at least the reorder point');
    }
  }
  return out;
}

/**
 * [RN5] What a store orders up to: min/max with a max stock (the max);
 * else the reorder-point method, the reorder point plus one lead time's
 * expected demand (reorder point − safety stock), at least one pack above it.
 */
export function replenishmentTarget(s: StockSettings): {
  method: 'min-max' | 'reorder-point';
  target: number;
  working: string;
} {
  if (s.maxStock !== null) {
    return {
      method: 'min-max',
      target: s.maxStock,
      working: `min/max: order up to max stock ${s.maxStock}`,
    };
  }
  const cycle = Math.max(s.reorderPoint - s.safetyStock, s.packSize);
  const target = s.reorderPoint + cycle;
  return {
    method: 'reorder-point',
    target,
    working: `reorder point: order up to ${s.reorderPoint} + ${cycle} (a lead time's demand, at least a pack) = ${target}`,
  };
}

/** [RN6] Units rounded up to whole packs: the least multiple of `packSize` ≥ `units` (0 for none). */
export function roundUpToPack(units: number, packSize: number): number {
  if (units <= 0) return 0;
  return Math.ceil(units / packSize) * packSize;
}

/** [RN7] Weeks of cover: on hand ÷ weekly sales; no sales is infinite cover (a slow seller). */
export function weeksOfCover(onHand: number, weeklySales: number): number {
  if (weeklySales <= 0) return onHand > 0 ? Number.POSITIVE_INFINITY : 0;
  return Math.max(onHand, 0) / weeklySales;
}

/** [RN7] Weeks of cover on the wire: 1 decimal, infinite shown as 999. */
export const COVER_SHOWN_AS_INFINITE = 999;
const coverShown = (w: number) =>
  Number.isFinite(w)
    ? Math.min(Math.round(w * 10) / 10, COVER_SHOWN_AS_INFINITE)
    : COVER_SHOWN_AS_INFINITE;

/** One store that might give units: its figures of the SKU. */
export type SourceStore = {
  storeId: string;
  onHand: number;
  /** Units held for orders there. */
  held: number;
  weeklySales: number;
  /** [RN9] Its floor: it never goes below max(safety stock, reorder point). */
  safetyStock: number;
  reorderPoint: number;
  location: GeoPoint;
};

export type ReplenishmentInput = {
  storeId: string;
  settings: StockSettings;
  onHand: number;
  /** Units already on their way (open transfers and deliveries to the store). */
  inbound: number;
  location: GeoPoint;
  sources: readonly SourceStore[];
  /** [RN9] Weeks of cover a source keeps after giving. */
  coverTargetWeeks: number;
};

export type Suggestion = {
  method: 'min-max' | 'reorder-point';
  need: number;
  transfers: TransferSource[];
  purchase: number;
  working: string[];
};

/** [RN9] What a source can give: down to its floor and to the cover target, never below either. */
export function spareUnits(source: SourceStore, coverTargetWeeks: number): number {
  const floor = Math.max(source.safetyStock, source.reorderPoint);
  const keepForCover = ceilUnits(coverTargetWeeks * source.weeklySales);
  return Math.max(0, source.onHand - source.held - Math.max(floor, keepForCover));
}

/**
 * [RN10] The order sources are taken in: nearest first, then slow sellers
 * first (fewer weekly sales), then by store id: stable and total.
 */
export function orderSources(
  at: GeoPoint,
  sources: readonly SourceStore[],
): { source: SourceStore; distanceKm: number }[] {
  return sources
    .map((source) => ({
      source,
      distanceKm: Math.round(haversineMetres(at, source.location) / 100) / 10,
    }))
    .sort(
      (x, y) =>
        x.distanceKm - y.distanceKm ||
        x.source.weeklySales - y.source.weeklySales ||
        (x.source.storeId < y.source.storeId ? -1 : x.source.storeId > y.source.storeId ? 1 : 0),
    );
}

/**
 * [RN8] [RN11] [RN12] [RN13] The suggestion for a store's SKU: need =
 * target − (on hand + inbound) (0 or more); transfers first from the other
 * stores in [RN10]'s order, each giving at most its spare units ([RN9]);
 * purchase only what transfers do not cover, rounded up to whole packs
 * ([RN6]). Every step is a line of `working`.
 */
export function suggestReplenishment(input: ReplenishmentInput): Suggestion {
  const { settings } = input;
  const target = replenishmentTarget(settings);
  const position = input.onHand + input.inbound;
  const need = Math.max(0, target.target - position);
  const working = [
    target.working,
    `need = ${target.target} − (on hand ${input.onHand} + inbound ${input.inbound}) = ${need}`,
  ];
  const transfers: TransferSource[] = [];
  let rest = need;
  const others = input.sources.filter((s) => s.storeId !== input.storeId);
  for (const { source, distanceKm } of orderSources(input.location, others)) {
    if (rest <= 0) break;
    const spare = spareUnits(source, input.coverTargetWeeks);
    if (spare <= 0) continue;
    const quantity = Math.min(spare, rest);
    rest -= quantity;
    const before = weeksOfCover(source.onHand, source.weeklySales);
    const after = weeksOfCover(source.onHand - quantity, source.weeklySales);
    transfers.push({
      fromStore: source.storeId,
      quantity,
      distanceKm,
      weeksOfCoverBefore: coverShown(before),
      weeksOfCoverAfter: coverShown(after),
      weeklySales: Math.round(source.weeklySales * 10) / 10,
    });
    working.push(
      `transfer ${quantity} from ${source.storeId} (${distanceKm} km, sells ${fmt(source.weeklySales)}/week, ` +
        `spare ${spare} above its floor; cover ${Number.isFinite(before) ? fmt(before) : '∞'} → ` +
        `${Number.isFinite(after) ? fmt(after) : '∞'} weeks)`,
    );
  }
  const purchase = roundUpToPack(rest, settings.packSize);
  working.push(
    rest > 0
      ? `purchase ${rest} not covered by transfers, rounded up to packs of ${settings.packSize}: ${purchase}`
      : 'purchase nothing: transfers cover the need',
  );
  return { method: target.method, need, transfers, purchase, working };
}
