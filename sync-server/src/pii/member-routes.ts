/**
 * The endpoints around members' personal information: HQ's search by the
 * last four digits ([PK9]), the audited reveal of full values ([PK6]), and
 * the records PIPL asks for ([PK8]). Thin: parse, check, call the vault.
 */
import { adminOnly, allow } from '../route-guards';
import {
  maskPhone,
  memberForTill,
  normalisePhone,
  phoneIndex,
  phoneTailIndex,
  verifyPin,
  type IndexKey,
  type Member,
  type PersonalData,
  type Staff,
} from '@pos/domain';
import { SyncError, type JsonObject } from '../protocol';
import type { ServiceRequest } from '../service-routes';
import { MEMBER_PII_DB, openPiiRow } from './member-vault';
import {
  PII_READS_DB,
  readCrossBorder,
  recordCrossBorder,
  recordPiiRead,
  type PiiRead,
} from './pii-reads';

const INDEX = /^[0-9a-f]{32}$/;

export type AskedPhone =
  { ok: true; index: string; maskedPhone: string | null } | { ok: false; reason: string };

/**
 * [MB1] The blind index a request names: `phoneIndex` as a till computes it
 * ([PI2]), or `phone`, indexed here under the server's key (its masked form
 * is all that is logged).
 */
export function phoneIndexOfQuery(query: URLSearchParams, key: IndexKey): AskedPhone {
  const index = query.get('phoneIndex');
  const phone = query.get('phone');
  if (index !== null && phone !== null)
    return { ok: false, reason: 'send phoneIndex or phone, not both' };
  if (index !== null) {
    return INDEX.test(index)
      ? { ok: true, index, maskedPhone: null }
      : { ok: false, reason: 'phoneIndex must be 32 lowercase hex digits' };
  }
  const parsed = normalisePhone(phone ?? '');
  if (!parsed.ok) return { ok: false, reason: `phone: ${parsed.message}` };
  return { ok: true, index: phoneIndex(key, parsed.phone), maskedPhone: maskPhone(parsed.phone) };
}

/** The paths served here. */
export function isMemberRoute(segments: readonly string[]): boolean {
  const [first, second, third, ...more] = segments;
  if (more.length) return false;
  if (first === '_members') {
    return (second === 'search' && third === undefined) || (!!second && third === 'reveal');
  }
  return (
    first === '_admin' && second === 'privacy' && (third === 'records' || third === 'cross-border')
  );
}

function objectBody(body: unknown, shape: string): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SyncError('bad_request', `send ${shape}`);
  }
  return body as JsonObject;
}

const now = (request: ServiceRequest) => request.now?.() ?? new Date();

export const SEARCH_LIMIT = 50;

/**
 * [PK9] `GET /_members/search?tail=8001` (admin): the members whose phone
 * ends in these four digits, found by the keyed tail digest ([PI3]), masked;
 * at most `SEARCH_LIMIT`, `capped` when there are more.
 */
async function searchMembers(request: ServiceRequest): Promise<void> {
  allow(request.method, 'GET');
  adminOnly(request.principal);
  const tail = request.query.get('tail') ?? '';
  if (!/^\d{4}$/.test(tail)) throw new SyncError('bad_request', 'tail must be 4 digits');
  const rows = await request.storage.membersByPhoneTail(
    phoneTailIndex(request.privacy.indexKey, tail),
    SEARCH_LIMIT + 1,
  );
  const members = rows
    .slice(0, SEARCH_LIMIT)
    .map((row) => row.body as Member)
    .filter((member) => member.status !== 'erased')
    .map((member) => ({ ...memberForTill(member), homeStoreId: member.homeStoreId }));
  request.send(200, { members, capped: rows.length > SEARCH_LIMIT });
}

const PERSONAL_FIELDS = ['name', 'phone', 'birthday', 'addresses'] as const;
type PersonalField = (typeof PERSONAL_FIELDS)[number];

type RevealRequest = {
  reason: string;
  fields: PersonalField[];
  staff: { staffId: string; pin: string } | null;
};

function parseReveal(body: unknown): RevealRequest {
  const fields = objectBody(body, '{reason, fields?, staffId?, pin?}');
  const known = new Set(['reason', 'fields', 'staffId', 'pin']);
  const unknown = Object.keys(fields).filter((name) => !known.has(name));
  if (unknown.length) throw new SyncError('bad_request', `unknown field ${unknown[0]}`);
  const { reason, staffId, pin } = fields;
  if (typeof reason !== 'string' || reason.trim().length < 5 || reason.length > 200) {
    throw new SyncError('bad_request', 'reason must say why, in 5 to 200 characters');
  }
  let asked: PersonalField[] = [...PERSONAL_FIELDS];
  if (fields.fields !== undefined) {
    const list = fields.fields;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((f) => (PERSONAL_FIELDS as readonly unknown[]).includes(f))
    ) {
      throw new SyncError('bad_request', `fields must be some of ${PERSONAL_FIELDS.join(', ')}`);
    }
    asked = [...new Set(list as PersonalField[])];
  }
  if (staffId === undefined && pin === undefined) return { reason, fields: asked, staff: null };
  if (typeof staffId !== 'string' || staffId.length === 0 || staffId.length > 100) {
    throw new SyncError('bad_request', 'staffId must be a staff id');
  }
  if (typeof pin !== 'string' || pin.length > 12) {
    throw new SyncError('bad_request', 'pin must be the staff member’s PIN');
  }
  return { reason, fields: asked, staff: { staffId, pin } };
}

/**
 * [PK6] Who may see a member's full personal data: an HQ admin token, or a
 * device of the store together with the PIN of an active manager of that
 * store. Returns the actor to record, and why not when refused.
 */
async function revealer(
  request: ServiceRequest,
  staff: RevealRequest['staff'],
): Promise<{ actor: string; refused: string | null }> {
  const { principal } = request;
  if (principal.kind === 'admin') return { actor: `admin:${principal.adminId}`, refused: null };
  const device = `device:${principal.deviceId}`;
  if (!staff) {
    return { actor: device, refused: 'a till reveals only with a manager’s staffId and PIN' };
  }
  const actor = `${device}/staff:${staff.staffId}`;
  const row = (await request.storage.getDocs('staff', [staff.staffId], null)).get(staff.staffId);
  const member = row?.body as Staff | undefined;
  const allowed =
    member !== undefined &&
    member.storeId === principal.storeId &&
    member.roles.includes('manager') &&
    verifyPin(member, staff.pin);
  // One answer for every refusal: a PIN is not probed staff member by staff member.
  return {
    actor,
    refused: allowed ? null : 'only an active manager of this store, with their PIN, may reveal',
  };
}

/**
 * [PK6] `POST /_members/{id}/reveal {reason, fields?, staffId?, pin?}`: the
 * member's full personal data, online only, to an allowed role, with a
 * reason. Every reveal and every refused attempt is recorded in `_piiReads`
 * before the answer; an erased member has nothing to reveal (404).
 */
async function revealMember(request: ServiceRequest, memberId: string): Promise<void> {
  allow(request.method, 'POST');
  // The member-lookup bucket: a PIN cannot be guessed faster than a lookup is made.
  const waitMs = request.takeLookup();
  if (waitMs !== null) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new SyncError(
      'rate_limited',
      `too many reveals from this ${request.principal.kind}; retry in ${seconds} s`,
      { retry_after_ms: waitMs },
      { 'retry-after': String(seconds) },
    );
  }
  const asked = parseReveal(await request.readJson());
  const { actor, refused } = await revealer(request, asked.staff);
  const context = { actor, reason: asked.reason.trim(), now: () => now(request) };
  const record = (outcome: PiiRead['outcome']) =>
    recordPiiRead(request.storage, context, { memberId, fields: asked.fields, outcome });
  if (refused) {
    await record('refused');
    request.log?.('warn', 'personal data reveal refused', { actor, memberId });
    throw new SyncError('forbidden', refused);
  }
  const row = (await request.storage.getDocs(MEMBER_PII_DB, [memberId], null)).get(memberId);
  const data = await openPiiRow(request.privacy, row);
  if (!data) {
    await record('not_found');
    throw new SyncError('not_found', `member ${memberId} has no personal data to reveal`);
  }
  await record('revealed');
  const shown: Partial<PersonalData> = {};
  for (const field of asked.fields) {
    if (data[field] !== undefined) Object.assign(shown, { [field]: data[field] });
  }
  request.log?.('info', 'personal data revealed', { actor, memberId, fields: asked.fields });
  request.send(200, { memberId, ...shown });
}

const RECORDS_PAGE = 100;

/**
 * [PK8] `GET /_admin/privacy/records?before=<seq>&limit=100` (admin): the
 * reads of personal data, newest first (pass `next` back as `before`), and
 * the cross-border counter.
 */
async function privacyRecords(request: ServiceRequest): Promise<void> {
  allow(request.method, 'GET');
  adminOnly(request.principal);
  const limitText = request.query.get('limit');
  const beforeText = request.query.get('before');
  const limit = limitText === null ? RECORDS_PAGE : Number(limitText);
  if (!/^\d{1,4}$/.test(limitText ?? '1') || limit < 1 || limit > 1000) {
    throw new SyncError('bad_request', 'limit must be a whole number from 1 to 1000');
  }
  if (beforeText !== null && !/^\d{1,15}$/.test(beforeText)) {
    throw new SyncError('bad_request', 'before must be a whole number (a `next` of this list)');
  }
  const [rows, crossBorder] = await Promise.all([
    request.storage.latestDocs(
      PII_READS_DB,
      beforeText === null ? null : Number(beforeText),
      limit,
    ),
    readCrossBorder(request.storage),
  ]);
  request.send(200, {
    reads: rows.map((row) => row.body as PiiRead),
    next: rows.length === limit ? rows.at(-1)!.seq : null,
    crossBorder: { individuals: crossBorder.individuals, transfers: crossBorder.transfers },
  });
}

const LABEL = (value: unknown, max: number) =>
  typeof value === 'string' && value.trim() !== '' && value.length <= max;

/**
 * [PK8] `POST /_admin/privacy/cross-border {memberIds, recipient, country,
 * purpose}` (admin): records that these members' data was sent abroad;
 * the counter counts each individual once.
 */
async function recordTransfer(request: ServiceRequest): Promise<void> {
  allow(request.method, 'POST');
  adminOnly(request.principal);
  const body = objectBody(await request.readJson(), '{memberIds, recipient, country, purpose}');
  const { memberIds, recipient, country, purpose } = body;
  if (
    !Array.isArray(memberIds) ||
    memberIds.length === 0 ||
    memberIds.length > 100_000 ||
    !memberIds.every((id) => LABEL(id, 100))
  ) {
    throw new SyncError('bad_request', 'memberIds must be 1 to 100000 member ids');
  }
  if (!LABEL(recipient, 200)) throw new SyncError('bad_request', 'recipient must be named');
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
    throw new SyncError('bad_request', 'country must be an ISO 3166 two-letter code, e.g. SG');
  }
  if (!LABEL(purpose, 200)) throw new SyncError('bad_request', 'purpose must be stated');
  const counter = await request.storage.transaction((tx) =>
    recordCrossBorder(tx, {
      at: now(request).toISOString(),
      recipient: recipient as string,
      country,
      purpose: purpose as string,
      memberIds: memberIds as string[],
    }),
  );
  request.send(200, {
    crossBorder: { individuals: counter.individuals, transfers: counter.transfers },
  });
}

/** Serves one of the paths `isMemberRoute` accepts. */
export async function serveMemberRoute(request: ServiceRequest): Promise<void> {
  const [first, second, third] = request.segments;
  if (first === '_members' && second === 'search') return searchMembers(request);
  if (first === '_members' && second && third === 'reveal') return revealMember(request, second);
  if (third === 'records') return privacyRecords(request);
  return recordTransfer(request);
}
