/**
 * `/_rfid/items…` and `/_rfid/counts…`: tagging and item states ([RI1]) for
 * HQ and the store's devices, counts ([RI11] [RI12]) for the store's devices.
 * Thin: parse, call a service. The try-on routes live beside it.
 */
import type { Principal } from '../auth';
import { SyncError } from '../protocol';
import { adminOnly, allow } from '../route-guards';
import type { SyncStorage } from '../storage/storage';
import { approveCount, parseApproveCount, parseCountRequest, postCount, readCount } from './counts';
import { itemAnswer, parseId, parseTagItems, tagItems } from './items';

export const RFID_ROUTE = '_rfid';

export type RfidRequest = {
  storage: SyncStorage;
  principal: Principal;
  method: string;
  /** The decoded path segments, e.g. `['_rfid', 'counts', 'C1', 'approve']`. */
  segments: readonly string[];
  readJson(): Promise<unknown>;
  header(name: string): string | undefined;
  send(status: number, body: unknown): void;
  now: () => Date;
};

/** Whether `/_rfid/<segments>` is one of the item or count routes served here. */
export const isItemsRoute = (segments: readonly string[]): boolean =>
  segments[0] === RFID_ROUTE && (segments[1] === 'items' || segments[1] === 'counts');

function deviceOf(principal: Principal): { deviceId: string; storeId: string } {
  if (principal.kind !== 'device') {
    throw new SyncError('forbidden', "counts are made by a store's devices (a device token)");
  }
  return { deviceId: principal.deviceId, storeId: principal.storeId };
}

async function serveItems(request: RfidRequest, epc: string | undefined): Promise<void> {
  if (epc === undefined) {
    // [RI1] HQ tags items at a store.
    allow(request.method, 'POST');
    adminOnly(request.principal);
    const body = parseTagItems(await request.readJson());
    request.send(200, await tagItems(request.storage, body, request.now().toISOString()));
    return;
  }
  allow(request.method, 'GET');
  request.send(200, await itemAnswer(request.storage, epc));
}

async function serveCounts(
  request: RfidRequest,
  countId: string | undefined,
  action: string | undefined,
): Promise<void> {
  const device = deviceOf(request.principal);
  const now = request.now().toISOString();
  if (countId === undefined) {
    allow(request.method, 'POST');
    const body = parseCountRequest(await request.readJson(), request.header('idempotency-key'));
    const { answer, replayed } = await postCount(request.storage, body, device, now);
    request.send(replayed ? 200 : 201, answer);
    return;
  }
  parseId(countId, 'the count id');
  if (action === 'approve') {
    allow(request.method, 'POST');
    const approval = parseApproveCount(await request.readJson());
    request.send(200, await approveCount(request.storage, countId, approval, device, now));
    return;
  }
  if (action !== undefined) throw new SyncError('not_found', `no such count endpoint: ${action}`);
  allow(request.method, 'GET');
  request.send(200, await readCount(request.storage, countId, device.storeId));
}

/** Serves `/_rfid/items…` and `/_rfid/counts…`; anything else there is a 404. */
export async function serveRfidItems(request: RfidRequest): Promise<void> {
  const [, first, second, third, ...more] = request.segments;
  if (more.length > 0) throw new SyncError('not_found', 'no such RFID endpoint');
  if (first === 'items' && third === undefined) return serveItems(request, second);
  if (first === 'counts') return serveCounts(request, second, third);
  throw new SyncError('not_found', `no such RFID endpoint: /${request.segments.join('/')}`);
}
