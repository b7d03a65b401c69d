/**
 * The RFID routes of the sync server (`/_rfid/`, @pos/domain rfid-api.ts)
 * as the clerk's tablet asks them: a member's tried items, suggestions,
 * counts and their approval. Like the clerk routes (clerk-server.ts): the
 * device's token and the sync contract's versions, a timeout, and every
 * answer as the value, "offline" (no answer came) or the server's refusal
 * with its status and code. Never throws. The app core's fitting-room and
 * count use cases are given it ([FM1]).
 */
import type {
  ApproveCountRequest,
  ClerkServerAnswer,
  CountAnswer,
  CountRequest,
  MemberTryOnsAnswer,
  SchemaVersions,
  SuggestionsAnswer,
} from '@pos/domain';
import { CLERK_REQUEST_TIMEOUT_MS } from './clerk-server';
import type { ReplicaDatabase } from './database';
import { syncRequestHeaders } from './sync-headers';

/** An answer of the RFID routes: the same three shapes as the clerk routes'. */
export type RfidServerAnswer<T> = ClerkServerAnswer<T>;

/** [FM1] The `/_rfid/` routes a tablet asks. */
export type RfidServer = {
  /** `GET /_rfid/tryons?member=[&since=]`: the member's tried items at this store. */
  memberTryOns(memberId: string, since?: string): Promise<RfidServerAnswer<MemberTryOnsAnswer>>;
  /** `GET /_rfid/suggestions?skus=` (no personal data) or `?member=` (only with consent). */
  suggestions(
    query: { skus: string[] } | { member: string },
  ): Promise<RfidServerAnswer<SuggestionsAnswer>>;
  /** `POST /_rfid/counts` with `Idempotency-Key` = the count's id: the same count again answers the same draft. */
  submitCount(request: CountRequest): Promise<RfidServerAnswer<CountAnswer>>;
  /** `POST /_rfid/counts/<countId>/approve`. */
  approveCount(
    countId: string,
    approval: ApproveCountRequest,
  ): Promise<RfidServerAnswer<CountAnswer>>;
};

export type HttpRfidServerOptions = {
  /** The sync server's base URL (the tablet's sync target). */
  baseUrl: string;
  /** The device's token. */
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  db?: ReplicaDatabase;
  schemaVersions?: SchemaVersions;
};

/** The error code of a refusal body: its `code`, else its `error` in upper case. */
function refusalCode(body: Record<string, unknown> | null, status: number): string {
  if (typeof body?.code === 'string' && body.code) return body.code;
  if (typeof body?.error === 'string' && body.error) return body.error.toUpperCase();
  return `HTTP_${status}`;
}

/** [FM1] The `/_rfid/` routes over HTTP. */
export function createHttpRfidServer(options: HttpRfidServerOptions): RfidServer {
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
  ): Promise<RfidServerAnswer<T>> {
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
      // A success that cannot be read is no answer: a count sent again (same key) gets it.
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
    memberTryOns: (memberId, since) => {
      const params = new URLSearchParams({ member: memberId });
      if (since !== undefined) params.set('since', since);
      return ask('GET', `/_rfid/tryons?${params.toString()}`);
    },
    suggestions: (query) => {
      const params =
        'skus' in query
          ? new URLSearchParams({ skus: query.skus.join(',') })
          : new URLSearchParams({ member: query.member });
      return ask('GET', `/_rfid/suggestions?${params.toString()}`);
    },
    submitCount: (request) =>
      ask('POST', '/_rfid/counts', request, { 'Idempotency-Key': request.countId }),
    approveCount: (countId, approval) =>
      ask('POST', `/_rfid/counts/${id(countId)}/approve`, approval),
  };
}
