/**
 * `/_rfid/tryons…` and `/_rfid/suggestions` ([RI6]-[RI9]): a device token
 * reads its own store; an admin token every store, or one by `store=`. Thin:
 * parse the query strictly, then call the services. Bad input is a 400 with
 * the reason ([RI13]).
 */
import {
  DEFAULT_FITTING_ROOM_POLICY,
  isIsoInstant,
  localDayBounds,
  type FittingRoomPolicy,
  type Store,
} from '@pos/domain';
import type { Principal } from '../auth';
import { SyncError } from '../protocol';
import { allow } from '../route-guards';
import type { SyncStorage } from '../storage/storage';
import type { TryOnOutboxOptions } from './outbox';
import { suggestionsAnswer, SUGGESTIONS_DEFAULT_LIMIT, SUGGESTIONS_MAX_LIMIT } from './suggestions';
import { DEFAULT_UTC_OFFSET_MINUTES, memberTryOns, notBoughtOn, tryOnReport } from './tryons';

/** [RI6] The longest period one report reads. */
export const REPORT_MAX_DAYS = 366;

/** How the chain counts try-ons and where its days begin. */
export type TryOnOptions = {
  /** [TO3] [TO8] Default `DEFAULT_FITTING_ROOM_POLICY`. */
  policy?: Partial<FittingRoomPolicy>;
  /** [TO10] The stores' time zone, minutes east of UTC; default 480 (China). */
  utcOffsetMinutes?: number;
  /** [RI10] The outbox sweep of finished visits (every 60 s by default); `false` runs none. */
  outbox?: (TryOnOutboxOptions & { intervalMs?: number }) | false;
};

export type TryOnRequest = {
  storage: SyncStorage;
  principal: Principal;
  method: string;
  /** The decoded path segments, e.g. `['_rfid', 'tryons', 'report']`. */
  segments: readonly string[];
  query: URLSearchParams;
  send(status: number, body: unknown): void;
  now: () => Date;
  options?: TryOnOptions;
};

/** Whether a path is one of these routes: `/_rfid/tryons…` or `/_rfid/suggestions`. */
export function isTryOnRoute(segments: readonly string[]): boolean {
  return segments[0] === '_rfid' && (segments[1] === 'tryons' || segments[1] === 'suggestions');
}

const bad = (reason: string) => new SyncError('bad_request', reason);
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The query's parameters, each at most once and each one of `known`; else 400. */
function params(query: URLSearchParams, known: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, value] of query) {
    if (!known.includes(name)) {
      throw bad(
        known.length
          ? `unknown parameter ${JSON.stringify(name.slice(0, 40))}: this endpoint takes ${known.join(', ')}`
          : `unknown parameter ${JSON.stringify(name.slice(0, 40))}: this endpoint takes none`,
      );
    }
    if (found.has(name)) throw bad(`${name} is given twice`);
    found.set(name, value);
  }
  return found;
}

/**
 * The store a request reads: a device's own (a `store=` naming another is
 * 403); an admin's `store=` (a store of the chain, else 400) or, when
 * `required` is false, every store (null).
 */
async function storeOf(
  request: TryOnRequest,
  given: string | undefined,
  required: boolean,
): Promise<string | null> {
  const { principal } = request;
  if (principal.kind === 'device') {
    if (given !== undefined && given !== principal.storeId) {
      throw new SyncError('forbidden', `a device reads its own store ${principal.storeId} only`);
    }
    return principal.storeId;
  }
  if (given === undefined) {
    if (required) throw bad('store is required with an admin token');
    return null;
  }
  if (!ID.test(given)) throw bad('store must be a store id');
  const store = (await request.storage.getDocs('stores', [given], null)).get(given);
  if (!store || (store.body as Store).id !== given) throw bad(`no store ${given} in the chain`);
  return given;
}

function instant(name: string, value: string | undefined): string {
  if (value === undefined) throw bad(`${name} is required (an ISO-8601 UTC instant)`);
  if (!isIsoInstant(value)) throw bad(`${name} must be an ISO-8601 UTC instant`);
  return new Date(Date.parse(value)).toISOString();
}

function policyOf(options: TryOnOptions | undefined): FittingRoomPolicy {
  return { ...DEFAULT_FITTING_ROOM_POLICY, ...options?.policy };
}

/** [RI6] `GET /_rfid/tryons/report?from=&to=[&store=]`. */
async function report(request: TryOnRequest): Promise<void> {
  allow(request.method, 'GET');
  const p = params(request.query, ['from', 'to', 'store']);
  const from = instant('from', p.get('from'));
  const to = instant('to', p.get('to'));
  const span = Date.parse(to) - Date.parse(from);
  if (span <= 0) throw bad('to must be after from');
  if (span > REPORT_MAX_DAYS * 86_400_000) {
    throw bad(`a report reads at most ${REPORT_MAX_DAYS} days`);
  }
  const storeId = await storeOf(request, p.get('store'), false);
  request.send(
    200,
    await tryOnReport(request.storage, { storeId, from, to }, policyOf(request.options)),
  );
}

/** [RI7] `GET /_rfid/tryons/not-bought?day=YYYY-MM-DD[&store=]`. */
async function notBought(request: TryOnRequest): Promise<void> {
  allow(request.method, 'GET');
  const p = params(request.query, ['day', 'store']);
  const day = p.get('day');
  const utcOffsetMinutes = request.options?.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
  if (day === undefined || !localDayBounds(day, utcOffsetMinutes)) {
    throw bad('day must be a date YYYY-MM-DD');
  }
  const storeId = await storeOf(request, p.get('store'), false);
  request.send(
    200,
    await notBoughtOn(
      request.storage,
      { storeId, day, utcOffsetMinutes },
      policyOf(request.options),
    ),
  );
}

/** [RI8] `GET /_rfid/tryons?member=<memberId>[&since=][&store=]`. */
async function tried(request: TryOnRequest): Promise<void> {
  allow(request.method, 'GET');
  const p = params(request.query, ['member', 'since', 'store']);
  const memberId = p.get('member');
  if (memberId === undefined || !ID.test(memberId)) throw bad('member must be a member id');
  const since = p.has('since') ? instant('since', p.get('since')) : undefined;
  const storeId = (await storeOf(request, p.get('store'), true))!;
  request.send(
    200,
    await memberTryOns(
      request.storage,
      { storeId, memberId, ...(since === undefined ? {} : { since }) },
      request.now().toISOString(),
    ),
  );
}

/** [RI9] `GET /_rfid/suggestions?skus=a,b` or `?member=<memberId>` `[&limit=][&store=]`. */
async function suggestions(request: TryOnRequest): Promise<void> {
  allow(request.method, 'GET');
  const p = params(request.query, ['skus', 'member', 'limit', 'store']);
  const rawSkus = p.get('skus');
  const memberId = p.get('member');
  if ((rawSkus === undefined) === (memberId === undefined)) {
    throw bad('give either skus (a comma-separated list) or member, not both');
  }
  let limit = SUGGESTIONS_DEFAULT_LIMIT;
  const rawLimit = p.get('limit');
  if (rawLimit !== undefined) {
    if (!/^\d{1,3}$/.test(rawLimit) || +rawLimit < 1 || +rawLimit > SUGGESTIONS_MAX_LIMIT) {
      throw bad(`limit must be a whole number from 1 to ${SUGGESTIONS_MAX_LIMIT}`);
    }
    limit = Number(rawLimit);
  }
  let skus: string[] | undefined;
  if (rawSkus !== undefined) {
    skus = rawSkus.split(',');
    if (skus.length > 50 || skus.some((s) => !SKU.test(s))) {
      throw bad('skus must be 1-50 SKUs, separated by commas');
    }
  }
  if (memberId !== undefined && !ID.test(memberId)) throw bad('member must be a member id');
  const storeId = (await storeOf(request, p.get('store'), true))!;
  request.send(
    200,
    await suggestionsAnswer(
      request.storage,
      { storeId, limit, ...(skus ? { skus } : { memberId: memberId! }) },
      request.now().toISOString(),
    ),
  );
}

/** Serves `/_rfid/tryons…` and `/_rfid/suggestions`. */
export async function serveTryOns(request: TryOnRequest): Promise<void> {
  const [, what, sub, ...rest] = request.segments;
  if (rest.length === 0 && what === 'suggestions' && sub === undefined) {
    return suggestions(request);
  }
  if (rest.length === 0 && what === 'tryons') {
    if (sub === undefined) return tried(request);
    if (sub === 'report') return report(request);
    if (sub === 'not-bought') return notBought(request);
  }
  throw new SyncError('not_found', `no such endpoint: /${request.segments.join('/')}`);
}
