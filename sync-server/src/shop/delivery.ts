/**
 * [SHP17] What the customer may choose for delivering a bag to one of their
 * addresses: an express parcel, a same-city courier, or picking it up at a
 * store near the address. A quote: the router's decision on the stock as it
 * is now, nothing held.
 */
import { routeOrder, type RoutingDecision, type RoutingPolicy } from '@pos/domain';
import { listPrices } from '../orders/pricing';
import { readLocations, routingCandidates } from '../orders/locations';
import { SyncError } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import { ownAddress } from './addresses';
import { locationNames, storesFor } from './catalog';
import type { CustomerSession } from './customer-auth';
import { SHOP_LINES_MAX, SHOP_QUANTITY_MAX } from './shop-orders';

const bad = (reason: string) => new SyncError('bad_request', reason);
const SKU = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** [SHP17] `lines=sku:qty,sku:qty`: 1 to 20 SKUs, each 1 to 99 units (a SKU twice adds up). */
export function parseQuoteLines(text: string | null): { sku: string; quantity: number }[] {
  if (text === null || text === '') throw bad('send lines=sku:quantity,sku:quantity');
  const parts = text.split(',');
  if (parts.length > SHOP_LINES_MAX) throw bad(`lines lists at most ${SHOP_LINES_MAX} lines`);
  const merged = new Map<string, number>();
  for (const part of parts) {
    const match = /^(.+):(\d{1,2})$/.exec(part);
    const sku = match?.[1] ?? '';
    const quantity = Number(match?.[2]);
    if (!match || !SKU.test(sku) || quantity < 1) {
      throw bad(
        `lines must be sku:quantity pairs (1 to ${SHOP_QUANTITY_MAX}), not "${part.slice(0, 40)}"`,
      );
    }
    merged.set(sku, (merged.get(sku) ?? 0) + quantity);
    if (merged.get(sku)! > SHOP_QUANTITY_MAX) throw bad(`at most ${SHOP_QUANTITY_MAX} of ${sku}`);
  }
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

export type QuotedParcel = { locationId: string; name: string; distanceMetres: number };

export type DeliveryQuote = {
  ship: {
    available: boolean;
    /** [SHP17] Working days the parcel takes: 1-2 within 300 km of every store it leaves from, else 2-4. */
    promiseDays?: { min: number; max: number };
    parcels: QuotedParcel[];
    short: { sku: string; requested: number; available: number }[];
  };
  sameCity: {
    available: boolean;
    window?: { from: string; to: string };
    parcels: QuotedParcel[];
    short: { sku: string; requested: number; available: number }[];
  };
  pickup: {
    stores: { id: string; name: string; address: string; distanceMetres: number | null }[];
  };
};

/** Distance within which an express parcel is promised in 1-2 days. */
export const NEAR_PARCEL_METRES = 300_000;

/** [SHP17] The delivery options for the customer's address and these lines. */
export async function quoteDelivery(
  storage: SyncStorage,
  customer: CustomerSession,
  addressId: string,
  lines: { sku: string; quantity: number }[],
  options: { priceList: string; now: string; policy: RoutingPolicy },
): Promise<DeliveryQuote> {
  const address = await ownAddress(
    { getDocs: (db, ids) => storage.getDocs(db, ids, null) },
    customer,
    addressId,
  );
  const skus = lines.map((l) => l.sku);
  const prices = await listPrices(storage, options.priceList, skus);
  const unknown = skus.find((sku) => !prices.has(sku));
  if (unknown !== undefined) throw bad(`${unknown} is not for sale in the shop`);
  const routingLines = lines.map((l, i) => ({
    lineId: `L${i + 1}`,
    ...l,
    unitPrice: prices.get(l.sku)!.amount,
  }));
  const locations = await readLocations(storage);
  const names = await locationNames(
    storage,
    locations.map((l) => l.id),
    new Map(locations.map((l) => [l.id, l.name])),
  );
  const route = async (mode: 'ship' | 'same-city'): Promise<RoutingDecision> =>
    routeOrder({
      mode,
      lines: routingLines,
      destination: address.point,
      now: options.now,
      locations: await routingCandidates(
        storage,
        skus,
        mode,
        options.now,
        options.policy,
        locations,
      ),
      policy: options.policy,
    });
  const parcels = (d: RoutingDecision): QuotedParcel[] =>
    d.ok
      ? d.shipments.map((s) => ({
          locationId: s.locationId,
          name: names.get(s.locationId) ?? s.locationId,
          distanceMetres: s.distanceMetres,
        }))
      : [];
  const ship = await route('ship');
  const sameCity = await route('same-city');
  const far = Math.max(0, ...parcels(ship).map((p) => p.distanceMetres));
  const nearby = await storesFor(storage, skus, { from: address.point });
  return {
    ship: {
      available: ship.ok,
      ...(ship.ok
        ? { promiseDays: far <= NEAR_PARCEL_METRES ? { min: 1, max: 2 } : { min: 2, max: 4 } }
        : {}),
      parcels: parcels(ship),
      short: ship.ok ? [] : ship.short,
    },
    sameCity: {
      available: sameCity.ok,
      ...(sameCity.ok && sameCity.window ? { window: sameCity.window } : {}),
      parcels: parcels(sameCity),
      short: sameCity.ok ? [] : sameCity.short,
    },
    pickup: {
      stores: nearby
        .filter((s) => lines.every((l) => (s.atp[l.sku] ?? 0) >= l.quantity))
        .slice(0, 3)
        .map(({ id, name, address: street, distanceMetres }) => ({
          id,
          name,
          address: street,
          distanceMetres,
        })),
    },
  };
}
