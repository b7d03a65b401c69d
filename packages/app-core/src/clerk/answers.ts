/**
 * The server's answers as the clerk's use cases need them: an answer as an
 * outcome, and the last answer kept on the device so it shows, marked, when
 * no new one comes ([CL1], [CL2], [VG5]).
 */
import { done, refuse, type Outcome } from '../outcome';
import type { ClerkLocalStore, ServerAnswer } from './types';

/** The refusal codes of "no answer came" and of a use case that needs the network. */
export const OFFLINE = 'OFFLINE';

/** [CL1] An answer as an outcome: the value, `OFFLINE` with why, or the server's code and reason. */
export function outcomeOf<T, U = T>(
  answer: ServerAnswer<T>,
  context: string,
  map: (value: T) => U = (value) => value as unknown as U,
): Outcome<U> {
  if (answer.ok) return done(map(answer.value));
  if (answer.offline) {
    return refuse(OFFLINE, `${context}: ${answer.reason}`, {
      context,
      params: { reason: answer.reason },
    });
  }
  return refuse(answer.code, answer.reason, {
    context,
    params: { status: String(answer.status), ...linesNamed(answer.details) },
  });
}

/** The lines a refusal names (`lines: [{ lineId }]`), for the screen to mark them. */
function linesNamed(details: unknown): { lines?: string } {
  const lines = (details as { lines?: unknown } | undefined)?.lines;
  if (!Array.isArray(lines)) return {};
  const ids = lines
    .map((l: unknown) => (l as { lineId?: unknown } | null)?.lineId)
    .filter((id): id is string => typeof id === 'string');
  return ids.length ? { lines: ids.join(',') } : {};
}

/** Why there is no live answer, in English: no network, or the server's refusal. */
export function whyNotLive(answer: ServerAnswer<unknown> | null): string {
  if (!answer) return 'the tablet is offline';
  if (answer.ok) return '';
  return answer.offline
    ? answer.reason
    : `the sync server refused (${answer.code}): ${answer.reason}`;
}

/**
 * [CL4] [CL10] [VG5] Asks the server when online and keeps the answer under
 * `key`; with no answer (offline, refused) the last kept one, stale, with
 * why; with none kept, `null` and why.
 */
export async function liveOrLast<T>(
  local: ClerkLocalStore,
  key: string,
  online: boolean,
  ask: () => Promise<ServerAnswer<T>>,
): Promise<
  { state: 'live' | 'stale'; value: T; reason?: string } | { state: 'none'; reason: string }
> {
  const answer = online ? await ask() : null;
  if (answer?.ok) {
    await local.set(key, answer.value);
    return { state: 'live', value: answer.value };
  }
  const reason = whyNotLive(answer);
  const last = await local.get<T>(key);
  return last === null ? { state: 'none', reason } : { state: 'stale', value: last, reason };
}
