/**
 * A dry run of a routing policy change: the day's routing decisions routed
 * again under the changed policy, and what would have gone elsewhere. Pure.
 * See SPEC.md [RDY1]-[RDY2].
 */
import { DomainError, fail, type Result } from './errors';
import { DEFAULT_ROUTING_POLICY, routingPolicy, type RoutingPolicy } from './locations';
import { routeOrder, type DecidingRule, type RoutingRequest } from './routing';

/** One routing decision as it was made: its input and the locations it chose (none when not routable). */
export type RoutingRecord = { orderId: string; request: RoutingRequest; chosen: string[] };

export type DryRunReport = {
  /** Routing decisions routed again (an order rerouted has more than one). */
  decisions: number;
  /** Distinct orders among them. */
  orders: number;
  /** Decisions that would go to other locations, with the rule that decided the new plan. */
  moved: { orderId: string; from: string[]; to: string[]; decidedBy: DecidingRule }[];
  /** Decisions that would go to the same locations (or stay not routable). */
  unchanged: number;
  /** Decisions that routed then and would not now, with the units short per SKU. */
  nowNotRoutable: {
    orderId: string;
    from: string[];
    short: { sku: string; requested: number; available: number }[];
  }[];
  /** Per location, shipments it would make less (-) or more (+); locations with no change left out. */
  shipmentsByLocation: Record<string, number>;
};

const FIELDS = Object.keys(DEFAULT_ROUTING_POLICY) as (keyof RoutingPolicy)[];

/**
 * [RDY1] A policy change as a caller sends it: an object naming only policy
 * fields, each a whole number (>= 0 but the local time offset), at least one.
 */
export function parseRoutingPolicyChange(
  value: unknown,
): Result<{ change: Partial<RoutingPolicy> }, 'ROUTING_POLICY_INVALID'> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return fail('ROUTING_POLICY_INVALID', 'change must be an object of routing policy fields');
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    return fail('ROUTING_POLICY_INVALID', 'change must name at least one policy field');
  }
  const change: Partial<RoutingPolicy> = {};
  for (const [name, figure] of entries) {
    if (!(FIELDS as string[]).includes(name)) {
      return fail(
        'ROUTING_POLICY_INVALID',
        `unknown policy field ${JSON.stringify(name).slice(0, 60)}; known: ${FIELDS.join(', ')}`,
      );
    }
    change[name as keyof RoutingPolicy] = figure as number;
  }
  try {
    routingPolicy(change);
  } catch (e) {
    if (e instanceof DomainError) return fail('ROUTING_POLICY_INVALID', e.message);
    throw e;
  }
  return { ok: true, change };
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((id, i) => id === y[i]);
};

/**
 * [RDY2] Routes every record's request again with `change` applied to its
 * policy ([LOC3]: a bad figure is refused before anything is routed) and
 * compares the locations with those chosen then.
 */
export function dryRunRouting(
  records: Iterable<RoutingRecord>,
  change: Partial<RoutingPolicy>,
): DryRunReport {
  const run = startDryRun(change);
  for (const record of records) run.add(record);
  return run.report();
}

/**
 * [RDY2] The same dry run record by record, for a day read page by page:
 * `add` each record, then `report`.
 */
export function startDryRun(change: Partial<RoutingPolicy>): {
  add(record: RoutingRecord): void;
  report(): DryRunReport;
} {
  const parsed = parseRoutingPolicyChange(change);
  if (!parsed.ok) throw new DomainError(parsed.code, parsed.message);
  let decisions = 0;
  let unchanged = 0;
  const orders = new Set<string>();
  const moved: DryRunReport['moved'] = [];
  const nowNotRoutable: DryRunReport['nowNotRoutable'] = [];
  const net = new Map<string, number>();
  const count = (ids: readonly string[], by: number) => {
    for (const id of ids) net.set(id, (net.get(id) ?? 0) + by);
  };
  return {
    add(record) {
      decisions++;
      orders.add(record.orderId);
      const policy = routingPolicy({ ...record.request.policy, ...parsed.change });
      const decision = routeOrder({ ...record.request, policy });
      const to = decision.ok ? decision.shipments.map((s) => s.locationId) : [];
      if (sameSet(record.chosen, to)) {
        unchanged++;
        return;
      }
      count(record.chosen, -1);
      count(to, +1);
      const from = [...record.chosen].sort();
      if (decision.ok) {
        moved.push({
          orderId: record.orderId,
          from,
          to,
          decidedBy: decision.explanation.decidedBy!,
        });
      } else {
        nowNotRoutable.push({ orderId: record.orderId, from, short: decision.short });
      }
    },
    report: () => ({
      decisions,
      orders: orders.size,
      moved: [...moved],
      unchanged,
      nowNotRoutable: [...nowNotRoutable],
      shipmentsByLocation: Object.fromEntries(
        [...net].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
    }),
  };
}
