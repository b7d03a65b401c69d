/**
 * Routed placement: an order's ship and same-city lines are routed in the
 * placement's transaction, from the customer's address to the locations with
 * stock ([RO1]-[RO10]), and each decision's input is kept for a dry run.
 * See SPEC.md [RP1]-[RP5].
 */
import { createHash } from 'node:crypto';
import {
  applyOrderEvent,
  DEFAULT_ROUTING_POLICY,
  isDeliveryLine,
  packRoutingRequest,
  routeOrder,
  routingLocationsOf,
  stockLevelId,
  type CollectionName,
  type FulfilmentLocation,
  type LocationState,
  type Order,
  type OrderCustomer,
  type OrderEvent,
  type PackedRoutingRequest,
  type RoutableMode,
  type RoutingDecision,
  type RoutingPolicy,
  type RoutingRequest,
} from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { WriteTransaction } from '../storage/storage';
import { plainAddressBook, type AddressBook, type ShipAddress } from './addresses';
import { canonicalJson, localDay, readLocations, routingCandidates } from './locations';

/** [RP3] Server-only: each routing decision's input, id `<orderId>:<n>`, for the dry run. */
export const ROUTING_INPUTS_DB = '_routingInputs' as CollectionName;

/**
 * [RP3] Server-only: the location lists routing decisions saw, each kept
 * once, id the SHA-256 of the list's canonical JSON.
 */
export const ROUTING_LOCATIONS_DB = '_routingLocations' as CollectionName;

/** [RP3] One routing decision as made: its request and the locations chosen. */
export type DecidedRouting = {
  id: string;
  orderId: string;
  /** The chain's local day of the decision. */
  day: string;
  at: string;
  request: RoutingRequest;
  chosen: string[];
};

/** [RP3] A decision as stored: its request packed, the locations by reference ([RDY3]). */
export type RoutingInput = Omit<DecidedRouting, 'request'> & { request: PackedRoutingRequest };

/** [RP3] A location list as stored in `_routingLocations`. */
export type RoutingLocationsSnapshot = { id: string; locations: FulfilmentLocation[] };

/** [RP3] The id of a location list: the SHA-256 (hex) of its canonical JSON. */
export function routingLocationsId(locations: readonly FulfilmentLocation[]): string {
  return createHash('sha256').update(canonicalJson(locations)).digest('hex');
}

/**
 * [RP3] Stores one decision in its packed form under `decided.id`, and the
 * location list it saw when no decision stored it before, in the caller's
 * transaction. False when a decision of that id is stored already.
 */
export async function writeRoutingInput(
  tx: WriteTransaction,
  decided: DecidedRouting,
): Promise<boolean> {
  const locations = routingLocationsOf(decided.request);
  const locationsId = routingLocationsId(locations);
  const input: RoutingInput = {
    ...decided,
    request: packRoutingRequest(decided.request, locationsId),
  };
  const written = await tx.put({
    db: ROUTING_INPUTS_DB,
    id: input.id,
    body: input as unknown as JsonObject,
    storeId: null,
    expectedRev: null,
  });
  if (!written.ok) return false;
  // Written once: a conflict is the same list, kept by an earlier decision.
  const snapshot: RoutingLocationsSnapshot = { id: locationsId, locations };
  await tx.put({
    db: ROUTING_LOCATIONS_DB,
    id: locationsId,
    body: snapshot as unknown as JsonObject,
    storeId: null,
    expectedRev: null,
  });
  return true;
}

/** What routing a placement needs of the chain: its policy and its address book. */
export type PlacementRouting = {
  /** [LOC3] Default `DEFAULT_ROUTING_POLICY`. */
  routingPolicy?: RoutingPolicy;
  /** Default `plainAddressBook` (the `_addresses` documents as they are). */
  addressBook?: AddressBook;
  /**
   * [IV14] The safety stock set per store and SKU, by stock level id: a
   * location keeps back its own instead of the policy's default.
   */
  safetyStock?: ReadonlyMap<string, number>;
};

/** [RP2] Units of a SKU no location can route, in one mode. */
export type RoutingShort = {
  mode: RoutableMode;
  sku: string;
  requested: number;
  available: number;
};

export type RoutedPlacement =
  | {
      ok: true;
      /** The order with its `routed` events applied (none when it has no delivery lines). */
      order: Order;
      inputs: DecidedRouting[];
    }
  | { ok: false; code: 'ORDER_INVALID'; message: string }
  | { ok: false; code: 'NOT_ROUTABLE'; message: string; short: RoutingShort[] };

/** [MG1] The key a customer's parcels merge by: the member id, else the phone's keyed index. */
export function customerKeyOf(customer: OrderCustomer): string {
  return 'memberId' in customer ? customer.memberId : customer.phoneIndex;
}

/** [RP1] The shipment id of the n-th parcel (1-based) a placement plans: `<orderId>-P<n>`. */
export const plannedShipmentId = (orderId: string, n: number) => `${orderId}-P${n}`;

const MODES: readonly RoutableMode[] = ['ship', 'same-city'];

/**
 * [RP1] [RP2] Routes the delivery lines of a placed order, per mode, in the
 * placement's transaction: one address per mode, the customer's own; the
 * locations' ATP less the units this order already takes there (its pickup
 * lines, `alreadyHeld`, and the other mode's allocations); the domain's
 * router. NOT_ROUTABLE names what is short. Writes nothing.
 */
export async function routePlacement(
  tx: WriteTransaction,
  order: Order,
  now: string,
  alreadyHeld: ReadonlyMap<string, { units: number }>,
  options: PlacementRouting = {},
): Promise<RoutedPlacement> {
  const policy = options.routingPolicy ?? DEFAULT_ROUTING_POLICY;
  const book = options.addressBook ?? plainAddressBook;
  const delivery = order.lines.filter(isDeliveryLine);
  if (delivery.length === 0) return { ok: true, order, inputs: [] };
  const taken = new Map<string, number>(
    [...alreadyHeld].map(([id, { units }]) => [id, units] as const),
  );
  const locations = await readLocations(tx);
  let routed = order;
  const inputs: DecidedRouting[] = [];
  let parcels = 0;
  for (const mode of MODES) {
    const lines = delivery.filter((l) => l.fulfilment.mode === mode);
    if (lines.length === 0) continue;
    const addressIds = new Set(lines.map((l) => (l.fulfilment as { addressId: string }).addressId));
    if (addressIds.size > 1) {
      return {
        ok: false,
        code: 'ORDER_INVALID',
        message: `the ${mode} lines of an order go to one address, not ${addressIds.size}`,
      };
    }
    const addressId = [...addressIds][0]!;
    const address: ShipAddress | null = await book.forRouting(tx, addressId);
    if (!address || address.customerKey !== customerKeyOf(order.customer)) {
      return {
        ok: false,
        code: 'ORDER_INVALID',
        message: `address ${addressId} is not one of this customer's addresses`,
      };
    }
    const skus = [...new Set(lines.map((l) => l.sku))];
    const candidates = await routingCandidates(tx, skus, mode, now, policy, locations);
    const states: LocationState[] = candidates.map((state) => {
      const atp: Record<string, number> = {};
      for (const [sku, units] of Object.entries(state.atp)) {
        const id = stockLevelId(state.location.id, sku);
        // [IV14] Its own safety stock in place of the policy's, which the router takes off.
        const own = options.safetyStock?.get(id);
        const kept = own === undefined ? 0 : own - policy.safetyStock;
        const left = units - kept - (taken.get(id) ?? 0);
        if (left > 0) atp[sku] = left;
      }
      return { ...state, atp };
    });
    const request: RoutingRequest = {
      mode,
      lines: lines.map((l) => ({
        lineId: l.lineId,
        sku: l.sku,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
      destination: { lat: address.point.lat, lng: address.point.lng },
      now,
      locations: states,
      policy,
    };
    const decision: RoutingDecision = routeOrder(request);
    if (!decision.ok) {
      return {
        ok: false,
        code: 'NOT_ROUTABLE',
        message: `${mode}: ${decision.message}`,
        short: decision.short.map((s) => ({ mode, ...s })),
      };
    }
    const shipmentOf = new Map<string, string>();
    for (const planned of decision.shipments) {
      shipmentOf.set(planned.locationId, plannedShipmentId(order.id, ++parcels));
    }
    const event: OrderEvent = {
      kind: 'routed',
      id: `${order.id}:routed:${mode}`,
      at: now,
      allocations: decision.allocations.map((a) => ({
        lineId: a.lineId,
        locationId: a.locationId,
        shipmentId: shipmentOf.get(a.locationId)!,
        quantity: a.quantity,
      })),
      explanation: decision.explanation,
    };
    const applied = applyOrderEvent(routed, event);
    if (!applied.ok) throw new Error(`a routing could not be applied: ${applied.message}`);
    routed = applied.order;
    for (const a of decision.allocations) {
      const line = lines.find((l) => l.lineId === a.lineId)!;
      const id = stockLevelId(a.locationId, line.sku);
      taken.set(id, (taken.get(id) ?? 0) + a.quantity);
    }
    inputs.push({
      id: `${order.id}:${inputs.length + 1}`,
      orderId: order.id,
      day: localDay(now, policy.utcOffsetMinutes),
      at: now,
      request,
      chosen: decision.shipments.map((s) => s.locationId),
    });
  }
  return { ok: true, order: routed, inputs };
}

/** [RP3] Stores the routing inputs of a placement, packed, in its transaction. */
export async function putRoutingInputs(
  tx: WriteTransaction,
  inputs: readonly DecidedRouting[],
): Promise<void> {
  for (const input of inputs) {
    if (!(await writeRoutingInput(tx, input))) {
      throw new Error(`${input.id} changed underneath: it is stored already`);
    }
  }
}
