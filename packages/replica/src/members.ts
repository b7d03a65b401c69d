/**
 * Finding a member at the till. The replica holds the members of the
 * terminal's own store (the server sends a device the members whose
 * `homeStoreId` is its store), masked and blind-indexed ([PI1]); any other
 * member is asked of the sync server when it answers; offline, an unknown
 * member's phone index is recorded on the sale for the server to attach.
 * No phone or name in plaintext is read, sent or kept here: a typed phone
 * arrives as its blind index ([PI2]) and its masked form.
 */
import {
  maskPhone,
  phoneIndex,
  type IndexKey,
  type Member,
  type MemberForTill,
  type MemberLookup,
} from '@pos/domain';
import type { ReplicaDatabase } from './database';
import type { SyncTarget } from './replication';
import { syncRequestHeaders } from './sync-headers';

/**
 * A member as the till knows them for the sale in progress: masked, from its
 * replica or from the sync server ([PV3]), with the phone's blind index when
 * the till has it (the points check names the member by it).
 */
export type MemberAtTill = MemberForTill & { phoneIndex?: string };

/**
 * What the till asks for: a typed phone as its blind index under the
 * device's index key, with its masked form (to check the server's answer
 * and to show); or a member id from a signed member QR.
 */
export type MemberQuery =
  { by: 'phoneIndex'; phoneIndex: string; maskedPhone: string } | { by: 'id'; memberId: string };

/**
 * [PI2] What the cashier typed or scanned (the domain's `memberLookup`) as a
 * query: a phone is hashed here, on the device, under its index key, and
 * only the index and the masked phone go on.
 */
export function memberQuery(lookup: MemberLookup, indexKey: IndexKey): MemberQuery {
  return lookup.by === 'id'
    ? lookup
    : {
        by: 'phoneIndex',
        phoneIndex: phoneIndex(indexKey, lookup.phone),
        maskedPhone: maskPhone(lookup.phone),
      };
}

export type MemberFound =
  /** The member, from this terminal's replica or from the sync server. */
  | { status: 'found'; member: MemberAtTill; from: 'replica' | 'server' }
  /** The sync server answered: no member has this phone (or the member is erased). */
  | { status: 'not-found'; reason: string }
  /**
   * Not on this terminal and the server could not be asked (offline): sell
   * with `record` on the sale (`memberPhoneIndex` or `memberId`), and the
   * server attaches the member when the sale uploads.
   */
  | {
      status: 'unknown';
      record: { memberPhoneIndex: string } | { memberId: string };
      reason: string;
    }
  /**
   * A phone was typed and this terminal holds no index key to hash it with:
   * nothing is looked up or sent; the member QR still works.
   */
  | { status: 'no-index-key'; reason: string };

/** How long the till waits for the server before selling as "unknown member". */
export const MEMBER_LOOKUP_TIMEOUT_MS = 3_000;

/** A member who asked to be deleted ([PI5]) is found by nobody. */
const usable = (member: Pick<Member, 'status'>) => member.status !== 'erased';

export const NO_INDEX_KEY = 'this terminal has no member index key; scan the member QR';

/**
 * A member by phone or member id (as the domain's `memberLookup` parses what
 * the cashier typed or scanned): a phone is hashed here under `indexKey`
 * ([PI2]); then the replica first (an indexed query on `phoneIndex`), then
 * the sync server (`GET /_members/lookup?phoneIndex=`).
 */
export async function findMember(
  db: ReplicaDatabase,
  target: SyncTarget,
  lookup: MemberLookup | MemberQuery,
  indexKey?: IndexKey,
): Promise<MemberFound> {
  if (lookup.by === 'phone' && !indexKey) return { status: 'no-index-key', reason: NO_INDEX_KEY };
  const query = lookup.by === 'phone' ? memberQuery(lookup, indexKey!) : lookup;
  const doc =
    query.by === 'phoneIndex'
      ? await db.members.findOne({ selector: { phoneIndex: query.phoneIndex } }).exec()
      : await db.members.findOne(query.memberId).exec();
  const local = doc ? (doc.toJSON() as Member) : null;
  if (local && !usable(local)) {
    return { status: 'not-found', reason: 'This member is no longer a member' };
  }
  if (local) return { status: 'found', member: atTill(local), from: 'replica' };

  if (query.by === 'id') {
    // A member QR is signed, so its id can go on the sale as it is.
    return {
      status: 'unknown',
      record: { memberId: query.memberId },
      reason: `Member ${query.memberId} is not on this terminal; the sale carries the member id`,
    };
  }
  const { phoneIndex, maskedPhone } = query;
  const offline = { status: 'unknown', record: { memberPhoneIndex: phoneIndex } } as const;
  const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
  const base = target.url.replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetcher(
      `${base}/_members/lookup?phoneIndex=${encodeURIComponent(phoneIndex)}`,
      {
        headers: syncRequestHeaders(target, db),
        signal: AbortSignal.timeout(MEMBER_LOOKUP_TIMEOUT_MS),
      },
    );
  } catch {
    return {
      ...offline,
      reason: `Offline: member ${maskedPhone} is recorded with the sale and attached later`,
    };
  }
  if (response.status === 404) {
    return { status: 'not-found', reason: `No member has the phone ${maskedPhone}` };
  }
  const body = response.ok ? ((await response.json().catch(() => null)) as unknown) : null;
  // [PV3] The answer is masked: it must fit the phone that was asked for.
  if (isMemberForTill(body) && body.maskedPhone === maskedPhone) {
    if (!usable(body))
      return { status: 'not-found', reason: `No member has the phone ${maskedPhone}` };
    return { status: 'found', member: { ...atTill(body), phoneIndex }, from: 'server' };
  }
  return {
    ...offline,
    reason: `The sync server could not look up ${maskedPhone} (${response.status}); the phone is recorded with the sale`,
  };
}

/** What the sale in progress keeps of a member: the masked view, nothing else. */
function atTill(member: MemberForTill & { phoneIndex?: string }): MemberAtTill {
  return {
    id: member.id,
    maskedName: member.maskedName,
    maskedPhone: member.maskedPhone,
    tier: member.tier,
    points: member.points,
    status: member.status,
    ...(member.phoneIndex !== undefined ? { phoneIndex: member.phoneIndex } : {}),
  };
}

function isMemberForTill(value: unknown): value is MemberForTill {
  const m = value as Partial<MemberForTill> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.id === 'string' &&
    typeof m.maskedPhone === 'string' &&
    typeof m.maskedName === 'string' &&
    typeof m.tier === 'string' &&
    typeof m.points === 'number' &&
    (m.status === 'active' || m.status === 'closed' || m.status === 'erased')
  );
}
