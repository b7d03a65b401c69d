/**
 * Endpoints beside the CouchDB API: the online checks a till makes (member
 * lookup by phone, points before a redemption) and what HQ reviews (the
 * exceptions, a fact with its receive time). Thin: parse, check, read.
 * See SPEC.md [MB1], [PT5], [EX3], [FX4].
 */
import {
  isCollectionName,
  maskPhone,
  memberForTill,
  normalisePhone,
  type Member,
} from '@pos/domain';
import type { Principal } from './auth';
import { EXCEPTIONS_DB, type FactException } from './ledgers';
import { servePointsProgramme } from './points-programme-route';
import { SyncError, type JsonObject } from './protocol';
import { readSaleForReturn } from './sale-lookup';
import type { Logger } from './server';
import type { SyncStorage } from './storage/storage';

/** The first path segment of each service endpoint. */
const SERVICES = new Set(['_exceptions', '_points', '_members', '_facts', '_sales', '_admin']);

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
};

/** [MB3] One line per lookup: who asked and what came of it; never a phone in full, never a token. */
export type MemberLookupLogEntry = {
  endpoint: 'members/lookup' | 'points/check';
  outcome: 'found' | 'not_found' | 'bad_request' | 'rate_limited' | 'covered' | 'insufficient';
  memberId?: string;
  /** Masked ([PV2]). */
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

function allow(method: string, ...methods: string[]): void {
  if (!methods.includes(method)) {
    throw new SyncError('method_not_allowed', `use ${methods.join(' or ')} here`);
  }
}

function adminOnly(principal: Principal): void {
  if (principal.kind !== 'admin') {
    throw new SyncError('forbidden', 'this endpoint is for HQ tools with an admin token');
  }
}

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
 * [MB1] `GET /_members/lookup?phone=…`: the member with that phone, from any
 * store; [PV3] a till gets what the sale needs (masked), an admin the document.
 */
async function lookupMember(request: ServiceRequest): Promise<void> {
  allow(request.method, 'GET');
  const endpoint = 'members/lookup';
  takeLookup(request, endpoint);
  const phone = normalisePhone(request.query.get('phone') ?? '');
  if (!phone.ok) {
    request.logLookup({ endpoint, outcome: 'bad_request' });
    throw new SyncError('bad_request', `phone: ${phone.message}`);
  }
  const masked = maskPhone(phone.phone);
  const found = (await request.storage.membersByPhone(phone.phone)).map(
    (row) => row.body as Member,
  );
  const member = found.find((m) => m.status === 'active') ?? found[0];
  if (!member) {
    request.logLookup({ endpoint, outcome: 'not_found', phone: masked });
    throw new SyncError('not_found', `no member has the phone ${masked}`);
  }
  request.logLookup({ endpoint, outcome: 'found', memberId: member.id, phone: masked });
  request.send(200, request.principal.kind === 'admin' ? member : memberForTill(member));
}

/**
 * [PT5] `POST /_points/check` `{memberId, points, phone?}`: whether the
 * member's balance covers a redemption now. 200 `{ok: true, balance}`, or 409
 * `{error: 'insufficient_points', reason, balance}`. It reserves nothing.
 * [MB4] A till learns the balance only of a member of its own store (which it
 * holds anyway) or of one whose phone it sends; any other is 404.
 */
async function checkPoints(request: ServiceRequest): Promise<void> {
  allow(request.method, 'POST');
  const endpoint = 'points/check';
  takeLookup(request, endpoint);
  const body = await request.readJson();
  const { memberId, points, phone } = (body ?? {}) as JsonObject;
  const badRequest = (reason: string) => {
    request.logLookup({ endpoint, outcome: 'bad_request' });
    return new SyncError('bad_request', reason);
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('send {memberId, points, phone}');
  }
  if (typeof memberId !== 'string' || memberId.length === 0 || memberId.length > 100) {
    throw badRequest('memberId must be a member id');
  }
  if (typeof points !== 'number' || !Number.isSafeInteger(points) || points <= 0) {
    throw badRequest('points must be a positive whole number');
  }
  const sentPhone = phone === undefined ? null : normalisePhone(phone);
  if (sentPhone && !sentPhone.ok) throw badRequest(`phone: ${sentPhone.message}`);
  const row = (await request.storage.getDocs('members', [memberId], null)).get(memberId);
  const member = row?.body as Member | undefined;
  const { principal } = request;
  const identified =
    member !== undefined &&
    (principal.kind === 'admin' ||
      member.homeStoreId === principal.storeId ||
      (sentPhone?.ok === true && sentPhone.phone === member.phone));
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
  if (first === '_exceptions' && second === undefined) return listExceptions(request);
  if (first === '_sales' && second && third === undefined)
    return readSaleForReturn(request, second);
  if (first === '_admin' && second === 'points-programme' && third === undefined) {
    return servePointsProgramme(request);
  }
  if (first === '_facts' && second && third && more.length === 0) {
    return readFact(request, second, third);
  }
  throw new SyncError('not_found', `no such endpoint: /${request.segments.join('/')}`);
}
