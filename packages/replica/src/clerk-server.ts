/**
 * The clerk routes of the sync server (`/_clerk/`, @pos/domain clerk-api.ts)
 * over HTTP, as the clerk's tablet asks them: with the device's token and
 * the sync contract's versions (sync-headers.ts), a timeout, and every
 * answer as the value, "offline" (no answer came: no network, a timeout,
 * the server down or an answer that could not be read) or the server's
 * refusal with its status and code. Never throws. It is the domain's
 * `ClerkServer`, which the app core's clerk desk is given.
 */
import type { ClerkServer, ClerkServerAnswer, SchemaVersions } from '@pos/domain';
import type { ReplicaDatabase } from './database';
import { syncRequestHeaders } from './sync-headers';

/** How long the tablet waits for the sync server before it says "offline". */
export const CLERK_REQUEST_TIMEOUT_MS = 8_000;

/** The clerk routes over HTTP ([CL1]); the shape is the domain's `ClerkServer`. */
export type HttpClerkServer = ClerkServer;

export type HttpClerkServerOptions = {
  /** The sync server's base URL (the tablet's sync target), e.g. https://sync.example:5984 */
  baseUrl: string;
  /** The device's token. */
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The versions sent in `X-Pos-Schema`: the replica's (`db`) or these; else the domain's. */
  db?: ReplicaDatabase;
  schemaVersions?: SchemaVersions;
};

/** The error code of a refusal body: its `code`, else its `error` in upper case. */
function refusalCode(body: Record<string, unknown> | null, status: number): string {
  if (typeof body?.code === 'string' && body.code) return body.code;
  if (typeof body?.error === 'string' && body.error) return body.error.toUpperCase();
  return `HTTP_${status}`;
}

/** [CL1] The `/_clerk/` routes over HTTP. */
export function createHttpClerkServer(options: HttpClerkServerOptions): HttpClerkServer {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? CLERK_REQUEST_TIMEOUT_MS;
  const target = {
    url: base,
    token: options.token,
    ...(options.schemaVersions ? { schemaVersions: options.schemaVersions } : {}),
  };

  async function ask<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ClerkServerAnswer<T>> {
    const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await fetcher(`${base}${path}`, {
        method,
        headers: {
          ...syncRequestHeaders(target, options.db),
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      return {
        ok: false,
        offline: true,
        reason:
          name === 'TimeoutError' || name === 'AbortError'
            ? `the sync server did not answer within ${Math.round(timeoutMs / 1000)} s`
            : `the sync server could not be reached (${error instanceof Error ? error.message : String(error)})`,
      };
    }
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch {
      parsed = undefined;
    }
    if (response.ok) {
      // A success that cannot be read is no answer: asking again (the same
      // Idempotency-Key for an order) gets it.
      if (typeof parsed !== 'object' || parsed === null) {
        return {
          ok: false,
          offline: true,
          reason: `the sync server's answer (${response.status}) could not be read`,
        };
      }
      return { ok: true, value: parsed as T };
    }
    const refusal =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    const { error: _error, code: _code, reason, ...details } = refusal ?? {};
    return {
      ok: false,
      offline: false,
      status: response.status,
      code: refusalCode(refusal, response.status),
      reason:
        typeof reason === 'string' && reason
          ? reason
          : `the sync server answered ${response.status}`,
      ...(Object.keys(details).length ? { details } : {}),
    };
  }

  const id = encodeURIComponent;
  return {
    chainStock: (styleId, query = {}) => {
      const params = new URLSearchParams({ style: styleId });
      if (query.sku !== undefined) params.set('sku', query.sku);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      return ask('GET', `/_clerk/stock?${params.toString()}`);
    },
    placeOrder: (request) =>
      ask('POST', '/_clerk/orders', request, { 'Idempotency-Key': request.requestId }),
    order: (orderId) => ask('GET', `/_clerk/orders/${id(orderId)}`),
    pay: (orderId) => ask('POST', `/_clerk/orders/${id(orderId)}/pay`, {}),
    commission: (staffId) => ask('GET', `/_clerk/commission?staffId=${id(staffId)}`),
    editCredit: (edit) => ask('POST', '/_clerk/credit-edits', edit),
    newMember: (member) => ask('POST', '/_clerk/members', member),
    findMember: (phoneIndex) => ask('GET', `/_clerk/members?phoneIndex=${id(phoneIndex)}`),
    newAddress: (address) => ask('POST', '/_clerk/addresses', address),
  };
}
