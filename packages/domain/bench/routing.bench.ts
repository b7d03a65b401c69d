/**
 * `npx tsx packages/domain/bench/routing.bench.ts [--orders 1000] [--locations 500] [--dry-run 10000]`
 * (issue 15, [RO3]-[RO7]): routes generated orders of 10 ship lines across a
 * chain of 10 regional warehouses and 490 stores over four cities and prints
 * p50, p99 and max of one routing, the search nodes and how often the search
 * was capped. Goal: p99 <= 10 ms. The peer is a greedy nearest-first set
 * cover on the same orders: its time, and how many of its plans need more
 * parcels or more distance than the exact router's. Then a dry run of a
 * policy change over a day of orders as the server stores them.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  haversineMetres,
  isOpenAt,
  packRoutingRequest,
  routableUnits,
  routeOrder,
  routingLocationsOf,
  routingPolicy,
  startDryRun,
  unpackRoutingRequest,
  type FulfilmentLocation,
  type LocationState,
  type PackedRoutingRequest,
  type RoutingLine,
  type RoutingRecord,
  type RoutingRequest,
} from '../src/index';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ORDERS = arg('orders', 1000);
const LOCATIONS = arg('locations', 500);
const DRY_RUN = arg('dry-run', 10_000);
/** Share of the SKUs a warehouse stocks; lower it to make orders need more parcels. */
const WAREHOUSE_SHARE = arg('warehouse-share', 0.9);
const WAREHOUSES = 10;
const SKUS = 3000;

let seed = 15;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (n: number): number => Math.floor(random() * n);

const CITIES = [
  { name: 'Shanghai', lat: 31.23, lng: 121.47, spread: 0.25 },
  { name: 'Hangzhou', lat: 30.27, lng: 120.15, spread: 0.15 },
  { name: 'Suzhou', lat: 31.3, lng: 120.62, spread: 0.12 },
  { name: 'Nanjing', lat: 32.06, lng: 118.8, spread: 0.15 },
];
const near = (city: (typeof CITIES)[number]) => ({
  lat: city.lat + (random() - 0.5) * city.spread,
  lng: city.lng + (random() - 0.5) * city.spread,
});

const STORE_HOURS = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '09:00', close: '22:00' }];
const ALWAYS = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' }];

/** Warehouses stock 90% of the SKUs deeply; stores 60%, a few units each. */
function chain(): LocationState[] {
  return Array.from({ length: LOCATIONS }, (_, i) => {
    const warehouse = i < WAREHOUSES;
    const location: FulfilmentLocation = {
      id: warehouse ? `wh-${i}` : `st-${String(i).padStart(3, '0')}`,
      name: warehouse ? `Warehouse ${i}` : `Store ${i}`,
      kind: warehouse ? 'warehouse' : 'store',
      ...near(CITIES[i % CITIES.length]!),
      modes: warehouse ? ['ship'] : ['pickup', 'ship', 'same-city'],
      hours: warehouse ? ALWAYS : STORE_HOURS,
      dailyCapacity: warehouse ? 5000 : 40,
      rank: warehouse ? 2 : 1,
    };
    const atp: Record<string, number> = {};
    for (let s = 0; s < SKUS; s++) {
      if (random() < (warehouse ? WAREHOUSE_SHARE : 0.6))
        atp[`SKU-${s}`] = warehouse ? 5 + pick(200) : pick(8);
    }
    return { location, atp, shipmentsToday: pick(warehouse ? 500 : 45) };
  });
}

const locations = chain();
const policy = routingPolicy();
const DAY = Date.parse('2026-12-07T00:00:00+08:00');

function order(i: number): RoutingRequest {
  const lines: RoutingLine[] = Array.from({ length: 10 }, (_, j) => ({
    lineId: `o${i}-l${j}`,
    // Popular SKUs more often: the square of a uniform draw leans to the low numbers.
    sku: `SKU-${Math.floor(random() ** 2 * SKUS)}`,
    quantity: 1 + pick(3),
    unitPrice: random() < 0.4 ? 1_000 + pick(3_900) : 5_000 + pick(50_000),
  }));
  return {
    mode: 'ship',
    lines,
    destination: near(CITIES[pick(CITIES.length)]!),
    now: new Date(DAY + pick(24 * 60) * 60_000).toISOString(),
    locations,
    policy,
  };
}

/** The peer: nearest eligible location first, each taken when it helps a SKU still open. */
function greedy(req: RoutingRequest): { shipments: number; distance: number } | null {
  const need = new Map<string, { q: number; whole: boolean }>();
  for (const l of req.lines) {
    const d = need.get(l.sku) ?? { q: 0, whole: false };
    d.q += l.quantity;
    d.whole ||= l.unitPrice < req.policy.noSplitBelowFen;
    need.set(l.sku, d);
  }
  const eligible = req.locations
    .filter(
      (s) =>
        s.location.modes.includes(req.mode) &&
        s.shipmentsToday < s.location.dailyCapacity &&
        isOpenAt(s.location.hours, req.now, req.policy.utcOffsetMinutes),
    )
    .map((s) => ({ s, distance: haversineMetres(s.location, req.destination) }))
    .sort((a, b) => a.distance - b.distance);
  let shipments = 0;
  let distance = 0;
  for (const { s, distance: d } of eligible) {
    let used = false;
    for (const [sku, n] of need) {
      if (n.q === 0) continue;
      const units = routableUnits(s, sku, req.policy);
      if (n.whole ? units >= n.q : units > 0) {
        n.q = n.whole ? 0 : Math.max(0, n.q - units);
        used = true;
      }
    }
    if (used) {
      shipments++;
      distance += d;
    }
    if ([...need.values()].every((n) => n.q === 0)) return { shipments, distance };
  }
  return null;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `chain: ${WAREHOUSES} warehouses (${WAREHOUSE_SHARE * 100}% of SKUs), ${LOCATIONS - WAREHOUSES} stores (60%), ${SKUS} SKUs`,
);

const requests = Array.from({ length: ORDERS }, (_, i) => order(i));
// Warm up the JIT on other orders so the figures are the steady state.
for (let i = 0; i < 50; i++) routeOrder(order(ORDERS + i));

// Start the timed runs with the generated chain's garbage collected.
setFlagsFromString('--expose-gc');
(runInNewContext('gc') as () => void)();

// Wall time, and the CPU time of this process (the machine may be shared: the
// CPU time leaves out the waits for a core).
const times: number[] = [];
const cpuTimes: number[] = [];
const nodes: number[] = [];
let capped = 0;
let routed = 0;
const exact: ({ shipments: number; distance: number } | null)[] = [];
for (const req of requests) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const d = routeOrder(req);
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpuTimes.push((c.user + c.system) / 1000);
  nodes.push(d.explanation.searchNodes);
  if (d.explanation.searchCapped) capped++;
  if (d.ok) {
    routed++;
    exact.push({ shipments: d.shipments.length, distance: d.explanation.chosen!.distanceMetres });
  } else exact.push(null);
}
const multi = times.filter((_, i) => (exact[i]?.shipments ?? 0) >= 2).sort((a, b) => a - b);
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
nodes.sort((a, b) => a - b);
const parcels = exact.filter((e) => e).map((e) => e!.shipments);
console.log(
  `exact router, ${ORDERS} orders x 10 lines: p50 ${ms(pct(times, 50))}, p99 ${ms(pct(times, 99))}, max ${ms(times.at(-1)!)}; ` +
    `CPU p50 ${ms(pct(cpuTimes, 50))}, p99 ${ms(pct(cpuTimes, 99))}; ` +
    `nodes p50 ${pct(nodes, 50)}, p99 ${pct(nodes, 99)}, max ${nodes.at(-1)}; capped ${capped}; ` +
    `routed ${routed}, parcels ${[1, 2, 3, 4]
      .map((k) => `${k}: ${parcels.filter((p) => (k < 4 ? p === k : p >= k)).length}`)
      .join(', ')}` +
    (multi.length > 0
      ? `; orders of 2+ parcels: p50 ${ms(pct(multi, 50))}, p99 ${ms(pct(multi, 99))}, max ${ms(multi.at(-1)!)}`
      : ''),
);

const greedyTimes: number[] = [];
let moreShipments = 0;
let moreDistance = 0;
let distanceRatio = 0;
let compared = 0;
requests.forEach((req, i) => {
  const t0 = performance.now();
  const g = greedy(req);
  greedyTimes.push(performance.now() - t0);
  const e = exact[i];
  if (!g || !e) return;
  compared++;
  if (g.shipments > e.shipments) moreShipments++;
  else if (g.distance > e.distance) moreDistance++;
  distanceRatio += g.distance / Math.max(1, e.distance);
});
greedyTimes.sort((a, b) => a - b);
console.log(
  `greedy nearest-first cover: p50 ${ms(pct(greedyTimes, 50))}, p99 ${ms(pct(greedyTimes, 99))}; ` +
    `of ${compared} orders both routed: ${moreShipments} need more parcels, ${moreDistance} as many parcels but more distance; ` +
    `mean distance ratio greedy/exact ${(distanceRatio / Math.max(1, compared)).toFixed(3)}`,
);

// A day of routing decisions as the server stores them ([RS3]: every location
// offering the mode with the ATP of the order's SKUs), packed ([RDY3]: the
// location list by reference, kept once), each read back from JSON and
// unpacked, and a policy change routed over them one by one as the server's
// dry run does. The bytes of a stored decision whole and packed are compared.
let kept: FulfilmentLocation[] | undefined;
if (DRY_RUN > 0) {
  const run = startDryRun({ safetyStock: 3 });
  let took = 0;
  let chosenFirst = 0;
  let wholeBytes = 0;
  let packedBytes = 0;
  let snapshotBytes = 0;
  let keptStates = 0;
  // The snapshot id as the server makes it: 64 hex digits of SHA-256.
  const locationsId = 'f'.repeat(64);
  for (let i = 0; i < DRY_RUN; i++) {
    const req = order(i);
    const skus = new Set(req.lines.map((l) => l.sku));
    const t0 = performance.now();
    const d = routeOrder(req);
    chosenFirst += performance.now() - t0;
    const request: RoutingRequest = {
      ...req,
      locations: req.locations.map((s) => ({
        ...s,
        atp: Object.fromEntries(
          [...skus].filter((sku) => (s.atp[sku] ?? 0) > 0).map((sku) => [sku, s.atp[sku]!]),
        ),
      })),
    };
    const envelope = {
      id: `order-${i}:1`,
      orderId: `order-${i}`,
      day: '2026-12-07',
      at: req.now,
      chosen: d.ok ? d.shipments.map((s) => s.locationId) : [],
    };
    const snapshot = JSON.stringify({ id: locationsId, locations: routingLocationsOf(request) });
    if (i === 0) snapshotBytes = Buffer.byteLength(snapshot);
    wholeBytes += Buffer.byteLength(JSON.stringify({ ...envelope, request }));
    const packedRequest = packRoutingRequest(request, locationsId);
    keptStates += packedRequest.states.length;
    const packed = JSON.stringify({ ...envelope, request: packedRequest });
    packedBytes += Buffer.byteLength(packed);
    const t1 = performance.now();
    const stored = JSON.parse(packed) as typeof envelope & { request: PackedRoutingRequest };
    // The dry run reads a snapshot once and keeps it: parsed once here too.
    const locations =
      i === 0 ? (JSON.parse(snapshot) as { locations: FulfilmentLocation[] }).locations : kept!;
    kept = locations;
    const record: RoutingRecord = {
      orderId: stored.orderId,
      chosen: stored.chosen,
      request: unpackRoutingRequest(stored.request, locations),
    };
    run.add(record);
    took += performance.now() - t1;
  }
  const report = run.report();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(
    `stored decision, ${LOCATIONS} locations x 10 lines: whole ${kb(wholeBytes / DRY_RUN)}, ` +
      `packed ${kb(packedBytes / DRY_RUN)} (${(wholeBytes / packedBytes || 0).toFixed(0)}x less), ` +
      `plus the location list once ${kb(snapshotBytes)}; ` +
      `locations kept per decision ${(keptStates / DRY_RUN).toFixed(0)} of ${LOCATIONS}`,
  );
  console.log(
    `dry run, ${DRY_RUN} orders over ${LOCATIONS} locations, safetyStock 1 -> 3: ${(took / 1000).toFixed(2)} s ` +
      `(${ms(took / DRY_RUN)} an order; routing them the first time ${(chosenFirst / 1000).toFixed(2)} s); ` +
      `moved ${report.moved.length}, unchanged ${report.unchanged}, now not routable ${report.nowNotRoutable.length}, ` +
      `${Object.keys(report.shipmentsByLocation).length} locations change`,
  );
}
