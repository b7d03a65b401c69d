/**
 * `npm run bench -w @pos/domain`: prices a 200-line cart against 1,000 active
 * promotions and prints the median and p99. Goal: a median of at most 5 ms.
 * The peer figure is the greedy priority order on the same cart.
 */
import { loadavg, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  applyPromotions,
  type PricingItem,
  type Promotion,
  type PromotionRule,
} from '../src/index';

let seed = 42;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

const SKUS = 2000;
const items: PricingItem[] = Array.from({ length: 200 }, (_, i) => ({
  lineId: `L${i}`,
  sku: `SKU-${rand(SKUS)}-${i}`,
  name: `Item ${i}`,
  category: `C${rand(40)}`,
  brand: `B${rand(60)}`,
  taxClass: 'VAT13',
  quantity: 1 + rand(4),
  unitPrice: 100 + rand(20_000),
}));

/** The mix: 1 in 50 is a spend threshold (满减), the rest item-level kinds in equal parts. */
function rule(i: number): PromotionRule {
  if (i % 50 === 49) {
    return {
      kind: 'spend-threshold',
      tiers: [
        { spend: 30_000, save: 4_000 },
        { spend: 50_000, save: 8_000 },
      ],
    };
  }
  switch (i % 5) {
    case 0:
      return { kind: 'percent-off', bp: 500 + rand(3000) };
    case 1:
      return { kind: 'amount-off', amount: 50 + rand(500) };
    case 2:
      return { kind: 'buy-x-get-y', buy: 1 + rand(2), get: 1, bp: 10_000 };
    case 3:
      return { kind: 'bundle', quantity: 2 + rand(2), price: 500 + rand(20_000) };
    default:
      return { kind: 'fixed-price', price: 100 + rand(10_000) };
  }
}

const promotions: Promotion[] = Array.from({ length: 1000 }, (_, i) => {
  const pick = rand(3);
  const target =
    pick === 0
      ? { skus: Array.from({ length: 5 }, () => items[rand(items.length)]!.sku) }
      : pick === 1
        ? { categories: [`C${rand(40)}`] }
        : { brands: [`B${rand(60)}`] };
  return {
    id: `P${i}`,
    name: `Promotion ${i}`,
    priority: rand(10),
    exclusive: rand(50) === 0,
    target,
    rule: rule(i),
    window: { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
  };
});

const ctx = {
  storeId: 'S001',
  channel: 'store' as const,
  now: '2026-11-22T03:00:00.000Z',
  utcOffsetMinutes: 480,
};

function measure(strategy: 'best-for-customer' | 'priority', runs: number): number[] {
  for (let i = 0; i < 20; i++) applyPromotions(items, promotions, ctx, strategy);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    applyPromotions(items, promotions, ctx, strategy);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

const best = measure('best-for-customer', 300);
const greedy = measure('priority', 300);
const result = applyPromotions(items, promotions, ctx);
const greedyResult = applyPromotions(items, promotions, ctx, 'priority');
console.log(
  'pricing: 200 lines x 1000 promotions (SKU/category/brand targets, 2 % spend thresholds, 2 % exclusive)',
);
console.log(
  `  best-for-customer  median ${pct(best, 50).toFixed(2)} ms  p99 ${pct(best, 99).toFixed(2)} ms  (${result.strategy}, saves ${result.discount})`,
);
console.log(
  `  priority (greedy)  median ${pct(greedy, 50).toFixed(2)} ms  p99 ${pct(greedy, 99).toFixed(2)} ms  (saves ${greedyResult.discount})`,
);
console.log(
  `  machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (wall time: a loaded machine inflates the figures)`,
);
console.log(
  `  ratio best/greedy  ${(pct(best, 50) / pct(greedy, 50)).toFixed(2)}  goal: median <= 5 ms`,
);
