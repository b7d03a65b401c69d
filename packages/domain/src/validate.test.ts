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

describe('inherited names and document limits', () => {
  const inherited = [
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    '__proto__',
    'prototype',
  ];

  it('[V2] a key the schema does not list is refused even when every object inherits it', () => {
    for (const key of inherited) {
      const top = JSON.parse(`{"${key}": 1}`) as Record<string, unknown>;
      expect(validateDocument('products', { ...PRODUCT_FIXTURE, ...top })).not.toEqual([]);
      const sale = saleFactFixture();
      const nested = JSON.parse(
        JSON.stringify({ ...sale, points: { ...sale.points } }).replace(
          '"earned"',
          `"${key}":[],"earned"`,
        ),
      ) as unknown;
      expect(validateDocument('saleFacts', nested)).not.toEqual([]);
      const inLine = JSON.parse(
        JSON.stringify(sale).replace('"lineId"', `"${key}":"x","lineId"`),
      ) as unknown;
      expect(validateDocument('saleFacts', inLine)).not.toEqual([]);
    }
  });

  it('[V2] a required field is not found on the prototype', () => {
    const { name: _name, ...rest } = PRODUCT_FIXTURE;
    const withProto = Object.assign(Object.create({ name: 'inherited' }) as object, rest);
    expect(validateDocument('products', withProto).map((p) => p.path)).toContain('$.name');
  });

  it('[V3] a huge string or deep nesting is one problem, never a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const sale = saleFactFixture();
    const deepDoc = { ...sale, constructor: deep };
    expect(validateDocument('saleFacts', deepDoc)).toHaveLength(1);
    let deepObject: unknown = 1;
    for (let i = 0; i < 100_000; i++) deepObject = { a: deepObject };
    expect(validateDocument('products', { ...PRODUCT_FIXTURE, brand: deepObject })).toHaveLength(1);
    const huge = { ...sale, toString: 'x'.repeat(9_900_000) };
    expect(validateDocument('saleFacts', huge)).toHaveLength(1);
    const wide = { ...PRODUCT_FIXTURE, brand: Array.from({ length: 200_000 }, () => 0) };
    expect(validateDocument('products', wide)).toHaveLength(1);
  });
});
