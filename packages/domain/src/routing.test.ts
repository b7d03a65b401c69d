import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineMetres, type GeoPoint } from './geo';
import {
  DEFAULT_ROUTING_POLICY,
  isOpenAt,
  routingPolicy,
  type FulfilmentLocation,
  type OfferedMode,
  type RoutableMode,
  type RoutingPolicy,
} from './locations';
import {
  routeOrder,
  type LocationState,
  type RoutingDecision,
  type RoutingLine,
  type RoutingRequest,
} from './routing';

const HOME: GeoPoint = { lat: 31.2, lng: 121.4 };
// A Monday 10:00 in Shanghai.
const NOW = '2026-12-07T02:00:00.000Z';
const ALL_DAY = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' }];
const NIGHT_ONLY = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '22:00', close: '06:00' }];

function place(
  id: string,
  at: Partial<GeoPoint> & { km?: number },
  more: Partial<FulfilmentLocation> = {},
): FulfilmentLocation {
  // `km` east of home: about 0.0105 degrees of longitude a kilometre at this latitude.
  const lng = at.lng ?? HOME.lng + (at.km ?? 0) * 0.0105;
  return {
    id,
    name: `Store ${id}`,
    kind: 'store',
    lat: at.lat ?? HOME.lat,
    lng,
    modes: ['pickup', 'ship', 'same-city'],
    hours: ALL_DAY,
    dailyCapacity: 100,
    rank: 1,
    ...more,
  };
}

function state(
  location: FulfilmentLocation,
  atp: Record<string, number>,
  shipmentsToday = 0,
): LocationState {
  return { location, atp, shipmentsToday };
}

function request(
  locations: LocationState[],
  lines: RoutingLine[],
  more: Partial<RoutingRequest> = {},
): RoutingRequest {
  return {
    mode: 'ship',
    lines,
    destination: HOME,
    now: NOW,
    locations,
    policy: routingPolicy(),
    ...more,
  };
}

const line = (lineId: string, sku: string, quantity: number, unitPrice = 9_000): RoutingLine => ({
  lineId,
  sku,
  quantity,
  unitPrice,
});

function ok(d: RoutingDecision) {
  if (!d.ok) throw new Error(`expected a plan: ${d.message}`);
  return d;
}

// ---------------------------------------------------------------------------
// The oracle: written from the SPEC alone, trying every set of eligible
// locations and scoring each the slow, obvious way.

type OraclePlan = {
  ids: string[];
  shipments: number;
  distance: number;
  emptied: number;
  ranks: number[];
};

function oracle(req: RoutingRequest): { plans: OraclePlan[] } {
  const { policy } = req;
  const skus: string[] = [];
  const qty = new Map<string, number>();
  const whole = new Map<string, boolean>();
  for (const l of req.lines) {
    if (!qty.has(l.sku)) skus.push(l.sku);
    qty.set(l.sku, (qty.get(l.sku) ?? 0) + l.quantity);
    whole.set(l.sku, (whole.get(l.sku) ?? false) || l.unitPrice < policy.noSplitBelowFen);
  }
  const excluded = (id: string, sku: string) =>
    (req.exclude ?? []).some((e) => e.locationId === id && e.sku === sku);
  const pool = req.locations
    .map((s) => {
      const units = new Map(
        skus.map((sku) => [
          sku,
          excluded(s.location.id, sku) ? 0 : Math.max(0, (s.atp[sku] ?? 0) - policy.safetyStock),
        ]),
      );
      return { s, units, distance: haversineMetres(s.location, req.destination) };
    })
    .filter(
      ({ s, units, distance }) =>
        s.location.modes.includes(req.mode) &&
        !(req.mode === 'same-city' && distance > policy.sameCityRadiusMetres) &&
        isOpenAt(s.location.hours, req.now, policy.utcOffsetMinutes) &&
        s.shipmentsToday < s.location.dailyCapacity &&
        [...units.values()].some((u) => u > 0),
    );
  const plans: OraclePlan[] = [];
  for (let mask = 1; mask < 1 << pool.length; mask++) {
    const set = pool.filter((_, i) => mask & (1 << i));
    const feasible = skus.every((sku) => {
      const units = set.map((c) => c.units.get(sku)!);
      return whole.get(sku)
        ? Math.max(...units) >= qty.get(sku)!
        : units.reduce((a, b) => a + b, 0) >= qty.get(sku)!;
    });
    if (!feasible) continue;
    // Most units first, then nearest, then id; a non-splittable SKU from the first with enough.
    const used = new Set<string>();
    let emptied = 0;
    for (const sku of skus) {
      const order = set
        .filter((c) => c.units.get(sku)! > 0)
        .sort(
          (a, b) =>
            b.units.get(sku)! - a.units.get(sku)! ||
            a.distance - b.distance ||
            (a.s.location.id < b.s.location.id ? -1 : 1),
        );
      let left = qty.get(sku)!;
      for (const c of order) {
        const have = c.units.get(sku)!;
        if (whole.get(sku) && have < left) continue;
        const take = Math.min(have, left);
        used.add(c.s.location.id);
        if (take === have) emptied++;
        left -= take;
        if (left === 0) break;
      }
    }
    if (used.size !== set.length) continue; // the same plan as a smaller set
    plans.push({
      ids: set.map((c) => c.s.location.id).sort(),
      shipments: set.length,
      distance: set.reduce((s, c) => s + c.distance, 0),
      emptied,
      ranks: set.map((c) => c.s.location.rank).sort((a, b) => a - b),
    });
  }
  const cmp = (a: readonly (number | string)[], b: readonly (number | string)[]) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++)
      if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return a.length - b.length;
  };
  plans.sort(
    (a, b) =>
      a.shipments - b.shipments ||
      a.distance - b.distance ||
      a.emptied - b.emptied ||
      cmp(a.ranks, b.ranks) ||
      cmp(a.ids, b.ids),
  );
  return { plans };
}

// ---------------------------------------------------------------------------
// Generated chains: up to 8 locations on a few points at equal distances
// from the customer (east and west mirror each other), up to 6 lines over 3
// SKUs, cheap (never split) and dear lines.

const SKUS = ['A', 'B', 'C'];
// Mostly locations that can take part, so most orders route and the ties are exercised.
const MODE_SETS: OfferedMode[][] = [
  ['pickup', 'ship', 'same-city'],
  ['pickup', 'ship', 'same-city'],
  ['ship', 'same-city'],
  ['ship'],
  ['same-city'],
  ['pickup'],
];

const locationArb = fc.record({
  lat: fc.constantFrom(0, 0.01),
  lng: fc.constantFrom(-0.03, -0.015, 0, 0.015, 0.03),
  modes: fc.constantFrom(...MODE_SETS),
  night: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  capacity: fc.integer({ min: 1, max: 4 }),
  shipped: fc.integer({ min: 0, max: 2 }),
  rank: fc.integer({ min: 0, max: 2 }),
  atp: fc.tuple(
    fc.integer({ min: 0, max: 12 }),
    fc.integer({ min: 0, max: 12 }),
    fc.integer({ min: 0, max: 12 }),
  ),
});

const requestArb = fc
  .record({
    locations: fc.array(locationArb, { minLength: 1, maxLength: 8 }),
    lines: fc.array(
      fc.record({
        sku: fc.constantFrom(...SKUS),
        quantity: fc.integer({ min: 1, max: 3 }),
        cheap: fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    mode: fc.constantFrom<RoutableMode>('ship', 'ship', 'same-city'),
    safetyStock: fc.integer({ min: 0, max: 1 }),
    radiusKm: fc.constantFrom(2, 5, 5),
    // Every location open and able to ship, with little stock each: plans of several parcels.
    scarce: fc.boolean(),
    exclude: fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom(...SKUS)), {
      maxLength: 2,
    }),
  })
  .map((g): RoutingRequest => ({
    mode: g.mode,
    destination: HOME,
    now: NOW,
    lines: g.lines.map((l, i) => line(`l${i}`, l.sku, l.quantity, l.cheap ? 1_000 : 9_000)),
    locations: g.locations.map((l, i) =>
      state(
        place(
          `loc${i}`,
          { lat: HOME.lat + l.lat, lng: HOME.lng + l.lng },
          g.scarce
            ? { modes: ['ship', 'same-city'], dailyCapacity: 9, rank: l.rank }
            : {
                modes: l.modes,
                hours: l.night ? NIGHT_ONLY : ALL_DAY,
                dailyCapacity: l.capacity,
                rank: l.rank,
              },
        ),
        Object.fromEntries(SKUS.map((s, j) => [s, g.scarce ? l.atp[j]! % 5 : l.atp[j]!])),
        l.shipped,
      ),
    ),
    policy: routingPolicy({ safetyStock: g.safetyStock, sameCityRadiusMetres: g.radiusKm * 1000 }),
    exclude: g.exclude.map(([i, sku]) => ({ locationId: `loc${i}`, sku })),
  }));

const RUNS = { numRuns: 600, seed: 15 };

describe('routeOrder against an exhaustive oracle', () => {
  it('[RO3] [RO4] [RO5] chooses the plan the oracle ranks first: fewest shipments, least distance, then balance, ranks, ids', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const plans = oracle(req).plans;
        const d = routeOrder(req);
        // [RO10] NOT_ROUTABLE exactly when no set of locations covers the order.
        expect(d.ok).toBe(plans.length > 0);
        if (!d.ok) return;
        const [first] = plans;
        expect(d.shipments).toHaveLength(first!.shipments);
        expect(d.explanation.chosen!.distanceMetres).toBe(first!.distance);
        expect(d.shipments.reduce((s, x) => s + x.distanceMetres, 0)).toBe(first!.distance);
        expect(d.explanation.chosen!.emptied).toBe(first!.emptied);
        expect(d.shipments.map((s) => s.locationId)).toEqual(first!.ids);
      }),
      RUNS,
    );
  });

  it('[RO10] the runner-up is the best other plan with as few shipments', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const plans = oracle(req).plans;
        const d = routeOrder(req);
        if (!d.ok) return;
        const second = plans[1]?.shipments === plans[0]!.shipments ? plans[1] : undefined;
        expect(d.explanation.runnerUp?.locationIds).toEqual(second?.ids);
        expect(d.explanation.decidedBy === 'only-plan').toBe(second === undefined);
      }),
      RUNS,
    );
  });

  it('[RO2] decides the same on every run and whatever the order of the locations', () => {
    fc.assert(
      fc.property(
        requestArb.chain((req) =>
          fc.tuple(
            fc.constant(req),
            fc.shuffledSubarray([...req.locations], {
              minLength: req.locations.length,
              maxLength: req.locations.length,
            }),
          ),
        ),
        ([req, shuffled]) => {
          const once = routeOrder(req);
          expect(routeOrder(req)).toEqual(once);
          const again = routeOrder({ ...req, locations: shuffled });
          if (once.ok && again.ok) {
            expect(again.allocations.slice().sort(byLineAndPlace)).toEqual(
              once.allocations.slice().sort(byLineAndPlace),
            );
            expect(again.shipments).toEqual(once.shipments);
          }
          expect({ ...again.explanation, searchNodes: 0 }).toEqual({
            ...once.explanation,
            searchNodes: 0,
          });
        },
      ),
      RUNS,
    );
  });

  it('[RO6] [OD14] covers every line exactly, a non-splittable SKU from one location, never beyond routable units', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const d = routeOrder(req);
        if (!d.ok) return;
        for (const l of req.lines) {
          const mine = d.allocations.filter((a) => a.lineId === l.lineId);
          expect(mine.reduce((s, a) => s + a.quantity, 0)).toBe(l.quantity);
          expect(mine.every((a) => a.sku === l.sku && a.quantity > 0)).toBe(true);
        }
        for (const sku of SKUS) {
          const from = new Set(d.allocations.filter((a) => a.sku === sku).map((a) => a.locationId));
          const whole = req.lines.some(
            (l) => l.sku === sku && l.unitPrice < req.policy.noSplitBelowFen,
          );
          if (whole) expect(from.size).toBeLessThanOrEqual(1);
          for (const id of from) {
            const s = req.locations.find((x) => x.location.id === id)!;
            const taken = d.allocations
              .filter((a) => a.sku === sku && a.locationId === id)
              .reduce((t, a) => t + a.quantity, 0);
            expect(taken).toBeLessThanOrEqual((s.atp[sku] ?? 0) - req.policy.safetyStock);
            expect(req.exclude?.some((e) => e.locationId === id && e.sku === sku)).toBeFalsy();
          }
        }
        // Each shipment holds exactly that location's allocations.
        for (const s of d.shipments) {
          const units = s.lines.reduce((t, x) => t + x.quantity, 0);
          const allocated = d.allocations
            .filter((a) => a.locationId === s.locationId)
            .reduce((t, a) => t + a.quantity, 0);
          expect(units).toBe(allocated);
        }
      }),
      RUNS,
    );
  });
});

function byLineAndPlace(
  a: { lineId: string; locationId: string },
  b: { lineId: string; locationId: string },
) {
  return a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : a.locationId < b.locationId ? -1 : 1;
}

// ---------------------------------------------------------------------------

describe('routeOrder examples', () => {
  it('[RO1] leaves out a location for each reason and counts them', () => {
    const d = routeOrder(
      request(
        [
          state(place('mode', { km: 1 }, { modes: ['pickup'] }), { A: 9 }),
          state(place('closed', { km: 1 }, { hours: NIGHT_ONLY }), { A: 9 }),
          state(place('full', { km: 1 }, { dailyCapacity: 2 }), { A: 9 }, 2),
          state(place('empty', { km: 1 }), { A: 1, B: 9 }),
          state(place('excluded', { km: 1 }), { A: 9 }),
          state(place('far', { km: 9 }), { A: 9 }),
          state(place('good', { km: 3 }), { A: 9 }),
        ],
        [line('l1', 'A', 2)],
        { mode: 'same-city', exclude: [{ locationId: 'excluded', sku: 'A' }] },
      ),
    );
    const reasons = Object.fromEntries(
      ok(d).explanation.candidates.map((c) => [c.locationId, c.reason ?? 'eligible']),
    );
    expect(reasons).toEqual({
      mode: 'mode',
      closed: 'closed',
      full: 'capacity',
      empty: 'no-stock',
      excluded: 'excluded',
      far: 'out-of-radius',
      good: 'eligible',
    });
    expect(d.explanation.ineligible).toEqual({
      mode: 1,
      closed: 1,
      capacity: 1,
      'no-stock': 1,
      excluded: 1,
      'out-of-radius': 1,
    });
    expect(ok(d).shipments.map((s) => s.locationId)).toEqual(['good']);
  });

  it('[RO1] keeps the routing safety stock back', () => {
    const req = request([state(place('a', { km: 1 }), { A: 3 })], [line('l1', 'A', 3)]);
    expect(routeOrder(req).ok).toBe(false);
    expect(routeOrder({ ...req, policy: routingPolicy({ safetyStock: 0 }) }).ok).toBe(true);
  });

  it('[RO8] same-city: only within the radius, with the promised window', () => {
    const req = request(
      [state(place('near', { km: 4 }), { A: 5 }), state(place('far', { km: 6 }), { A: 5 })],
      [line('l1', 'A', 1)],
      { mode: 'same-city' },
    );
    const d = ok(routeOrder(req));
    expect(d.shipments.map((s) => s.locationId)).toEqual(['near']);
    expect(d.window).toEqual({ from: '2026-12-07T02:30:00.000Z', to: '2026-12-07T03:30:00.000Z' });
    const tight = routeOrder({ ...req, policy: routingPolicy({ sameCityRadiusMetres: 3_000 }) });
    expect(tight.ok).toBe(false);
    expect(tight.explanation.ineligible).toEqual({ 'out-of-radius': 2 });
    expect(ok(routeOrder({ ...req, mode: 'ship' })).window).toBeUndefined();
  });

  it('[RO9] a reroute never uses the excluded position again, only other SKUs there', () => {
    const locations = [
      state(place('near', { km: 1 }), { A: 5, B: 5 }),
      state(place('far', { km: 5 }), { A: 5 }),
    ];
    const d = ok(
      routeOrder(
        request(locations, [line('l1', 'A', 2)], {
          exclude: [{ locationId: 'near', sku: 'A' }],
        }),
      ),
    );
    expect(d.shipments.map((s) => s.locationId)).toEqual(['far']);
    const both = ok(
      routeOrder(
        request(locations, [line('l1', 'A', 2), line('l2', 'B', 1)], {
          exclude: [{ locationId: 'near', sku: 'A' }],
        }),
      ),
    );
    expect(both.allocations.find((a) => a.sku === 'A')!.locationId).toBe('far');
    expect(both.allocations.find((a) => a.sku === 'B')!.locationId).toBe('near');
  });

  it('[RO7] stops at the node limit, says so, and keeps the best plan found', () => {
    const locations = Array.from({ length: 12 }, (_, i) =>
      state(place(`s${String(i).padStart(2, '0')}`, { km: 1 + i }), { A: 3, B: 3, C: 3 }),
    );
    const req = request(locations, [line('l1', 'A', 3), line('l2', 'B', 3), line('l3', 'C', 3)]);
    const full = ok(routeOrder(req));
    expect(full.explanation.searchCapped).toBe(false);
    expect(full.shipments.map((s) => s.locationId)).toEqual(['s00', 's01']);
    // The first plan is found at the third node (the root, s00, s00 + s01); the search goes on from there.
    expect(full.explanation.searchNodes).toBeGreaterThan(3);
    const capped = ok(routeOrder({ ...req, policy: routingPolicy({ maxSearchNodes: 3 }) }));
    expect(capped.explanation).toMatchObject({ searchCapped: true, searchNodes: 4 });
    expect(capped.shipments.map((s) => s.locationId)).toEqual(['s00', 's01']);
    const none = routeOrder({ ...req, policy: routingPolicy({ maxSearchNodes: 1 }) });
    expect(none).toMatchObject({ ok: false, code: 'NOT_ROUTABLE', short: [] });
    expect(none.explanation.searchCapped).toBe(true);
  });

  it('[RO10] explains the choice: candidates nearest first, the runner-up and the deciding rule', () => {
    const byDistance = ok(
      routeOrder(
        request(
          [state(place('b', { km: 2 }), { A: 5 }), state(place('a', { km: 1 }), { A: 5 })],
          [line('l1', 'A', 1)],
        ),
      ),
    );
    expect(byDistance.explanation.candidates.map((c) => c.locationId)).toEqual(['a', 'b']);
    expect(byDistance.explanation).toMatchObject({
      decidedBy: 'distance',
      rule: 'RO4',
      chosen: { locationIds: ['a'], shipments: 1 },
      runnerUp: { locationIds: ['b'], shipments: 1 },
    });
    // Equal distances (east and west): balance, then rank, then id.
    const east = { km: 2 };
    const west = { km: -2 };
    const balance = ok(
      routeOrder(
        request(
          [state(place('e', east), { A: 3 }), state(place('w', west), { A: 9 })],
          [line('l1', 'A', 2)],
        ),
      ),
    );
    expect(balance.explanation).toMatchObject({ decidedBy: 'balance', rule: 'RO5' });
    expect(balance.shipments[0]!.locationId).toBe('w');
    const rank = ok(
      routeOrder(
        request(
          [
            state(place('e', east, { rank: 0 }), { A: 9 }),
            state(place('w', west, { rank: 1 }), { A: 9 }),
          ],
          [line('l1', 'A', 2)],
        ),
      ),
    );
    expect(rank.explanation).toMatchObject({ decidedBy: 'rank', chosen: { locationIds: ['e'] } });
    expect(rank.explanation.rule).toBeUndefined();
    const id = ok(
      routeOrder(
        request(
          [state(place('w', west), { A: 9 }), state(place('e', east), { A: 9 })],
          [line('l1', 'A', 2)],
        ),
      ),
    );
    expect(id.explanation).toMatchObject({ decidedBy: 'id', chosen: { locationIds: ['e'] } });
    const only = ok(
      routeOrder(request([state(place('a', { km: 1 }), { A: 5 })], [line('l1', 'A', 1)])),
    );
    expect(only.explanation.decidedBy).toBe('only-plan');
    expect(only.explanation.runnerUp).toBeUndefined();
  });

  it('[RO10] NOT_ROUTABLE names the units short per SKU', () => {
    const d = routeOrder(
      request(
        [state(place('a', { km: 1 }), { A: 4, B: 4 }), state(place('b', { km: 2 }), { A: 3 })],
        [line('l1', 'A', 5), line('l2', 'B', 4, 1_000), line('l3', 'B', 1)],
      ),
    );
    expect(d).toMatchObject({
      ok: false,
      code: 'NOT_ROUTABLE',
      short: [{ sku: 'B', requested: 5, available: 3 }],
    });
  });

  it('[RO6] a cheap line keeps its SKU whole even when a split would save a parcel', () => {
    const d = ok(
      routeOrder(
        request(
          [
            state(place('a', { km: 1 }), { A: 3, B: 5 }),
            state(place('b', { km: 2 }), { A: 3 }),
            state(place('c', { km: 8 }), { A: 9 }),
          ],
          [line('l1', 'A', 4, 1_000), line('l2', 'B', 1)],
        ),
      ),
    );
    expect(d.shipments.map((s) => s.locationId)).toEqual(['a', 'c']);
    expect(d.allocations.filter((a) => a.sku === 'A').map((a) => a.locationId)).toEqual(['c']);
  });

  it('[LOC3] the default policy is the contract', () => {
    expect(DEFAULT_ROUTING_POLICY satisfies RoutingPolicy).toMatchObject({
      maxSearchNodes: 1_000_000,
    });
  });
});
