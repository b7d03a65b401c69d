/**
 * The first download of what flows down (catalog, prices, stock...) below
 * RxDB's document path ([CDL1]-[CDL6]): each server-owned collection's
 * `_changes` feed is read in pages of 10,000 and each page written through
 * the collection's storage instance in one write (one IndexedDB transaction),
 * the next page fetched while the current one is written. The sequence
 * reached is kept in a local document after each page, so a device stopped
 * in the middle resumes from it; replication then starts from that sequence
 * (replication.ts). The feed and the documents are the replication's own:
 * the contract with the server does not change.
 */
import type { BulkWriteRow, RxCollection, RxDocumentData, RxStorageInstance } from 'rxdb';
import { couchDBDocToRxDocData } from 'rxdb/plugins/replication-couchdb';
import { COLLECTIONS } from '@pos/domain';
import { REPLICA_COLLECTIONS, type ReplicaCollectionName, type ReplicaDatabase } from './database';
import type { SyncTarget } from './replication';
import { syncRequestHeaders } from './sync-headers';

/** The largest page the sync server serves (its MAX_LIMIT). */
export const DOWNLOAD_PAGE_SIZE = 10_000;
/** Collections downloaded side by side; each has at most one page in flight. */
export const DOWNLOAD_PARALLEL = 2;

/** The down collections, biggest first, so the side-by-side downloads end together. */
export const DOWNLOAD_COLLECTIONS: readonly ReplicaCollectionName[] = REPLICA_COLLECTIONS.filter(
  (name) => COLLECTIONS[name].direction === 'down',
).sort((a, b) => rank(a) - rank(b));

function rank(name: ReplicaCollectionName): number {
  const first = ['products', 'prices', 'members', 'stock'].indexOf(name);
  return first === -1 ? 99 : first;
}

/** [CDL2] How far a collection's first download got: kept after every page written. */
export type DownloadMark = { sequence: number; done: boolean };

/** One page of `_changes`, checked. */
export type ChangesPage = {
  docs: Record<string, unknown>[];
  lastSeq: number;
  /** A short page: the feed has nothing more after it. */
  complete: boolean;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Pure: a `_changes?include_docs=true` reply read and checked whole: every
 * row holds a document with an `_id`, and `last_seq` is a sequence number.
 * Anything else is an error in words ([CDL4]).
 */
export function parseChangesPage(text: string, limit: number, what: string): ChangesPage {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`The sync server's ${what} is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (!isObject(body) || !Array.isArray(body.results)) {
    throw new Error(`The sync server's ${what} holds no list of results`);
  }
  const lastSeq = body.last_seq;
  if (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0) {
    throw new Error(`The sync server's ${what} holds no sequence number (last_seq)`);
  }
  const docs = body.results.map((row: unknown, index) => {
    const doc = isObject(row) ? row.doc : undefined;
    if (!isObject(doc) || typeof doc._id !== 'string' || doc._id === '') {
      throw new Error(`The sync server's ${what} has a row without a document (row ${index})`);
    }
    return doc;
  });
  return { docs, lastSeq, complete: docs.length < limit };
}

/**
 * Pure: a page's documents as rows of the storage instance's `bulkWrite`, in
 * the form RxDB's CouchDB replication gives a pulled document (the primary
 * key from `_id`, `_deleted` a boolean, no `_rev`); the storage wrapper sets
 * `_rev` and `_meta` on the write, as for the replication's own writes.
 */
export function pageRows(
  primaryPath: string,
  docs: readonly Record<string, unknown>[],
): BulkWriteRow<unknown>[] {
  return docs.map((doc) => ({
    document: {
      ...(couchDBDocToRxDocData(primaryPath, doc) as Record<string, unknown>),
      _attachments: {},
      _meta: { lwt: 0 },
      _rev: '',
    } as unknown as RxDocumentData<unknown>,
  }));
}

/**
 * Pure: where a collection's first download starts, or null when there is
 * none to do ([CDL1]): done before, or the collection already holds
 * documents without a mark (a device that replicated them before this
 * download existed: its replication carries on from its own checkpoint).
 */
export function downloadStart(mark: DownloadMark | null, hasDocuments: boolean): number | null {
  if (mark) return mark.done ? null : mark.sequence;
  return hasDocuments ? null : 0;
}

/** The local document holding a collection's mark. */
export const markId = (name: ReplicaCollectionName): string => `first-download-${name}`;

export async function readMark(
  db: ReplicaDatabase,
  name: ReplicaCollectionName,
): Promise<DownloadMark | null> {
  const local = await db.getLocal<DownloadMark>(markId(name));
  if (!local) return null;
  const data = local.toJSON().data as unknown as DownloadMark;
  return typeof data.sequence === 'number' ? { sequence: data.sequence, done: !!data.done } : null;
}

async function writeMark(
  db: ReplicaDatabase,
  name: ReplicaCollectionName,
  mark: DownloadMark,
): Promise<void> {
  await db.upsertLocal<DownloadMark>(markId(name), mark);
}

/**
 * [CDL5] Whether this device's first download is still to do or unfinished
 * (a down collection marked but not done, or empty and never marked): the
 * app then shows the progress bar and waits for the first sync. False for a
 * device whose collections were filled by replication before.
 */
export async function firstDownloadPending(db: ReplicaDatabase): Promise<boolean> {
  for (const name of DOWNLOAD_COLLECTIONS) {
    const mark = await readMark(db, name);
    if (mark ? !mark.done : name === 'products' && (await db.products.count().exec()) === 0)
      return true;
  }
  return false;
}

export type DownloadOptions = {
  /** Called after each page written: the collection and the documents it held. */
  onPage?: (name: ReplicaCollectionName, documents: number) => void;
  /** Called once per resumed collection with what it already holds, for the progress bar. */
  onResumed?: (name: ReplicaCollectionName, documents: number) => void;
  pageSize?: number;
  parallel?: number;
  collections?: readonly ReplicaCollectionName[];
  signal?: AbortSignal;
  /**
   * The write context of a collection's pages; by default `first-download`.
   * Under replication: the one its downstream writes with, so its upstream
   * takes the pages for pulled documents, not local changes to look at.
   */
  writeContext?: (name: ReplicaCollectionName) => Promise<string>;
};

/** What a first download left: per collection, the sequence replication starts from. */
export type DownloadResult = {
  sequences: Partial<Record<ReplicaCollectionName, number>>;
  written: number;
  /**
   * Where the time went, summed over the collections: waiting for a page
   * not yet read (what the overlap did not hide), parsing pages, and
   * writing them (with the mark).
   */
  ms: { wait: number; parse: number; write: number };
};

/**
 * [CDL1] Downloads every down collection that has not been downloaded yet,
 * page by page, and returns the sequence each reached (also of collections
 * done before). Throws, in words, on a refused or malformed page; what was
 * written before it stays, and a later call resumes after it.
 */
export async function downloadCatalog(
  db: ReplicaDatabase,
  target: SyncTarget,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const base = target.url.replace(/\/+$/, '');
  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = syncRequestHeaders(target, db);
  const limit = options.pageSize ?? DOWNLOAD_PAGE_SIZE;
  const result: DownloadResult = { sequences: {}, written: 0, ms: { wait: 0, parse: 0, write: 0 } };

  const fetchPage = async (name: ReplicaCollectionName, since: number): Promise<ChangesPage> => {
    const what = `changes of ${name} since ${since}`;
    const url = `${base}/${name}/_changes?style=all_docs&feed=normal&include_docs=true&since=${since}&limit=${limit}`;
    const response = await fetcher(url, { headers, signal: options.signal ?? null });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `The sync server answered ${response.status} ${refusalWords(text) || response.statusText} for the ${what}`.trim(),
      );
    }
    const parsing = performance.now();
    const page = parseChangesPage(text, limit, what);
    result.ms.parse += performance.now() - parsing;
    return page;
  };

  const names = options.collections ?? DOWNLOAD_COLLECTIONS;
  const marks = new Map<ReplicaCollectionName, DownloadMark | null>();
  for (const name of names) marks.set(name, await readMark(db, name));
  // Every collection done (every start after the first): nothing to count or read.
  if ([...marks.values()].every((mark) => mark?.done)) {
    for (const [name, mark] of marks) result.sequences[name] = mark!.sequence;
    return result;
  }

  const downloadOne = async (name: ReplicaCollectionName): Promise<void> => {
    const collection = db[name] as unknown as RxCollection;
    const mark = marks.get(name) ?? null;
    const hasDocuments = mark ? true : (await collection.count().exec()) > 0;
    let since = downloadStart(mark, hasDocuments);
    // [CDL5] A resumed download counts what is there already, done or not.
    if (mark) options.onResumed?.(name, await collection.count().exec());
    if (since === null) {
      if (mark) result.sequences[name] = mark.sequence;
      return;
    }
    // [CDL2] Marked before the first page: a device stopped during it resumes here, not by replication.
    if (!mark) await writeMark(db, name, { sequence: 0, done: false });
    const instance = collection.storageInstance;
    const primaryPath = collection.schema.primaryPath as string;
    const context = options.writeContext ? await options.writeContext(name) : 'first-download';
    let next = fetchPage(name, since);
    for (;;) {
      const waiting = performance.now();
      const page = await next;
      result.ms.wait += performance.now() - waiting;
      // [CDL3] The next page is read while this one is written.
      if (!page.complete) {
        next = fetchPage(name, page.lastSeq);
        next.catch(() => undefined); // awaited (and thrown) in the next round
      }
      const writing = performance.now();
      await writePage(instance, pageRows(primaryPath, page.docs), context);
      since = page.lastSeq;
      await writeMark(db, name, { sequence: since, done: page.complete });
      result.ms.write += performance.now() - writing;
      result.written += page.docs.length;
      options.onPage?.(name, page.docs.length);
      if (page.complete) break;
      if (options.signal?.aborted) throw new Error('The first download was stopped');
    }
    result.sequences[name] = since;
  };

  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) await downloadOne(name);
  };
  const workers = Array.from(
    { length: Math.max(1, options.parallel ?? DOWNLOAD_PARALLEL) },
    worker,
  );
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return result;
}

/**
 * Writes a page's rows in one write. [CDL2] A document already there (a page
 * read again after a stop, or a document changed on the server while the
 * download ran) is written again over the stored one, so a page is never
 * refused for what an earlier attempt wrote.
 */
async function writePage(
  instance: RxStorageInstance<unknown, unknown, unknown>,
  rows: BulkWriteRow<unknown>[],
  context: string,
): Promise<void> {
  if (rows.length === 0) return;
  const first = await instance.bulkWrite(rows, context);
  if (first.error.length === 0) return;
  const again: BulkWriteRow<unknown>[] = [];
  for (const error of first.error) {
    if (error.status !== 409 || !error.documentInDb) throw writeError(error);
    again.push({ previous: error.documentInDb, document: error.writeRow.document });
  }
  const second = await instance.bulkWrite(again, context);
  const refused = second.error[0];
  if (refused) throw writeError(refused);
}

const writeError = (error: { status: number; documentId: string }) =>
  new Error(`The replica refused document ${error.documentId} (${error.status})`);

/** The server's `error: reason` of a refusal, if its body says one. */
function refusalWords(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; reason?: unknown };
    return [body.error, body.reason].filter((part) => typeof part === 'string').join(': ');
  } catch {
    return '';
  }
}
