/**
 * A token bucket per principal: each request takes one token; tokens refill
 * at a steady rate up to the bucket's capacity. Pure apart from its map; the
 * clock comes in as an argument. See SPEC.md [RL1]-[RL2].
 */

export type RateLimitOptions = {
  /** The most requests a principal may make in a burst. */
  burst: number;
  /** Tokens added per second, i.e. the sustained request rate. */
  perSecond: number;
};

/** Generous enough for a device's initial pull and live sync; tighten per deployment. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 600, perSecond: 100 };

export type Bucket = { tokens: number; at: number };

export type TakeResult =
  { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterMs: number };

/** [RL1] Refills `bucket` up to `nowMs` and takes one token, or says how long until one is there. */
export function takeToken(
  bucket: Bucket | undefined,
  nowMs: number,
  options: RateLimitOptions,
): TakeResult {
  const elapsed = bucket ? Math.max(0, nowMs - bucket.at) : 0;
  const tokens = bucket
    ? Math.min(options.burst, bucket.tokens + (elapsed * options.perSecond) / 1000)
    : options.burst;
  // A caller told to come back after `retryAfterMs` finds a token then: the
  // refill's floating-point sum may land a hair under 1, which counts as 1.
  if (tokens >= 1 - 1e-9) {
    return { ok: true, bucket: { tokens: Math.max(0, tokens - 1), at: nowMs } };
  }
  const retryAfterMs = Math.ceil(((1 - tokens) * 1000) / options.perSecond);
  return { ok: false, bucket: { tokens, at: nowMs }, retryAfterMs };
}

export function validRateLimit(options: RateLimitOptions): string | null {
  if (!Number.isFinite(options.burst) || options.burst < 1) return 'burst must be at least 1';
  if (!Number.isFinite(options.perSecond) || options.perSecond <= 0) {
    return 'perSecond must be a positive number';
  }
  return null;
}

/** The buckets of one server process, keyed by principal. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly maxKeys = 100_000,
  ) {
    const invalid = validRateLimit(options);
    if (invalid) throw new Error(`rate limit: ${invalid}`);
  }

  /** Takes a token for `key`; null when allowed, else the milliseconds to wait. */
  take(key: string, nowMs: number): number | null {
    const result = takeToken(this.buckets.get(key), nowMs, this.options);
    this.buckets.delete(key); // re-inserted last, so the map stays in least-recent order
    this.buckets.set(key, result.bucket);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    return result.ok ? null : result.retryAfterMs;
  }

  get size(): number {
    return this.buckets.size;
  }
}
