/**
 * The dry run of a routing policy change over a day's stored routing
 * decisions, on both backends: the report, only that day, nothing written,
 * the packed inputs reporting as the whole ones would, and over HTTP the
 * admin route with its refusals of bad bodies.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dryRunRouting,
  routeOrder,
  routingPolicy,
  type FulfilmentLocation,
  type LocationState,
  type OfferedMode,
  type RoutableMode,
  type RoutingPolicy,
  type RoutingRecord,
  type RoutingRequest,
} from '@pos/domain';
import { ALL_DAY_HOURS, ROUTING_HOME, storeEastOfHome } from '@pos/domain/fixtures';
import { provisionAdminToken } from '../auth';
import { seedDemo } from '../demo-data';
import type { JsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, requestAs, S001_DEVICE, serveStorage } from '../test-support';
import { routingDryRun } from './dry-run';
import {
  ROUTING_INPUTS_DB,
  ROUTING_LOCATIONS_DB,
  writeRoutingInput,
  type DecidedRouting,
} from './routing';

const HOME = ROUTING_HOME;

function place(id: string, km: number): FulfilmentLocation {
  return storeEastOfHome(id, km, { modes: ['ship', 'same-city'], dailyCapacity: 50 });
}

// Near has 3 of A to route (4 less the safety stock of 1), far has plenty.
const CHAIN: LocationState[] = [
  { location: place('near', 1), atp: { A: 4, B: 2 }, shipmentsToday: 0 },
  { location: place('far', 6), atp: { A: 40 }, shipmentsToday: 0 },
];

function input(
  orderId: string,
  n: number,
  day: string,
  lines: RoutingRequest['lines'],
): DecidedRouting {
  const request: RoutingRequest = {
    mode: 'ship',
    lines,
    destination: HOME,
    now: `${day}T02:00:00.000Z`,
    locations: CHAIN,
    policy: routingPolicy(),
  };
  const d = routeOrder(request);
  return {
    id: `${orderId}:${n}`,
    orderId,
    day,
    at: request.now,
    request,
    chosen: d.ok ? d.shipments.map((s) => s.locationId) : [],
  };
}

const DAY = '2026-12-07';
const INPUTS = [
  // Three of A: near now; with a safety stock of 3 near has only 1 to route, so far.
  input('O-1', 1, DAY, [{ lineId: 'l1', sku: 'A', quantity: 3, unitPrice: 9_000 }]),
  // One of A: near either way.
  input('O-2', 1, DAY, [{ lineId: 'l1', sku: 'A', quantity: 1, unitPrice: 9_000 }]),
  // One of B: near now, nowhere with a safety stock of 3.
  input('O-3', 1, DAY, [{ lineId: 'l1', sku: 'B', quantity: 1, unitPrice: 9_000 }]),
  // Another day: not in the report.
  input('O-4', 1, '2026-12-06', [{ lineId: 'l1', sku: 'A', quantity: 3, unitPrice: 9_000 }]),
];

/** [RP3] Stores decisions as the order center does: packed, the location list once. */
async function writeInputs(storage: SyncStorage, inputs: readonly DecidedRouting[]) {
  await storage.transaction(async (tx) => {
    for (const decided of inputs) expect(await writeRoutingInput(tx, decided)).toBe(true);
  });
}

const EXPECTED = {
  day: DAY,
  decisions: 3,
  orders: 3,
  moved: [{ orderId: 'O-1', from: ['near'], to: ['far'], decidedBy: 'only-plan' }],
  unchanged: 1,
  nowNotRoutable: [
    { orderId: 'O-3', from: ['near'], short: [{ sku: 'B', requested: 1, available: 0 }] },
  ],
  shipmentsByLocation: { far: 1, near: -2 },
};

// Generated days: small chains where some locations do not offer the mode, are closed,
// full, far, or hold none of the order's SKUs; orders of a few lines, some rerouted.
const SKUS = ['A', 'B', 'C', 'D'];
const NIGHT = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '20:00', close: '24:00' }];
const MODE_SETS: OfferedMode[][] = [
  ['ship', 'same-city'],
  ['pickup', 'ship', 'same-city'],
  ['ship'],
  ['same-city'],
  ['pickup'],
];
const chainArb = fc.array(
  fc.record({
    km: fc.integer({ min: 0, max: 8 }),
    modes: fc.constantFrom(...MODE_SETS),
    night: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    capacity: fc.integer({ min: 1, max: 3 }),
    shipped: fc.integer({ min: 0, max: 2 }),
    rank: fc.integer({ min: 0, max: 2 }),
    atp: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 4, maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 6 },
);
const ordersArb = fc.array(
  fc.record({
    mode: fc.constantFrom<RoutableMode>('ship', 'same-city'),
    lines: fc.array(
      fc.record({
        sku: fc.constantFrom(...SKUS.slice(0, 3)),
        quantity: fc.integer({ min: 1, max: 4 }),
        cheap: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    exclude: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 6 },
);
const changeArb: fc.Arbitrary<Partial<RoutingPolicy>> = fc
  .record(
    {
      safetyStock: fc.integer({ min: 0, max: 4 }),
      noSplitBelowFen: fc.constantFrom(0, 5_000, 20_000),
      sameCityRadiusMetres: fc.constantFrom(1_000, 5_000, 50_000),
      maxSearchNodes: fc.constantFrom(1, 5, 1_000_000),
      utcOffsetMinutes: fc.constantFrom(0, 480, -600),
    },
    { requiredKeys: [] },
  )
  .filter((c) => Object.keys(c).length > 0);

type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;

function generatedDay(
  day: string,
  chain: ArbValue<typeof chainArb>,
  orders: ArbValue<typeof ordersArb>,
): DecidedRouting[] {
  const locations: LocationState[] = chain.map((l, i) => ({
    location: {
      ...place(`G${i}`, l.km),
      modes: l.modes,
      hours: l.night ? NIGHT : ALL_DAY_HOURS,
      dailyCapacity: l.capacity,
      rank: l.rank,
    },
    atp: Object.fromEntries(SKUS.map((sku, j) => [sku, l.atp[j]!])),
    shipmentsToday: l.shipped,
  }));
  return orders.map((o, i) => {
    const request: RoutingRequest = {
      mode: o.mode,
      lines: o.lines.map((l, j) => ({
        lineId: `l${j}`,
        sku: l.sku,
        quantity: l.quantity,
        unitPrice: l.cheap ? 1_000 : 9_000,
      })),
      destination: HOME,
      now: `${day}T04:00:00.000Z`,
      locations,
      policy: routingPolicy(),
      ...(o.exclude !== undefined && o.exclude < chain.length
        ? { exclude: [{ locationId: `G${o.exclude}`, sku: o.lines[0]!.sku }] }
        : {}),
    };
    const d = routeOrder(request);
    return {
      id: `G-${day}-${i}:1`,
      orderId: `G-${day}-${i}`,
      day,
      at: request.now,
      request,
      chosen: d.ok ? d.shipments.map((s) => s.locationId) : [],
    };
  });
}

describe.each(BACKENDS)('the routing dry run on $name', (backend) => {
  let storage: SyncStorage;
  let url: string;
  let admin: string;
  let close: () => Promise<void>;
  beforeEach(async () => {
    if (backend.skip) return;
    storage = await backend.open();
    await seedDemo(storage);
    admin = (await provisionAdminToken(storage, 'hq-routing')).token;
    await writeInputs(storage, INPUTS);
    ({ url, close } = await serveStorage(storage, new Date('2026-12-07T03:00:00.000Z')));
  });
  afterEach(async () => {
    await close?.();
  });

  it.skipIf(backend.skip)(
    '[RDS1] [RDY2] routes the day again under the change: moved, unchanged, no longer routable, per location',
    async () => {
      const before = await storage.changes(ROUTING_INPUTS_DB, {
        since: 0,
        limit: 100,
        scope: null,
      });
      expect(await routingDryRun(storage, DAY, { safetyStock: 3 })).toEqual(EXPECTED);
      // The same policy again: nothing moves.
      expect(await routingDryRun(storage, DAY, { safetyStock: 1 })).toMatchObject({
        moved: [],
        unchanged: 3,
        nowNotRoutable: [],
        shipmentsByLocation: {},
      });
      expect(await routingDryRun(storage, '2026-12-05', { safetyStock: 3 })).toMatchObject({
        decisions: 0,
        orders: 0,
      });
      const after = await storage.changes(ROUTING_INPUTS_DB, { since: 0, limit: 100, scope: null });
      expect(after.lastSeq).toBe(before.lastSeq);
    },
  );

  it.skipIf(backend.skip)(
    '[RDS1] reads a day of more decisions than one find returns',
    async () => {
      const many = Array.from({ length: 1_005 }, (_, i) =>
        input(`M-${i}`, 1, '2026-12-08', [
          { lineId: 'l1', sku: 'A', quantity: 1 + (i % 3), unitPrice: 9_000 },
        ]),
      );
      await writeInputs(storage, many);
      const report = await routingDryRun(storage, '2026-12-08', { safetyStock: 3 });
      expect(report.decisions).toBe(1_005);
      // With one of A left to route at near, orders of two or three of A go to far.
      expect(report.moved).toHaveLength(670);
      expect(report.unchanged).toBe(335);
    },
    60_000,
  );

  it.skipIf(backend.skip)(
    '[RDS1] [RDY3] over generated days the packed inputs report what the whole ones would',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(chainArb, ordersArb, changeArb, async (chain, orders, change) => {
          const day = new Date(Date.UTC(2027, 0, 1 + n++)).toISOString().slice(0, 10);
          const decided = generatedDay(day, chain, orders);
          await writeInputs(storage, decided);
          const whole: RoutingRecord[] = decided.map(({ orderId, request, chosen }) => ({
            orderId,
            request,
            chosen,
          }));
          expect(await routingDryRun(storage, day, change)).toEqual({
            day,
            ...dryRunRouting(whole, change),
          });
        }),
        { numRuns: 40, seed: 15 },
      );
      // One location list for every generated decision of a day: kept once per list.
      expect((await storage.findDocs(ROUTING_LOCATIONS_DB, {})).length).toBeLessThanOrEqual(n + 1);
    },
    120_000,
  );

  it.skipIf(backend.skip)(
    '[RDS1] a decision stored whole, before the packed form, is routed as it is',
    async () => {
      const whole = INPUTS.filter((i) => i.day === DAY).map((i) => ({
        ...i,
        id: `W-${i.id}`,
        orderId: `W-${i.orderId}`,
        day: '2026-12-09',
      }));
      const results = await storage.bulkWrite(
        whole.map((body) => ({
          db: ROUTING_INPUTS_DB,
          id: body.id,
          body: body as unknown as JsonObject,
          storeId: null,
          expectedRev: null,
        })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      const { day: _day, ...report } = await routingDryRun(storage, '2026-12-09', {
        safetyStock: 3,
      });
      const { day: _expected, ...expected } = EXPECTED;
      expect(report).toEqual({
        ...expected,
        moved: expected.moved.map((m) => ({ ...m, orderId: `W-${m.orderId}` })),
        nowNotRoutable: expected.nowNotRoutable.map((m) => ({ ...m, orderId: `W-${m.orderId}` })),
      });
    },
  );

  it.skipIf(backend.skip)('[RDS2] POST /_admin/routing/dry-run answers the admin', async () => {
    const answer = await requestAs(url, admin, '/_admin/routing/dry-run', {
      body: { day: DAY, change: { safetyStock: 3 } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(EXPECTED);
    const device = await requestAs(url, S001_DEVICE.token, '/_admin/routing/dry-run', {
      body: { day: DAY, change: { safetyStock: 3 } },
    });
    expect(device.status).toBe(403);
    expect((await requestAs(url, admin, '/_admin/routing/dry-run')).status).toBe(405);
  });

  it.skipIf(backend.skip)(
    '[RDS2] [RDY1] refuses a bad body with 400 saying what is wrong',
    async () => {
      const refusals: [unknown, RegExp][] = [
        [{ day: DAY, change: { safetyStok: 3 } }, /unknown policy field "safetyStok"/],
        [{ day: DAY, change: { safetyStock: -1 } }, /safetyStock must be a whole number/],
        [{ day: DAY, change: { maxSearchNodes: 0 } }, /maxSearchNodes/],
        [{ day: DAY, change: { safetyStock: '3' } }, /safetyStock/],
        [{ day: DAY, change: {} }, /at least one/],
        [{ day: DAY, change: [] }, /object/],
        [{ day: DAY }, /object/],
        [{ day: '2026-02-30', change: { safetyStock: 3 } }, /day must be a date/],
        [{ day: '7 Dec', change: { safetyStock: 3 } }, /day must be a date/],
        [{ change: { safetyStock: 3 } }, /day must be a date/],
        [{ day: DAY, change: { safetyStock: 3 }, dry: true }, /unknown field "dry"/],
        [`{"day":"${DAY}","change":{"__proto__":1,"safetyStock":3}}`, /unknown policy field/],
        [[DAY], /send \{day, change\}/],
      ];
      for (const [body, reason] of refusals) {
        const answer = await requestAs(url, admin, '/_admin/routing/dry-run', {
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect((answer.body as { reason: string }).reason).toMatch(reason);
      }
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue(),
            fc.record({ day: fc.jsonValue(), change: fc.jsonValue() }),
            fc.record({
              day: fc.constant(DAY),
              change: fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1, maxKeys: 3 }),
            }),
          ),
          async (body) => {
            const answer = await requestAs(url, admin, '/_admin/routing/dry-run', {
              body: JSON.stringify(body),
            });
            expect([200, 400]).toContain(answer.status);
          },
        ),
        { numRuns: 60, seed: 15 },
      );
    },
    60_000,
  );
});
