/**
 * A one-time link to the consent page for a member, asked of the sync server
 * (`POST /_consent/invitations`, [CS2]): the till prints it as a QR code and
 * the member answers on their own phone. The till never records consent.
 */
import type { ReplicaDatabase } from './database';
import { MEMBER_LOOKUP_TIMEOUT_MS } from './members';
import type { SyncTarget } from './replication';
import { syncRequestHeaders } from './sync-headers';

export type ConsentInvitationAnswer =
  | { ok: true; url: string; expiresAt: string }
  | {
      ok: false;
      /** offline: the server could not be asked; unknown-member: 404; refused: any other answer. */
      reason: 'offline' | 'unknown-member' | 'refused';
      message: string;
    };

/** Asks the sync server for a member's consent invitation; never throws. */
export async function requestConsentInvitation(
  target: SyncTarget,
  memberId: string,
  db?: ReplicaDatabase,
): Promise<ConsentInvitationAnswer> {
  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await fetcher(`${target.url.replace(/\/+$/, '')}/_consent/invitations`, {
      method: 'POST',
      headers: { ...syncRequestHeaders(target, db), 'Content-Type': 'application/json' },
      body: JSON.stringify({ memberId }),
      signal: AbortSignal.timeout(MEMBER_LOOKUP_TIMEOUT_MS),
    });
  } catch (error) {
    return {
      ok: false,
      reason: 'offline',
      message: `the sync server could not be reached (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const body = (await response.json().catch(() => null)) as {
    url?: unknown;
    expiresAt?: unknown;
    message?: unknown;
    error?: unknown;
  } | null;
  if (
    response.status === 201 &&
    typeof body?.url === 'string' &&
    typeof body.expiresAt === 'string'
  ) {
    return { ok: true, url: body.url, expiresAt: body.expiresAt };
  }
  if (response.status === 404) {
    return {
      ok: false,
      reason: 'unknown-member',
      message: `the sync server knows no member ${memberId}`,
    };
  }
  const said = typeof body?.message === 'string' ? `: ${body.message}` : '';
  return {
    ok: false,
    reason: 'refused',
    message: `the sync server answered ${response.status}${said}`,
  };
}
