/**
 * The chain's fulfilment locations as the order center reads them: the
 * stores' and warehouses' coordinates, modes, hours, capacity and rank
 * (`_storeLocations`, one table with the shop's store finder), the shipments
 * each made today, and the candidates a routing decision weighs.
 * See SPEC.md [RS1]-[RS3].
 */
import {
  stockLevelId,
  type CollectionName,
  type FulfilmentLocation,
  type LocationState,
  type OpeningSpan,
  type RoutableMode,
  type RoutingPolicy,
} from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { SyncStorage, WriteTransaction } from '../storage/storage';
import { STORE_LOCATIONS_DB, type StoreLocation } from '../shop/catalog';
import { positionAtp, readPositions } from './store-orders';

/** [RS2] Server-only: shipments made per location per local day, id `<location>:<YYYY-MM-DD>`. */
export const LOCATION_LOAD_DB = '_locationLoad' as CollectionName;

/** [RS1] A location as stored: the shop's store location, with the fulfilment fields when set. */
export type StoredLocation = StoreLocation &
  Partial<Omit<FulfilmentLocation, 'id' | 'lat' | 'lng'>>;

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

/** [RS1] What a store location without fulfilment fields offers: a store open 10:00-22:00 that does everything. */
export const STORE_LOCATION_DEFAULTS: Omit<FulfilmentLocation, 'id' | 'lat' | 'lng' | 'name'> = {
  kind: 'store',
  modes: ['pickup', 'ship', 'same-city'],
  hours: [{ days: EVERY_DAY, open: '10:00', close: '22:00' }] satisfies OpeningSpan[],
  dailyCapacity: 200,
  rank: 10,
};

/** [RS1] A stored location with the defaults filled in. */
export function fulfilmentLocationOf(stored: StoredLocation): FulfilmentLocation {
  return {
    id: stored.id,
    name: stored.name ?? stored.id,
    lat: stored.lat,
    lng: stored.lng,
    kind: stored.kind ?? STORE_LOCATION_DEFAULTS.kind,
    modes: stored.modes ?? STORE_LOCATION_DEFAULTS.modes,
    hours: stored.hours ?? STORE_LOCATION_DEFAULTS.hours,
    dailyCapacity: stored.dailyCapacity ?? STORE_LOCATION_DEFAULTS.dailyCapacity,
    rank: stored.rank ?? STORE_LOCATION_DEFAULTS.rank,
  };
}

type Reader = WriteTransaction | SyncStorage;

const getDocs = (reader: Reader, db: CollectionName, ids: string[]) =>
  'kind' in reader ? reader.getDocs(db, ids, null) : reader.getDocs(db, ids);

/** [RS1] Every location, by id. */
export async function readLocations(reader: Reader): Promise<FulfilmentLocation[]> {
  const rows = await reader.findDocs(STORE_LOCATIONS_DB, {});
  return rows
    .map((row) => fulfilmentLocationOf(row.body as unknown as StoredLocation))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** [RS2] The chain's local calendar day of an instant, 'YYYY-MM-DD'. */
export function localDay(at: string, utcOffsetMinutes: number): string {
  return new Date(Date.parse(at) + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

export const locationLoadId = (locationId: string, day: string) => `${locationId}:${day}`;

type LocationLoad = { id: string; locationId: string; day: string; shipments: number };

/**
 * [RO1] [RS3] The locations as a routing decision at `now` weighs them: each
 * one's ATP of `skus` (for those offering `mode`; the others are left out by
 * mode anyway) and its shipments today.
 */
export async function routingCandidates(
  reader: Reader,
  skus: readonly string[],
  mode: RoutableMode,
  now: string,
  policy: RoutingPolicy,
  locations?: readonly FulfilmentLocation[],
): Promise<LocationState[]> {
  const all = locations ?? (await readLocations(reader));
  const offering = all.filter((l) => l.modes.includes(mode));
  const keys = offering.flatMap((l) => skus.map((sku) => ({ storeId: l.id, sku })));
  const positions = keys.length ? await readPositions(reader, keys) : new Map();
  const day = localDay(now, policy.utcOffsetMinutes);
  const loads = await getDocs(
    reader,
    LOCATION_LOAD_DB,
    offering.map((l) => locationLoadId(l.id, day)),
  );
  return all.map((location) => {
    const atp: Record<string, number> = {};
    if (location.modes.includes(mode)) {
      for (const sku of skus) {
        const units = positionAtp(positions.get(stockLevelId(location.id, sku)));
        if (units > 0) atp[sku] = units;
      }
    }
    const load = loads.get(locationLoadId(location.id, day))?.body as LocationLoad | undefined;
    return { location, atp, shipmentsToday: load?.shipments ?? 0 };
  });
}

/** [RS2] Counts one more shipment made by a location on the local day of `at`, in the caller's transaction. */
export async function countShipment(
  tx: WriteTransaction,
  locationId: string,
  at: string,
  utcOffsetMinutes: number,
): Promise<void> {
  const day = localDay(at, utcOffsetMinutes);
  const id = locationLoadId(locationId, day);
  const row = (await tx.getDocs(LOCATION_LOAD_DB, [id])).get(id);
  const before = (row?.body as LocationLoad | undefined)?.shipments ?? 0;
  const doc: LocationLoad = { id, locationId, day, shipments: before + 1 };
  const written = await tx.put({
    db: LOCATION_LOAD_DB,
    id,
    body: doc as unknown as JsonObject,
    storeId: null,
    expectedRev: row?.rev ?? null,
  });
  if (!written.ok) throw new Error(`${id} changed underneath: ${written.reason}`);
}

/**
 * [RS1] Creates or updates locations with their fulfilment fields, in the
 * caller's transaction; an unchanged one is not written. Returns how many
 * it wrote.
 */
export async function writeLocations(
  tx: WriteTransaction,
  locations: readonly StoredLocation[],
): Promise<number> {
  const rows = await tx.getDocs(
    STORE_LOCATIONS_DB,
    locations.map((l) => l.id),
  );
  let written = 0;
  for (const location of locations) {
    const row = rows.get(location.id);
    if (row && canonicalJson(row.body) === canonicalJson(location)) continue;
    const result = await tx.put({
      db: STORE_LOCATIONS_DB,
      id: location.id,
      body: location as unknown as JsonObject,
      storeId: null,
      expectedRev: row?.rev ?? null,
    });
    if (!result.ok) throw new Error(`location ${location.id}: ${result.reason}`);
    written += 1;
  }
  return written;
}

/** JSON with object keys sorted: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
