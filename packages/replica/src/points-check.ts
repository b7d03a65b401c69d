/**
 * Before points pay, the till asks the sync server whether the member's
 * balance covers them now (another till may have spent them). Offline, the
 * replica's balance decides and the server applies the redemption on upload.
 */
import type { SyncTarget } from './replication';
import { syncRequestHeaders } from './sync-headers';

export type PointsCheck =
  { ok: true; balance: number } | { ok: false; reason: string } | { offline: true };

/**
 * `phoneIndex` is the blind index of the member's phone as the till has it
 * (from its replica, or hashed from what the cashier typed): the server tells
 * the balance of another store's member only to a till that names it. No
 * phone in plaintext is sent ([PI2]).
 */
export type PointsChecker = (
  memberId: string,
  points: number,
  phoneIndex?: string,
) => Promise<PointsCheck>;

export const POINTS_CHECK_TIMEOUT_MS = 3_000;

export function onlinePointsChecker(target: SyncTarget): PointsChecker {
  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  return async (memberId, points, phoneIndex) => {
    let response: Response;
    try {
      response = await fetcher(`${target.url.replace(/\/+$/, '')}/_points/check`, {
        method: 'POST',
        headers: { ...syncRequestHeaders(target), 'Content-Type': 'application/json' },
        body: JSON.stringify({ memberId, points, ...(phoneIndex ? { phoneIndex } : {}) }),
        signal: AbortSignal.timeout(POINTS_CHECK_TIMEOUT_MS),
      });
    } catch {
      return { offline: true };
    }
    const body = (await response.json().catch(() => ({}))) as {
      balance?: number;
      reason?: string;
    };
    if (response.status === 200) return { ok: true, balance: body.balance ?? points };
    if (response.status === 409) {
      return { ok: false, reason: body.reason ?? 'the member does not have these points' };
    }
    return { offline: true }; // the server could not answer: the replica decides
  };
}
