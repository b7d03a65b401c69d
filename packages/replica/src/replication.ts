/**
 * Replication of every replica collection with the sync server over the
 * CouchDB protocol. Server-owned collections are pull-only; facts are
 * push-only (see [D1] in the domain SPEC).
 */
import { replicateCouchDB, type RxCouchDBReplicationState } from 'rxdb/plugins/replication-couchdb';
import {
  COLLECTIONS,
  describeVersionRefusal,
  readVersionRefusal,
  type CollectionName,
  type SchemaVersions,
  type VersionRefusal,
} from '@pos/domain';
import { BehaviorSubject, Subject, filter, firstValueFrom, merge, type Observable } from 'rxjs';
import { downloadCatalog, type DownloadOptions, type DownloadResult } from './catalog-download';
import { REPLICA_COLLECTIONS, type ReplicaCollectionName, type ReplicaDatabase } from './database';
import { FACTS_WAITING_HEADER, syncRequestHeaders } from './sync-headers';

export type SyncTarget = {
  /** Sync server base URL, e.g. http://127.0.0.1:5984 */
  url: string;
  /** The device's bearer token. */
  token: string;
  /** Lets tests and browsers swap the fetch used. */
  fetch?: typeof fetch;
  /**
   * The schema versions sent in `X-Pos-Schema`; by default the domain's
   * versions of the replica's collections. Tests play an older or newer build.
   */
  schemaVersions?: SchemaVersions;
  /** This build's version, reported to the server for the HQ console's device health ([RM8]). */
  appVersion?: string;
};

export type SyncStatus = {
  /** Any replication currently exchanging data. */
  active: boolean;
  /** The last error seen, in words; cleared on the next successful exchange. */
  lastError: string | null;
  /** When the last exchange with the server succeeded (ISO time), or null if none yet. */
  lastSyncAt: string | null;
  /**
   * Set while the server refuses this device's sync protocol or schema
   * versions (426 or 409, [VC3]-[VC5]); `lastError` says it in words.
   */
  incompatibility?: VersionRefusal | null;
};

export type ReplicationOptions = {
  /**
   * [CDL1] Down collections never downloaded are first read in pages and
   * written below RxDB's document path (catalog-download.ts); true unless
   * false (the replication-only path, kept for comparison).
   */
  firstDownload?: boolean;
  /** Page size and collections side by side of the first download (tests, benchmarks). */
  download?: Pick<DownloadOptions, 'pageSize' | 'parallel'>;
};

export type Replication = {
  states: Record<ReplicaCollectionName, RxCouchDBReplicationState<unknown>>;
  status$: Observable<SyncStatus>;
  /**
   * Documents the first download wrote, page by page (and, when it resumes,
   * what a collection already held), for the progress bar ([CDL5]).
   */
  downloaded$: Observable<number>;
  /** What the first download did (null when none ran or it was stopped), once it has ended. */
  firstDownload: Promise<DownloadResult | null>;
  /** Resolves once the first pull of every collection is done. */
  awaitInitialSync(): Promise<void>;
  awaitInSync(): Promise<void>;
  /** Tries every collection again now, e.g. when the network comes back, instead of at the next retry. */
  reSync(): void;
  stop(): Promise<void>;
};

export function startReplication(
  db: ReplicaDatabase,
  target: SyncTarget,
  options: ReplicationOptions = {},
): Replication {
  const base = target.url.replace(/\/+$/, '');
  const baseFetch = target.fetch ?? globalThis.fetch.bind(globalThis);
  // Every request names the protocol and the replica's schema versions.
  const versionHeaders = syncRequestHeaders(target, db);
  // [RM8] Facts written here since the replication started and not yet
  // acknowledged by a push: reported to the server with every request.
  let factsWaiting = 0;
  let incompatibility: VersionRefusal | null = null;
  // RxDB's live pull reads any reply as a changes feed: an error reply (a
  // refused token, an overloaded server) would end live pulling with an
  // unhandled rejection. Turned into a thrown error here, it is retried.
  //
  // Retry with backoff: RxDB retries a failed request every RETRY_MS; after
  // failures in a row, each collection waits longer before its next request
  // (backoffMs), so a server coming back is not met by every terminal at
  // once. reSync() (the network is back) ends the waits.
  const wakeups = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...wakeups]) wake();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakeups.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakeups.add(wake);
    });
  // The first download's requests carry what every request carries, and a
  // refusal of this device's versions is reported as for replication's.
  const downloadFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(versionHeaders)) headers.set(name, value);
    headers.set(FACTS_WAITING_HEADER, String(factsWaiting));
    const response = await baseFetch(input, { ...init, headers });
    if (!response.ok) {
      const { error, versions } = await refusal(response);
      if (versions) setIncompatibility(versions);
      throw error;
    }
    setIncompatibility(null);
    return response;
  };
  // [CDL1] The first download runs before the down collections' replication
  // asks anything: their requests wait for it, and a first pull (since=0) is
  // asked from the sequence it reached ([CDL6]). A failed download is tried
  // again with the same backoff, resuming from its last page ([CDL2]).
  const downloaded = new Subject<number>();
  const stopping = new AbortController();
  let downloadError: string | null = null;
  let downloading = options.firstDownload !== false;
  // Declared below; called only once the download has awaited something.
  const report = () => publish();
  // [CDL6] A page is written as the collection's replication writes what it
  // pulls: its upstream then skips the documents instead of comparing each
  // with its pull metadata (RxDB runs an upstream for pull-only collections too).
  // Pages are written only once the upstream's first pass over the stored
  // documents is over: that pass reads the documents written after its
  // checkpoint 100 at a time, and on a resumed download it would chase every
  // page written meanwhile instead of skipping them.
  const writeContext = async (name: ReplicaCollectionName): Promise<string> => {
    const state = states[name];
    await state.startPromise;
    const internal = state.internalReplicationState;
    if (!internal) return 'first-download';
    await firstValueFrom(
      merge(internal.firstSyncDone.up, internal.events.canceled).pipe(filter(Boolean)),
    );
    return await internal.downstreamBulkWriteFlag;
  };
  const firstDownload: Promise<DownloadResult | null> = downloading
    ? (async () => {
        for (let failures = 0; !stopping.signal.aborted;) {
          try {
            return await downloadCatalog(
              db,
              { ...target, fetch: downloadFetch },
              {
                ...options.download,
                signal: stopping.signal,
                writeContext,
                onPage: (_name, documents) => downloaded.next(documents),
                onResumed: (_name, documents) => downloaded.next(documents),
              },
            );
          } catch (error) {
            if (stopping.signal.aborted) break;
            failures += 1;
            downloadError = describeError(error);
            report();
            await sleep(RETRY_MS + backoffMs(failures));
          }
        }
        return null;
      })().finally(() => {
        downloading = false;
        downloadError = null;
        downloaded.complete();
        report();
      })
    : Promise.resolve(null);
  if (!downloading) downloaded.complete();

  const authorizedFetch = (name: ReplicaCollectionName): typeof fetch => {
    let failures = 0;
    let caughtUp = false;
    const down = COLLECTIONS[name].direction === 'down';
    return async (request, init) => {
      let input = request;
      if (down) {
        const reached = (await firstDownload)?.sequences[name];
        if (stopping.signal.aborted) throw new Error('The replication was stopped');
        if (reached !== undefined) input = fromSequence(urlOf(input), reached);
      }
      // Live pulls poll instead of holding a longpoll open: a browser opens at
      // most 6 connections to one server, and 8 open longpolls would leave
      // none for the first download, uploads or lookups. A poll answered in
      // full is followed at once; an idle one waits LIVE_POLL_MS.
      const live = liveRequest(urlOf(input));
      if (live && caughtUp) await sleep(LIVE_POLL_MS);
      const wait = backoffMs(failures);
      if (wait > 0) await sleep(wait);
      const headers = new Headers(init?.headers);
      for (const [name, value] of Object.entries(versionHeaders)) headers.set(name, value);
      headers.set(FACTS_WAITING_HEADER, String(factsWaiting));
      try {
        const response = await baseFetch(live ? live.url : input, { ...init, headers });
        if (!response.ok) {
          const { error, versions } = await refusal(response);
          if (versions) setIncompatibility(versions);
          throw error;
        }
        setIncompatibility(null);
        failures = 0;
        if (live) {
          const page = (await response.clone().json()) as { results?: unknown[] };
          caughtUp = (page.results?.length ?? 0) < live.limit;
        }
        return response;
      } catch (error) {
        failures += 1;
        throw error;
      }
    };
  };

  const setIncompatibility = (next: VersionRefusal | null) => {
    if ((incompatibility === null) === (next === null)) {
      incompatibility = next;
      return;
    }
    incompatibility = next;
    publish();
  };

  const states = Object.fromEntries(
    REPLICA_COLLECTIONS.map((name) => {
      const direction = COLLECTIONS[name].direction;
      const state = replicateCouchDB<unknown>({
        replicationIdentifier: `couchdb:${base}/${name}`,
        collection: db[name] as never,
        url: `${base}/${name}/`,
        fetch: authorizedFetch(name),
        live: true,
        retryTime: RETRY_MS,
        waitForLeadership: false,
        pull: direction === 'down' ? { batchSize: 2_000 } : undefined,
        push: direction === 'up' ? { batchSize: 50 } : undefined,
      });
      return [name, state];
    }),
  ) as Record<ReplicaCollectionName, RxCouchDBReplicationState<unknown>>;

  // Online means the last exchange with the server succeeded: an error marks
  // the collection offline until its next successful pull or push. Status is
  // published on changes only: received$ fires once per document, hundreds of
  // thousands of times during a first download.
  const status = new BehaviorSubject<SyncStatus>({
    active: false,
    lastError: null,
    lastSyncAt: null,
  });
  const errors = new Map<CollectionName, string>();
  const actives = new Map<CollectionName, boolean>();
  const publish = (lastSyncAt = status.getValue().lastSyncAt) =>
    status.next({
      active: downloading || [...actives.values()].some(Boolean),
      lastError: incompatibility
        ? describeVersionRefusal(incompatibility)
        : (downloadError ?? errors.values().next().value ?? null),
      lastSyncAt,
      incompatibility,
    });
  for (const name of REPLICA_COLLECTIONS) {
    if (COLLECTIONS[name].direction !== 'up') continue;
    (db[name].insert$ as Observable<unknown>).subscribe(() => {
      factsWaiting += 1;
    });
    states[name].sent$.subscribe(() => {
      factsWaiting = Math.max(0, factsWaiting - 1);
    });
  }
  for (const name of REPLICA_COLLECTIONS) {
    const state = states[name];
    let failedThisRound = false;
    state.error$.subscribe((error) => {
      failedThisRound = true;
      errors.set(name, describeError(error));
      publish();
    });
    merge(state.received$, state.sent$).subscribe(() => {
      if (errors.delete(name)) publish(new Date().toISOString());
    });
    state.active$.subscribe((active) => {
      actives.set(name, active);
      if (active) failedThisRound = false;
      else if (!failedThisRound) errors.delete(name);
      publish(!active && !failedThisRound ? new Date().toISOString() : undefined);
    });
  }
  const status$ = status.asObservable();

  return {
    states,
    status$,
    downloaded$: downloaded.asObservable(),
    firstDownload,
    async awaitInitialSync() {
      await Promise.all(Object.values(states).map((s) => s.awaitInitialReplication()));
    },
    async awaitInSync() {
      await Promise.all(Object.values(states).map((s) => s.awaitInSync()));
    },
    reSync() {
      wakeAll();
      for (const state of Object.values(states)) state.reSync();
    },
    async stop() {
      stopping.abort();
      wakeAll();
      await firstDownload;
      await Promise.all(Object.values(states).map((s) => s.cancel()));
    },
  };
}

const urlOf = (input: RequestInfo | URL): string =>
  input instanceof Request ? input.url : String(input);

/**
 * Pure: [CDL6] a collection's first pull (`_changes?since=0`) asked from the
 * sequence its first download reached; any other request as it was.
 */
export function fromSequence(url: string, sequence: number): string {
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith('/_changes') || parsed.searchParams.get('since') !== '0') {
    return url;
  }
  parsed.searchParams.set('since', String(sequence));
  return parsed.toString();
}

/** How often an idle live pull asks the server for changes. */
export const LIVE_POLL_MS = 5_000;

/**
 * Pure: RxDB's live `_changes` longpoll request as a poll answered at once
 * (`feed=normal`), with the page size it asked for; null for any other request.
 */
export function liveRequest(url: string): { url: string; limit: number } | null {
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith('/_changes') || parsed.searchParams.get('feed') !== 'longpoll') {
    return null;
  }
  parsed.searchParams.set('feed', 'normal');
  parsed.searchParams.delete('heartbeat');
  const limit = Number(parsed.searchParams.get('limit'));
  return { url: parsed.toString(), limit: Number.isFinite(limit) && limit > 0 ? limit : 1 };
}

/** RxDB's fixed wait before it retries a failed request. */
export const RETRY_MS = 2_000;
/** The longest a terminal waits between tries while the server stays unreachable. */
export const MAX_RETRY_MS = 60_000;

/**
 * Pure: the wait added before a collection's next request after `failures`
 * failed requests in a row, so the total between tries doubles from
 * RETRY_MS up to MAX_RETRY_MS.
 */
export function backoffMs(failures: number): number {
  if (failures <= 1) return 0;
  return Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** Math.min(failures - 1, 16)) - RETRY_MS;
}

/**
 * The server's own words for a refused request, e.g. "401 unauthorized:
 * unknown token"; a version refusal ([VC5]) in words and as data.
 */
async function refusal(
  response: Response,
): Promise<{ error: Error; versions: VersionRefusal | null }> {
  let detail = response.statusText;
  let versions: VersionRefusal | null = null;
  try {
    const body = (await response.json()) as { error?: unknown; reason?: unknown };
    versions = readVersionRefusal(response.status, body);
    detail =
      [body.error, body.reason].filter((part) => typeof part === 'string').join(': ') || detail;
  } catch {
    // not JSON: keep the status text
  }
  const words = versions
    ? describeVersionRefusal(versions)
    : `The sync server answered ${response.status} ${detail}`.trim();
  return { error: new Error(words), versions };
}

type WrappedError = {
  message?: string;
  parameters?: { error?: WrappedError; errors?: WrappedError[] };
};

/** The first real message inside RxDB's error wrappers (RC_PULL, RC_PUSH...). */
export function describeError(error: unknown): string {
  let current = error as WrappedError | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const inner = current.parameters?.error ?? current.parameters?.errors?.[0];
    if (!inner) break;
    current = inner;
  }
  const message = current?.message ?? String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
