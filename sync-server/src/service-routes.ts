/**
 * Endpoints beside the CouchDB API: the online checks a till makes (member
 * lookup by phone, points before a redemption) and what HQ reviews (the
 * exceptions, a fact with its receive time). Thin: parse, check, read.
 * See SPEC.md [MB1], [PT5], [EX3], [FX4].
 */
import { adminOnly, allow } from './route-guards';
import { isCollectionName, memberForTill, type Member } from '@pos/domain';
import type { Principal } from './auth';
import { EXCEPTIONS_DB, type FactException } from './ledgers';
import type { PrivacyKeys } from './pii/keyring';
import { serveLocations } from './orders/location-routes';
import { postChannelToken, serveOrders } from './orders/routes';
import type { PlacementRouting } from './orders/routing';
import { isMemberRoute, phoneIndexOfQuery, serveMemberRoute } from './pii/member-routes';
import { servePointsProgramme } from './points-programme-route';
import { SyncError, type JsonObject } from './protocol';
import { readSaleForReturn } from './sale-lookup';
import type { Logger } from './server';
import type { SyncStorage } from './storage/storage';

/** The first path segment of each service endpoint. */
const SERVICES = new Set([
  '_exceptions',
  '_points',
  '_members',
  '_facts',
  '_sales',
  '_admin',
  '_orders',
]);

export function isServiceRoute(first: string): boolean {
  return SERVICES.has(first);
}

/** What a service endpoint gets from the HTTP shell, after the token and the rate limit. */
export type ServiceRequest = {
  storage: SyncStorage;
  principal: Principal;
  method: string;
  /** The decoded path segments, e.g. `['_members', 'lookup']`. */
  segments: readonly string[];
  query: URLSearchParams;
  readJson(): Promise<unknown>;
  /** [OC5] A request header (lower-case name), when sent once. */
  header?(name: string): string | undefined;
  send(status: number, body: unknown): void;
  /**
   * [MB2] Takes a token of the principal's member-lookup bucket: null when
   * allowed, else the milliseconds until one is there.
   */
  takeLookup(): number | null;
  /** [MB3] Records one member lookup or points check (one JSON line in the server's log). */
  logLookup(entry: MemberLookupLogEntry): void;
  /** The server's clock and log, for what an admin changes ([PT6]). */
  now?: () => Date;
  log?: Logger;
  /** [PK2] The keys of members' personal data and phone indexes. */
  privacy: PrivacyKeys;
  /** [RP1] How the orders API routes ship and same-city lines; default the defaults. */
  routing?: PlacementRouting;
};

/** [MB3] One line per lookup: who asked and what came of it; never a phone in full, never a token. */
export type MemberLookupLogEntry = {
  endpoint: 'members/lookup' | 'points/check';
  outcome: 'found' | 'not_found' | 'bad_request' | 'rate_limited' | 'covered' | 'insufficient';
  memberId?: string;
  /** Masked ([PV2]), when the phone was sent; a till sends only its blind index. */
  phone?: string;
};

/** [MB2] Refuses the request with 429 when the principal has looked up too many members. */
function takeLookup(request: ServiceRequest, endpoint: MemberLookupLogEntry['endpoint']): void {
  const waitMs = request.takeLookup();
  if (waitMs === null) return;
  request.logLookup({ endpoint, outcome: 'rate_limited' });
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  throw new SyncError(
    'rate_limited',
    `too many member lookups from this ${request.principal.kind}; retry in ${seconds} s`,
    { retry_after_ms: waitMs },
    { 'retry-after': String(seconds) },
  );
}

const EXCEPTIONS_PAGE = 100;
const EXCEPTIONS_MAX_PAGE = 1000;
const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A whole number from a query parameter within bounds, or the default when absent. */
function intParam(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) > max) {
    throw new SyncError('bad_request', `${name} must be a whole number from 0 to ${max}`);
  }
  return Number(raw);
}

/**
 * [MB1] `GET /_members/lookup?phoneIndex=…` (the blind index a till computes,
 * [PI2]) or `?phone=…` (the server computes it): the member with that phone,
 * from any store, as a till may see them ([PV3]); [CN5] a closed or erased
 * member is not found.
 */
async function lookupMember(request: ServiceRequest): Promise<void> {
  allow(request.method, 'GET');
  const endpoint = 'members/lookup';
  takeLookup(request, endpoint);
  const asked = phoneIndexOfQuery(request.query, request.privacy.indexKey);
  if (!asked.ok) {
    request.logLookup({ endpoint, outcome: 'bad_request' });
    throw new SyncError('bad_request', asked.reason);
  }
  const masked = asked.maskedPhone === null ? {} : { phone: asked.maskedPhone };
  const member = (await request.storage.membersByPhoneIndex(asked.index))
    .map((row) => row.body as Member)
    .find((m) => m.status === 'active');
  if (!member) {
    request.logLookup({ endpoint, outcome: 'not_found', ...masked });
    throw new SyncError(
      'not_found',
      `no member has the phone ${asked.maskedPhone ?? 'with this index'}`,
    );
  }
  request.logLookup({ endpoint, outcome: 'found', memberId: member.id, ...masked });
  request.send(200, memberForTill(member));
}

/**
 * [PT5] `POST /_points/check` `{memberId, points, phoneIndex?}`: whether the
 * member's balance covers a redemption now. 200 `{ok: true, balance}`, or 409
 * `{error: 'insufficient_points', reason, balance}`. It reserves nothing.
 * [MB4] A till learns the balance only of a member of its own store (which it
 * holds anyway) or of one whose phone's blind index it sends (or the phone,
 * from an earlier till: the server computes the index); any other is 404.
 */
async function checkPoints(request: ServiceRequest): Promise<void> {
  allow(request.method, 'POST');
  const endpoint = 'points/check';
  takeLookup(request, endpoint);
  const body = await request.readJson();
  const fields = (body ?? {}) as JsonObject;
  const { memberId, points } = fields;
  const badRequest = (reason: string) => {
    request.logLookup({ endpoint, outcome: 'bad_request' });
    return new SyncError('bad_request', reason);
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('send {memberId, points, phoneIndex}');
  }
  if (typeof memberId !== 'string' || memberId.length === 0 || memberId.length > 100) {
    throw badRequest('memberId must be a member id');
  }
  if (typeof points !== 'number' || !Number.isSafeInteger(points) || points <= 0) {
    throw badRequest('points must be a positive whole number');
  }
  const query = new URLSearchParams();
  for (const name of ['phoneIndex', 'phone'] as const) {
    const value = fields[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
    query.set(name, value);
  }
  const sent = query.size ? phoneIndexOfQuery(query, request.privacy.indexKey) : null;
  if (sent && !sent.ok) throw badRequest(sent.reason);
  const row = (await request.storage.getDocs('members', [memberId], null)).get(memberId);
  const member = row?.body as Member | undefined;
  const { principal } = request;
  const identified =
    member !== undefined &&
    member.status !== 'erased' &&
    (principal.kind === 'admin' ||
      member.homeStoreId === principal.storeId ||
      (sent?.ok === true && member.phoneIndex !== undefined && sent.index === member.phoneIndex));
  if (!member || !identified) {
    request.logLookup({ endpoint, outcome: 'not_found', memberId });
    // The same answer whether the member exists or not: ids are not probed.
    throw new SyncError(
      'not_found',
      `member ${memberId} does not exist, or is not identified by the phone sent`,
    );
  }
  if (member.status !== 'active' || points > member.points) {
    request.logLookup({ endpoint, outcome: 'insufficient', memberId });
    request.send(409, {
      error: 'insufficient_points',
      reason:
        member.status !== 'active'
          ? `member ${memberId} is closed`
          : `the member has ${member.points} points, fewer than ${points}`,
      balance: member.points,
    });
    return;
  }
  request.logLookup({ endpoint, outcome: 'covered', memberId });
  request.send(200, { ok: true, balance: member.points });
}

/**
 * [EX3] `GET /_exceptions?since=0&limit=100&store=S001` (admin): the
 * exceptions recorded after `since`, oldest first; pass `last_seq` back as
 * `since` for the next page.
 */
async function listExceptions(request: ServiceRequest): Promise<void> {
  allow(request.method, 'GET');
  adminOnly(request.principal);
  const since = intParam(request.query, 'since', 0, Number.MAX_SAFE_INTEGER);
  const limit = intParam(request.query, 'limit', EXCEPTIONS_PAGE, EXCEPTIONS_MAX_PAGE);
  if (limit === 0) throw new SyncError('bad_request', 'limit must be at least 1');
  const store = request.query.get('store');
  if (store !== null && !STORE_ID.test(store)) {
    throw new SyncError('bad_request', 'store must be a store id');
  }
  const page = await request.storage.changes(EXCEPTIONS_DB, { since, limit, scope: store });
  request.send(200, {
    exceptions: page.rows.map((row) => ({ seq: row.seq, ...(row.body as FactException) })),
    last_seq: page.lastSeq,
  });
}

/**
 * [FX4] `GET /_facts/{db}/{id}` (admin): a fact with what the server knows
 * beside it: `{db, id, rev, storeId, receivedAt, doc}`.
 */
async function readFact(request: ServiceRequest, db: string, id: string): Promise<void> {
  allow(request.method, 'GET');
  adminOnly(request.principal);
  if (!isCollectionName(db)) throw new SyncError('not_found', `no collection ${db}`);
  const [row, received] = await Promise.all([
    request.storage.getDocs(db, [id], null).then((found) => found.get(id)),
    request.storage.receivedAt(db, [id]),
  ]);
  if (!row) throw new SyncError('not_found', 'missing');
  request.send(200, {
    db,
    id,
    rev: row.rev,
    storeId: row.storeId,
    receivedAt: received.get(id) ?? null,
    doc: row.body,
  });
}

/** Serves one service endpoint; any other path under them is a 404. */
export async function serveService(request: ServiceRequest): Promise<void> {
  const [first, second, third, ...more] = request.segments;
  if (first === '_members' && second === 'lookup' && third === undefined) {
    return lookupMember(request);
  }
  if (first === '_points' && second === 'check' && third === undefined) {
    return checkPoints(request);
  }
  if (isMemberRoute(request.segments)) return serveMemberRoute(request);
  if (first === '_exceptions' && second === undefined) return listExceptions(request);
  if (first === '_sales' && second && third === undefined)
    return readSaleForReturn(request, second);
  if (first === '_admin' && second === 'points-programme' && third === undefined) {
    return servePointsProgramme(request);
  }
  if (first === '_admin' && second === 'channel-tokens' && third === undefined) {
    return postChannelToken(request);
  }
  if (first === '_admin' && second === 'locations' && third === undefined) {
    return serveLocations(request);
  }
  if (first === '_orders') return serveOrders({ ...request, caller: request.principal });
  if (first === '_facts' && second && third && more.length === 0) {
    return readFact(request, second, third);
  }
  throw new SyncError('not_found', `no such endpoint: /${request.segments.join('/')}`);
}
