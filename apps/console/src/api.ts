/**
 * The console's client of the server's `/_rfid/` reports (same origin), with
 * the HQ admin token. Answers the wire types of @pos/domain's rfid-api.ts or
 * throws `ConsoleApiError` with the server's reason.
 */
import type { TriedNotBoughtAnswer, TryOnReportAnswer } from '@pos/domain';

export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleApiError';
  }
}

async function getJson<T>(token: string, path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      cache: 'no-store',
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ConsoleApiError(0, 'The server cannot be reached');
  }
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const reason =
      body && typeof body === 'object'
        ? ((body as { reason?: unknown }).reason ?? (body as { error?: unknown }).error)
        : null;
    throw new ConsoleApiError(
      res.status,
      typeof reason === 'string' && reason ? reason : `HTTP ${res.status}`,
    );
  }
  return body as T;
}

/** [RI6] Conversion over `[from, to)` for every store. */
export function fetchConversion(
  token: string,
  period: { from: string; to: string },
  signal?: AbortSignal,
): Promise<TryOnReportAnswer> {
  const query = new URLSearchParams({ from: period.from, to: period.to });
  return getJson(token, `/_rfid/tryons/report?${query}`, signal);
}

/** [RI7] The day's tried-not-bought list for every store. */
export function fetchTriedNotBought(
  token: string,
  day: string,
  signal?: AbortSignal,
): Promise<TriedNotBoughtAnswer> {
  return getJson(token, `/_rfid/tryons/not-bought?${new URLSearchParams({ day })}`, signal);
}
