/**
 * Exception review (`/_console/exceptions…`): the exceptions the stores'
 * facts raised, newest first, with the facts behind each (masked) and the
 * resolutions recorded against them. Reads go through the session's
 * row-level security (`request.scoped`) and are limited to its stores here
 * too; resolutions are only ever inserted. See SPEC.md [XS1]-[XS6].
 */
import { randomUUID } from 'node:crypto';
import {
  exceptionStatus,
  GROUPED_KINDS,
  kindsOfGroup,
  latestResolution,
  maskPersonal,
  REVIEW_GROUPS,
  reviewGroupOf,
  validateResolution,
  type ExceptionDetail,
  type ExceptionList,
  type ExceptionView,
  type Resolution,
  type ReviewGroup,
} from '@pos/domain';
import { SyncError } from '../protocol';
import type { Queryable } from '../storage/write-group';
import type { ConsoleHandler, ConsoleRequest, ConsoleSession } from './context';

const EXCEPTIONS_DB = '_exceptions';
const STATUSES = ['open', 'resolved', 'all'] as const;
type StatusFilter = (typeof STATUSES)[number];
export const EXCEPTIONS_PAGE = 50;
export const EXCEPTIONS_MAX_PAGE = 200;
const STORE_ID = /^[A-Za-z0-9_-]{1,40}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

type ExceptionRow = { id: string; store_id: string | null; body: Record<string, unknown> };
type ResolutionRow = {
  id: string;
  exception_id: string;
  action: Resolution['action'];
  note: string;
  user_id: string;
  user_name: string;
  at: string;
};

const RESOLUTION_COLUMNS = `id, exception_id, action, note, user_id, user_name,
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`;

function resolutionOf(row: ResolutionRow): Resolution {
  return {
    id: row.id,
    exceptionId: row.exception_id,
    action: row.action,
    note: row.note,
    userId: row.user_id,
    userName: row.user_name,
    at: row.at,
  };
}

/** [XS3] One exception as the review shows it: its group, its status from its resolutions. */
function viewOf(row: ExceptionRow, resolutions: readonly Resolution[]): ExceptionView {
  const body = row.body;
  const last = latestResolution(resolutions);
  const kind = String(body.kind ?? '');
  return {
    id: row.id,
    kind,
    group: reviewGroupOf(kind),
    storeId: row.store_id,
    factDb: String(body.factDb ?? ''),
    factId: String(body.factId ?? ''),
    details: maskPersonal(body.details ?? {}) as Record<string, unknown>,
    receivedAt: String(body.receivedAt ?? ''),
    status: exceptionStatus(resolutions),
    ...(last ? { lastResolution: last } : {}),
  };
}

/** [XS4] The stores a session may see, as a JSON list for SQL; null when it sees all. */
function storesParam(session: ConsoleSession): string | null {
  return session.stores === 'all' ? null : JSON.stringify(session.stores);
}

function seesStore(session: ConsoleSession, storeId: string | null): boolean {
  if (session.stores === 'all') return true;
  return storeId !== null && session.stores.includes(storeId);
}

function needs(request: ConsoleRequest, permission: ConsoleSession['permissions'][number]) {
  if (!request.session.permissions.includes(permission)) {
    throw new SyncError('forbidden', `this needs the permission ${permission}`);
  }
}

type ListQuery = {
  status: StatusFilter;
  group: ReviewGroup | null;
  store: string | null;
  before: string | null;
  limit: number;
};

/** [XS3] The list's query, or a 400 that names what is wrong. */
function parseListQuery(query: URLSearchParams): ListQuery {
  const problems: string[] = [];
  const status = query.get('status') ?? 'open';
  if (!(STATUSES as readonly string[]).includes(status)) {
    problems.push(`status must be one of ${STATUSES.join(', ')}`);
  }
  const group = query.get('group');
  if (group !== null && !(REVIEW_GROUPS as readonly string[]).includes(group)) {
    problems.push(`group must be one of ${REVIEW_GROUPS.join(', ')}`);
  }
  const store = query.get('store');
  if (store !== null && !STORE_ID.test(store)) problems.push('store must be a store id');
  const before = query.get('before');
  if (before !== null && !INSTANT.test(before)) {
    problems.push('before must be an instant (an exception’s receivedAt)');
  }
  const limitText = query.get('limit');
  const limit = limitText === null ? EXCEPTIONS_PAGE : Number(limitText);
  if (
    limitText !== null &&
    (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > EXCEPTIONS_MAX_PAGE)
  ) {
    problems.push(`limit must be a whole number from 1 to ${EXCEPTIONS_MAX_PAGE}`);
  }
  if (problems.length) throw new SyncError('bad_request', problems.join('; '));
  return {
    status: status as StatusFilter,
    group: group as ReviewGroup | null,
    store,
    before,
    limit,
  };
}

/** [XS3] `GET /_console/exceptions`: newest first, one page and whether there is more. */
async function listExceptions(request: ConsoleRequest): Promise<void> {
  needs(request, 'dashboards:read');
  const q = parseListQuery(request.query);
  if (q.store !== null && !seesStore(request.session, q.store)) {
    throw new SyncError('not_found', `no store ${q.store}`);
  }
  const kinds = q.group === null ? null : kindsOfGroup(q.group);
  const params: unknown[] = [
    EXCEPTIONS_DB,
    storesParam(request.session),
    q.store,
    q.before,
    q.group === null ? null : JSON.stringify(kinds ?? GROUPED_KINDS),
    q.group === 'other',
    q.status,
    q.limit + 1,
  ];
  const rows = await request.scoped((db) =>
    db.query<ExceptionRow & { r_id: string | null } & Partial<ResolutionRow>>(
      `SELECT d.id, d.store_id, d.body, r.id AS r_id, r.exception_id, r.action, r.note,
              r.user_id, r.user_name, r.at
         FROM docs d
         LEFT JOIN LATERAL (
           SELECT ${RESOLUTION_COLUMNS} FROM exception_resolutions x
            WHERE x.exception_id = d.id ORDER BY x.at DESC, x.seq DESC LIMIT 1
         ) r ON true
        WHERE d.db = $1
          AND ($2::text IS NULL OR d.store_id IN (SELECT jsonb_array_elements_text($2::jsonb)))
          AND ($3::text IS NULL OR d.store_id = $3)
          AND ($4::text IS NULL OR d.body->>'receivedAt' < $4)
          AND ($5::text IS NULL
               OR ((d.body->>'kind') IN (SELECT jsonb_array_elements_text($5::jsonb))) <> $6)
          AND ($7 = 'all'
               OR ($7 = 'open') = (r.action IS NULL OR r.action = 'escalated'))
        ORDER BY d.body->>'receivedAt' DESC, d.id DESC
        LIMIT $8`,
      params,
    ),
  );
  const page = rows
    .slice(0, q.limit)
    .map((row) =>
      viewOf(
        row,
        row.r_id === null ? [] : [resolutionOf({ ...row, id: row.r_id } as ResolutionRow)],
      ),
    );
  const answer: ExceptionList = { exceptions: page, more: rows.length > q.limit };
  request.send(200, answer);
}

/** The exception `id` as the session may see it, with its resolutions; 404 otherwise. */
async function readException(
  db: Queryable,
  session: ConsoleSession,
  id: string,
): Promise<{ row: ExceptionRow; resolutions: Resolution[] }> {
  const [row] = await db.query<ExceptionRow>(
    `SELECT id, store_id, body FROM docs WHERE db = $1 AND id = $2`,
    [EXCEPTIONS_DB, id],
  );
  if (!row || !seesStore(session, row.store_id)) {
    throw new SyncError('not_found', `no exception ${id}`);
  }
  const resolutions = await db.query<ResolutionRow>(
    `SELECT ${RESOLUTION_COLUMNS} FROM exception_resolutions
      WHERE exception_id = $1 ORDER BY at, seq`,
    [id],
  );
  return { row, resolutions: resolutions.map(resolutionOf) };
}

/**
 * [XS5] The facts behind an exception: the one that raised it, and those
 * its details name (the sale or order that redeemed a coupon first, the
 * order of a duplicate pick-up, the sale of a return).
 */
export function factsNamed(exception: Record<string, unknown>): { db: string; id: string }[] {
  const wanted: { db: string; id: string }[] = [];
  const add = (db: string, id: unknown) => {
    if (typeof id !== 'string' || !id) return;
    if (!wanted.some((w) => w.db === db && w.id === id)) wanted.push({ db, id });
  };
  add(String(exception.factDb ?? ''), exception.factId);
  const details = (exception.details ?? {}) as Record<string, unknown>;
  if (typeof details.redeemedByOrder === 'string') add('_orders', details.redeemedByOrder);
  else add('saleFacts', details.redeemedBy);
  add('_orders', details.orderId);
  add('saleFacts', details.saleId);
  return wanted;
}

/**
 * [XS5] `GET /_console/exceptions/<id>`: the exception, its facts (masked),
 * its resolutions. The exception is read under the session's row-level
 * security; the facts behind one it may see are read beside it (orders and
 * pick-ups are not in the console's view of the documents), each shown when
 * the session sees its store or it has none, always masked.
 */
async function exceptionDetail(request: ConsoleRequest, id: string): Promise<void> {
  needs(request, 'dashboards:read');
  const { row, resolutions } = await request.scoped((db) => readException(db, request.session, id));
  const named = factsNamed(row.body);
  const found = await request.storage.reportQuery<{
    db: string;
    id: string;
    store_id: string | null;
    body: unknown;
  }>(
    `SELECT d.db, d.id, d.store_id, d.body FROM docs d
       JOIN jsonb_to_recordset($1::jsonb) AS w(db text, id text) ON d.db = w.db AND d.id = w.id`,
    [JSON.stringify(named)],
  );
  const facts = named.flatMap((want) => {
    const fact = found.find((f) => f.db === want.db && f.id === want.id);
    if (!fact || (fact.store_id !== null && !seesStore(request.session, fact.store_id))) return [];
    return [{ db: fact.db, id: fact.id, body: maskPersonal(fact.body) as Record<string, unknown> }];
  });
  const answer: ExceptionDetail = { exception: viewOf(row, resolutions), facts, resolutions };
  request.send(200, answer);
}

/**
 * [XS6] `POST /_console/exceptions/<id>/resolutions` (exceptions:resolve):
 * records who resolved it, when and how, as a new row; 201 with it. A body
 * that is not a valid resolution ([XR3]) is 400 and records nothing.
 */
async function resolveException(request: ConsoleRequest, id: string): Promise<void> {
  needs(request, 'exceptions:resolve');
  const valid = validateResolution(await request.readJson());
  if (!valid.ok) throw new SyncError('bad_request', valid.problems.join('; '));
  const { row } = await request.scoped((db) => readException(db, request.session, id));
  const resolution: Resolution = {
    id: randomUUID(),
    exceptionId: row.id,
    action: valid.value.action,
    note: valid.value.note,
    userId: request.session.userId,
    userName: request.session.userName,
    at: request.now().toISOString(),
  };
  await request.storage.sqlTransaction((db) =>
    db.query(
      `INSERT INTO exception_resolutions
         (id, exception_id, store_id, action, note, user_id, user_name, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        resolution.id,
        resolution.exceptionId,
        row.store_id,
        resolution.action,
        resolution.note,
        resolution.userId,
        resolution.userName,
        resolution.at,
      ],
    ),
  );
  request.log('info', 'exception resolved', {
    exceptionId: resolution.exceptionId,
    action: resolution.action,
    userId: resolution.userId,
  });
  request.send(201, resolution);
}

function allow(request: ConsoleRequest, method: string): void {
  if (request.method !== method) {
    throw new SyncError(
      'method_not_allowed',
      `${request.method} is not allowed here; use ${method}`,
    );
  }
}

/** `/_console/exceptions…`; false for every other path. */
export const serveExceptionRoutes: ConsoleHandler = async (request) => {
  const [, first, id, sub, ...more] = request.segments;
  if (first !== 'exceptions' || more.length) return false;
  if (id === undefined) {
    allow(request, 'GET');
    await listExceptions(request);
  } else if (sub === undefined) {
    allow(request, 'GET');
    await exceptionDetail(request, id);
  } else if (sub === 'resolutions') {
    allow(request, 'POST');
    await resolveException(request, id);
  } else return false;
  return true;
};
