/**
 * HQ's endpoint for the chain's fulfilment locations: read them, put them
 * (stores and regional warehouses, with their modes, hours, capacity and
 * rank). Thin: parse, check with the domain's rules, write all or none.
 * See SPEC.md [RS4].
 */
import { locationProblems, type FulfilmentLocation } from '@pos/domain';
import { SyncError, isJsonObject, type JsonObject } from '../protocol';
import { adminOnly, allow } from '../route-guards';
import type { ServiceRequest } from '../service-routes';
import { STORE_LOCATIONS_DB } from '../shop/catalog';
import type { WriteTransaction } from '../storage/storage';
import { readLocations, type StoredLocation } from './locations';

/** Most locations one request may put. */
export const LOCATIONS_PUT_MAX = 500;

/** [RS4] A location as HQ sends it: the fulfilment fields, and the city a new one is in. */
export type LocationInput = FulfilmentLocation & { city?: string; cityEn?: string };

/**
 * [RS4] What is wrong with a list of locations to put, each problem naming
 * its location's index: the domain's rules ([LOC4]), ids named twice, a city
 * for a location not stored yet.
 */
export function locationsProblems(
  value: unknown,
  known: ReadonlySet<string>,
): { problems: string[]; locations: LocationInput[] } {
  if (!isJsonObject(value) || !Array.isArray(value.locations)) {
    return { problems: ['send {locations: [...]}'], locations: [] };
  }
  const list = value.locations as unknown[];
  if (list.length === 0 || list.length > LOCATIONS_PUT_MAX) {
    return { problems: [`locations must list 1 to ${LOCATIONS_PUT_MAX}`], locations: [] };
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    for (const p of locationProblems(item)) problems.push(`locations[${i}]: ${p}`);
    const l = (isJsonObject(item) ? item : {}) as Partial<LocationInput>;
    if (typeof l.id === 'string') {
      if (seen.has(l.id)) problems.push(`locations[${i}]: ${l.id} is named twice`);
      seen.add(l.id);
    }
    for (const field of ['city', 'cityEn'] as const) {
      const v = l[field];
      if (v !== undefined && (typeof v !== 'string' || v.length === 0 || v.length > 40)) {
        problems.push(`locations[${i}]: ${field} must be 1 to 40 characters`);
      } else if (v === undefined && typeof l.id === 'string' && !known.has(l.id)) {
        problems.push(`locations[${i}]: a new location names its ${field}`);
      }
    }
  });
  return { problems, locations: problems.length ? [] : (list as LocationInput[]) };
}

/** [RS4] Writes checked locations over the stored ones (keeping their city), in the caller's transaction. */
export async function putLocations(
  tx: WriteTransaction,
  locations: readonly LocationInput[],
): Promise<void> {
  const rows = await tx.getDocs(
    STORE_LOCATIONS_DB,
    locations.map((l) => l.id),
  );
  for (const l of locations) {
    const row = rows.get(l.id);
    const before = row?.body as StoredLocation | undefined;
    const doc: StoredLocation = {
      id: l.id,
      city: l.city ?? before!.city,
      cityEn: l.cityEn ?? before!.cityEn,
      lat: l.lat,
      lng: l.lng,
      name: l.name,
      kind: l.kind,
      modes: [...l.modes],
      hours: l.hours.map((h) => ({ days: [...h.days], open: h.open, close: h.close })),
      dailyCapacity: l.dailyCapacity,
      rank: l.rank,
    };
    const written = await tx.put({
      db: STORE_LOCATIONS_DB,
      id: l.id,
      body: doc as unknown as JsonObject,
      storeId: null,
      expectedRev: row?.rev ?? null,
    });
    if (!written.ok) throw new Error(`location ${l.id} changed underneath: ${written.reason}`);
  }
}

/**
 * [RS4] `GET /_admin/locations`: every location with its fulfilment fields
 * (defaults filled in). `PUT /_admin/locations` `{locations}`: checked all
 * first, 400 naming every problem and nothing written, else all written; 200
 * with the locations as they now are.
 */
export async function serveLocations(request: ServiceRequest): Promise<void> {
  adminOnly(request.principal);
  allow(request.method, 'GET', 'PUT');
  if (request.method === 'PUT') {
    const body = await request.readJson();
    await request.storage.transaction(async (tx) => {
      const ids = isJsonObject(body) && Array.isArray(body.locations) ? body.locations : [];
      const known = await tx.getDocs(
        STORE_LOCATIONS_DB,
        ids.flatMap((l) => (isJsonObject(l) && typeof l.id === 'string' ? [l.id] : [])),
      );
      const checked = locationsProblems(body, new Set(known.keys()));
      if (checked.problems.length > 0) {
        throw new SyncError('bad_request', checked.problems.join('; '));
      }
      await putLocations(tx, checked.locations);
    });
  }
  const locations = await readLocations(request.storage);
  request.send(200, { locations: locations as unknown as JsonObject[] });
}
