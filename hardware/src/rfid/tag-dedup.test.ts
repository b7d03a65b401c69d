import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TagReadDeduplicator } from './tag-dedup';

describe('TagReadDeduplicator', () => {
  it('[DD1] reports a tag once per window', () => {
    const dedup = new TagReadDeduplicator({ windowMs: 1000 });
    const reported = [0, 100, 500, 999, 1000, 1500, 2100].filter((t) => dedup.accept('A', t));
    expect(reported).toEqual([0, 1000, 2100]);
    expect(dedup.accept('B', 1500)).toBe(true);
  });

  it('[DD2] remembers at most maxTags', () => {
    const dedup = new TagReadDeduplicator({ windowMs: 1000, maxTags: 3 });
    for (const epc of ['A', 'B', 'C', 'D']) dedup.accept(epc, 0);
    expect(dedup.size).toBe(3);
    expect(dedup.accept('A', 1)).toBe(true); // forgotten, so reported again
    expect(dedup.accept('D', 1)).toBe(false);
  });

  it('[DD1][DD2] property: never two reports of one EPC closer than the window; bounded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C', 'D', 'E'), fc.nat(50)), {
          maxLength: 200,
        }),
        (reads) => {
          const dedup = new TagReadDeduplicator({ windowMs: 100, maxTags: 10 });
          const last = new Map<string, number>();
          let now = 0;
          for (const [epc, step] of reads) {
            now += step;
            if (dedup.accept(epc, now)) {
              const previous = last.get(epc);
              if (previous !== undefined) expect(now - previous).toBeGreaterThanOrEqual(100);
              last.set(epc, now);
            }
            expect(dedup.size).toBeLessThanOrEqual(10);
          }
        },
      ),
    );
  });
});
