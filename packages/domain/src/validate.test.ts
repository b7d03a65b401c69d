import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateDocument } from './validate';
import { validateSale } from './sale';
import { REPLICA_FIXTURE } from './validate.fixture';

describe('document validation', () => {
  it('[V1] accepts a valid product and lists every problem of a bad one', () => {
    expect(validateDocument('products', REPLICA_FIXTURE.product)).toEqual([]);
    const problems = validateDocument('products', {
      ...REPLICA_FIXTURE.product,
      gtin: '123',
      extra: 1,
      name: 5,
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['$.extra', '$.gtin', '$.name']);
  });

  it('[V1] never throws on arbitrary JSON, for every collection', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const c of ['stores', 'products', 'prices', 'stock', 'sales'] as const) {
          expect(Array.isArray(validateDocument(c, value))).toBe(true);
        }
        expect(validateSale(value).length).toBeGreaterThan(0);
      }),
    );
  });

  it('[V1] never throws on mutations of a valid sale', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('lines', 'total', 'tenders', 'change', 'id', 'currency'),
        fc.jsonValue(),
        (key, value) => {
          const problems = validateSale({ ...REPLICA_FIXTURE.sale, [key]: value });
          expect(Array.isArray(problems)).toBe(true);
        },
      ),
    );
  });
});
