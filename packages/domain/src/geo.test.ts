import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_METRES, haversineMetres, type GeoPoint } from './geo';

const point = fc.record({
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lng: fc.double({ min: -180, max: 180, noNaN: true }),
});
const HALF_CIRCUMFERENCE = Math.round(Math.PI * EARTH_RADIUS_METRES);

describe('haversineMetres', () => {
  it('[GEO1] gives known distances between real places', () => {
    const jingan: GeoPoint = { lat: 31.2286, lng: 121.4547 };
    const xuhui: GeoPoint = { lat: 31.1885, lng: 121.4365 };
    // About 4.8 km across Shanghai; Shanghai to Beijing about 1,068 km.
    expect(haversineMetres(jingan, xuhui)).toBeGreaterThan(4_500);
    expect(haversineMetres(jingan, xuhui)).toBeLessThan(5_000);
    const beijing: GeoPoint = { lat: 39.9042, lng: 116.4074 };
    expect(Math.round(haversineMetres(jingan, beijing) / 1000)).toBeGreaterThanOrEqual(1060);
    expect(Math.round(haversineMetres(jingan, beijing) / 1000)).toBeLessThanOrEqual(1075);
    expect(haversineMetres({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).toBe(HALF_CIRCUMFERENCE);
  });

  it('[GEO1] is symmetric, zero to itself, whole, never negative nor past half the globe', () => {
    fc.assert(
      fc.property(point, point, (a, b) => {
        const d = haversineMetres(a, b);
        expect(d).toBe(haversineMetres(b, a));
        expect(Number.isSafeInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(HALF_CIRCUMFERENCE);
        expect(haversineMetres(a, a)).toBe(0);
      }),
    );
  });

  it('[GEO1] refuses coordinates out of range or not finite', () => {
    const bad = fc.oneof(
      fc.record({ lat: fc.double({ min: 90.000001, max: 1e6 }), lng: fc.constant(0) }),
      fc.record({ lat: fc.constant(0), lng: fc.double({ min: -1e6, max: -180.000001 }) }),
      fc.record({
        lat: fc.constantFrom(Number.NaN, Infinity, -Infinity),
        lng: fc.constant(0),
      }),
    );
    fc.assert(
      fc.property(bad, point, (wrong, right) => {
        expect(() => haversineMetres(wrong, right)).toThrow(/latitude from -90/);
        expect(() => haversineMetres(right, wrong)).toThrow(
          expect.objectContaining({ code: 'COORDINATES_INVALID' }),
        );
      }),
    );
  });
});
