/**
 * The HTTP shell: CouchDB-style endpoints on node:http. Routes stay thin:
 * parse, check with pure functions, call the storage or push service.
 */
import { readDocs, readDocsJson } from './facts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FACT_COLLECTIONS, type CollectionName, type RoutingPolicy } from '@pos/domain';
import {
  TOKEN_ROTATION_GRACE_MS,
  authenticate,
  principalKey,
  readRefusal,
  readScope,
  type Principal,
} from './auth';
import {
  parseAllDocsBody,
  parseAllDocsQuery,
  parseBulkDocsBody,
  parseBulkGetBody,
  parseChangesQuery,
  parseJson,
  parseLocalDocBody,
  parseRevsDiffBody,
  type ChangesParams,
  type Parsed,
} from './params';
import {
  SyncError,
  isCollectionName,
  isUnstorableText,
  toCouchDoc,
  unstorableJsonReason,
  type JsonObject,
} from './protocol';
import type { RequestLogger } from './json-log';
import { METRICS_CONTENT_TYPE, ServerMetrics, routeLabel } from './metrics';
import { DEVICE_ROUTE, serveDeviceToken } from './device-token-route';
import { DEMO_PRIVACY_KEYS, type PrivacyKeys } from './pii/keyring';
import { memberVault } from './pii/member-vault';
import { PII_READS_DB } from './pii/pii-reads';
import { pushDocs } from './push';
import { ORDERS_OPENAPI } from './orders/openapi';
import { startHoldSweeper } from './orders/sweeper';
import { startPriceChangeSweep } from './esl/sweep';
import { authenticateChannel } from './orders/channel-tokens';
import { serveOrders } from './orders/routes';
import { DEFAULT_ORDER_PRICING } from './orders/pricing';
import { CLERK_ROUTE, serveClerk } from './clerk/routes';
import { isItemsRoute, RFID_ROUTE, serveRfidItems } from './rfid/routes';
import { CONSOLE_API_ROUTE, serveConsole } from './console/routes';
import { startRollupWorker, type RollupWorkerOptions } from './console/rollup-worker';
import {
  APP_VERSION_HEADER,
  FACTS_WAITING_HEADER,
  startDeviceHealth,
} from './console/rollup-device-health';
import { serveTransfers, TRANSFERS_ROUTE } from './inventory/device-routes';
import { ESL_ROUTE, serveShelfLabelService } from './esl/device-routes';
import { isTryOnRoute, serveTryOns, type TryOnOptions } from './rfid/tryon-routes';
import { startTryOnOutbox } from './rfid/outbox';
import { TABLET_ROUTE, tabletFile } from './clerk/static';
import { CONSOLE_ROUTE, consoleFile, type StaticFile } from './static-site';
import { isServiceRoute, serveService, type ServiceRequest } from './service-routes';
import type { PaymentOptions } from './payments/notify';
import type { AddressBook } from './orders/addresses';
import { sealedAddressBook } from './shop/addresses';
import { PAYMENTS_ROUTE, servePayments } from './payments/route';
import { SimulatedPaymentProvider } from './payments/provider';
import {
  SHOP_ROUTE,
  serveShop,
  shopProviderKey,
  type ShopOptions,
  type ShopPaymentProvider,
} from './shop/routes';
import { simulatedSmsProvider } from './shop/sms';
import { fetchTrusting } from './shop/self-fetch';
import { shopFile } from './shop/static';
import {
  CONSENT_PAGE_SEGMENT,
  isPrivacyRoute,
  serveConsentPage,
  servePrivacy,
  type PrivacyOptions,
} from './pii/privacy-routes';
import type { TlsOptions } from './tls';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit';
import { revGeneration } from './revs';
import {
  ALL_CHANGED,
  REVOKED_PREFIX,
  StorageUnavailableError,
  type ChangesJson,
  type StoreScope,
  type SyncStorage,
} from './storage/storage';
import { QuietFeeds } from './quiet-feeds';
import {
  PROTOCOL_HEADER,
  SCHEMA_HEADER,
  SERVER_VERSIONS,
  checkClientVersions,
  type ServerVersions,
} from './version';

export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export type SyncServerOptions = {
  storage: SyncStorage;
  /** The clock; injected so tests control it. */
  now?: () => Date;
  log?: Logger;
  /** Largest request body in bytes (default 10 MB); larger ones get 413. */
  maxBodyBytes?: number;
  /**
   * [RL1] Requests per principal (device or admin) and server process: a token
   * bucket. Default `DEFAULT_RATE_LIMIT`; `false` turns it off.
   */
  rateLimit?: RateLimitOptions | false;
  /** [OB1] Served at `GET /metrics`; default a fresh registry. */
  metrics?: ServerMetrics;
  /** [OB2] Called once per answered request; default none (quiet). */
  requestLog?: RequestLogger;
  /**
   * The protocol and schema versions this server speaks ([VC1]-[VC4]); default
   * this build's. Tests of clients pass others to play an older or newer server.
   */
  versions?: ServerVersions;
  /**
   * [MB2] Member lookups and points checks per principal and server process,
   * on top of `rateLimit`. Default `DEFAULT_MEMBER_LOOKUP_LIMIT`; `false` turns it off.
   */
  memberLookupRateLimit?: RateLimitOptions | false;
  /**
   * [PK2] The keys members' personal data is encrypted and phones indexed
   * with; default the published demo keys (`DEMO_PRIVACY_KEYS`).
   */
  privacy?: PrivacyKeys;
  /** [CS1]-[CS5] [DQ1]-[DQ4] Consent, messages and data-subject requests: the policy version and public address; the vault is the members' own ([PK5]) unless given. */
  consent?: PrivacyOptions;
  /** [TX1] Serve HTTPS with this certificate and key; plain HTTP when absent. */
  tls?: TlsOptions;
  /** [TR1] How long a rotated device token's predecessor keeps working; default 24 h. */
  tokenGraceMs?: number;
  /** [PM1]-[PM5] The payment webhook's provider keys, pickup keys and currency; default the demo ones. */
  payments?: PaymentOptions;
  /** [OC7] The hold-expiry sweep's interval (default 1 s); `false` runs no sweeper. */
  holdSweeper?: { intervalMs?: number; remindBeforeMs?: number } | false;
  /** [SHP1]-[SHP9] The online shop's API at `/_shop/` (always) and its page at `/shop/` (with `staticDir`). */
  shop?: ShopOptions;
  /** [TB9] The clerk's tablet page at `/tablet/` (`apps/tablet/dist`); none: not served. */
  tablet?: { staticDir?: string };
  /** [HC7] The HQ console's page at `/console/` (`apps/console/dist`); none: not served. */
  console?: { staticDir?: string };
  /** [RP1] [LOC3] How ship and same-city lines are routed and merged; default `DEFAULT_ROUTING_POLICY`. */
  routingPolicy?: RoutingPolicy;
  /** [RP1] [SHP16] Where delivery addresses are read from; default the shop's sealed address book. */
  addressBook?: AddressBook;
  /** [RP9] The carrier printed on parcels' labels; default `DEFAULT_CARRIER`. */
  carrier?: string;
  /** [RI5]-[RI10] How try-ons are counted and their suggestions sent. */
  tryOns?: TryOnOptions;
  /** [RM6] The dashboards' rollup worker (default on); `false` runs none. */
  rollups?: Omit<RollupWorkerOptions, 'log' | 'now'> | false;
  /** [RM8] Devices' sync health recorded on each pull and push (default on); `false` records none. */
  deviceHealth?: false;
  /** [FL5] Empty polls answered from memory (default on); `false` reads the database for every poll. */
  quietFeeds?: false;
  /** [SV5] The sweep applying scheduled price changes at their instant (default every 1 s); `false` runs none. */
  priceChangeSweep?: { intervalMs?: number } | false;
};

/** [MB2] A till looks up a customer now and then: a burst of 30, then one every 2 s. */
export const DEFAULT_MEMBER_LOOKUP_LIMIT: RateLimitOptions = { burst: 30, perSecond: 0.5 };

/** What the router learns about a request, for its metrics and log line. */
type RequestContext = {
  route: string;
  principal: Principal | null;
  /** [RM8] The documents a push refused, for the device's health. */
  refused?: string;
};

const LOGGED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'PATCH']);
/** Methods that never write (a device's pull also records its health, never a synced document). */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** [FL5] A push of facts: `POST /{fact collection}/_bulk_docs`. */
const FACT_PUSH = new RegExp(`^/(${FACT_COLLECTIONS.join('|')})/_bulk_docs(\\?|$)`);

export type SyncServer = {
  /** Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:5984`. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, answers waiting longpolls, and waits for open requests. Leaves the storage open. */
  close(): Promise<void>;
};

export const SERVER_VERSION = '0.1.0';
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** How long close() lets open requests finish before cutting their connections. */
const CLOSE_GRACE_MS = 5000;
/** [ST12] When a client should retry a request the database could not serve. */
export const UNAVAILABLE_RETRY_AFTER_S = 1;

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, OPTIONS',
  // [RM8] A browser's replica reports its app version and the facts it still has to send.
  'access-control-allow-headers': `Authorization, Content-Type, Accept, ${PROTOCOL_HEADER}, ${SCHEMA_HEADER}, Idempotency-Key, ${APP_VERSION_HEADER}, ${FACTS_WAITING_HEADER}`,
  'access-control-expose-headers': 'Retry-After',
  'access-control-max-age': '600',
};

const defaultLog: Logger = (level, message, fields) => {
  if (level !== 'info') console.error(`[sync-server] ${level}: ${message}`, fields ?? '');
};

function sendJson(res: ServerResponse, status: number, body: unknown, extra: object = {}): void {
  if (res.destroyed) return; // the client went away
  const text = JSON.stringify(body);
  // A longpoll that wrote heartbeats has already sent its status and headers.
  if (!res.headersSent) {
    res.writeHead(status, {
      ...CORS_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...extra,
    });
  }
  res.end(text);
}

/** [ST8] Sends JSON text that is already serialised, e.g. rendered by the database. */
function sendJsonText(res: ServerResponse, status: number, text: string): void {
  if (res.destroyed) return;
  // A longpoll that wrote heartbeats has already sent its status and headers.
  if (!res.headersSent) {
    res.writeHead(status, {
      ...CORS_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    });
  }
  res.end(text);
}

function orThrow<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new SyncError('bad_request', parsed.reason);
  return parsed.value;
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new SyncError('too_large', `the body exceeds ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new SyncError('too_large', `the body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** [PD3] `_revisions` of our only known revision: PouchDB stores it as a stemmed leaf. */
function revisions(rev: string): { start: number; ids: string[] } {
  return { start: revGeneration(rev), ids: [rev.slice(rev.indexOf('-') + 1)] };
}

/** A `_bulk_get` or `_all_docs` document with `_revisions` added: the wire form always ends in `}`. */
function withRevisions(json: string, rev: string): string {
  return `${json.slice(0, -1)},"_revisions":${JSON.stringify(revisions(rev))}}`;
}

/** The address a request came to, as the client named it (for links it hands out). */
/** The request's header of this name, when it is sent once. */
function headerOf(req: IncomingMessage): (name: string) => string | undefined {
  return (name) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
}

function requestUrl(req: IncomingMessage): string {
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const host = /^[A-Za-z0-9.:[\]-]{1,255}$/.test(req.headers.host ?? '')
    ? req.headers.host!
    : 'localhost';
  return `${secure ? 'https' : 'http'}://${host}`;
}

export function createSyncServer(options: SyncServerOptions): SyncServer {
  const { storage, now = () => new Date(), log = defaultLog } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const metrics = options.metrics ?? new ServerMetrics();
  const requestLog = options.requestLog;
  const versions = options.versions ?? SERVER_VERSIONS;
  const tokenGraceMs = options.tokenGraceMs ?? TOKEN_ROTATION_GRACE_MS;
  const privacy = options.privacy ?? DEMO_PRIVACY_KEYS;
  const unobserve = storage.observe({
    committed: (written) => metrics.documentsWritten(written),
    failed: (what) => metrics.storageFailed(what),
  });
  const limiter =
    options.rateLimit === false ? null : new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const lookupLimiter =
    options.memberLookupRateLimit === false
      ? null
      : new RateLimiter(options.memberLookupRateLimit ?? DEFAULT_MEMBER_LOOKUP_LIMIT);
  const startedAt = now();
  let closing = false;
  const shop = options.shop ?? {};
  /** The web apps served as static pages, by their first path segment. */
  const staticApps = new Map<string, (rest: readonly string[]) => Promise<StaticFile>>();
  if (shop.staticDir !== undefined) {
    const dir = shop.staticDir;
    staticApps.set('shop', (rest) => shopFile(dir, rest));
  }
  if (options.tablet?.staticDir !== undefined) {
    const dir = options.tablet.staticDir;
    staticApps.set(TABLET_ROUTE, (rest) => tabletFile(dir, rest));
  }
  if (options.console?.staticDir !== undefined) {
    const dir = options.console.staticDir;
    staticApps.set(CONSOLE_ROUTE, (rest) => consoleFile(dir, rest));
  }
  // [OC10] Orders from a channel or a clerk's tablet are priced as the shop's are.
  const shopPricing = {
    ...(shop.priceList ? { priceList: shop.priceList } : {}),
    ...(shop.currency ? { currency: shop.currency } : {}),
    ...(shop.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: shop.utcOffsetMinutes } : {}),
  };
  // [RP1] [RP6] One routing policy, address book and carrier for placements and parcels.
  const routing = {
    ...(options.routingPolicy ? { routingPolicy: options.routingPolicy } : {}),
    // [SHP16] The shop's address book, sealed; `plainAddressBook` stays for tests that pass it.
    addressBook: options.addressBook ?? sealedAddressBook(privacy.kms),
    ...(options.carrier ? { carrier: options.carrier } : {}),
  };
  const paymentOptions: PaymentOptions = { ...routing, ...options.payments };
  const sms = shop.sms ?? simulatedSmsProvider(storage, now, shop.onSms);
  /** This server's own base URL once listening: the simulated payment provider notifies it. */
  let ownUrl: string | null = null;
  // [OS3] One provider takes the shop's payments and gives the refunds back.
  let shopPayments: ShopPaymentProvider | undefined =
    shop.paymentProvider ?? options.payments?.provider;
  const payments = (): ShopPaymentProvider => {
    if (shopPayments) return shopPayments;
    if (!ownUrl) throw new SyncError('unavailable', 'the server is not listening yet');
    // [SHP7] Real HTTP to this server's own webhook, as a provider would send it.
    shopPayments = new SimulatedPaymentProvider({
      key: shopProviderKey(shop),
      notifyUrl: `${ownUrl}/_payments/notify`,
      now,
      retry: { attempts: 4, firstDelayMs: 200, maxDelayMs: 2000 },
      ...(options.tls ? { fetch: fetchTrusting(options.tls.cert) } : {}),
      ...(options.payments?.currency ? { currency: options.payments.currency } : {}),
    });
    return shopPayments;
  };
  // [OC7] Every process sweeps; [OC6] one at a time takes the expired holds.
  const sweeper =
    options.holdSweeper === false
      ? null
      : startHoldSweeper(storage, {
          intervalMs: options.holdSweeper?.intervalMs,
          now,
          log,
          // [OS3] Refunds go back through the provider that took the payment.
          provider: () => options.payments?.provider ?? shopPayments,
          ...(options.holdSweeper?.remindBeforeMs === undefined
            ? {}
            : { remindBeforeMs: options.holdSweeper.remindBeforeMs }),
        });

  // [RI10] Visits that are over get their suggestions, with consent, once.
  const tryOnOutbox =
    options.tryOns?.outbox === false
      ? null
      : startTryOnOutbox(storage, { ...options.tryOns?.outbox, now, log });

  // [RM6] The dashboards' read models, kept current as facts commit.
  const rollups =
    options.rollups === false ? null : startRollupWorker(storage, { ...options.rollups, log, now });
  // [RM8] Each device's pulls, pushes and errors, throttled per device.
  const deviceHealth = options.deviceHealth === false ? null : startDeviceHealth(storage, { log });
  // [SV5] Scheduled price changes (and their labels' pushes) on time, with no request needed.
  const priceChanges =
    options.priceChangeSweep === false
      ? null
      : startPriceChangeSweep(storage, {
          now,
          log,
          intervalMs: options.priceChangeSweep?.intervalMs,
        });

  type Waiter = { db: string; principal: string; revoked: boolean; wake: () => void };
  // Longpolls waiting for a change, woken by the storage's change events.
  const waiting = new Set<Waiter>();
  const unlisten = storage.listen((payload) => {
    if (payload.startsWith(REVOKED_PREFIX)) {
      // [A6] A revoked principal's longpoll is answered now, not at its timeout.
      const principal = payload.slice(REVOKED_PREFIX.length);
      for (const waiter of waiting) {
        if (waiter.principal !== principal) continue;
        waiter.revoked = true;
        waiter.wake();
      }
      return;
    }
    for (const waiter of waiting)
      if (payload === ALL_CHANGED || waiter.db === payload) waiter.wake();
  });
  // [FL5] Empty polls answered from what LISTEN told this process.
  const quietFeeds = options.quietFeeds === false ? null : new QuietFeeds(storage);

  async function longpoll(
    db: CollectionName,
    params: ChangesParams,
    since: number,
    principal: Principal,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<ChangesJson> {
    const scope: StoreScope = readScope(principal, db);
    const deadline = Date.now() + params.timeoutMs;
    // Subscribed before the first read, so a change committing in between still counts.
    let changed: boolean;
    let wake = () => {};
    const waiter: Waiter = {
      db,
      principal: principalKey(principal),
      revoked: false,
      wake: () => {
        changed = true;
        wake();
      },
    };
    waiting.add(waiter);
    res.once('close', waiter.wake);
    const heartbeat =
      params.heartbeatMs === null
        ? undefined
        : setInterval(() => {
            if (!res.headersSent)
              res.writeHead(200, { ...CORS_HEADERS, 'content-type': 'application/json' });
            res.write('\n');
          }, params.heartbeatMs);
    try {
      for (;;) {
        changed = false;
        if (waiter.revoked) {
          waiter.revoked = false;
          // Another token of the same principal may have been replaced, not this one.
          if (!(await authenticate(storage, req.headers.authorization, now()))) {
            throw new SyncError('unauthorized', 'this token has been revoked');
          }
        }
        const page = await storage.changesJson(db, {
          since,
          limit: params.limit,
          scope,
          includeDocs: params.includeDocs,
        });
        if (page.count > 0 || closing || res.destroyed) return page;
        // Nothing for this device up to page.lastSeq: wait from there.
        since = Math.max(since, page.lastSeq);
        if (changed) continue;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return { results: '', count: 0, lastSeq: since };
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => {};
        if (!changed) return { results: '', count: 0, lastSeq: since };
      }
    } finally {
      waiting.delete(waiter);
      res.off('close', waiter.wake);
      clearInterval(heartbeat);
    }
  }

  async function changes(
    db: CollectionName,
    req: IncomingMessage,
    url: URL,
    principal: Principal,
    res: ServerResponse,
  ): Promise<void> {
    const params = orThrow(parseChangesQuery(url.searchParams));
    const scope = readScope(principal, db);
    const since =
      params.since === 'now' ? (await storage.dbInfo(db, scope)).updateSeq : params.since;
    if (params.feed !== 'longpoll' && quietFeeds?.quiet(db, since, principalKey(principal))) {
      sendJsonText(res, 200, `{"results":[],"last_seq":${since}}`);
      return;
    }
    const mark = quietFeeds?.mark(db);
    const page =
      params.feed === 'longpoll'
        ? await longpoll(db, params, since, principal, req, res)
        : await storage.changesJson(db, {
            since,
            limit: params.limit,
            scope,
            includeDocs: params.includeDocs,
          });
    if (mark && params.feed !== 'longpoll') {
      quietFeeds?.read(db, mark, { full: page.count >= params.limit, lastSeq: page.lastSeq });
    }
    sendJsonText(res, 200, `{"results":[${page.results}],"last_seq":${page.lastSeq}}`);
  }

  async function allDocs(
    db: CollectionName,
    req: IncomingMessage,
    url: URL,
    principal: Principal,
    res: ServerResponse,
  ): Promise<void> {
    const params =
      req.method === 'POST'
        ? orThrow(
            parseAllDocsBody(
              orThrow(parseJson(await readBody(req, maxBodyBytes))),
              url.searchParams,
            ),
          )
        : orThrow(parseAllDocsQuery(url.searchParams));
    // [ST13] `keys` of a GET is JSON too, and may escape what the query cannot hold.
    if (params.keys.some(isUnstorableText)) {
      throw new SyncError('bad_request', 'a key holds a NUL character or a lone surrogate');
    }
    const scope = readScope(principal, db);
    const [found, info] = await Promise.all([
      readDocsJson(storage, db, params.keys, scope),
      storage.dbInfo(db, scope),
    ]);
    const rows = params.keys.map((key) => {
      const doc = found.get(key);
      const id = JSON.stringify(key);
      if (!doc) return `{"key":${id},"error":"not_found"}`;
      const value = `"value":{"rev":${JSON.stringify(doc.rev)}}`;
      return `{"id":${id},"key":${id},${value}${params.includeDocs ? `,"doc":${doc.json}` : ''}}`;
    });
    sendJsonText(res, 200, `{"total_rows":${info.docCount},"offset":0,"rows":[${rows.join(',')}]}`);
  }

  /**
   * The parsed body. [ST13] Text the database cannot store is refused with
   * 400 unless `perDocument` (`_bulk_docs` refuses it per document).
   */
  async function readJson(req: IncomingMessage, perDocument = false): Promise<unknown> {
    const value = orThrow(parseJson(await readBody(req, maxBodyBytes)));
    const unstorable = perDocument ? null : unstorableJsonReason(value);
    if (unstorable) throw new SyncError('bad_request', `the body cannot be used: ${unstorable}`);
    return value;
  }

  /** [PD2] `_revs_diff`: which of the given revisions this principal cannot read here. */
  async function revsDiff(
    db: CollectionName,
    req: IncomingMessage,
    principal: Principal,
    res: ServerResponse,
  ): Promise<void> {
    const diff = orThrow(parseRevsDiffBody(await readJson(req)));
    const found = await readDocs(storage, db, [...diff.keys()], readScope(principal, db));
    const answer: Record<string, { missing: string[] }> = {};
    for (const [id, revs] of diff) {
      const current = found.get(id)?.rev;
      const missing = [...new Set(revs.filter((rev) => rev !== current))];
      if (missing.length) answer[id] = { missing };
    }
    sendJson(res, 200, answer);
  }

  /** [PD3] `_bulk_get`: the current revision of each asked document, as PouchDB's replicator reads them. */
  async function bulkGet(
    db: CollectionName,
    req: IncomingMessage,
    url: URL,
    principal: Principal,
    res: ServerResponse,
  ): Promise<void> {
    const params = orThrow(parseBulkGetBody(await readJson(req), url.searchParams));
    const found = await readDocsJson(
      storage,
      db,
      params.docs.map((d) => d.id),
      readScope(principal, db),
    );
    const results = params.docs.map(({ id, rev }) => {
      const doc = found.get(id);
      if (!doc || (rev !== null && rev !== doc.rev && !params.latest)) {
        return JSON.stringify({
          id,
          docs: [{ error: { id, rev: rev ?? 'undefined', error: 'not_found', reason: 'missing' } }],
        });
      }
      const ok = params.revs ? withRevisions(doc.json, doc.rev) : doc.json;
      return `{"id":${JSON.stringify(id)},"docs":[{"ok":${ok}}]}`;
    });
    sendJsonText(res, 200, `{"results":[${results.join(',')}]}`);
  }

  /** [PD1] `_local/{id}`: checkpoints, in a namespace of their own per principal and database. */
  async function localDoc(
    db: CollectionName,
    id: string,
    req: IncomingMessage,
    principal: Principal,
    res: ServerResponse,
    method: string,
  ): Promise<void> {
    const owner = principalKey(principal);
    if (method === 'GET') {
      const doc = await storage.getLocalDoc(owner, db, id);
      if (!doc) throw new SyncError('not_found', 'missing');
      sendJson(res, 200, { ...doc.body, _id: `_local/${id}`, _rev: doc.rev });
      return;
    }
    const put = orThrow(parseLocalDocBody(await readJson(req), id));
    const written = await storage.putLocalDoc(owner, db, id, put.rev, put.body);
    if (!written.ok) throw new SyncError('conflict', written.reason);
    sendJson(res, 201, { ok: true, id: `_local/${id}`, rev: written.rev });
  }

  /** [OB1] Whether the database answers: 200, or 503 when it does not. */
  async function health(res: ServerResponse): Promise<void> {
    try {
      await storage.ping();
      sendJson(res, 200, { status: 'ok', storage: storage.kind });
    } catch {
      sendJson(res, 503, { error: 'unavailable', reason: 'the database does not answer' });
    }
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    context: RequestContext,
  ): Promise<void> {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sync-server.invalid');
    } catch {
      // A target such as `//` reads as a URL without a host: a bad request, not a failure.
      throw new SyncError('bad_request', 'the request target is not a valid path');
    }
    let segments: string[];
    try {
      segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    } catch {
      throw new SyncError('bad_request', 'the path is not valid percent-encoding');
    }
    if (segments.at(-1) === '' && segments.length > 1) segments.pop();
    // [ST13] No id, name or parameter can hold a NUL or a lone surrogate.
    if (segments.some(isUnstorableText)) {
      throw new SyncError('bad_request', 'the path holds a NUL character or a lone surrogate');
    }
    for (const [key, value] of url.searchParams) {
      if (isUnstorableText(key) || isUnstorableText(value)) {
        throw new SyncError('bad_request', 'the query holds a NUL character or a lone surrogate');
      }
    }
    context.route = routeLabel(segments, isCollectionName);
    const [dbName = '', ...rest] = segments;
    const allow = (...methods: string[]) => {
      if (!methods.includes(method ?? '')) {
        throw new SyncError('method_not_allowed', `use ${methods.join(' or ')} here`);
      }
    };

    if (dbName === '') {
      allow('GET');
      sendJson(res, 200, {
        couchdb: 'Welcome',
        vendor: { name: 'storefront-pos sync-server' },
        version: SERVER_VERSION,
        protocol: versions.protocol,
        minProtocol: versions.minProtocol,
        schemas: versions.schemas,
      });
      return;
    }
    if (context.route === '/healthz') {
      allow('GET');
      await health(res);
      return;
    }
    if (dbName === '_orders' && rest.length === 1 && rest[0] === 'openapi.json') {
      // [OC8] The orders API's description, for anyone building a channel.
      allow('GET');
      sendJson(res, 200, ORDERS_OPENAPI);
      return;
    }
    if (context.route === '/metrics') {
      allow('GET');
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
      res.end(metrics.render());
      return;
    }
    if (dbName === CONSENT_PAGE_SEGMENT) {
      // [CS2] The customer's own phone: the invitation in the URL is its only key.
      await serveConsentPage({
        storage,
        method: method ?? 'GET',
        rest,
        query: url.searchParams,
        acceptLanguage: req.headers['accept-language'],
        contentType: req.headers['content-type'],
        readBody: (max) => readBody(req, max),
        send: (status, headers, body) => {
          res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body);
        },
        now,
        consent: options.consent ?? {},
      });
      return;
    }
    if (dbName === PAYMENTS_ROUTE) {
      // [PM1] The provider's webhook: authenticated by its signature, not a token.
      context.route = segments[1] === 'sim' ? '/_payments/sim' : '/_payments/notify';
      await servePayments({
        storage,
        method: method ?? 'GET',
        segments,
        headers: req.headers,
        readBody: (max) => readBody(req, max),
        send: (status, body) => sendJson(res, status, body),
        now,
        options: paymentOptions,
        // [TB3] The simulated provider's pay page, for the customer's phone.
        simulated: () => {
          const provider = ownUrl ? payments() : undefined;
          return provider?.simulateCustomerPays && provider.payment
            ? {
                payment: (txn) => provider.payment!(txn),
                simulateCustomerPays: (txn) => provider.simulateCustomerPays!(txn),
              }
            : undefined;
        },
        sendHtml: (status, headers, body) => {
          res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body);
        },
      });
      return;
    }
    if (dbName === SHOP_ROUTE) {
      // [SHP9] The customer has no device token: the shop checks its own sessions.
      context.route = '/_shop';
      await serveShop({
        storage,
        method: method ?? 'GET',
        segments,
        query: url.searchParams,
        header: headerOf(req),
        readJson: () => readJson(req),
        send: (status, body) => sendJson(res, status, body, { 'cache-control': 'no-store' }),
        now,
        privacy,
        options: shop,
        routing,
        sms,
        payments,
      });
      return;
    }
    if (dbName === CONSOLE_API_ROUTE) {
      // [UA5] The console's users sign in with a password; their sessions are not device tokens.
      context.route = '/_console';
      await serveConsole({
        storage,
        authorization: req.headers.authorization,
        method: method ?? 'GET',
        segments,
        query: url.searchParams,
        readJson: () => readJson(req),
        readText: (max) => readBody(req, max),
        header: headerOf(req),
        send: (status, body) => sendJson(res, status, body, { 'cache-control': 'no-store' }),
        sendText: (status, headers, body) => {
          res.writeHead(status, { 'cache-control': 'no-store', ...headers });
          res.end(body);
        },
        now,
        log,
        privacy,
      });
      return;
    }
    // The web apps' pages, each from the same origin as its API: the shop,
    // [TB9] the clerk's tablet, [HC7] the HQ console.
    const app = staticApps.get(dbName);
    if (app) {
      allow('GET');
      context.route = `/${dbName}`;
      if (rest.length === 0 && !url.pathname.endsWith('/')) {
        res.writeHead(308, { location: `/${dbName}/` }).end();
        return;
      }
      const file = await app(rest);
      res.writeHead(file.status, file.headers).end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }
    // [VC1]-[VC4] Before anything else, so an old client learns why even with a bad token.
    const incompatible = checkClientVersions(req.headers, versions);
    if (incompatible) throw incompatible;
    const db = isCollectionName(dbName) ? dbName : null;
    if (
      !db &&
      !isServiceRoute(dbName) &&
      !isPrivacyRoute(dbName) &&
      dbName !== DEVICE_ROUTE &&
      dbName !== CLERK_ROUTE &&
      dbName !== RFID_ROUTE &&
      dbName !== TRANSFERS_ROUTE &&
      dbName !== ESL_ROUTE &&
      !isTryOnRoute(segments)
    ) {
      throw new SyncError('not_found', 'Database does not exist.');
    }

    if (dbName === '_orders') {
      // [OS8] An online channel's token opens the orders API and nothing else.
      const channel = await authenticateChannel(storage, req.headers.authorization);
      if (channel) {
        context.route = '/_orders';
        const waitMs = limiter?.take(`channel:${channel.name}`, Date.now()) ?? null;
        if (waitMs !== null) {
          const seconds = Math.max(1, Math.ceil(waitMs / 1000));
          throw new SyncError(
            'rate_limited',
            `too many requests from this channel; retry in ${seconds} s`,
            { retry_after_ms: waitMs },
            { 'retry-after': String(seconds) },
          );
        }
        await serveOrders({
          storage,
          caller: channel,
          method: method ?? 'GET',
          segments,
          readJson: () => readJson(req),
          header: headerOf(req),
          send: (status, body) => sendJson(res, status, body),
          now,
          routing,
          // [OC10] A channel's orders are priced as the shop's are.
          pricing: shopPricing,
        });
        return;
      }
    }
    const principal = await authenticate(storage, req.headers.authorization, now());
    if (!principal) {
      throw new SyncError('unauthorized', 'send Authorization: Bearer <device or admin token>');
    }
    context.principal = principal;
    if (limiter) {
      const waitMs = limiter.take(principalKey(principal), Date.now());
      if (waitMs !== null) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new SyncError(
          'rate_limited',
          `too many requests from this ${principal.kind}; retry in ${seconds} s`,
          { retry_after_ms: waitMs },
          { 'retry-after': String(seconds) },
        );
      }
    }

    if (dbName === DEVICE_ROUTE) {
      context.route = '/_device/token';
      await serveDeviceToken({
        storage,
        principal,
        method: method ?? 'GET',
        segments,
        now: now(),
        graceMs: tokenGraceMs,
        send: (status, body) => sendJson(res, status, body),
      });
      return;
    }
    if (isTryOnRoute(segments)) {
      context.route = `/_rfid/${segments[1]}`;
      await serveTryOns({
        storage,
        principal,
        method: method ?? 'GET',
        segments,
        query: url.searchParams,
        send: (status, body) => sendJson(res, status, body),
        now,
        options: options.tryOns,
      });
      return;
    }
    if (dbName === CLERK_ROUTE) {
      // [TB1]-[TB7] The clerk's tablet, acting for its store.
      context.route = '/_clerk';
      await serveClerk({
        storage,
        principal,
        method: method ?? 'GET',
        segments,
        query: url.searchParams,
        readJson: () => readJson(req),
        header: headerOf(req),
        send: (status, body) => sendJson(res, status, body),
        now,
        privacy,
        pricing: { ...DEFAULT_ORDER_PRICING, ...shopPricing },
        routing,
        payments,
        publicUrl: (options.consent?.publicUrl ?? requestUrl(req)).replace(/\/+$/, ''),
      });
      return;
    }
    // [RI1] [RI11] [RI12] Tagged items and counts.
    if (isItemsRoute(segments)) {
      context.route = '/_rfid';
      await serveRfidItems({
        storage,
        principal,
        method: method ?? 'GET',
        segments,
        readJson: () => readJson(req),
        header: headerOf(req),
        send: (status, body) => sendJson(res, status, body),
        now,
      });
      return;
    }
    if (dbName === TRANSFERS_ROUTE || dbName === ESL_ROUTE) {
      // [TF8] A store's devices confirm transfer steps; [EL8] its shelf-label service.
      context.route = `/${dbName}`;
      const request: ServiceRequest = {
        storage,
        principal,
        method: method ?? 'GET',
        segments,
        query: url.searchParams,
        readJson: () => readJson(req),
        header: headerOf(req),
        send: (status, body) => sendJson(res, status, body),
        takeLookup: () => null,
        logLookup: () => undefined,
        now,
        log,
        privacy,
        routing,
      };
      await (dbName === TRANSFERS_ROUTE ? serveTransfers : serveShelfLabelService)(request);
      return;
    }
    if (!db) {
      // [MB1] [PT5] [EX3] [FX4] Online checks for tills and reviews for HQ.
      const service: ServiceRequest = {
        storage,
        principal,
        method: method ?? 'GET',
        segments,
        query: url.searchParams,
        readJson: () => readJson(req),
        header: headerOf(req),
        send: (status, body) => sendJson(res, status, body),
        takeLookup: () => lookupLimiter?.take(principalKey(principal), Date.now()) ?? null,
        // [MB3] Who looked up whom: ids and a masked phone, never a token.
        logLookup: (entry) =>
          log('info', 'member lookup', {
            ...entry,
            ...(principal.kind === 'device'
              ? { deviceId: principal.deviceId, storeId: principal.storeId }
              : { adminId: principal.adminId }),
            at: now().toISOString(),
          }),
        now,
        log,
        privacy,
        routing,
      };
      // [CS1]-[CS5] [DQ1]-[DQ4] Consent, the outbox and data-subject requests.
      const handled = await servePrivacy({
        ...service,
        sendText: (status, headers, body) => {
          res.writeHead(status, { ...CORS_HEADERS, 'cache-control': 'no-store', ...headers });
          res.end(body);
        },
        requestUrl: requestUrl(req),
        consent: {
          // [DQ3] [PK6] Exports and deletions go through the members' vault, each read audited.
          readLog: async (memberId) =>
            (await storage.findDocs(PII_READS_DB, { memberId })).map((row) => row.body),
          ...options.consent,
          vault:
            options.consent && 'vault' in options.consent
              ? options.consent.vault
              : memberVault(storage, privacy, {
                  actor: principalKey(principal),
                  reason: 'data-subject request',
                  now,
                }),
        },
      });
      if (!handled) await serveService(service);
      return;
    }
    const [first, ...more] = rest;
    const writing = first === '_bulk_docs' || first === '_local';
    const refused = writing ? null : readRefusal(principal, db);
    if (refused) throw new SyncError('forbidden', refused);
    if (first === undefined) {
      allow('GET');
      const info = await storage.dbInfo(db, readScope(principal, db));
      sendJson(res, 200, {
        db_name: db,
        doc_count: info.docCount,
        doc_del_count: 0,
        update_seq: info.updateSeq,
        purge_seq: 0,
        compact_running: false,
        disk_format_version: 8,
        instance_start_time: String(startedAt.getTime() * 1000),
      });
      return;
    }
    if (first === '_changes' && more.length === 0) {
      allow('GET');
      await changes(db, req, url, principal, res);
      return;
    }
    if (first === '_all_docs' && more.length === 0) {
      allow('GET', 'POST');
      await allDocs(db, req, url, principal, res);
      return;
    }
    if (first === '_bulk_docs' && more.length === 0) {
      allow('POST');
      const docs = orThrow(parseBulkDocsBody(await readJson(req, true)));
      const rows = await pushDocs(storage, principal, db, docs, now, privacy, paymentOptions);
      for (const row of rows) {
        if (!('error' in row)) continue;
        metrics.documentRejected(db, row.error);
        context.refused ??= `${db}/${row.id}: ${row.error} ${row.reason}`;
      }
      sendJson(res, 201, rows);
      return;
    }
    if (first === '_revs_diff' && more.length === 0) {
      allow('POST');
      await revsDiff(db, req, principal, res);
      return;
    }
    if (first === '_bulk_get' && more.length === 0) {
      allow('POST');
      await bulkGet(db, req, url, principal, res);
      return;
    }
    if (first === '_local' && more.length === 1 && more[0] !== '') {
      allow('GET', 'PUT');
      await localDoc(db, more[0]!, req, principal, res, method ?? 'GET');
      return;
    }
    if (first.startsWith('_') || more.length > 0) {
      throw new SyncError('not_found', `no such endpoint: ${url.pathname}`);
    }
    allow('GET');
    const row = (await readDocs(storage, db, [first], readScope(principal, db))).get(first);
    if (!row) throw new SyncError('not_found', 'missing');
    sendJson(res, 200, toCouchDoc(row.id, row.rev, row.body));
  }

  metrics.gauge(
    'pos_sync_changes_listeners',
    'Longpoll _changes requests of this process waiting for a change.',
    () => waiting.size,
  );
  metrics.gauge(
    'pos_sync_quiet_polls',
    '[FL5] Polls of this process answered empty without reading the database.',
    () => quietFeeds?.hits ?? 0,
  );
  metrics.gauge(
    'pos_sync_read_polls',
    'Polls of this process that read the database.',
    () => quietFeeds?.misses ?? 0,
  );

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const finished = metrics.startRequest();
    const context: RequestContext = { route: 'other', principal: null };
    // [FL5] A request that may write: polls read the database until it ended.
    const writeEnded = READ_METHODS.has(req.method ?? '')
      ? null
      : quietFeeds?.writeStarted(req.method === 'POST' && FACT_PUSH.test(req.url ?? ''));
    res.once('close', () => {
      writeEnded?.(context.principal ? principalKey(context.principal) : null);
      const method = LOGGED_METHODS.has(req.method ?? '') ? req.method! : 'other';
      const status = res.statusCode;
      const seconds = finished({ method, route: context.route, status });
      const who = context.principal;
      // [RM8] A device's pull or push, and whether it failed, for its sync health.
      const sync = context.route.endsWith('/_changes')
        ? 'pull'
        : context.route.endsWith('/_bulk_docs')
          ? 'push'
          : null;
      if (deviceHealth && who?.kind === 'device' && (sync || status >= 400)) {
        deviceHealth.record({
          deviceId: who.deviceId,
          storeId: who.storeId,
          kind: sync ?? 'pull',
          at: now(),
          appVersion: headerOf(req)(APP_VERSION_HEADER),
          factsWaiting: headerOf(req)(FACTS_WAITING_HEADER),
          error: status >= 400 ? `${status} ${method} ${context.route}` : context.refused,
        });
      }
      requestLog?.({
        method,
        route: context.route,
        status,
        ms: seconds * 1000,
        ...(who?.kind === 'device' ? { deviceId: who.deviceId, storeId: who.storeId } : {}),
        ...(who?.kind === 'admin' ? { adminId: who.adminId } : {}),
      });
    });
    route(req, res, context).catch((caught: unknown) => {
      let error = caught;
      if (res.headersSent && !res.writableEnded) {
        // [P8] A longpoll whose heartbeats sent 200 cannot change its status:
        // cut the connection mid-chunk so the client sees a failed request
        // (never a 200 with an error body) and retries, getting the status.
        log(
          error instanceof SyncError ? 'info' : 'warn',
          'request failed after its status was sent',
          {
            method: req.method,
            route: context.route,
            error: error instanceof Error ? error.message : String(error),
            at: now().toISOString(),
          },
        );
        res.destroy();
        return;
      }
      if (error instanceof StorageUnavailableError) {
        // [ST12] The database is down or its connection was cut: retry soon.
        log('warn', 'database unavailable', {
          method: req.method,
          route: context.route,
          error: error.message,
          at: now().toISOString(),
        });
        error = new SyncError(
          'unavailable',
          'the database is unavailable; retry shortly',
          { retry_after_ms: UNAVAILABLE_RETRY_AFTER_S * 1000 },
          { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) },
        );
      }
      if (error instanceof SyncError) {
        const extra: Record<string, string> = { ...error.headers };
        if (error.status === 401) extra['www-authenticate'] = 'Bearer';
        // Do not read the rest of an oversized body: answer and hang up.
        if (error.status === 413) extra.connection = 'close';
        const body: JsonObject = { ...error.details, error: error.error, reason: error.reason };
        sendJson(res, error.status, body, extra);
        return;
      }
      log('error', 'request failed', {
        method: req.method,
        // [CS2] A consent page's address is its token: never logged.
        url: (req.url ?? '').replace(/^\/consent\/[^/?#]+/, '/consent/<token>'),
        error: error instanceof Error ? error.stack : String(error),
        at: now().toISOString(),
      });
      sendJson(res, 500, {
        error: 'internal_server_error',
        reason: 'the server failed to answer; see its log',
      });
    });
  };
  // [TX1] The same handler over TLS when a certificate is configured.
  const server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, handle)
    : createServer(handle);
  const scheme = options.tls ? 'https' : 'http';

  // [P4] A request node cannot even parse still gets a JSON answer, not its plain-text default.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({
      error: tooLarge ? 'too_large' : 'bad_request',
      reason: tooLarge ? 'the request headers are too large' : 'the HTTP request is malformed',
    });
    socket.end(
      `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
  });

  return {
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          ownUrl = `${scheme}://${shownHost}:${address.port}`;
          resolve(ownUrl);
        });
      });
    },
    async close() {
      closing = true;
      await sweeper?.stop();
      await tryOnOutbox?.stop();
      await rollups?.stop();
      await deviceHealth?.stop();
      await priceChanges?.stop();
      unlisten();
      quietFeeds?.close();
      unobserve();
      for (const waiter of waiting) waiter.wake();
      if (!server.listening) return;
      // Keep-alive connections go idle as their last answers (the woken
      // longpolls) are sent: close them as they do, and force the rest after a grace.
      const sweep = setInterval(() => server.closeIdleConnections(), 20);
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearInterval(sweep);
      clearTimeout(force);
    },
  };
}
