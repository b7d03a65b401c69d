/**
 * [RDS1]-[RDS2] The dry run of a routing policy change over one day: the
 * order center's routing decisions of that day (their stored inputs,
 * `_routingInputs`, their location lists from `_routingLocations`) routed
 * again under the changed policy. Reads only.
 */
import {
  parseRoutingPolicyChange,
  startDryRun,
  unpackRoutingRequest,
  type DryRunReport,
  type FulfilmentLocation,
  type RoutingRecord,
  type RoutingRequest,
} from '@pos/domain';
import { isJsonObject, SyncError } from '../protocol';
import { adminOnly, allow } from '../route-guards';
import type { ServiceRequest } from '../service-routes';
import { FIND_DOCS_MAX } from '../storage/find-docs';
import type { DocRow, SyncStorage } from '../storage/storage';
import {
  ROUTING_INPUTS_DB,
  ROUTING_LOCATIONS_DB,
  type RoutingInput,
  type RoutingLocationsSnapshot,
} from './routing';

/** Decisions read at a time: as many as one find returns. */
const PAGE = FIND_DOCS_MAX;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** [RDS1] A calendar day 'YYYY-MM-DD' that exists. */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DAY.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** Decisions routed between two turns of the event loop, so the server keeps answering. */
const SLICE = 25;

/**
 * Feeds the day's routing decisions to `add` in the order they were stored,
 * a page at a time (a day's inputs can be more than memory holds at once),
 * letting other requests in between slices of routing.
 */
async function eachRecord(
  storage: SyncStorage,
  day: string,
  add: (record: RoutingRecord) => void,
): Promise<void> {
  let routed = 0;
  // A day's decisions share few location lists: each read once.
  const snapshots = new Map<string, readonly FulfilmentLocation[]>();
  const requestOf = async (input: RoutingInput): Promise<RoutingRequest> => {
    const packed = input.request;
    // [RDS1] A decision stored whole, before the packed form, is routed as it is.
    if (!('locationsId' in packed)) return packed as unknown as RoutingRequest;
    let locations = snapshots.get(packed.locationsId);
    if (!locations) {
      const row = (await storage.getDocs(ROUTING_LOCATIONS_DB, [packed.locationsId], null)).get(
        packed.locationsId,
      );
      if (!row) throw new Error(`${input.id}: location snapshot ${packed.locationsId} is missing`);
      locations = (row.body as unknown as RoutingLocationsSnapshot).locations;
      snapshots.set(packed.locationsId, locations);
    }
    return unpackRoutingRequest(packed, locations);
  };
  const feed = async (rows: readonly DocRow[]) => {
    for (const row of rows) {
      if (row.body.day !== day) continue;
      const input = row.body as unknown as RoutingInput;
      add({ orderId: input.orderId, chosen: input.chosen, request: await requestOf(input) });
      if (++routed % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const found = await storage.findDocs(ROUTING_INPUTS_DB, { fields: { day }, limit: PAGE });
  if (found.length < PAGE) return feed(found);
  // More than one find returns: the collection page by page, that day's only.
  for (let since = 0; ;) {
    const page = await storage.changes(ROUTING_INPUTS_DB, { since, limit: PAGE, scope: null });
    if (page.rows.length === 0) return;
    await feed(page.rows);
    since = page.lastSeq;
  }
}

/** [RDS1] The dry run of `change` over `day`'s routing decisions: nothing is written. */
export async function routingDryRun(
  storage: SyncStorage,
  day: string,
  change: unknown,
): Promise<DryRunReport & { day: string }> {
  if (!isDay(day)) throw new SyncError('bad_request', 'day must be a date YYYY-MM-DD');
  const parsed = parseRoutingPolicyChange(change);
  if (!parsed.ok) throw new SyncError('bad_request', parsed.message);
  const run = startDryRun(parsed.change);
  await eachRecord(storage, day, (record) => run.add(record));
  return { day, ...run.report() };
}

/**
 * [RDS2] `POST /_admin/routing/dry-run` `{day, change}` (admin token): 200
 * with the report; 400 naming what is wrong with the body.
 */
export async function postRoutingDryRun(request: ServiceRequest): Promise<void> {
  adminOnly(request.principal);
  allow(request.method, 'POST');
  const body = await request.readJson();
  if (!isJsonObject(body)) throw new SyncError('bad_request', 'send {day, change}');
  const unknown = Object.keys(body).filter((k) => k !== 'day' && k !== 'change');
  if (unknown.length > 0) {
    throw new SyncError(
      'bad_request',
      `unknown field ${JSON.stringify(unknown[0]).slice(0, 60)}; send {day, change}`,
    );
  }
  request.send(200, await routingDryRun(request.storage, body.day as string, body.change));
}
