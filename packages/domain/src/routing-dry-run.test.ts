import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import { ROUTING_HOME, storeEastOfHome } from './fixtures';
import { routingPolicy } from './locations';
import { routeOrder, type LocationState, type RoutingRequest } from './routing';
import { dryRunRouting, parseRoutingPolicyChange, type RoutingRecord } from './routing-dry-run';

const HOME = ROUTING_HOME;
const place = (id: string, km: number) => storeEastOfHome(id, km, { name: id });
const LOCATIONS: LocationState[] = [
  { location: place('near', 1), atp: { A: 4, B: 2 }, shipmentsToday: 0 },
  { location: place('far', 6), atp: { A: 40 }, shipmentsToday: 0 },
];

function record(orderId: string, sku: string, quantity: number): RoutingRecord {
  const request: RoutingRequest = {
    mode: 'ship',
    lines: [{ lineId: 'l1', sku, quantity, unitPrice: 9_000 }],
    destination: HOME,
    now: '2026-12-07T02:00:00.000Z',
    locations: LOCATIONS,
    policy: routingPolicy(),
  };
  const d = routeOrder(request);
  return { orderId, request, chosen: d.ok ? d.shipments.map((s) => s.locationId) : [] };
}

describe('dryRunRouting', () => {
  const records = [
    record('O-1', 'A', 3),
    record('O-2', 'A', 1),
    record('O-3', 'B', 1),
    record('O-3', 'A', 1),
    record('O-5', 'C', 1),
  ];

  it('[RDY2] reports moved, unchanged, no longer routable and the net shipments per location', () => {
    expect(dryRunRouting(records, { safetyStock: 3 })).toEqual({
      decisions: 5,
      orders: 4,
      moved: [{ orderId: 'O-1', from: ['near'], to: ['far'], decidedBy: 'only-plan' }],
      unchanged: 3,
      nowNotRoutable: [
        { orderId: 'O-3', from: ['near'], short: [{ sku: 'B', requested: 1, available: 0 }] },
      ],
      shipmentsByLocation: { far: 1, near: -2 },
    });
  });

  it('[RDY2] a looser policy can route what was not routable, and the same policy moves nothing', () => {
    const report = dryRunRouting(records, { safetyStock: 0 });
    expect(report.moved).toEqual([]);
    expect(dryRunRouting(records, { maxSearchNodes: 1_000_000 })).toMatchObject({
      moved: [],
      unchanged: 5,
      shipmentsByLocation: {},
    });
    const unroutable = record('O-6', 'B', 2);
    expect(unroutable.chosen).toEqual([]);
    expect(dryRunRouting([unroutable], { safetyStock: 0 }).moved).toEqual([
      { orderId: 'O-6', from: [], to: ['near'], decidedBy: 'only-plan' },
    ]);
  });

  it('[RDY1] refuses a change with unknown fields or bad figures, routing nothing', () => {
    for (const bad of [
      {},
      [],
      null,
      'safetyStock',
      { safetyStok: 1 },
      { safetyStock: -1 },
      { safetyStock: 1.5 },
      { maxSearchNodes: 0 },
      { noSplitBelowFen: '5000' },
      JSON.parse('{"__proto__": 1}') as unknown,
    ]) {
      const parsed = parseRoutingPolicyChange(bad);
      expect(parsed.ok, JSON.stringify(bad)).toBe(false);
      expect(() => dryRunRouting(records, bad as never)).toThrow(DomainError);
    }
    expect(parseRoutingPolicyChange({ utcOffsetMinutes: -300, safetyStock: 0 })).toEqual({
      ok: true,
      change: { utcOffsetMinutes: -300, safetyStock: 0 },
    });
  });
});
