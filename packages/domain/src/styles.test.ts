import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  stockFreshness,
  storesByDistance,
  styleDocId,
  styleGrid,
  styleProblems,
  variantOf,
  type Style,
} from './styles';
import { haversineMetres } from './geo';

const tee: Style = {
  id: 'style:TEE',
  kind: 'style',
  styleId: 'TEE',
  name: 'Cotton tee',
  category: 'apparel',
  brand: 'House',
  colours: ['red', 'blue'],
  sizes: ['S', 'M', 'L'],
  variants: [
    { sku: 'TEE-RED-S', colour: 'red', size: 'S' },
    { sku: 'TEE-RED-M', colour: 'red', size: 'M' },
    { sku: 'TEE-RED-L', colour: 'red', size: 'L' },
    { sku: 'TEE-BLUE-M', colour: 'blue', size: 'M' },
  ],
};

/** Any well-formed style: 1-6 colours, 1-8 sizes, a variant for some of the pairs. */
const validStyle: fc.Arbitrary<Style> = fc
  .record({
    styleId: fc.stringMatching(/^[A-Z][A-Z0-9]{0,9}$/),
    colours: fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 6 }),
    sizes: fc.uniqueArray(fc.stringMatching(/^[0-9XSML]{1,3}$/), { minLength: 1, maxLength: 8 }),
  })
  .chain(({ styleId, colours, sizes }) => {
    const pairs = colours.flatMap((c) => sizes.map((s) => [c, s] as const));
    return fc.subarray(pairs, { minLength: 1 }).map((chosen) => ({
      id: styleDocId(styleId),
      kind: 'style' as const,
      styleId,
      name: `Style ${styleId}`,
      category: 'apparel',
      colours,
      sizes,
      variants: chosen.map(([colour, size], i) => ({ sku: `${styleId}-${i}`, colour, size })),
    }));
  });

describe('styles', () => {
  it('[VG1] a well-formed style has no problems', () => {
    expect(styleProblems(tee)).toEqual([]);
    fc.assert(
      fc.property(validStyle, (s) => {
        expect(styleProblems(s)).toEqual([]);
      }),
    );
  });

  it('[VG1] style validation never throws, on any input or any mangled style', () => {
    const anything = fc.anything({ withNullPrototype: true, withBigInt: true });
    fc.assert(
      fc.property(
        fc.oneof(
          anything,
          fc.record({
            id: fc.oneof(fc.constant('style:TEE'), anything),
            kind: fc.oneof(fc.constant('style'), anything),
            styleId: fc.oneof(fc.constant('TEE'), anything),
            name: fc.oneof(fc.string(), anything),
            category: fc.oneof(fc.string(), anything),
            brand: anything,
            colours: fc.oneof(fc.array(fc.oneof(fc.string(), anything)), anything),
            sizes: fc.oneof(fc.array(fc.oneof(fc.string(), anything)), anything),
            variants: fc.oneof(
              fc.array(
                fc.oneof(fc.record({ sku: anything, colour: anything, size: anything }), anything),
              ),
              anything,
            ),
          }),
        ),
        (value) => {
          const problems = styleProblems(value);
          for (const p of problems) {
            expect(typeof p.path).toBe('string');
            expect(typeof p.message).toBe('string');
          }
        },
      ),
    );
  });

  it('[VG1] each SKU once, each colour-size pair at most once, only the style’s colours and sizes', () => {
    const problems = (over: Partial<Style> & Record<string, unknown>) =>
      styleProblems({ ...tee, ...over });
    expect(problems({ id: 'TEE' })).toEqual([{ path: '$.id', message: 'must be "style:TEE"' }]);
    expect(problems({ colours: ['red', 'red', 'blue'] })).toEqual([
      { path: '$.colours[1]', message: 'red is listed twice' },
    ]);
    expect(problems({ sizes: [] })).toContainEqual({
      path: '$.sizes',
      message: 'must list 1-60 sizes',
    });
    expect(
      problems({
        variants: [...tee.variants, { sku: 'TEE-RED-S', colour: 'blue', size: 'S' }],
      }),
    ).toEqual([{ path: '$.variants[4].sku', message: 'TEE-RED-S is a variant twice' }]);
    expect(
      problems({ variants: [...tee.variants, { sku: 'TEE-RED-M2', colour: 'red', size: 'M' }] }),
    ).toEqual([{ path: '$.variants[4]', message: 'red M has two SKUs' }]);
    expect(problems({ variants: [{ sku: 'TEE-G-M', colour: 'green', size: 'XL' }] })).toEqual([
      { path: '$.variants[0].colour', message: 'is not one of the style’s colours' },
      { path: '$.variants[0].size', message: 'is not one of the style’s sizes' },
    ]);
    expect(problems({ variants: [] })).toEqual([
      { path: '$.variants', message: 'must list 1-3000 variants' },
    ]);
    expect(problems({ name: ' ' })).toEqual([
      { path: '$.name', message: 'must be 1-200 characters' },
    ]);
  });

  it('[VG2] the grid has a row per colour and a column per size in the style’s order', () => {
    const atp: Record<string, number> = { 'TEE-RED-S': 0, 'TEE-RED-M': 3, 'TEE-BLUE-M': 2 };
    const grid = styleGrid(tee, (sku) => atp[sku]);
    expect(grid).toEqual({
      styleId: 'TEE',
      colours: ['red', 'blue'],
      sizes: ['S', 'M', 'L'],
      cells: [
        [
          { sku: 'TEE-RED-S', atp: 0 },
          { sku: 'TEE-RED-M', atp: 3 },
          // Not known is not 0.
          { sku: 'TEE-RED-L', atp: null },
        ],
        [null, { sku: 'TEE-BLUE-M', atp: 2 }, null],
      ],
      total: 5,
    });
  });

  it('[VG2] for any style, each variant is in its cell, every other cell is empty, the total sums the known', () => {
    fc.assert(
      fc.property(validStyle, fc.func(fc.option(fc.nat(50), { nil: undefined })), (s, atpOf) => {
        const grid = styleGrid(s, (sku) => atpOf(sku));
        expect(grid.cells.length).toBe(s.colours.length);
        let total = 0;
        let filled = 0;
        grid.cells.forEach((row, r) => {
          expect(row.length).toBe(s.sizes.length);
          row.forEach((cell, c) => {
            const v = s.variants.find((x) => x.colour === s.colours[r] && x.size === s.sizes[c]);
            if (!v) return expect(cell).toBeNull();
            filled++;
            expect(cell).toEqual({ sku: v.sku, atp: atpOf(v.sku) ?? null });
            total += atpOf(v.sku) ?? 0;
          });
        });
        expect(filled).toBe(s.variants.length);
        expect(grid.total).toBe(total);
      }),
    );
  });

  it('[VG3] a SKU finds its style and variant; another SKU finds none', () => {
    expect(variantOf([tee], 'TEE-BLUE-M')).toEqual({
      style: tee,
      variant: { sku: 'TEE-BLUE-M', colour: 'blue', size: 'M' },
    });
    expect(variantOf([tee], 'SKU-1')).toBeNull();
  });

  it('[VG4] other stores come nearest first, then by id, without the asking store or stores with no place', () => {
    const here = { storeId: 'S001', location: { lat: 31.2304, lng: 121.4737 } };
    const stores = [
      { storeId: 'S001', location: here.location },
      { storeId: 'S004', location: { lat: 31.2304, lng: 121.5052 } }, // ~3 km east
      { storeId: 'S003', location: { lat: 31.2304, lng: 121.5052 } },
      { storeId: 'S002', location: { lat: 31.2404, lng: 121.4737 } }, // ~1.1 km north
      { storeId: 'S005', location: null },
    ];
    const sorted = storesByDistance(here, stores);
    expect(sorted.map((s) => s.storeId)).toEqual(['S002', 'S003', 'S004']);
    expect(sorted[1]!.distanceMetres).toBeGreaterThan(2900);
    expect(sorted[1]!.distanceMetres).toBeLessThan(3100);
    expect(storesByDistance(here, stores, 2).map((s) => s.storeId)).toEqual(['S002', 'S003']);
  });

  it('[VG4] for any stores, the order never goes further away and each distance is its haversine', () => {
    const point = fc.record({
      lat: fc.double({ min: 18, max: 53, noNaN: true }),
      lng: fc.double({ min: 73, max: 135, noNaN: true }),
    });
    fc.assert(
      fc.property(
        point,
        fc.uniqueArray(
          fc.record({
            storeId: fc.stringMatching(/^S\d{3}$/),
            location: fc.option(point, { nil: null }),
          }),
          { selector: (s) => s.storeId, maxLength: 30 },
        ),
        fc.nat(40),
        (location, stores, limit) => {
          const from = { storeId: 'S000', location };
          const sorted = storesByDistance(from, stores, limit);
          const eligible = stores.filter((s) => s.location !== null && s.storeId !== 'S000');
          expect(sorted.length).toBe(Math.min(limit, eligible.length));
          for (let i = 1; i < sorted.length; i++) {
            const [a, b] = [sorted[i - 1]!, sorted[i]!];
            expect(
              a.distanceMetres < b.distanceMetres ||
                (a.distanceMetres === b.distanceMetres && a.storeId < b.storeId),
            ).toBe(true);
          }
          for (const s of sorted) {
            expect(s.distanceMetres).toBe(haversineMetres(location, s.location!));
          }
        },
      ),
    );
  });

  it('[VG5] figures are live only online and within a minute; otherwise stale, never live', () => {
    const asOf = '2026-11-22T03:00:00.000Z';
    expect(stockFreshness(asOf, '2026-11-22T03:01:00.000Z', true)).toBe('live');
    expect(stockFreshness(asOf, '2026-11-22T03:01:00.001Z', true)).toBe('stale');
    expect(stockFreshness(asOf, '2026-11-22T03:00:00.000Z', false)).toBe('stale');
    expect(stockFreshness('not a time', '2026-11-22T03:00:00.000Z', true)).toBe('stale');
    fc.assert(
      fc.property(
        fc.date({ noInvalidDate: true }),
        fc.integer({ min: -120_000, max: 600_000 }),
        fc.boolean(),
        (at, age, online) => {
          const now = new Date(at.getTime() + age);
          if (Number.isNaN(now.getTime())) return;
          const f = stockFreshness(at.toISOString(), now.toISOString(), online);
          expect(f).toBe(online && age <= 60_000 ? 'live' : 'stale');
        },
      ),
    );
  });
});
