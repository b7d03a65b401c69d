/**
 * The places a chain fulfils orders from: stores and regional warehouses,
 * each with its coordinates, the fulfilment modes it offers, its opening
 * hours and a daily capacity of shipments; and the chain's routing policy.
 * Pure. See SPEC.md [LOC1]-[LOC4].
 */
import { DomainError } from './errors';
import type { GeoPoint } from './geo';

/** [LOC1] A store sells and fulfils; a regional warehouse only fulfils. */
export type LocationKind = 'store' | 'warehouse';

/** [LOC1] What a location offers: customers pick up there, it ships parcels, it sends same-city couriers. */
export const OFFERED_MODES = ['pickup', 'ship', 'same-city'] as const;
export type OfferedMode = (typeof OFFERED_MODES)[number];

/** [LOC1] The two modes the router assigns: express parcels and same-city couriers. */
export type RoutableMode = 'ship' | 'same-city';

/**
 * [LOC2] One span of opening hours in the chain's local time: on each of
 * `days` (0 Sunday … 6 Saturday) from `open` to `close` ('HH:MM'); '00:00' to
 * '24:00' is all day; a `close` before `open` runs past midnight into the
 * next day.
 */
export type OpeningSpan = { days: number[]; open: string; close: string };

/** [LOC1] A place orders are fulfilled from. Lower `rank` is preferred when all else ties ([RO4]). */
export type FulfilmentLocation = GeoPoint & {
  id: string;
  name: string;
  kind: LocationKind;
  modes: OfferedMode[];
  hours: OpeningSpan[];
  /** Shipments (parcels) it can make in a day. */
  dailyCapacity: number;
  rank: number;
};

/** [LOC3] A chain's routing policy; every figure a whole number >= 0. */
export type RoutingPolicy = {
  /** [RO1] Units of each SKU a location keeps back from routing (for its walk-in customers). */
  safetyStock: number;
  /** [RO6] A line whose unit price (fen) is below this ships all its units from one location. */
  noSplitBelowFen: number;
  /** [RO8] Same-city delivery comes only from locations this close to the customer (metres). */
  sameCityRadiusMetres: number;
  /** [RO8] Minutes from the order to the start of the promised same-city window. */
  sameCityPrepMinutes: number;
  /** [RO8] Length of the promised same-city window, minutes. */
  sameCityWindowMinutes: number;
  /** [MG1] Orders of one customer to one address this many minutes apart ship as one parcel. */
  mergeWindowMinutes: number;
  /** [LOC2] The chain's local time, minutes east of UTC (China: 480). */
  utcOffsetMinutes: number;
  /** [RO7] The router's search stops after this many nodes and keeps the best plan found. */
  maxSearchNodes: number;
};

export const DEFAULT_ROUTING_POLICY: RoutingPolicy = {
  safetyStock: 1,
  noSplitBelowFen: 5_000,
  sameCityRadiusMetres: 5_000,
  sameCityPrepMinutes: 30,
  sameCityWindowMinutes: 60,
  mergeWindowMinutes: 10,
  utcOffsetMinutes: 480,
  maxSearchNodes: 1_000_000,
};

/** [LOC3] A chain's routing policy: the defaults unless it says otherwise, each a whole number >= 0. */
export function routingPolicy(overrides: Partial<RoutingPolicy> = {}): RoutingPolicy {
  const policy = { ...DEFAULT_ROUTING_POLICY, ...overrides };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isSafeInteger(value) || (value < 0 && name !== 'utcOffsetMinutes')) {
      throw new DomainError(
        'ROUTING_POLICY_INVALID',
        `${name} must be a whole number >= 0, got ${String(value)}`,
      );
    }
  }
  if (policy.maxSearchNodes < 1) {
    throw new DomainError('ROUTING_POLICY_INVALID', 'maxSearchNodes must be at least 1');
  }
  return policy;
}

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m || (m[1] === '24' && m[2] !== '00')) {
    throw new DomainError('LOCATION_INVALID', `opening time ${hhmm} is not HH:MM`);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * [LOC2] Whether a location with `hours` is open at the instant `at`, in the
 * chain's local time (`utcOffsetMinutes` east of UTC). Opening is inclusive,
 * closing exclusive; a span past midnight counts on the next day too.
 */
export function isOpenAt(
  hours: readonly OpeningSpan[],
  at: string,
  utcOffsetMinutes: number,
): boolean {
  const t = Date.parse(at);
  if (!Number.isFinite(t)) throw new DomainError('LOCATION_INVALID', `not an instant: ${at}`);
  const local = new Date(t + utcOffsetMinutes * 60_000);
  const day = local.getUTCDay();
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  for (const span of hours) {
    const open = minutesOf(span.open);
    const close = minutesOf(span.close);
    if (close > open) {
      if (span.days.includes(day) && minute >= open && minute < close) return true;
    } else if (close < open) {
      if (span.days.includes(day) && minute >= open) return true;
      if (span.days.includes((day + 6) % 7) && minute < close) return true;
    }
  }
  return false;
}

/** [LOC4] What is wrong with a location, if anything: ids, coordinates, modes, hours, capacity, rank. */
export function locationProblems(value: unknown): string[] {
  const l = value as Partial<FulfilmentLocation> | null;
  if (!l || typeof l !== 'object') return ['a location is an object'];
  const problems: string[] = [];
  if (typeof l.id !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(l.id)) {
    problems.push('id must be 1 to 40 letters, digits, _ or -');
  }
  if (typeof l.name !== 'string' || l.name.length === 0 || l.name.length > 100) {
    problems.push('name must be 1 to 100 characters');
  }
  if (l.kind !== 'store' && l.kind !== 'warehouse')
    problems.push('kind must be store or warehouse');
  if (
    typeof l.lat !== 'number' ||
    typeof l.lng !== 'number' ||
    !(Math.abs(l.lat) <= 90) ||
    !(Math.abs(l.lng) <= 180)
  ) {
    problems.push('lat must be -90..90 and lng -180..180');
  }
  if (
    !Array.isArray(l.modes) ||
    l.modes.some((m) => !OFFERED_MODES.includes(m)) ||
    new Set(l.modes).size !== l.modes.length
  ) {
    problems.push(`modes must name each of ${OFFERED_MODES.join(', ')} at most once`);
  }
  if (l.kind === 'warehouse' && Array.isArray(l.modes) && l.modes.includes('pickup')) {
    problems.push('a warehouse has no pickup counter');
  }
  if (!Array.isArray(l.hours)) problems.push('hours must be a list of spans');
  else {
    for (const span of l.hours) {
      try {
        if (
          !Array.isArray(span?.days) ||
          span.days.length === 0 ||
          span.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)
        ) {
          throw new DomainError('LOCATION_INVALID', 'days must be 0 (Sunday) to 6');
        }
        minutesOf(span.open);
        minutesOf(span.close);
      } catch (e) {
        problems.push(`hours: ${(e as Error).message}`);
      }
    }
  }
  if (!Number.isSafeInteger(l.dailyCapacity) || (l.dailyCapacity as number) < 0) {
    problems.push('dailyCapacity must be a whole number >= 0');
  }
  if (!Number.isSafeInteger(l.rank) || (l.rank as number) < 0) {
    problems.push('rank must be a whole number >= 0');
  }
  return problems;
}
