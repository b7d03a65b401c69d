/**
 * The console's client of the server's `/_console/…` API (same origin), one
 * typed function per endpoint of @pos/domain's console-api.ts, with the
 * signed-in session's bearer token (or an HQ admin token, which the server
 * takes as an HQ admin). An answer is checked for its shape before a screen
 * sees it; a refusal throws `ConsoleApiError` with the server's reason.
 * A 401 from the console's API also calls `onUnauthorized`, so the page
 * goes back to sign-in.
 */
import type {
  AlertList,
  BindLabelsRequest,
  BopisDashboard,
  ClerksDashboard,
  ComputeSafetyStockAnswer,
  ComputeSafetyStockRequest,
  ConsoleUserView,
  CreateDeliveryRequest,
  CreateTransferRequest,
  CreateUserRequest,
  DashboardQuery,
  DevicesDashboard,
  ExceptionDetail,
  ExceptionList,
  ExceptionsDashboard,
  IntegrityReport,
  LabelList,
  LabelPushView,
  PriceChangeAnswer,
  PriceChangeRequest,
  ReplenishmentAnswer,
  Resolution,
  ResolveRequest,
  ReviewGroup,
  SafetyStockImportAnswer,
  SafetyStockList,
  SalesDashboard,
  SessionAnswer,
  SetSafetyStockRequest,
  SignInAnswer,
  SignInRequest,
  TotpSetupAnswer,
  TransferList,
  TransferOrder,
  TransferStatus,
  TriedNotBoughtAnswer,
  TryOnReportAnswer,
  UpdateUserRequest,
  LabelAckStatus,
} from '@pos/domain';

export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's answer, when it sent one. */
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ConsoleApiError';
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

type Query = Record<string, string | number | undefined | null>;

/** `path` with the query's set values, in the order given. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The server's reason in an error answer (`{reason}` or `{error}`), else `HTTP <status>`. */
export function reasonOf(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const { reason, error } = body as { reason?: unknown; error?: unknown };
    if (typeof reason === 'string' && reason) return reason;
    if (typeof error === 'string' && error) return error;
  }
  return `HTTP ${status}`;
}

/** A shape check of an answer: the fields a screen reads exist with the right kind. */
type Shape = Record<string, 'array' | 'object' | 'number' | 'string' | 'boolean'>;

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** `body` if it has `shape`, else a `ConsoleApiError` naming the first field that does not. */
export function checked<T>(path: string, body: unknown, shape: Shape): T {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ConsoleApiError(502, `unexpected answer from ${path.split('?')[0]}`, body);
  }
  for (const [field, kind] of Object.entries(shape)) {
    const actual = kindOf((body as Record<string, unknown>)[field]);
    if (actual !== kind) {
      throw new ConsoleApiError(
        502,
        `unexpected answer from ${path.split('?')[0]}: ${field} is ${actual}, not ${kind}`,
        body,
      );
    }
  }
  return body as T;
}

/** A list answered either bare or in `{ [field]: [...] }`. */
function listOf<T>(path: string, body: unknown, field: string): T[] {
  if (Array.isArray(body)) return body as T[];
  return checked<Record<string, T[]>>(path, body, { [field]: 'array' })[field]!;
}

/** One object answered bare or in `{ [field]: {...} }`. */
function oneOf<T>(path: string, body: unknown, field: string, shape: Shape): T {
  const inner =
    body && typeof body === 'object' && field in body
      ? (body as Record<string, unknown>)[field]
      : body;
  return checked<T>(path, inner, shape);
}

const USER: Shape = { id: 'string', name: 'string', role: 'string' };
const TRANSFER: Shape = { id: 'string', status: 'string', lines: 'array' };

export type ApiOptions = {
  /** The session token (or an HQ admin token); null before sign-in. */
  token: string | null;
  /** Called on any 401 but sign-in's. */
  onUnauthorized?: () => void;
  fetch?: Fetch;
};

export type ConsoleApi = ReturnType<typeof consoleApi>;

/** The console's endpoints over `options.fetch` (the browser's by default). */
export function consoleApi(options: ApiOptions) {
  const doFetch: Fetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function call(
    method: string,
    path: string,
    body?: { json: unknown } | { csv: string },
    signal?: AbortSignal,
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'text/csv; charset=utf-8';
      payload = body.csv;
    }
    let res: Response;
    try {
      res = await doFetch(path, {
        method,
        headers,
        cache: 'no-store',
        ...(payload !== undefined ? { body: payload } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ConsoleApiError(0, 'The server cannot be reached');
    }
    const answer = parseJson(await res.text().catch(() => ''));
    if (!res.ok) {
      // The session ended: any console endpoint but sign-in's own. The RFID
      // reports take only an admin token, so their 401 ends nothing.
      if (res.status === 401 && path.startsWith('/_console/') && path !== SESSION) {
        options.onUnauthorized?.();
      }
      throw new ConsoleApiError(res.status, reasonOf(res.status, answer), answer);
    }
    return answer;
  }

  const get = (path: string, signal?: AbortSignal) => call('GET', path, undefined, signal);
  const send = (method: string, path: string, json: unknown) => call(method, path, { json });

  return {
    // -- Session and users --------------------------------
    /** Sign in: the session, or `totpRequired` when a code is needed too. */
    async signIn(request: SignInRequest): Promise<SignInAnswer> {
      try {
        const body = await send('POST', SESSION, request);
        if (body && typeof body === 'object' && (body as { totpRequired?: unknown }).totpRequired) {
          return { ok: false, totpRequired: true };
        }
        return checked(SESSION, body, { token: 'string', user: 'object', permissions: 'array' });
      } catch (error) {
        // The code is asked for in a refusal too, in some servers' wording.
        if (
          error instanceof ConsoleApiError &&
          error.body &&
          typeof error.body === 'object' &&
          (error.body as { totpRequired?: unknown }).totpRequired === true
        ) {
          return { ok: false, totpRequired: true };
        }
        throw error;
      }
    },
    async session(signal?: AbortSignal): Promise<SessionAnswer> {
      const body = await get(SESSION, signal);
      return checked(SESSION, body, { user: 'object', permissions: 'array', stores: 'array' });
    },
    async signOut(): Promise<void> {
      await call('DELETE', SESSION);
    },
    async startTotp(): Promise<TotpSetupAnswer> {
      const path = `${SESSION}/totp`;
      return checked(path, await send('POST', path, {}), {
        secret: 'string',
        otpauthUrl: 'string',
      });
    },
    async confirmTotp(code: string): Promise<void> {
      await send('POST', `${SESSION}/totp/confirm`, { code });
    },
    async users(signal?: AbortSignal): Promise<ConsoleUserView[]> {
      return listOf(USERS, await get(USERS, signal), 'users');
    },
    async createUser(request: CreateUserRequest): Promise<ConsoleUserView> {
      return oneOf(USERS, await send('POST', USERS, request), 'user', USER);
    },
    async updateUser(id: string, change: UpdateUserRequest): Promise<ConsoleUserView> {
      const path = `${USERS}/${encodeURIComponent(id)}`;
      return oneOf(path, await send('PATCH', path, change), 'user', USER);
    },

    // -- Dashboards (rollups) ---------------------------------------
    async sales(
      query: DashboardQuery & { channel?: string; bucket?: 'hour' | 'day' },
      signal?: AbortSignal,
    ): Promise<SalesDashboard> {
      const path = withQuery(`${DASHBOARD}/sales`, query);
      return checked(path, await get(path, signal), {
        rows: 'array',
        totals: 'object',
        byStore: 'array',
        byChannel: 'array',
        freshness: 'object',
      });
    },
    async bopis(query: DashboardQuery, signal?: AbortSignal): Promise<BopisDashboard> {
      const path = withQuery(`${DASHBOARD}/bopis`, query);
      return checked(path, await get(path, signal), { rows: 'array', freshness: 'object' });
    },
    async clerks(query: DashboardQuery, signal?: AbortSignal): Promise<ClerksDashboard> {
      const path = withQuery(`${DASHBOARD}/clerks`, query);
      return checked(path, await get(path, signal), { rows: 'array', freshness: 'object' });
    },
    async devices(store: string | undefined, signal?: AbortSignal): Promise<DevicesDashboard> {
      const path = withQuery(`${DASHBOARD}/devices`, { store });
      return checked(path, await get(path, signal), { rows: 'array', at: 'string' });
    },
    async exceptionCounts(
      query: DashboardQuery,
      signal?: AbortSignal,
    ): Promise<ExceptionsDashboard> {
      const path = withQuery(`${DASHBOARD}/exceptions`, query);
      return checked(path, await get(path, signal), { rows: 'array' });
    },
    /** [RI6] Try-on conversion, limited to the caller's stores. */
    async tryOns(query: DashboardQuery, signal?: AbortSignal): Promise<TryOnReportAnswer> {
      const shape: Shape = { tryOns: 'number', converted: 'number', by: 'object' };
      const path = withQuery(`${DASHBOARD}/tryons`, query);
      try {
        return checked(path, await get(path, signal), shape);
      } catch (error) {
        // A server without the console's report: the RFID report for every store.
        if (!(error instanceof ConsoleApiError && error.status === 404) || query.store) throw error;
        const rfid = withQuery('/_rfid/tryons/report', { from: query.from, to: query.to });
        return checked(rfid, await get(rfid, signal), shape);
      }
    },
    /** [RI7] The day's tried-not-bought list (the RFID report; HQ admin token). */
    async triedNotBought(day: string, signal?: AbortSignal): Promise<TriedNotBoughtAnswer> {
      const path = withQuery('/_rfid/tryons/not-bought', { day });
      return checked(path, await get(path, signal), { items: 'array' });
    },

    // -- Exception review ----------------------------------
    async exceptions(
      query: {
        status: 'open' | 'resolved' | 'all';
        group?: ReviewGroup;
        store?: string;
        before?: string;
        limit?: number;
      },
      signal?: AbortSignal,
    ): Promise<ExceptionList> {
      const path = withQuery(EXCEPTIONS, query);
      return checked(path, await get(path, signal), { exceptions: 'array', more: 'boolean' });
    },
    async exception(id: string, signal?: AbortSignal): Promise<ExceptionDetail> {
      const path = `${EXCEPTIONS}/${encodeURIComponent(id)}`;
      return checked(path, await get(path, signal), {
        exception: 'object',
        facts: 'array',
        resolutions: 'array',
      });
    },
    async resolve(id: string, request: ResolveRequest): Promise<Resolution> {
      const path = `${EXCEPTIONS}/${encodeURIComponent(id)}/resolutions`;
      return oneOf(path, await send('POST', path, request), 'resolution', {
        action: 'string',
      });
    },

    // -- Inventory ---------------------------------
    async safetyStock(store: string, signal?: AbortSignal): Promise<SafetyStockList> {
      const path = withQuery('/_console/safety-stock', { store });
      return checked(path, await get(path, signal), { rows: 'array' });
    },
    async setSafetyStock(request: SetSafetyStockRequest): Promise<void> {
      await send('PUT', '/_console/safety-stock', request);
    },
    /** A CSV file's text; a refusal naming bad lines is answered, not thrown. */
    async importSafetyStock(csv: string): Promise<SafetyStockImportAnswer> {
      const path = '/_console/safety-stock/import';
      try {
        return checked(path, await call('POST', path, { csv }), { ok: 'boolean' });
      } catch (error) {
        const problems = problemsOf(error);
        if (problems) return { ok: false, problems };
        throw error;
      }
    },
    async computeSafetyStock(
      request: ComputeSafetyStockRequest,
    ): Promise<ComputeSafetyStockAnswer> {
      const path = '/_console/safety-stock/compute';
      return checked(path, await send('POST', path, request), { rows: 'array' });
    },
    async alerts(store: string | undefined, signal?: AbortSignal): Promise<AlertList> {
      const path = withQuery('/_console/alerts', { store });
      return checked(path, await get(path, signal), { alerts: 'array' });
    },
    async replenishment(store: string, signal?: AbortSignal): Promise<ReplenishmentAnswer> {
      const path = withQuery('/_console/replenishment', { store });
      return checked(path, await get(path, signal), { suggestions: 'array' });
    },
    async createTransfer(request: CreateTransferRequest): Promise<TransferOrder> {
      return oneOf(TRANSFERS, await send('POST', TRANSFERS, request), 'transfer', TRANSFER);
    },
    async createDelivery(request: CreateDeliveryRequest): Promise<TransferOrder> {
      const path = '/_console/deliveries';
      return oneOf(path, await send('POST', path, request), 'transfer', TRANSFER);
    },
    async transfers(
      query: { store?: string; status?: TransferStatus },
      signal?: AbortSignal,
    ): Promise<TransferList> {
      const path = withQuery(TRANSFERS, query);
      return checked(path, await get(path, signal), { transfers: 'array' });
    },
    async transfer(id: string, signal?: AbortSignal): Promise<TransferOrder> {
      const path = `${TRANSFERS}/${encodeURIComponent(id)}`;
      return oneOf(path, await get(path, signal), 'transfer', TRANSFER);
    },
    async cancelTransfer(id: string): Promise<TransferOrder> {
      const path = `${TRANSFERS}/${encodeURIComponent(id)}/cancel`;
      return oneOf(path, await send('POST', path, {}), 'transfer', TRANSFER);
    },

    // -- Shelf labels -------------------------------
    async labels(
      query: { store: string; status?: LabelAckStatus | 'unbound'; limit?: number },
      signal?: AbortSignal,
    ): Promise<LabelList> {
      const path = withQuery(LABELS, query);
      return checked(path, await get(path, signal), { labels: 'array', counts: 'object' });
    },
    async bindLabels(request: BindLabelsRequest): Promise<void> {
      await send('POST', `${LABELS}/bindings`, request);
    },
    async labelPushes(store: string, signal?: AbortSignal): Promise<LabelPushView[]> {
      const path = withQuery(`${LABELS}/pushes`, { store });
      return listOf(path, await get(path, signal), 'pushes');
    },
    /** The mismatches of `store`, or of every store the session sees. */
    async integrity(store: string | undefined, signal?: AbortSignal): Promise<IntegrityReport> {
      const path = withQuery(`${LABELS}/integrity`, { store });
      return checked(path, await get(path, signal), { mismatches: 'array', checked: 'number' });
    },
    async changePrice(request: PriceChangeRequest): Promise<PriceChangeAnswer> {
      const path = '/_console/prices';
      return checked(path, await send('POST', path, request), {
        priceId: 'string',
        effectiveAt: 'string',
      });
    },
  };
}

const SESSION = '/_console/session';
const USERS = '/_console/users';
const DASHBOARD = '/_console/dashboard';
const EXCEPTIONS = '/_console/exceptions';
const TRANSFERS = '/_console/transfers';
const LABELS = '/_console/labels';

/** A body's JSON, or null when it is empty or not JSON. */
function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The bad lines a refused CSV import names, if `error` is such a refusal. */
function problemsOf(error: unknown): { line: number; problem: string }[] | null {
  if (!(error instanceof ConsoleApiError) || !error.body || typeof error.body !== 'object') {
    return null;
  }
  const problems = (error.body as { problems?: unknown }).problems;
  if (!Array.isArray(problems)) return null;
  return problems.filter(
    (p): p is { line: number; problem: string } =>
      !!p &&
      typeof p === 'object' &&
      typeof (p as { line?: unknown }).line === 'number' &&
      typeof (p as { problem?: unknown }).problem === 'string',
  );
}
