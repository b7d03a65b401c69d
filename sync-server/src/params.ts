/**
 * Parsers for request parameters and bodies. Pure and total: any input gives
 * either a value or a clear reason, never an exception. [P3]
 */
import { documentLimitProblem } from '@pos/domain';
import { isJsonObject, type JsonObject } from './protocol';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The largest `limit` we serve. RxDB treats a short page as "no more", so we refuse rather than cap. */
export const MAX_LIMIT = 10_000;
/** Default and largest longpoll wait, in milliseconds. */
export const DEFAULT_LONGPOLL_TIMEOUT_MS = 60_000;
export const MAX_LONGPOLL_TIMEOUT_MS = 300_000;
/** A `_bulk_docs` or `_all_docs` request carries at most this many documents or keys. */
export const MAX_BATCH = 10_000;

export type ChangesParams = {
  feed: 'normal' | 'longpoll';
  /** A sequence number, or 'now' for "only what comes next". */
  since: number | 'now';
  limit: number;
  includeDocs: boolean;
  /** Longpoll wait before an empty answer. */
  timeoutMs: number;
  /** When set, a longpoll writes a newline this often while it waits. */
  heartbeatMs: number | null;
};

type Query = { get(name: string): string | null };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

function parseNonNegativeInt(text: string): number | null {
  if (!/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

function parseBool(name: string, text: string | null, fallback: boolean): Parsed<boolean> {
  if (text === null) return ok(fallback);
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  return fail(`${name} must be true or false`);
}

/**
 * `GET /{db}/_changes`. Accepts what RxDB's CouchDB replication sends
 * (style=all_docs, feed=normal|longpoll, include_docs, since, limit, heartbeat,
 * seq_interval) and what CouchDB documents for the same features.
 */
export function parseChangesQuery(query: Query): Parsed<ChangesParams> {
  const feed = query.get('feed') ?? 'normal';
  if (feed !== 'normal' && feed !== 'longpoll') {
    return fail(`feed=${feed} is not supported; use normal or longpoll`);
  }
  const style = query.get('style');
  if (style !== null && style !== 'main_only' && style !== 'all_docs') {
    return fail('style must be main_only or all_docs');
  }
  if (query.get('filter') !== null) return fail('filters are not supported');
  // PouchDB may ask for these: documents never conflict on the server and have no attachments.
  for (const name of ['conflicts', 'update_seq', 'attachments'] as const) {
    const flag = parseBool(name, query.get(name), false);
    if (!flag.ok) return flag;
    if (name === 'attachments' && flag.value) return fail('attachments are not supported');
  }
  const descending = parseBool('descending', query.get('descending'), false);
  if (!descending.ok) return descending;
  if (descending.value) return fail('descending=true is not supported');

  const sinceText = query.get('since') ?? '0';
  let since: number | 'now';
  if (sinceText === 'now') since = 'now';
  else {
    const n = parseNonNegativeInt(sinceText);
    if (n === null) return fail('since must be a sequence number or "now"');
    since = n;
  }

  const limitText = query.get('limit');
  let limit = MAX_LIMIT;
  if (limitText !== null) {
    const n = parseNonNegativeInt(limitText);
    if (n === null || n < 1) return fail('limit must be a positive integer');
    if (n > MAX_LIMIT) return fail(`limit must be at most ${MAX_LIMIT}`);
    limit = n;
  }

  const includeDocs = parseBool('include_docs', query.get('include_docs'), false);
  if (!includeDocs.ok) return includeDocs;

  const timeoutText = query.get('timeout');
  let timeoutMs = DEFAULT_LONGPOLL_TIMEOUT_MS;
  if (timeoutText !== null) {
    const n = parseNonNegativeInt(timeoutText);
    if (n === null) return fail('timeout must be a number of milliseconds');
    timeoutMs = Math.min(n, MAX_LONGPOLL_TIMEOUT_MS);
  }

  const heartbeatText = query.get('heartbeat');
  let heartbeatMs: number | null = null;
  if (heartbeatText === 'true') heartbeatMs = DEFAULT_LONGPOLL_TIMEOUT_MS;
  else if (heartbeatText !== null && heartbeatText !== 'false') {
    const n = parseNonNegativeInt(heartbeatText);
    if (n === null) return fail('heartbeat must be a number of milliseconds or true');
    // Below a second a heartbeat is noise; CouchDB clamps similarly.
    heartbeatMs = Math.max(n, 1000);
  }

  return ok({ feed, since, limit, includeDocs: includeDocs.value, timeoutMs, heartbeatMs });
}

export type AllDocsParams = { keys: string[]; includeDocs: boolean };

function parseKeys(keys: unknown): Parsed<string[]> {
  if (!Array.isArray(keys)) return fail('keys must be an array of document ids');
  if (keys.length > MAX_BATCH) return fail(`at most ${MAX_BATCH} keys per request`);
  if (!keys.every((k): k is string => typeof k === 'string')) {
    return fail('keys must be an array of document ids');
  }
  return ok(keys);
}

/**
 * `POST /{db}/_all_docs` with `{keys, include_docs}` (RxDB's push sends this,
 * plus `deleted: 'ok'`, which we tolerate). Listing without keys is not served.
 */
export function parseAllDocsBody(body: unknown, query: Query): Parsed<AllDocsParams> {
  if (!isJsonObject(body)) return fail('the body must be a JSON object with keys');
  if (body.keys === undefined) return fail('keys is required');
  const keys = parseKeys(body.keys);
  if (!keys.ok) return keys;
  let includeDocs: Parsed<boolean>;
  if (body.include_docs !== undefined) {
    includeDocs =
      typeof body.include_docs === 'boolean'
        ? ok(body.include_docs)
        : fail('include_docs must be true or false');
  } else includeDocs = parseBool('include_docs', query.get('include_docs'), false);
  if (!includeDocs.ok) return includeDocs;
  return ok({ keys: keys.value, includeDocs: includeDocs.value });
}

/**
 * `GET /{db}/_all_docs?keys=[...]&include_docs=true`: RxDB fetches conflicting
 * documents this way after a push. It does not URL-encode the JSON.
 */
export function parseAllDocsQuery(query: Query): Parsed<AllDocsParams> {
  const keysText = query.get('keys');
  if (keysText === null) return fail('keys is required');
  let keys: unknown;
  try {
    keys = JSON.parse(keysText);
  } catch {
    return fail('keys must be a JSON array of document ids');
  }
  const parsedKeys = parseKeys(keys);
  if (!parsedKeys.ok) return parsedKeys;
  const includeDocs = parseBool('include_docs', query.get('include_docs'), false);
  if (!includeDocs.ok) return includeDocs;
  return ok({ keys: parsedKeys.value, includeDocs: includeDocs.value });
}

/** `POST /{db}/_bulk_docs` with `{docs: [...]}`. Each document is checked on its own later. */
export function parseBulkDocsBody(body: unknown): Parsed<unknown[]> {
  if (!isJsonObject(body)) return fail('the body must be a JSON object with docs');
  const docs = body.docs;
  if (!Array.isArray(docs)) return fail('docs must be an array');
  if (docs.length > MAX_BATCH) return fail(`at most ${MAX_BATCH} documents per request`);
  if (body.new_edits === false) {
    return fail('new_edits=false (replicating revisions in) is not supported');
  }
  if (body.all_or_nothing === true) return fail('all_or_nothing is not supported');
  return ok(docs);
}

/** Reads a JSON request body; the text comes from a size-limited reader. */
export function parseJson(text: string): Parsed<unknown> {
  if (text.trim() === '') return fail('the request body is empty; send JSON');
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return fail('the request body is not valid JSON');
  }
}

/** `POST /{db}/_revs_diff` with `{docid: [rev, ...]}`. */
export function parseRevsDiffBody(body: unknown): Parsed<Map<string, string[]>> {
  if (!isJsonObject(body))
    return fail('the body must be a JSON object of document ids to revisions');
  const entries = Object.entries(body);
  if (entries.length > MAX_BATCH) return fail(`at most ${MAX_BATCH} documents per request`);
  const diff = new Map<string, string[]>();
  for (const [id, revs] of entries) {
    if (!Array.isArray(revs) || !revs.every((r): r is string => typeof r === 'string')) {
      return fail(`the revisions of ${JSON.stringify(id)} must be an array of strings`);
    }
    diff.set(id, revs);
  }
  return ok(diff);
}

export type BulkGetParams = {
  docs: { id: string; rev: string | null }[];
  /** Add `_revisions` to each document. */
  revs: boolean;
  /** Answer the current revision when an older one is asked for. */
  latest: boolean;
};

/** `POST /{db}/_bulk_get?revs=true&latest=true` with `{docs: [{id, rev?}]}` (PouchDB's replicator). */
export function parseBulkGetBody(body: unknown, query: Query): Parsed<BulkGetParams> {
  if (!isJsonObject(body) || !Array.isArray(body.docs)) {
    return fail('the body must be a JSON object with docs: [{id, rev}]');
  }
  if (body.docs.length > MAX_BATCH) return fail(`at most ${MAX_BATCH} documents per request`);
  const docs: BulkGetParams['docs'] = [];
  for (const entry of body.docs) {
    if (!isJsonObject(entry) || typeof entry.id !== 'string') {
      return fail('each entry of docs must be {id, rev?} with a string id');
    }
    if (entry.rev !== undefined && typeof entry.rev !== 'string') {
      return fail('rev must be a string');
    }
    if (entry.atts_since !== undefined) return fail('attachments are not supported');
    docs.push({ id: entry.id, rev: entry.rev ?? null });
  }
  const revs = parseBool('revs', query.get('revs'), false);
  if (!revs.ok) return revs;
  const latest = parseBool('latest', query.get('latest'), false);
  if (!latest.ok) return latest;
  if (query.get('attachments') === 'true') return fail('attachments are not supported');
  return ok({ docs, revs: revs.value, latest: latest.value });
}

/** The largest `_local` document we keep (a replication checkpoint is well under 4 KB). */
export const MAX_LOCAL_DOC_BYTES = 64 * 1024;

export type LocalDocPut = { rev: string | null; body: JsonObject };

/** `PUT /{db}/_local/{id}`: a JSON object whose `_id`, when present, names the same document. */
export function parseLocalDocBody(body: unknown, id: string): Parsed<LocalDocPut> {
  if (!isJsonObject(body)) return fail('the body must be a JSON object');
  // [V2] [V3] Checkpoints keep within the document limits and name no prototype.
  const overLimit = documentLimitProblem(body);
  if (overLimit) return fail(`${overLimit.path} ${overLimit.message}`);
  if (body._id !== undefined && body._id !== `_local/${id}`) {
    return fail('_id must match the document in the path');
  }
  if (body._rev !== undefined && typeof body._rev !== 'string') {
    return fail('_rev must be a string');
  }
  const fields: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_id' || key === '_rev') continue;
    if (key.startsWith('_')) return fail(`${key} is not a supported special field`);
    fields[key] = value;
  }
  if (JSON.stringify(fields).length > MAX_LOCAL_DOC_BYTES) {
    return fail(`a _local document holds at most ${MAX_LOCAL_DOC_BYTES} bytes`);
  }
  return ok({ rev: body._rev ?? null, body: fields });
}
