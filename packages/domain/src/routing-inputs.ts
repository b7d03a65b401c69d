/**
 * A routing decision's input in its stored form: the chain's locations by
 * reference (a snapshot of the location list kept once) and, per decision,
 * only what can make a location eligible: its shipments today and its ATP of
 * the order's SKUs, for the locations that offer the mode, have capacity left
 * and have some of those SKUs.
 * Pure. See SPEC.md [RDY3].
 */
import { DomainError } from './errors';
import type { FulfilmentLocation } from './locations';
import type { LocationState, RoutingRequest } from './routing';

/** [RDY3] One location that could take part: its id, shipments today and ATP > 0 of the order's SKUs. */
export type PackedLocationState = [
  locationId: string,
  shipmentsToday: number,
  atp: Record<string, number>,
];

/** [RDY3] A routing request with the location list by reference (`locationsId`). */
export type PackedRoutingRequest = Omit<RoutingRequest, 'locations'> & {
  /** The id of the snapshot of the location list the decision saw. */
  locationsId: string;
  /** The locations that could take part, in the request's order. */
  states: PackedLocationState[];
};

/** The location records a request carries, in its order: what the snapshot keeps. */
export function routingLocationsOf(request: RoutingRequest): FulfilmentLocation[] {
  return request.locations.map((s) => s.location);
}

/**
 * [RDY3] The stored form of `request`, its locations in the snapshot
 * `locationsId`. Left out: a location that does not offer the mode, has made
 * its daily capacity of shipments, or has no ATP > 0 of the order's SKUs: it
 * is never eligible, whatever the policy.
 */
export function packRoutingRequest(
  request: RoutingRequest,
  locationsId: string,
): PackedRoutingRequest {
  const skus = [...new Set(request.lines.map((l) => l.sku))];
  const states: PackedLocationState[] = [];
  for (const state of request.locations) {
    if (!state.location.modes.includes(request.mode)) continue;
    if (state.shipmentsToday >= state.location.dailyCapacity) continue;
    const atp: Record<string, number> = {};
    for (const sku of skus) {
      const units = state.atp[sku] ?? 0;
      if (units > 0) atp[sku] = units;
    }
    if (Object.keys(atp).length === 0) continue;
    states.push([state.location.id, state.shipmentsToday, atp]);
  }
  const { locations: _all, ...rest } = request;
  return { ...rest, locationsId, states };
}

/**
 * [RDY3] The request again from its stored form and the snapshot's
 * locations; a location the snapshot does not have is an error.
 */
export function unpackRoutingRequest(
  packed: PackedRoutingRequest,
  locations: readonly FulfilmentLocation[],
): RoutingRequest {
  const byId = new Map(locations.map((l) => [l.id, l] as const));
  const { locationsId, states, ...rest } = packed;
  return {
    ...rest,
    locations: states.map(([id, shipmentsToday, atp]): LocationState => {
      const location = byId.get(id);
      if (!location) {
        throw new DomainError(
          'ROUTING_INPUT_INVALID',
          `location ${id} is not in the location snapshot ${locationsId}`,
        );
      }
      return { location, atp, shipmentsToday };
    }),
  };
}
