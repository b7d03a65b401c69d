/**
 * Straight-line distances between places on the Earth, for showing a
 * customer the stores near them and for routing. Pure. See SPEC.md [GEO1].
 */
import { DomainError } from './errors';

/** A point in degrees: latitude north positive, longitude east positive. */
export type GeoPoint = { lat: number; lng: number };

/** The mean Earth radius (IUGG), in metres. */
export const EARTH_RADIUS_METRES = 6_371_008.8;

function checkPoint(p: GeoPoint, what: string): void {
  if (
    !Number.isFinite(p.lat) ||
    !Number.isFinite(p.lng) ||
    Math.abs(p.lat) > 90 ||
    Math.abs(p.lng) > 180
  ) {
    throw new DomainError(
      'COORDINATES_INVALID',
      `${what} must have a latitude from -90 to 90 and a longitude from -180 to 180, got ${String(p.lat)}, ${String(p.lng)}`,
    );
  }
}

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * [GEO1] The great-circle distance from `a` to `b` in whole metres, by the
 * haversine formula on a sphere of the mean Earth radius. Refuses
 * coordinates out of range (`COORDINATES_INVALID`).
 */
export function haversineMetres(a: GeoPoint, b: GeoPoint): number {
  checkPoint(a, 'the first point');
  checkPoint(b, 'the second point');
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  // Rounding can push h a hair past 1 for antipodes; clamp so asin stays defined.
  const central = 2 * Math.asin(Math.sqrt(Math.min(1, Math.max(0, h))));
  return Math.round(EARTH_RADIUS_METRES * central);
}
