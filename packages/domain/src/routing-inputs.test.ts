import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import {
  routingPolicy,
  type OfferedMode,
  type RoutableMode,
  type RoutingPolicy,
} from './locations';
import { routeOrder, type RoutingDecision, type RoutingRequest } from './routing';
import { packRoutingRequest, routingLocationsOf, unpackRoutingRequest } from './routing-inputs';

const HOME = { lat: 31.2, lng: 121.4 };
const NOW = '2026-12-07T02:00:00.000Z';
const ALL_DAY = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' }];
const NIGHT_ONLY = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '22:00', close: '06:00' }];
/** The order's SKUs are among the first three; the fourth is stock no order asks for. */
const SKUS = ['A', 'B', 'C', 'Z'];
const MODE_SETS: OfferedMode[][] = [
  ['pickup', 'ship', 'same-city'],
  ['ship', 'same-city'],
  ['ship'],
  ['same-city'],
  ['pickup'],
];

// Small chains: locations near and far, of every mode set, open or not, full or not,
// with no stock, a little, or only of a SKU the order does not ask for.
const requestArb = fc
  .record({
    locations: fc.array(
      fc.record({
        lat: fc.constantFrom(0, 0.01, 0.05),
        lng: fc.constantFrom(-0.03, 0, 0.015, 0.03),
        modes: fc.constantFrom(...MODE_SETS),
        night: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
        capacity: fc.integer({ min: 1, max: 3 }),
        shipped: fc.integer({ min: 0, max: 3 }),
        rank: fc.integer({ min: 0, max: 2 }),
        atp: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 4, maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 7 },
    ),
    lines: fc.array(
      fc.record({
        sku: fc.constantFrom(...SKUS.slice(0, 3)),
        quantity: fc.integer({ min: 1, max: 4 }),
        cheap: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    mode: fc.constantFrom<RoutableMode>('ship', 'same-city'),
    exclude: fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.constantFrom(...SKUS)), {
      maxLength: 2,
    }),
  })
  .map((g): RoutingRequest => ({
    mode: g.mode,
    destination: HOME,
    now: NOW,
    lines: g.lines.map((l, i) => ({
      lineId: `l${i}`,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.cheap ? 1_000 : 9_000,
    })),
    locations: g.locations.map((l, i) => ({
      location: {
        id: `loc${i}`,
        name: `Location ${i}`,
        kind: 'store',
        lat: HOME.lat + l.lat,
        lng: HOME.lng + l.lng,
        modes: l.modes,
        hours: l.night ? NIGHT_ONLY : ALL_DAY,
        dailyCapacity: l.capacity,
        rank: l.rank,
      },
      atp: Object.fromEntries(SKUS.map((sku, j) => [sku, l.atp[j]!])),
      shipmentsToday: l.shipped,
    })),
    policy: routingPolicy(),
    ...(g.exclude.length > 0
      ? { exclude: g.exclude.map(([i, sku]) => ({ locationId: `loc${i}`, sku })) }
      : {}),
  }));

const changeArb: fc.Arbitrary<Partial<RoutingPolicy>> = fc.record(
  {
    safetyStock: fc.integer({ min: 0, max: 5 }),
    noSplitBelowFen: fc.constantFrom(0, 5_000, 20_000),
    sameCityRadiusMetres: fc.constantFrom(500, 2_000, 5_000, 50_000),
    utcOffsetMinutes: fc.constantFrom(0, 480, -600),
    maxSearchNodes: fc.constantFrom(1, 3, 1_000_000),
  },
  { requiredKeys: [] },
);

/** What a decision decides: everything but the explanation's account of the locations left out. */
function outcome(d: RoutingDecision) {
  const { explanation } = d;
  const decided = {
    chosen: explanation.chosen,
    runnerUp: explanation.runnerUp,
    decidedBy: explanation.decidedBy,
  };
  return d.ok
    ? { ok: true, allocations: d.allocations, shipments: d.shipments, window: d.window, decided }
    : { ok: false, short: d.short, message: d.message, decided };
}

/** As it is stored: JSON, then unpacked against the snapshot's location list. */
function roundTrip(request: RoutingRequest): RoutingRequest {
  const stored = JSON.parse(JSON.stringify(packRoutingRequest(request, 'snap'))) as ReturnType<
    typeof packRoutingRequest
  >;
  const snapshot = JSON.parse(JSON.stringify(routingLocationsOf(request))) as ReturnType<
    typeof routingLocationsOf
  >;
  return unpackRoutingRequest(stored, snapshot);
}

describe('routing inputs packed', () => {
  it('[RDY3] routing the unpacked request decides as the whole one, under any policy change', () => {
    fc.assert(
      fc.property(requestArb, changeArb, (request, change) => {
        const policy = routingPolicy({ ...request.policy, ...change });
        const whole = routeOrder({ ...request, policy });
        const packed = routeOrder({ ...roundTrip(request), policy });
        expect(outcome(packed)).toEqual(outcome(whole));
      }),
      { numRuns: 2_000, seed: 15 },
    );
  });

  it('[RDY3] keeps only the locations that offer the mode, have capacity left and ATP of the order, ATP > 0 only', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const skus = new Set(request.lines.map((l) => l.sku));
        const packed = packRoutingRequest(request, 'snap');
        const kept = request.locations.filter(
          (s) =>
            s.location.modes.includes(request.mode) &&
            s.shipmentsToday < s.location.dailyCapacity &&
            [...skus].some((sku) => (s.atp[sku] ?? 0) > 0),
        );
        expect(packed.states.map(([id]) => id)).toEqual(kept.map((s) => s.location.id));
        for (const [, shipmentsToday, atp] of packed.states) {
          expect(shipmentsToday).toBeGreaterThanOrEqual(0);
          for (const [sku, units] of Object.entries(atp)) {
            expect(skus.has(sku)).toBe(true);
            expect(units).toBeGreaterThan(0);
          }
        }
        expect(packed).not.toHaveProperty('locations');
        expect(packed).toMatchObject({
          mode: request.mode,
          lines: request.lines,
          destination: request.destination,
          now: request.now,
          policy: request.policy,
          locationsId: 'snap',
        });
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('[RDY3] a location missing from the snapshot is an error', () => {
    const request = fc.sample(requestArb, { numRuns: 50, seed: 15 }).find((r) => {
      return packRoutingRequest(r, 'snap').states.length > 0;
    })!;
    const packed = packRoutingRequest(request, 'snap');
    expect(() => unpackRoutingRequest(packed, [])).toThrow(DomainError);
    expect(() => unpackRoutingRequest(packed, [])).toThrow(/not in the location snapshot snap/);
  });
});
