/**
 * Test oracle only: the promotion engine as it was before promotion-engine.ts
 * was tuned for speed (group rules sorting their lines on every pass, closures
 * in the hot loops). promotion-engine.reference.test.ts checks that the tuned
 * engine gives exactly the same priced cart on random carts. Not exported from
 * the package; do not use it for pricing.
 */
import { assertMinor, multiplyMinor, sumMinor, type Minor } from './money';
import { allocateByLargestRemainder, percentOf } from './rounding';
import type {
  LineAdjustment,
  PricedCart,
  PricedLine,
  PricingContext,
  PricingItem,
  Promotion,
  PromotionRule,
  PromotionTarget,
} from './promotion-types';

/** Up to this many promotions competing for the same items, every order is tried. */
export const EXACT_LIMIT = 6;

const MINUTE = 60_000;

// ---------------------------------------------------------------- validity

const isWhole = (n: unknown, min = 0): boolean =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= min;

/** [PR1] The problems that make a promotion unusable; an empty list means it is well formed. */
export function promotionProblems(p: Promotion): string[] {
  const out: string[] = [];
  const r = p.rule;
  if (!Number.isSafeInteger(p.priority)) out.push('priority must be a whole number');
  switch (r.kind) {
    case 'percent-off':
      if (!isWhole(r.bp, 1) || r.bp > 10_000) out.push('bp must be 1-10000');
      break;
    case 'amount-off':
      if (!isWhole(r.amount, 1)) out.push('amount must be a positive whole number of minor units');
      break;
    case 'fixed-price':
      if (!isWhole(r.price)) out.push('price must be a whole number of minor units >= 0');
      break;
    case 'buy-x-get-y':
      if (!isWhole(r.buy, 1) || !isWhole(r.get, 1)) out.push('buy and get must be at least 1');
      if (!isWhole(r.bp, 1) || r.bp > 10_000) out.push('bp must be 1-10000');
      break;
    case 'bundle':
      if (!isWhole(r.quantity, 2)) out.push('a bundle needs at least 2 units');
      if (!isWhole(r.price)) out.push('price must be a whole number of minor units >= 0');
      break;
    case 'spend-threshold':
      if (!Array.isArray(r.tiers) || r.tiers.length === 0) out.push('needs at least one tier');
      else if (
        !r.tiers.every((t) => isWhole(t.spend, 1) && isWhole(t.save, 1) && t.save <= t.spend)
      ) {
        out.push('each tier needs spend >= save >= 1');
      }
      if (r.repeat && (!Array.isArray(r.tiers) || r.tiers.length !== 1))
        out.push('a repeating threshold has exactly one tier');
      break;
    default:
      out.push('unknown rule kind');
  }
  return out;
}

type Clock = { now: number; weekday: number; hour: number };

function clockOf(ctx: PricingContext): Clock {
  const now = Date.parse(ctx.now);
  const local = new Date(now + ctx.utcOffsetMinutes * MINUTE);
  return { now, weekday: local.getUTCDay(), hour: local.getUTCHours() };
}

const instants = new Map<string, number>();
/** Date.parse, remembered (pure: the same text always gives the same instant). */
function instant(text: string): number {
  let t = instants.get(text);
  if (t === undefined) {
    if (instants.size > 10_000) instants.clear();
    instants.set(text, (t = Date.parse(text)));
  }
  return t;
}

function activeAt(p: Promotion, ctx: PricingContext, clock: Clock): boolean {
  if (p.status === 'retired') return false;
  if (p.stores && !p.stores.includes(ctx.storeId)) return false;
  if (p.channels && !p.channels.includes(ctx.channel)) return false;
  if (p.memberTiers && (ctx.memberTier === undefined || !p.memberTiers.includes(ctx.memberTier))) {
    return false;
  }
  const w = p.window;
  if (!w) return true;
  if (!Number.isFinite(clock.now)) return false;
  if (w.from !== undefined && !(clock.now >= instant(w.from))) return false;
  if (w.to !== undefined && !(clock.now < instant(w.to))) return false;
  if (w.weekdays && !w.weekdays.includes(clock.weekday)) return false;
  if (w.hours) {
    const { from, to } = w.hours;
    const h = clock.hour;
    const inside = from <= to ? h >= from && h < to : h >= from || h < to;
    if (!inside) return false;
  }
  return true;
}

/** [PR9] Store, channel, member tier, status and date / weekday / hour window (store local time). */
export function isPromotionActive(p: Promotion, ctx: PricingContext): boolean {
  return activeAt(p, ctx, clockOf(ctx));
}

/** [PR2] Whether a target covers an item: any listed SKU, category or brand; empty = every item. */
export function isTargeted(target: PromotionTarget, item: PricingItem): boolean {
  const { skus, categories, brands } = target;
  if (!skus?.length && !categories?.length && !brands?.length) return true;
  return Boolean(
    skus?.includes(item.sku) ||
    categories?.includes(item.category) ||
    (item.brand !== undefined && brands?.includes(item.brand)),
  );
}

// ---------------------------------------------------------------- applying one promotion

type Prepared = { promotion: Promotion; eligible: number[] };

/** What one promotion took: per line, units covered and discount. */
type Claim = { promotion: Promotion; line: number; quantity: number; discount: Minor };

type Run = { line: number; price: Minor; count: number };

const isItemLevel = (p: Promotion): boolean => p.rule.kind !== 'spend-threshold';

/** Free units of the eligible lines, dearest first (ties by SKU then line id, so line order never matters). */
function runsOf(items: readonly PricingItem[], eligible: readonly number[], free: number[]): Run[] {
  const runs: Run[] = [];
  for (const line of eligible) {
    const count = free[line] ?? 0;
    if (count > 0) runs.push({ line, price: items[line]!.unitPrice, count });
  }
  if (runs.length < 2) return runs;
  return runs.sort((a, b) => {
    if (a.price !== b.price) return b.price - a.price;
    const x = items[a.line]!;
    const y = items[b.line]!;
    return x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : x.lineId < y.lineId ? -1 : 1;
  });
}

/**
 * Walks groups of `size` units over runs, dearest first. Consecutive identical
 * groups inside one run come back once with `times`, so a line of 10,000 units
 * costs one step.
 */
function* groups(runs: readonly Run[], size: number): Generator<{ parts: Run[]; times: number }> {
  let left = runs.reduce((n, r) => n + r.count, 0);
  let index = 0;
  let used = 0;
  while (left >= size) {
    const run = runs[index]!;
    const avail = run.count - used;
    if (avail >= size) {
      const times = Math.floor(avail / size);
      used += times * size;
      left -= times * size;
      if (used === run.count) [index, used] = [index + 1, 0];
      yield { parts: [{ ...run, count: size }], times };
      continue;
    }
    const parts: Run[] = [];
    let need = size;
    while (need > 0) {
      const r = runs[index]!;
      const take = Math.min(r.count - used, need);
      parts.push({ ...r, count: take });
      need -= take;
      used += take;
      if (used === r.count) [index, used] = [index + 1, 0];
    }
    left -= size;
    yield { parts, times: 1 };
  }
}

/** [PR6] A group discount is shared over the group's units in proportion to their prices. */
function shareGroup(
  parts: readonly Run[],
  discount: Minor,
  times: number,
  add: (line: number, quantity: number, discount: Minor) => void,
): void {
  const shares = allocateByLargestRemainder(
    discount,
    parts.map((p) => multiplyMinor(p.price, p.count)),
  );
  parts.forEach((p, i) => add(p.line, p.count * times, multiplyMinor(shares[i] ?? 0, times)));
}

/**
 * [PR4][PR5] Walks the groups of a buy-X-get-Y or bundle promotion over free
 * units, dearest first, reporting each saving group (with its repeat count).
 */
function groupSavings(
  rule: Extract<PromotionRule, { kind: 'buy-x-get-y' | 'bundle' }>,
  runs: readonly Run[],
  onGroup: (parts: Run[], discount: Minor, times: number) => void,
): void {
  if (rule.kind === 'buy-x-get-y') {
    for (const { parts, times } of groups(runs, rule.buy + rule.get)) {
      let get = rule.get;
      let discount = 0;
      for (let i = parts.length - 1; i >= 0 && get > 0; i--) {
        const k = Math.min(parts[i]!.count, get);
        discount += percentOf(multiplyMinor(parts[i]!.price, k), rule.bp);
        get -= k;
      }
      if (discount > 0) onGroup(parts, discount, times);
    }
    return;
  }
  for (const { parts, times } of groups(runs, rule.quantity)) {
    const discount = sumMinor(parts.map((p) => multiplyMinor(p.price, p.count))) - rule.price;
    if (discount <= 0) break; // dearest groups come first: the rest save nothing either
    onGroup(parts, discount, times);
  }
}

/** [PR2]-[PR6] Applies one item-level promotion to the free units of its lines; takes the units it discounts. */
function applyItemPromotion(
  prepared: Prepared,
  items: readonly PricingItem[],
  free: number[],
): Claim[] {
  const { promotion, eligible } = prepared;
  const rule = promotion.rule;
  if (rule.kind === 'percent-off' || rule.kind === 'amount-off' || rule.kind === 'fixed-price') {
    // Per-line rules: each line is claimed at most once, whole.
    const claims: Claim[] = [];
    for (const line of eligible) {
      const q = free[line] ?? 0;
      if (q <= 0) continue;
      const unit = items[line]!.unitPrice;
      const discount =
        rule.kind === 'percent-off'
          ? percentOf(multiplyMinor(unit, q), rule.bp)
          : rule.kind === 'amount-off'
            ? multiplyMinor(Math.min(rule.amount, unit), q)
            : multiplyMinor(Math.max(0, unit - rule.price), q);
      if (discount <= 0) continue;
      free[line] = 0;
      claims.push({ promotion, line, quantity: q, discount });
    }
    return claims;
  }
  const byLine = new Map<number, { quantity: number; discount: Minor }>();
  const add = (line: number, quantity: number, discount: Minor): void => {
    const c = byLine.get(line);
    if (c) {
      c.quantity += quantity;
      c.discount += discount;
    } else byLine.set(line, { quantity, discount });
  };
  switch (rule.kind) {
    case 'buy-x-get-y':
    case 'bundle':
      groupSavings(rule, runsOf(items, eligible, free), (parts, discount, times) =>
        shareGroup(parts, discount, times, add),
      );
      break;
    case 'spend-threshold':
      break;
  }
  const claims: Claim[] = [];
  for (const [line, c] of byLine) {
    free[line] = (free[line] ?? 0) - c.quantity;
    claims.push({ promotion, line, quantity: c.quantity, discount: c.discount });
  }
  return claims;
}

/** [PR7] A spend threshold on the net of its lines after item-level promotions, shared by net amount. */
function applyThreshold(prepared: Prepared, net: Minor[]): Claim[] {
  const rule = prepared.promotion.rule;
  if (rule.kind !== 'spend-threshold') return [];
  const lines = prepared.eligible.filter((i) => (net[i] ?? 0) > 0);
  const weights = lines.map((i) => net[i] ?? 0);
  const subtotal = sumMinor(weights);
  let save = 0;
  if (rule.repeat) {
    const tier = rule.tiers[0]!;
    save = multiplyMinor(tier.save, Math.floor(subtotal / tier.spend));
  } else {
    for (const tier of rule.tiers) if (subtotal >= tier.spend && tier.save > save) save = tier.save;
  }
  save = Math.min(save, subtotal);
  if (save <= 0) return [];
  const shares = allocateByLargestRemainder(save, weights);
  return lines.map((line, i) => {
    net[line] = (net[line] ?? 0) - (shares[i] ?? 0);
    return { promotion: prepared.promotion, line, quantity: 0, discount: shares[i] ?? 0 };
  });
}

// ---------------------------------------------------------------- choosing

type Outcome = { claims: Claim[]; discount: Minor };

function run(
  items: readonly PricingItem[],
  itemOrder: readonly Prepared[],
  thresholds: readonly Prepared[],
): Outcome {
  const free = items.map((i) => i.quantity);
  const claims: Claim[] = [];
  for (const p of itemOrder) claims.push(...applyItemPromotion(p, items, free));
  const net = items.map((i) => multiplyMinor(i.unitPrice, i.quantity));
  for (const c of claims) net[c.line] = (net[c.line] ?? 0) - c.discount;
  for (const p of thresholds) claims.push(...applyThreshold(p, net));
  return { claims, discount: sumMinor(claims.map((c) => c.discount)) };
}

function itemDiscount(
  items: readonly PricingItem[],
  order: readonly Prepared[],
  free: number[],
): Minor {
  // Only the lines of these promotions are read or written: reset just those.
  for (const p of order) for (const line of p.eligible) free[line] = items[line]!.quantity;
  let total = 0;
  for (const p of order) for (const c of applyItemPromotion(p, items, free)) total += c.discount;
  return total;
}

/** One promotion's saving on its own, every unit free (ranks promotions for the heuristic). */
function standalone(items: readonly PricingItem[], p: Prepared, quantities: number[]): Minor {
  const rule = p.promotion.rule;
  let total = 0;
  if (rule.kind === 'percent-off' || rule.kind === 'amount-off' || rule.kind === 'fixed-price') {
    // Per-line rules: the same figures applyItemPromotion gives on free units, without the bookkeeping.
    for (const line of p.eligible) {
      const { unitPrice: unit, quantity: q } = items[line]!;
      total +=
        rule.kind === 'percent-off'
          ? percentOf(unit * q, rule.bp)
          : rule.kind === 'amount-off'
            ? Math.min(rule.amount, unit) * q
            : Math.max(0, unit - rule.price) * q;
    }
    return total;
  }
  if (rule.kind === 'buy-x-get-y' || rule.kind === 'bundle') {
    groupSavings(rule, runsOf(items, p.eligible, quantities), (_, discount, times) => {
      total += discount * times;
    });
  }
  return total;
}

function* permutations<T>(list: readonly T[]): Generator<T[]> {
  if (list.length <= 1) {
    yield [...list];
    return;
  }
  for (let i = 0; i < list.length; i++) {
    const rest = [...list.slice(0, i), ...list.slice(i + 1)];
    for (const tail of permutations(rest)) yield [list[i]!, ...tail];
  }
}

/** Promotions that share a line compete; the others are independent. */
function competingGroups(prepared: readonly Prepared[], lineCount: number): Prepared[][] {
  const parent = prepared.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Array<number>(lineCount).fill(-1);
  prepared.forEach((p, i) => {
    for (const line of p.eligible) {
      const o = owner[line]!;
      if (o < 0) owner[line] = i;
      else parent[find(i)] = find(o);
    }
  });
  const out = new Map<number, Prepared[]>();
  prepared.forEach((p, i) => {
    const root = find(i);
    const group = out.get(root);
    if (group) group.push(p);
    else out.set(root, [p]);
  });
  return [...out.values()];
}

/**
 * [PR10] The order in which competing item-level promotions take units: the
 * best of every order for a group of at most EXACT_LIMIT, otherwise "largest
 * saving first" (applyPromotions then keeps it only if it beats greedy).
 */
function bestItemOrder(
  items: readonly PricingItem[],
  prepared: readonly Prepared[],
): { order: Prepared[]; exact: boolean } {
  const order: Prepared[] = [];
  const scratch = items.map((i) => i.quantity);
  let exact = true;
  for (const group of competingGroups(prepared, items.length)) {
    if (group.length === 1) {
      order.push(...group);
    } else if (group.length <= EXACT_LIMIT) {
      let best: Prepared[] = group;
      let bestDiscount = -1;
      for (const candidate of permutations(group)) {
        const d = itemDiscount(items, candidate, scratch);
        if (d > bestDiscount) [best, bestDiscount] = [candidate, d];
      }
      order.push(...best);
    } else {
      // Too many to try every order: largest saving first. The priority order
      // is what the greedy run already did; applyPromotions keeps whichever
      // full result saves more, so this is never worse than greedy.
      exact = false;
      const quantities = items.map((i) => i.quantity);
      const alone = new Map(group.map((p) => [p, standalone(items, p, quantities)]));
      order.push(...[...group].sort((a, b) => alone.get(b)! - alone.get(a)!));
    }
  }
  return { order, exact };
}

const byPriority = (a: Prepared, b: Prepared): number =>
  b.promotion.priority - a.promotion.priority ||
  (a.promotion.id < b.promotion.id ? -1 : a.promotion.id > b.promotion.id ? 1 : 0);

export type PricingStrategy = 'best-for-customer' | 'priority';

/**
 * Prices the cart. [PR8] Item-level promotions compete for units (each unit
 * takes at most one); spend thresholds then apply in priority order on what
 * is left; an exclusive promotion applies alone or not at all.
 * [PR10] `best-for-customer` (the default) picks the choice that saves the
 * customer most and is never worse than `priority`, the greedy order.
 */
export function applyPromotions(
  items: readonly PricingItem[],
  promotions: readonly Promotion[],
  ctx: PricingContext,
  strategy: PricingStrategy = 'best-for-customer',
): PricedCart {
  for (const item of items) {
    if (!Number.isSafeInteger(item.unitPrice))
      assertMinor(item.unitPrice, `unit price of ${item.name}`);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
      throw new RangeError(`quantity of ${item.name} must be a whole number >= 1`);
    }
  }
  const ignored: PricedCart['ignored'] = [];
  const clock = clockOf(ctx);
  const bySku = new Map<string, number[]>();
  const byCategory = new Map<string, number[]>();
  const byBrand = new Map<string, number[]>();
  const all: number[] = [];
  items.forEach((item, i) => {
    if (item.noPromotions) return;
    all.push(i);
    const push = (m: Map<string, number[]>, k: string): void => {
      const list = m.get(k);
      if (list) list.push(i);
      else m.set(k, [i]);
    };
    push(bySku, item.sku);
    push(byCategory, item.category);
    if (item.brand !== undefined) push(byBrand, item.brand);
  });
  const prepared: Prepared[] = [];
  const seen = new Int32Array(items.length);
  let stamp = 0;
  for (const promotion of promotions) {
    const problems = promotionProblems(promotion);
    if (problems.length) {
      ignored.push({ id: promotion.id, reason: problems.join('; ') });
      continue;
    }
    if (!activeAt(promotion, ctx, clock)) continue;
    const t = promotion.target;
    let eligible: number[];
    if (!t.skus?.length && !t.categories?.length && !t.brands?.length) eligible = all;
    else {
      stamp++;
      eligible = [];
      let sources = 0;
      const take = (list: number[] | undefined): void => {
        if (!list) return;
        sources++;
        for (const i of list) {
          if (seen[i] === stamp) continue;
          seen[i] = stamp;
          eligible.push(i);
        }
      };
      for (const s of t.skus ?? []) take(bySku.get(s));
      for (const c of t.categories ?? []) take(byCategory.get(c));
      for (const b of t.brands ?? []) take(byBrand.get(b));
      if (sources > 1) eligible.sort((a, b) => a - b);
    }
    if (eligible.length) prepared.push({ promotion, eligible });
  }
  prepared.sort(byPriority);
  const shared = prepared.filter((p) => !p.promotion.exclusive);
  const sharedItems = shared.filter((p) => isItemLevel(p.promotion));
  const sharedThresholds = shared.filter((p) => !isItemLevel(p.promotion));

  let outcome = run(items, sharedItems, sharedThresholds);
  let exact = true;
  if (strategy === 'best-for-customer') {
    const best = bestItemOrder(items, sharedItems);
    exact = best.exact;
    const candidate = run(items, best.order, sharedThresholds);
    if (candidate.discount > outcome.discount) outcome = candidate;
  }
  for (const p of prepared) {
    if (!p.promotion.exclusive) continue;
    const alone = isItemLevel(p.promotion) ? run(items, [p], []) : run(items, [], [p]);
    if (alone.discount > outcome.discount) outcome = alone;
  }
  return priced(items, outcome.claims, ignored, exact ? 'exact' : 'heuristic');
}

/** [PR11] Builds the priced lines and their explanations from the claims. */
function priced(
  items: readonly PricingItem[],
  claims: readonly Claim[],
  ignored: PricedCart['ignored'],
  strategy: PricedCart['strategy'],
): PricedCart {
  const adjustments: LineAdjustment[][] = items.map(() => []);
  const applied = new Map<string, { id: string; name: string; amount: Minor }>();
  for (const c of claims) {
    if (c.discount <= 0) continue;
    const { id, name } = c.promotion;
    adjustments[c.line]!.push({
      source: 'promotion',
      id,
      name,
      quantity: c.quantity || items[c.line]!.quantity,
      amount: c.discount,
    });
    const a = applied.get(id);
    if (a) a.amount += c.discount;
    else applied.set(id, { id, name, amount: c.discount });
  }
  const lines: PricedLine[] = items.map((item, i) => {
    const amount = multiplyMinor(item.unitPrice, item.quantity);
    const own = adjustments[i]!;
    let discount = 0;
    for (const a of own) discount += a.amount;
    return { ...item, amount, discount, net: amount - discount, adjustments: own };
  });
  const subtotal = sumMinor(lines.map((l) => l.amount));
  const discount = sumMinor(lines.map((l) => l.discount));
  return {
    lines,
    subtotal,
    discount,
    total: subtotal - discount,
    applied: [...applied.values()],
    ignored,
    strategy,
  };
}
