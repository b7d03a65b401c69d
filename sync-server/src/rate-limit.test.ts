import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiter, takeToken, type Bucket } from './rate-limit';

describe('token bucket', () => {
  it('[RL1] allows a burst, then one request per refill interval', () => {
    const options = { burst: 3, perSecond: 2 };
    let bucket: Bucket | undefined;
    const outcomes: (number | true)[] = [];
    for (const at of [0, 0, 0, 0, 100, 500, 500, 1000]) {
      const result = takeToken(bucket, at, options);
      bucket = result.bucket;
      outcomes.push(result.ok ? true : result.retryAfterMs);
    }
    expect(outcomes).toEqual([true, true, true, 500, 400, true, 500, true]);
  });

  it('[RL1] never allows more than burst + rate × elapsed, and a denied caller may retry after retryAfterMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 200 }),
        (burst, perSecond, gaps) => {
          const options = { burst, perSecond };
          let bucket: Bucket | undefined;
          let now = 0;
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            const result = takeToken(bucket, now, options);
            bucket = result.bucket;
            if (result.ok) allowed++;
            else {
              expect(result.retryAfterMs).toBeGreaterThan(0);
              expect(takeToken(bucket, now + result.retryAfterMs, options).ok).toBe(true);
            }
          }
          expect(allowed).toBeLessThanOrEqual(burst + (now * perSecond) / 1000 + 1e-9);
        },
      ),
    );
  });

  it('[RL2] keeps one bucket per principal and forgets the least recent beyond its size', () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 1 }, 2);
    expect(limiter.take('device:A', 0)).toBeNull();
    expect(limiter.take('device:A', 0)).toBe(1000);
    expect(limiter.take('device:B', 0)).toBeNull();
    expect(limiter.take('device:C', 0)).toBeNull();
    expect(limiter.size).toBe(2);
    expect(() => new RateLimiter({ burst: 0, perSecond: 1 })).toThrow(/burst/);
    expect(() => new RateLimiter({ burst: 1, perSecond: 0 })).toThrow(/perSecond/);
  });
});
