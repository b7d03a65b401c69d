/**
 * One request of a device to the sync server's own routes (`/_clerk/`,
 * `/_rfid/`): the device's token and the sync contract's versions
 * (sync-headers.ts), a timeout, and every answer as the value, "offline" (no
 * answer came: no network, a timeout, the server down or an answer that
 * could not be read) or the server's refusal with its status and code.
 * Never throws. The clerk and RFID clients are made of it.
 */
import type { ClerkServerAnswer, SchemaVersions } from '@pos/domain';
import type { ReplicaDatabase } from './database';
import { syncRequestHeaders } from './sync-headers';

/** How long a tablet waits for the sync server before it says "offline". */
export const CLERK_REQUEST_TIMEOUT_MS = 8_000;

export type DeviceRequestOptions = {
  /** The sync server's base URL (the device's sync target), e.g. https://sync.example:5984 */
  baseUrl: string;
  /** The device's token. */
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The versions sent in `X-Pos-Schema`: the replica's (`db`) or these; else the domain's. */
  db?: ReplicaDatabase;
  schemaVersions?: SchemaVersions;
};

/** Asks one route: the value, offline, or the refusal. */
export type DeviceRequest = <T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ClerkServerAnswer<T>>;

/** The error code of a refusal body: its `code`, else its `error` in upper case. */
function refusalCode(body: Record<string, unknown> | null, status: number): string {
  if (typeof body?.code === 'string' && body.code) return body.code;
  if (typeof body?.error === 'string' && body.error) return body.error.toUpperCase();
  return `HTTP_${status}`;
}

/** A device's requests to the sync server's routes. */
export function createDeviceRequest(options: DeviceRequestOptions): DeviceRequest {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? CLERK_REQUEST_TIMEOUT_MS;
  const target = {
    url: base,
    token: options.token,
    ...(options.schemaVersions ? { schemaVersions: options.schemaVersions } : {}),
  };

  return async function ask<T>(
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
      // Idempotency-Key for an order or a count) gets it.
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
  };
}
