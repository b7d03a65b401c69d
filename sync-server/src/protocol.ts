/**
 * The CouchDB-style wire format the devices speak, and its mapping to our
 * documents. Pure: no IO. See SPEC.md [P1]-[P4].
 */
import { COLLECTIONS, documentLimitProblem, type CollectionName } from '@pos/domain';

/**
 * The protocol version lives in the domain's sync contract, shared with the
 * devices; `GET /` reports it so an old client can refuse to sync instead of
 * corrupting data ([VC1]-[VC4]).
 */
export { SYNC_PROTOCOL_VERSION } from '@pos/domain';

export type JsonObject = { [key: string]: unknown };

/** A per-request or per-document error in CouchDB's shape: `{error, reason}`. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_large'
  | 'not_implemented'
  | 'internal_server_error'
  | 'protocol_outdated'
  | 'server_outdated'
  | 'rate_limited'
  | 'unavailable';

export const STATUS_BY_ERROR: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  not_implemented: 501,
  internal_server_error: 500,
  protocol_outdated: 426,
  server_outdated: 409,
  rate_limited: 429,
  unavailable: 503,
};

export class SyncError extends Error {
  constructor(
    readonly error: ErrorCode,
    readonly reason: string,
    /** More fields of the JSON answer, e.g. `required` of a version refusal. */
    readonly details: JsonObject = {},
    /** More response headers, e.g. `retry-after`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(reason);
  }
  get status(): number {
    return STATUS_BY_ERROR[this.error];
  }
}

export function isCollectionName(name: string): name is CollectionName {
  return Object.hasOwn(COLLECTIONS, name);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * [P1] On the wire the primary key is `_id` and the document carries `_rev`;
 * `id` itself is not sent (RxDB's `couchSwapIdToPrimary` keeps `_id` in the
 * local document when `id` is also present, so it must be absent).
 */
export function toCouchDoc(id: string, rev: string, body: JsonObject): JsonObject {
  const { id: _ignored, ...rest } = body;
  return { _id: id, _rev: rev, ...rest };
}

export type IncomingDoc = {
  id: string;
  /** The revision the writer believes is current, if any. */
  rev: string | null;
  /** The document as our domain knows it: `id` instead of `_id`, no `_` fields. */
  body: JsonObject;
};

/** A UTF-16 surrogate without its pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * [ST13] Whether `text` holds what PostgreSQL cannot store in text or jsonb:
 * a NUL character or a lone surrogate.
 */
export function isUnstorableText(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/**
 * [ST13] Why a parsed JSON value cannot be stored (a NUL or a lone surrogate
 * in any key or string, at any depth), or null. Never throws: a value too
 * deep to walk is refused too.
 */
export function unstorableJsonReason(value: unknown): string | null {
  let found = false;
  try {
    // The replacer sees every key and string value; no output is built for them.
    JSON.stringify(value, (key, v: unknown) => {
      if (found) return undefined;
      if (isUnstorableText(key) || (typeof v === 'string' && isUnstorableText(v))) {
        found = true;
        return undefined;
      }
      return v;
    });
  } catch {
    return 'the JSON is nested too deeply';
  }
  return found ? 'a key or string holds a NUL character or a lone surrogate' : null;
}

export type DocProblem = { id: string | null; error: ErrorCode; reason: string };

const ALLOWED_META = new Set(['_id', '_rev', '_deleted', '_attachments', '_revisions']);

/**
 * [P2] Turns one `_bulk_docs` entry into our document, or says why not.
 * Never throws. Deletions are refused: synced documents are never deleted [D3].
 */
export function parseCouchDoc(raw: unknown): IncomingDoc | DocProblem {
  if (!isJsonObject(raw)) {
    return { id: null, error: 'bad_request', reason: 'each document must be a JSON object' };
  }
  const id = raw._id;
  if (typeof id !== 'string' || id.length === 0) {
    return { id: null, error: 'bad_request', reason: '_id must be a non-empty string' };
  }
  if (id.startsWith('_')) {
    return { id, error: 'bad_request', reason: 'document ids starting with "_" are reserved' };
  }
  // [ST13] Refused here, per document, not by the database for the whole batch.
  // A document over the domain's limits [V3] is left to validation, which
  // refuses it with the limit it broke, without walking it further here.
  const unstorable = documentLimitProblem(raw) ? null : unstorableJsonReason(raw);
  if (unstorable) return { id, error: 'bad_request', reason: `cannot be stored: ${unstorable}` };
  const rev = raw._rev;
  if (rev !== undefined && typeof rev !== 'string') {
    return { id, error: 'bad_request', reason: '_rev must be a string' };
  }
  if (raw._deleted === true) {
    return { id, error: 'forbidden', reason: 'documents are never deleted; use a status field' };
  }
  const attachments = raw._attachments;
  if (
    attachments !== undefined &&
    !(isJsonObject(attachments) && !Object.keys(attachments).length)
  ) {
    return { id, error: 'bad_request', reason: 'attachments are not supported' };
  }
  if (raw.id !== undefined && raw.id !== id) {
    return { id, error: 'bad_request', reason: 'id and _id differ' };
  }
  const body: JsonObject = { id };
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('_')) {
      if (!ALLOWED_META.has(key)) {
        return { id, error: 'bad_request', reason: `${key} is not a supported special field` };
      }
    } else if (key !== 'id') {
      body[key] = value;
    }
  }
  return { id, rev: rev ?? null, body };
}

export function isDocProblem(value: IncomingDoc | DocProblem): value is DocProblem {
  return 'error' in value;
}

export function formatProblems(problems: readonly { path: string; message: string }[]): string {
  return problems.map((p) => `${p.path} ${p.message}`).join('; ');
}
