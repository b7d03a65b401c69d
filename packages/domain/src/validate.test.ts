import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COLLECTION_NAMES, validateDocument } from './collections';
import { PRODUCT_FIXTURE, saleFactFixture } from './fixtures';

describe('document validation', () => {
  it('[V1] accepts a valid product and lists every problem of a bad one', () => {
    expect(validateDocument('products', PRODUCT_FIXTURE)).toEqual([]);
    const problems = validateDocument('products', {
      ...PRODUCT_FIXTURE,
      gtin: '123',
      extra: 1,
      name: 5,
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['$.extra', '$.gtin', '$.name']);
  });

  it('[V1] never throws on arbitrary JSON, for every collection, and never accepts it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const c of COLLECTION_NAMES) {
          const problems = validateDocument(c, value);
          expect(Array.isArray(problems)).toBe(true);
        }
        expect(validateDocument('saleFacts', value).length).toBeGreaterThan(0);
      }),
    );
  });

  it('[V1] never throws on mutations of a valid sale fact', () => {
    const sale = saleFactFixture();
    fc.assert(
      fc.property(
        fc.constantFrom('lines', 'total', 'tenders', 'change', 'id', 'currency', 'points', 'tax'),
        fc.jsonValue(),
        (key, value) => {
          const problems = validateDocument('saleFacts', { ...sale, [key]: value });
          expect(Array.isArray(problems)).toBe(true);
        },
      ),
    );
  });
});
