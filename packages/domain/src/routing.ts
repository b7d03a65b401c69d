/**
 * Order routing: which locations ship an order's ship or same-city lines.
 * Deterministic and pure; every decision carries an explanation a person can
 * read. See SPEC.md [RO1]-[RO10].
 *
 * The choice, in order: fewest shipments [RO3], least total straight-line
 * distance to the customer [RO4], stock balance (fewest stock positions
 * emptied) [RO5], location rank, then location id.
 */
import { haversineMetres, type GeoPoint } from './geo';
import {
  isOpenAt,
  type FulfilmentLocation,
  type RoutableMode,
  type RoutingPolicy,
} from './locations';

/** A ship or same-city line to route. */
export type RoutingLine = {
  lineId: string;
  sku: string;
  quantity: number;
  /** Fen per unit, for [RO6]. */
  unitPrice: number;
};

/** [RO1] A location as the router sees it at the moment of routing. */
export type LocationState = {
  location: FulfilmentLocation;
  /** ATP per SKU ([ATP1]) before the routing safety stock; a SKU not named has none. */
  atp: Readonly<Record<string, number>>;
  /** Shipments it has made today, against its daily capacity. */
  shipmentsToday: number;
};

export type RoutingRequest = {
  mode: RoutableMode;
  lines: readonly RoutingLine[];
  destination: GeoPoint;
  /** The instant of routing: opening hours are checked at it. */
  now: string;
  locations: readonly LocationState[];
  policy: RoutingPolicy;
  /** [RO9] Positions a reroute must not use again: the location that rejected or picked short. */
  exclude?: readonly { locationId: string; sku: string }[];
};

/** [RO1] Why a location cannot take part. */
export type IneligibleReason =
  'mode' | 'closed' | 'capacity' | 'no-stock' | 'out-of-radius' | 'excluded';

/** Units of one line from one location. */
export type Allocation = { lineId: string; sku: string; locationId: string; quantity: number };

/** One parcel (or courier run) from one location. */
export type PlannedShipment = {
  locationId: string;
  distanceMetres: number;
  lines: { lineId: string; sku: string; quantity: number }[];
};

/** [RO3]-[RO5] How a plan scores: compared in this order, then ranks, then ids. */
export type PlanScore = {
  shipments: number;
  distanceMetres: number;
  /** [RO5] Stock positions (location, SKU) the plan would leave with nothing routable. */
  emptied: number;
  /** The ranks of its locations, ascending. */
  ranks: number[];
  /** Its locations' ids, ascending. */
  locationIds: string[];
};

/** [RO10] One location in the explanation: eligible or not, and why. */
export type CandidateScore = {
  locationId: string;
  name: string;
  kind: FulfilmentLocation['kind'];
  distanceMetres: number;
  eligible: boolean;
  reason?: IneligibleReason;
  /** Units of the order's demand it could supply (after the routing safety stock). */
  units: number;
  rank: number;
};

/** The criterion that separated the chosen plan from the next best. */
export type DecidingRule = 'only-plan' | 'shipments' | 'distance' | 'balance' | 'rank' | 'id';

/** [RO10] What a person reads to see why an order went where it did. */
export type RoutingExplanation = {
  mode: RoutableMode;
  at: string;
  /** The eligible candidates nearest first (at most 20), then the ineligible nearest (at most 10). */
  candidates: CandidateScore[];
  /** How many locations were left out, by reason. */
  ineligible: Partial<Record<IneligibleReason, number>>;
  chosen?: PlanScore;
  /** The best other plan with as many shipments, when there is one ([RO10]). */
  runnerUp?: PlanScore;
  /** The chosen plan's and the runner-up's locations that `candidates` does not show (beyond its nearest 20). */
  planLocations?: CandidateScore[];
  decidedBy?: DecidingRule;
  /** The SPEC rule of that criterion: RO3 shipments, RO4 distance, RO5 balance, rank and id. */
  rule?: 'RO3' | 'RO4' | 'RO5';
  searchNodes: number;
  /** [RO7] The search stopped at the policy's node limit: the best plan found is kept. */
  searchCapped: boolean;
};

export type RoutingDecision =
  | {
      ok: true;
      allocations: Allocation[];
      shipments: PlannedShipment[];
      /** [RO8] The promised window of a same-city delivery. */
      window?: { from: string; to: string };
      explanation: RoutingExplanation;
    }
  | {
      ok: false;
      code: 'NOT_ROUTABLE';
      message: string;
      /** Units of each SKU no eligible location can supply. */
      short: { sku: string; requested: number; available: number }[];
      explanation: RoutingExplanation;
    };

/** [RO1] What a location can route of a SKU: its ATP less the routing safety stock, never below 0. */
export function routableUnits(state: LocationState, sku: string, policy: RoutingPolicy): number {
  const atp = state.atp[sku] ?? 0;
  return Math.max(atp - policy.safetyStock, 0);
}

/** [RO8] The promised window of a same-city delivery routed at `now`. */
export function sameCityWindow(now: string, policy: RoutingPolicy): { from: string; to: string } {
  const from = Date.parse(now) + policy.sameCityPrepMinutes * 60_000;
  return {
    from: new Date(from).toISOString(),
    to: new Date(from + policy.sameCityWindowMinutes * 60_000).toISOString(),
  };
}

/** [RO6] A SKU's demand in an order: its lines' units summed; splittable only if every line may split. */
export type Demand = { sku: string; quantity: number; splittable: boolean; lineIds: string[] };

/** [RO6] The order's demand per SKU, in the order SKUs first appear. */
export function demandOf(lines: readonly RoutingLine[], policy: RoutingPolicy): Demand[] {
  const bySku = new Map<string, Demand>();
  for (const line of lines) {
    const d = bySku.get(line.sku) ?? { sku: line.sku, quantity: 0, splittable: true, lineIds: [] };
    d.quantity += line.quantity;
    d.splittable &&= line.unitPrice >= policy.noSplitBelowFen;
    d.lineIds.push(line.lineId);
    bySku.set(line.sku, d);
  }
  return [...bySku.values()];
}

/** [RO3]-[RO5] Compares two plans: negative when `a` is better. Total and deterministic. */
export function comparePlans(a: PlanScore, b: PlanScore): number {
  return (
    a.shipments - b.shipments ||
    a.distanceMetres - b.distanceMetres ||
    a.emptied - b.emptied ||
    compareLists(a.ranks, b.ranks) ||
    compareLists(a.locationIds, b.locationIds)
  );
}

function compareLists<T extends number | string>(a: readonly T[], b: readonly T[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** [RO3]-[RO5] Which criterion separates two plans. */
export function decidingRule(chosen: PlanScore, other: PlanScore | undefined): DecidingRule {
  if (!other) return 'only-plan';
  if (chosen.shipments !== other.shipments) return 'shipments';
  if (chosen.distanceMetres !== other.distanceMetres) return 'distance';
  if (chosen.emptied !== other.emptied) return 'balance';
  if (compareLists(chosen.ranks, other.ranks) !== 0) return 'rank';
  return 'id';
}

type Candidate = {
  state: LocationState;
  distance: number;
  /** Routable units per demand index. */
  units: number[];
};

/**
 * [RO1]-[RO7] Routes the lines of one mode: the eligible locations ([RO1]),
 * then the plan with the fewest shipments, least distance, fewest positions
 * emptied, best ranks and ids. Lines of a SKU are routed together; a
 * non-splittable SKU ships from one location ([RO6]). When no plan covers
 * the order the answer is `NOT_ROUTABLE`, with what is short.
 *
 * The search is exact and fast: see `searchPlans`. It stops at
 * `policy.maxSearchNodes` and keeps the best plan found ([RO7]).
 */
export function routeOrder(request: RoutingRequest): RoutingDecision {
  const { policy, destination } = request;
  const demands = demandOf(request.lines, policy);
  const excluded = new Set((request.exclude ?? []).map((e) => `${e.locationId}\u0000${e.sku}`));
  const ineligible: Partial<Record<IneligibleReason, number>> = {};
  const scored: CandidateScore[] = [];
  const eligible: Candidate[] = [];
  const unitsAt = (state: LocationState): number[] =>
    demands.map((d) =>
      excluded.size > 0 && excluded.has(`${state.location.id}\u0000${d.sku}`)
        ? 0
        : routableUnits(state, d.sku, policy),
    );
  const totalOf = (units: readonly number[]) =>
    units.reduce((s, u, i) => s + Math.min(u, demands[i]!.quantity), 0);
  // Units are counted where they matter: for the locations that pass the other checks
  // and, below, for the left-out ones the explanation shows.
  const unitsLater = new Map<CandidateScore, LocationState>();
  for (const state of request.locations) {
    const { location } = state;
    const distance = haversineMetres(location, destination);
    let units: number[] | undefined;
    let reason: IneligibleReason | undefined;
    if (!location.modes.includes(request.mode)) reason = 'mode';
    else if (request.mode === 'same-city' && distance > policy.sameCityRadiusMetres)
      reason = 'out-of-radius';
    else if (!isOpenAt(location.hours, request.now, policy.utcOffsetMinutes)) reason = 'closed';
    else if (state.shipmentsToday >= location.dailyCapacity) reason = 'capacity';
    else {
      units = unitsAt(state);
      if (units.every((u) => u === 0)) {
        reason = demands.some((d) => excluded.has(`${location.id}\u0000${d.sku}`))
          ? 'excluded'
          : 'no-stock';
      }
    }
    const score: CandidateScore = {
      locationId: location.id,
      name: location.name,
      kind: location.kind,
      distanceMetres: distance,
      eligible: reason === undefined,
      ...(reason ? { reason } : {}),
      units: units ? totalOf(units) : 0,
      rank: location.rank,
    };
    scored.push(score);
    if (!units) unitsLater.set(score, state);
    if (reason) ineligible[reason] = (ineligible[reason] ?? 0) + 1;
    else eligible.push({ state, distance, units: units! });
  }
  eligible.sort(
    (a, b) =>
      a.distance - b.distance ||
      a.state.location.rank - b.state.location.rank ||
      (a.state.location.id < b.state.location.id ? -1 : 1),
  );

  const { best, runnerUp, nodes, capped } = searchPlans(eligible, demands, policy.maxSearchNodes);

  const explanation: RoutingExplanation = {
    mode: request.mode,
    at: request.now,
    candidates: explainCandidates(scored).map((c) => {
      const state = unitsLater.get(c);
      return state ? { ...c, units: totalOf(unitsAt(state)) } : c;
    }),
    ineligible,
    searchNodes: nodes,
    searchCapped: capped,
  };
  if (!best) {
    const short = demands
      .map((d, i) => ({
        sku: d.sku,
        requested: d.quantity,
        available: d.splittable
          ? eligible.reduce((s, c) => s + c.units[i]!, 0)
          : eligible.reduce((m, c) => Math.max(m, c.units[i]!), 0),
      }))
      .filter((s) => s.available < s.requested);
    return {
      ok: false,
      code: 'NOT_ROUTABLE',
      message:
        short.length > 0
          ? `no eligible location can supply ${short.map((s) => `${s.sku} (${s.requested} asked, ${s.available} available)`).join(', ')}`
          : `no ${request.mode} plan was found within ${policy.maxSearchNodes} search steps`,
      short,
      explanation,
    };
  }
  const chosen: Found = best;
  explanation.chosen = chosen.plan;
  if (runnerUp) explanation.runnerUp = runnerUp;
  // The plans' locations beyond the nearest shown, so a person reads their names and distances.
  const shown = new Set(explanation.candidates.map((c) => c.locationId));
  const beyond = [...chosen.plan.locationIds, ...(runnerUp?.locationIds ?? [])].filter(
    (id, i, all) => !shown.has(id) && all.indexOf(id) === i,
  );
  if (beyond.length > 0) {
    explanation.planLocations = scored
      .filter((c) => beyond.includes(c.locationId))
      .sort(
        (a, b) => a.distanceMetres - b.distanceMetres || (a.locationId < b.locationId ? -1 : 1),
      );
  }
  explanation.decidedBy = decidingRule(chosen.plan, runnerUp);
  const rule = { shipments: 'RO3', distance: 'RO4', balance: 'RO5' } as const;
  if (explanation.decidedBy in rule) {
    explanation.rule = rule[explanation.decidedBy as keyof typeof rule];
  }
  const { allocations, shipments } = toShipments(
    chosen.picked,
    chosen.allocation,
    demands,
    request.lines,
  );
  return {
    ok: true,
    allocations,
    shipments,
    ...(request.mode === 'same-city' ? { window: sameCityWindow(request.now, policy) } : {}),
    explanation,
  };
}

type Found = { plan: PlanScore; allocation: number[][]; picked: Candidate[] };

/**
 * [RO3]-[RO7] [RO10] The best plan and the next best among the eligible
 * locations (sorted nearest first, then rank, then id), exactly as if every
 * set of locations were tried by size, without trying them all:
 *
 * - sizes k = 1, 2, … from the least any one SKU needs; the first size with
 *   a plan is the fewest shipments [RO3]. Every plan of that size uses all
 *   its locations, so the next best plan has as many shipments.
 * - Sets of size k are walked nearest first. A location joins a set only
 *   when it helps a SKU the set does not cover yet: a set with a location
 *   that helps nothing new has a smaller plan, so it is no plan of size k.
 * - A branch is cut when the locations after it cannot cover what is still
 *   missing: the units left of a SKU, at most the most units of one location
 *   per free place; a non-splittable SKU needs one location with all of it.
 * - A branch is cut when its distance so far plus that of the nearest
 *   locations after it is strictly more than the runner-up's (the second
 *   best plan found so far): it can beat neither. Equal distances are
 *   scored in full for the ties of [RO5].
 * - Every node counts against `maxNodes` ([RO7]); at the limit the best plan
 *   found so far is kept.
 */
function searchPlans(
  eligible: readonly Candidate[],
  demands: readonly Demand[],
  maxNodes: number,
): { best?: Found; runnerUp?: PlanScore; nodes: number; capped: boolean } {
  const n = eligible.length;
  const D = demands.length;
  const W = Math.max(1, Math.ceil(D / 32));
  const bit = (d: number) => 1 << (d & 31);
  // Which demands each location helps: units of a splittable SKU, all the units of a non-splittable one.
  const helps = new Int32Array(n * W);
  // From position i on (row i of D figures): units per demand summed, the most units of one location.
  const sufSum = new Float64Array((n + 1) * D);
  const sufMax = new Float64Array((n + 1) * D);
  for (let i = n - 1; i >= 0; i--) {
    const units = eligible[i]!.units;
    for (let d = 0; d < D; d++) {
      const u = units[d]!;
      if (demands[d]!.splittable ? u > 0 : u >= demands[d]!.quantity) {
        helps[i * W + (d >>> 5)]! |= bit(d);
      }
      sufSum[i * D + d] = sufSum[(i + 1) * D + d]! + u;
      sufMax[i * D + d] = Math.max(sufMax[(i + 1) * D + d]!, u);
    }
  }
  const distPrefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) distPrefix[i + 1] = distPrefix[i]! + eligible[i]!.distance;

  // No plan is smaller than what the SKU needing the most locations needs.
  let kMin = 1;
  for (let d = 0; d < D; d++) {
    if (!demands[d]!.splittable || sufMax[d]! >= demands[d]!.quantity) continue;
    const units = eligible.map((c) => c.units[d]!).sort((a, b) => b - a);
    let sum = 0;
    let m = 0;
    while (m < units.length && sum < demands[d]!.quantity) sum += units[m++]!;
    kMin = Math.max(kMin, m);
  }

  // The walk's state, restored on the way back: units still missing per demand, and which are open.
  const need = new Float64Array(D);
  const unmet = new Int32Array(W);
  const savedNeed: Float64Array[] = [];
  const savedUnmet: Int32Array[] = [];
  const picked: Candidate[] = [];
  let best: Found | undefined;
  let runnerUp: PlanScore | undefined;
  let nodes = 0;
  let capped = false;

  const consider = (distance: number) => {
    // A plan farther than the runner-up changes neither.
    if (runnerUp && distance > runnerUp.distanceMetres) return;
    const allocation = allocate(picked, demands);
    if (!allocation) return;
    const plan = scorePlan(picked, allocation, demands);
    if (!best || comparePlans(plan, best.plan) < 0) {
      if (best) runnerUp = best.plan;
      best = { plan, allocation, picked: [...picked] };
    } else if (!runnerUp || comparePlans(plan, runnerUp) < 0) runnerUp = plan;
  };

  // Whether `free` locations from position `from` on could still cover every open demand.
  const coverable = (from: number, free: number): boolean => {
    const row = from * D;
    for (let d = 0; d < D; d++) {
      if (!(unmet[d >>> 5]! & bit(d))) continue;
      const max = sufMax[row + d]!;
      if (demands[d]!.splittable) {
        if (sufSum[row + d]! < need[d]! || max * free < need[d]!) return false;
      } else if (max < need[d]!) return false;
    }
    return true;
  };

  const walk = (start: number, k: number, distance: number): void => {
    if (++nodes > maxNodes) {
      capped = true;
      return;
    }
    const depth = picked.length;
    let open = false;
    for (let w = 0; w < W; w++) if (unmet[w] !== 0) open = true;
    if (!open) return consider(distance);
    const free = k - depth;
    if (free === 0 || !coverable(start, free)) return;
    savedNeed[depth] ??= new Float64Array(D);
    savedUnmet[depth] ??= new Int32Array(W);
    const keepNeed = savedNeed[depth];
    const keepUnmet = savedUnmet[depth];
    keepNeed.set(need);
    keepUnmet.set(unmet);
    for (let i = start; i <= n - free && !capped; i++) {
      if (runnerUp) {
        // The nearest `free` locations from i on: no set in this branch is nearer.
        const bound = distance + (distPrefix[i + free]! - distPrefix[i]!);
        if (bound > runnerUp.distanceMetres * (1 + 1e-12) + 1e-6) return;
      }
      // It must help a demand still open; the last one to join must help every open one.
      let useful = false;
      let all = true;
      for (let w = 0; w < W; w++) {
        const h = helps[i * W + w]! & unmet[w]!;
        if (h !== 0) useful = true;
        if (h !== unmet[w]) all = false;
      }
      if (!useful || (free === 1 && !all)) continue;
      const c = eligible[i]!;
      for (let d = 0; d < D; d++) {
        const u = c.units[d]!;
        if (u === 0 || need[d] === 0) continue;
        if (demands[d]!.splittable) need[d] = Math.max(0, need[d]! - u);
        else if (u >= need[d]!) need[d] = 0;
        if (need[d] === 0) unmet[d >>> 5]! &= ~bit(d);
      }
      picked.push(c);
      walk(i + 1, k, distance + c.distance);
      picked.pop();
      need.set(keepNeed);
      unmet.set(keepUnmet);
    }
  };

  for (let k = kMin; k <= n && !best && !capped; k++) {
    unmet.fill(0);
    for (let d = 0; d < D; d++) {
      need[d] = demands[d]!.quantity;
      if (need[d]! > 0) unmet[d >>> 5]! |= bit(d);
    }
    // Nothing more to try when all the locations together cannot cover the order.
    if (!coverable(0, n)) break;
    walk(0, k, 0);
  }
  return { ...(best ? { best } : {}), ...(runnerUp ? { runnerUp } : {}), nodes, capped };
}

/**
 * [RO5] [RO6] How a set of locations supplies each demand, or null when it
 * cannot: a non-splittable SKU from the one location with the most units;
 * a splittable one from the locations with the most units first, so the
 * fewest positions run dry. Result: [candidate][demand] units.
 */
function allocate(picked: readonly Candidate[], demands: readonly Demand[]): number[][] | null {
  const out = picked.map(() => demands.map(() => 0));
  for (let d = 0; d < demands.length; d++) {
    const demand = demands[d]!;
    const order = picked
      .map((c, i) => ({ i, units: c.units[d]! }))
      .filter((x) => x.units > 0)
      .sort(
        (a, b) =>
          b.units - a.units ||
          picked[a.i]!.distance - picked[b.i]!.distance ||
          (picked[a.i]!.state.location.id < picked[b.i]!.state.location.id ? -1 : 1),
      );
    if (!demand.splittable) {
      const one = order.find((x) => x.units >= demand.quantity);
      if (!one) return null;
      out[one.i]![d] = demand.quantity;
      continue;
    }
    let left = demand.quantity;
    for (const x of order) {
      const take = Math.min(left, x.units);
      out[x.i]![d] = take;
      left -= take;
      if (left === 0) break;
    }
    if (left > 0) return null;
  }
  return out;
}

function scorePlan(
  picked: readonly Candidate[],
  allocation: number[][],
  demands: readonly Demand[],
): PlanScore {
  const used = picked.filter((_, i) => allocation[i]!.some((u) => u > 0));
  let emptied = 0;
  picked.forEach((c, i) =>
    demands.forEach((_, d) => {
      if (allocation[i]![d]! > 0 && allocation[i]![d] === c.units[d]) emptied++;
    }),
  );
  return {
    shipments: used.length,
    distanceMetres: used.reduce((s, c) => s + c.distance, 0),
    emptied,
    ranks: used.map((c) => c.state.location.rank).sort((a, b) => a - b),
    locationIds: used.map((c) => c.state.location.id).sort(),
  };
}

/** Spreads each SKU's units per location back over its lines, in line order. */
function toShipments(
  picked: readonly Candidate[],
  allocation: number[][],
  demands: readonly Demand[],
  lines: readonly RoutingLine[],
): { allocations: Allocation[]; shipments: PlannedShipment[] } {
  const allocations: Allocation[] = [];
  demands.forEach((demand, d) => {
    const left = new Map(
      demand.lineIds.map((id) => [id, lines.find((l) => l.lineId === id)!.quantity]),
    );
    picked.forEach((c, i) => {
      let units = allocation[i]![d]!;
      for (const lineId of demand.lineIds) {
        if (units === 0) break;
        const take = Math.min(units, left.get(lineId)!);
        if (take === 0) continue;
        left.set(lineId, left.get(lineId)! - take);
        units -= take;
        allocations.push({
          lineId,
          sku: demand.sku,
          locationId: c.state.location.id,
          quantity: take,
        });
      }
    });
  });
  const shipments: PlannedShipment[] = [];
  for (const c of picked) {
    const mine = allocations.filter((a) => a.locationId === c.state.location.id);
    if (mine.length === 0) continue;
    shipments.push({
      locationId: c.state.location.id,
      distanceMetres: c.distance,
      lines: mine.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
    });
  }
  shipments.sort((a, b) => (a.locationId < b.locationId ? -1 : 1));
  return { allocations, shipments };
}

function explainCandidates(scored: readonly CandidateScore[]): CandidateScore[] {
  const byDistance = (a: CandidateScore, b: CandidateScore) =>
    a.distanceMetres - b.distanceMetres || (a.locationId < b.locationId ? -1 : 1);
  return [
    ...scored
      .filter((c) => c.eligible)
      .sort(byDistance)
      .slice(0, 20),
    ...scored
      .filter((c) => !c.eligible)
      .sort(byDistance)
      .slice(0, 10),
  ];
}
