/**
 * Request latencies in logarithmic buckets (2 % wide, from 0.1 ms), small
 * enough to send between processes and add up: a percentile read from them
 * is within 2 % of the exact one.
 */
const GROWTH = 1.02;
const FLOOR_MS = 0.1;

export type Histogram = Record<number, number>;

export function record(histogram: Histogram, ms: number): void {
  const bucket = ms <= FLOOR_MS ? 0 : Math.ceil(Math.log(ms / FLOOR_MS) / Math.log(GROWTH));
  histogram[bucket] = (histogram[bucket] ?? 0) + 1;
}

export function merge(into: Histogram, from: Histogram): void {
  for (const [bucket, n] of Object.entries(from)) {
    into[Number(bucket)] = (into[Number(bucket)] ?? 0) + n;
  }
}

export function count(histogram: Histogram): number {
  return Object.values(histogram).reduce((a, b) => a + b, 0);
}

/** The upper bound (ms) of the bucket holding the p-th percentile; 0 when empty. */
export function percentile(histogram: Histogram, p: number): number {
  const total = count(histogram);
  if (total === 0) return 0;
  const rank = Math.ceil((total * p) / 100);
  let seen = 0;
  for (const bucket of Object.keys(histogram)
    .map(Number)
    .sort((a, b) => a - b)) {
    seen += histogram[bucket]!;
    if (seen >= rank) return FLOOR_MS * GROWTH ** bucket;
  }
  return 0;
}
