/**
 * Finding a member at the till. The replica holds the members of the
 * terminal's own store (the server sends a device the members whose
 * `homeStoreId` is its store); any other member is asked of the sync server
 * when it answers; offline, an unknown member's phone is recorded on the sale
 * for the server to attach.
 */
import { maskPhone, type Member, type MemberForTill, type MemberLookup } from '@pos/domain';
import type { ReplicaDatabase } from './database';
import type { SyncTarget } from './replication';
import { syncRequestHeaders } from './sync-headers';

/**
 * A member as the till knows them for the sale in progress: from its replica
 * the whole document; from the sync server what the sale needs, the name
 * masked and the phone the one the cashier typed ([PV3]).
 */
export type MemberAtTill = Pick<Member, 'id' | 'name' | 'phone' | 'tier' | 'points' | 'status'>;

export type MemberFound =
  /** The member, from this terminal's replica or from the sync server. */
  | { status: 'found'; member: MemberAtTill; from: 'replica' | 'server' }
  /** The sync server answered: no member has this phone. */
  | { status: 'not-found'; reason: string }
  /**
   * Not on this terminal and the server could not be asked (offline): sell
   * with `record` on the sale (`memberPhone` or `memberId`), and the server
   * attaches the member when the sale uploads.
   */
  | {
      status: 'unknown';
      record: { memberPhone: string } | { memberId: string };
      reason: string;
    };

/** How long the till waits for the server before selling as "unknown member". */
export const MEMBER_LOOKUP_TIMEOUT_MS = 3_000;

/**
 * A member by phone or member id (as `memberLookup` in the domain parses what
 * the cashier typed or scanned): the replica first, then the sync server.
 */
export async function findMember(
  db: ReplicaDatabase,
  target: SyncTarget,
  lookup: MemberLookup,
): Promise<MemberFound> {
  const local =
    lookup.by === 'phone'
      ? await db.members.findOne({ selector: { phone: lookup.phone } }).exec()
      : await db.members.findOne(lookup.memberId).exec();
  if (local) return { status: 'found', member: local.toJSON() as Member, from: 'replica' };

  if (lookup.by === 'id') {
    // A member QR is signed, so its id can go on the sale as it is.
    return {
      status: 'unknown',
      record: { memberId: lookup.memberId },
      reason: `Member ${lookup.memberId} is not on this terminal; the sale carries the member id`,
    };
  }
  const offline = {
    status: 'unknown',
    record: { memberPhone: lookup.phone },
  } as const;
  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  const base = target.url.replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetcher(`${base}/_members/lookup?phone=${encodeURIComponent(lookup.phone)}`, {
      headers: syncRequestHeaders(target, db),
      signal: AbortSignal.timeout(MEMBER_LOOKUP_TIMEOUT_MS),
    });
  } catch {
    return {
      ...offline,
      reason: `Offline: member ${lookup.phone} is recorded with the sale and attached later`,
    };
  }
  if (response.status === 404) {
    return { status: 'not-found', reason: `No member has the phone ${lookup.phone}` };
  }
  const body = response.ok ? ((await response.json().catch(() => null)) as unknown) : null;
  // [PV3] The answer's phone is masked: it must fit the phone that was asked for.
  if (isMemberForTill(body) && body.phone === maskPhone(lookup.phone)) {
    const { id, name, tier, points, status } = body;
    return {
      status: 'found',
      member: { id, name, tier, points, status, phone: lookup.phone },
      from: 'server',
    };
  }
  return {
    ...offline,
    reason: `The sync server could not look up ${lookup.phone} (${response.status}); the phone is recorded with the sale`,
  };
}

function isMemberForTill(value: unknown): value is MemberForTill {
  const m = value as Partial<MemberForTill> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.id === 'string' &&
    typeof m.phone === 'string' &&
    typeof m.name === 'string' &&
    typeof m.tier === 'string' &&
    typeof m.points === 'number' &&
    (m.status === 'active' || m.status === 'closed')
  );
}
