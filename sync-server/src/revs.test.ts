import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, nextRev, revGeneration, sameContent } from './revs';

describe('revisions', () => {
  it('[R1] are N-hash: generation counts writes, the hash is of the content', () => {
    const first = nextRev(null, { id: 'a', n: 1 });
    expect(first).toMatch(/^1-[0-9a-f]{32}$/);
    const second = nextRev(first, { id: 'a', n: 2 });
    expect(second).toMatch(/^2-[0-9a-f]{32}$/);
    expect(nextRev(null, { n: 1, id: 'a' })).toBe(first);
    expect(revGeneration('17-abc')).toBe(17);
    expect(revGeneration('garbage')).toBe(0);
  });

  it('[R2] equal content is equal whatever the key order', () => {
    expect(
      sameContent({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    ).toBe(true);
    expect(sameContent({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(canonicalJson(JSON.parse('{"__proto__": 1, "a": 2}'))).toBe('{"__proto__":1,"a":2}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reordered = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        ) as unknown;
        expect(sameContent(value, reordered)).toBe(true);
      }),
    );
  });
});
