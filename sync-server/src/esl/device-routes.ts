/**
 * `/_esl/…`: the store's shelf-label service (a device of its store with its
 * own token) fetches the labels to draw (`GET /_esl/work`) and reports what
 * the gateway answered (`POST /_esl/acks`). Its own store only; replays are
 * no-ops; a bad body is 400 and changes nothing. See SPEC.md [SV6], [SV7].
 */
import { isIsoInstant, labelIdRefusal, type LabelAck } from '@pos/domain';
import type { ServiceRequest } from '../service-routes';
import { SyncError, isJsonObject } from '../protocol';
import { allow } from '../route-guards';
import { WORK_MAX, labelWork, recordAcks } from './labels';

export const ESL_ROUTE = '_esl';

/** [SV7] At most this many acks in one request. */
export const ACKS_MAX = 5000;

const bad = (reason: string) => new SyncError('bad_request', reason);
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** [SV7] An acks body, or 400 with the first reason. */
export function parseAcks(body: unknown): LabelAck[] {
  if (!isJsonObject(body) || !Array.isArray(body.acks)) {
    throw bad('send {"acks": [{"labelId", "hash", "pushId", "status": "acked"|"failed", "at"}]}');
  }
  if (body.acks.length > ACKS_MAX) throw bad(`at most ${ACKS_MAX} acks per request`);
  return body.acks.map((a: unknown, i: number): LabelAck => {
    const where = `acks[${i}]`;
    if (!isJsonObject(a)) throw bad(`${where} must be an object`);
    const refusal = labelIdRefusal(a.labelId);
    if (refusal) throw bad(`${where}: ${refusal}`);
    if (typeof a.hash !== 'string' || !TOKEN.test(a.hash))
      throw bad(`${where}: hash must be the pushed hash`);
    if (typeof a.pushId !== 'string' || !TOKEN.test(a.pushId))
      throw bad(`${where}: pushId must be a push id`);
    if (a.status !== 'acked' && a.status !== 'failed')
      throw bad(`${where}: status must be acked or failed`);
    if (typeof a.at !== 'string' || !isIsoInstant(a.at))
      throw bad(`${where}: at must be an ISO instant`);
    if (a.error !== undefined && (typeof a.error !== 'string' || a.error.length > 200)) {
      throw bad(`${where}: error must be a text of at most 200 characters`);
    }
    const battery = a.batteryPct;
    if (
      battery !== undefined &&
      (typeof battery !== 'number' || !Number.isInteger(battery) || battery < 0 || battery > 100)
    ) {
      throw bad(`${where}: batteryPct must be a whole number from 0 to 100`);
    }
    return {
      labelId: a.labelId as string,
      hash: a.hash,
      pushId: a.pushId,
      status: a.status,
      at: new Date(a.at).toISOString(),
      ...(typeof a.error === 'string' ? { error: a.error } : {}),
      ...(battery === undefined ? {} : { batteryPct: battery }),
    };
  });
}

export async function serveShelfLabelService(request: ServiceRequest): Promise<void> {
  const { principal } = request;
  if (principal.kind !== 'device') {
    throw new SyncError('forbidden', "this endpoint is for a store's shelf-label service");
  }
  const now = (request.now ?? (() => new Date()))();
  const [, what, extra] = request.segments;
  if (extra !== undefined) throw new SyncError('not_found', 'no such endpoint');
  if (what === 'work') {
    allow(request.method, 'GET');
    const raw = request.query.get('limit');
    let limit = WORK_MAX;
    if (raw !== null) {
      if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > WORK_MAX) {
        throw bad(`limit must be a whole number from 1 to ${WORK_MAX}`);
      }
      limit = Number(raw);
    }
    request.send(200, await labelWork(request.storage, principal.storeId, now, limit));
    return;
  }
  if (what === 'acks') {
    allow(request.method, 'POST');
    const acks = parseAcks(await request.readJson());
    request.send(200, await recordAcks(request.storage, principal.storeId, acks, now));
    return;
  }
  throw new SyncError('not_found', 'no such endpoint: use /_esl/work or /_esl/acks');
}
