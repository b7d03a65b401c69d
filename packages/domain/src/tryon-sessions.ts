/**
 * Try-on sessions from zone events: a tag entering a fitting-room zone opens
 * a session, leaving the room (or the store) closes it into a `tryOn` fact.
 * The store's fitting-room service folds the zone engine's events through
 * `trackTryOns`; the state is plain data (it is saved with the service's
 * outbox). Pure: no clock, no randomness; the caller gives the ids.
 * See SPEC.md [TO3], [TO4], [TO6], [TO13].
 */
import type {
  FittingRoomPolicy,
  FittingRoomView,
  OpenTryOnSession,
  TryOnFact,
  Zone,
  ZoneEvent,
} from './tryons';

/** The open sessions, by EPC: a tag has at most one ([TO3]). */
export type TryOnTracking = { readonly open: Readonly<Record<string, OpenTryOnSession>> };

export const NO_TRY_ONS: TryOnTracking = { open: {} };

/** Who writes the facts, and the id of each new session (`${deviceId}-<ULID>`). */
export type TryOnIds = { storeId: string; deviceId: string; newId: () => string };

export type TryOnStep = {
  state: TryOnTracking;
  /** Sessions opened by this event. */
  opened: OpenTryOnSession[];
  /** Sessions closed by this event, as their facts ([TO4]). */
  closed: TryOnFact[];
};

/** The longest duration a fact may carry (its schema's limit). */
const MAX_FACT_DURATION_MS = 86_400_000;

/**
 * [TO3] One zone event: entering a fitting room (arrived or moved into it)
 * opens a session there; moving anywhere else or departing closes the tag's
 * session; moving from one room to another closes one and opens the other.
 * A tag seen again in the room it has a session in keeps it. An event with a
 * time that cannot be read changes nothing.
 */
export function trackTryOns(
  state: TryOnTracking,
  event: ZoneEvent,
  rooms: ReadonlySet<string>,
  policy: FittingRoomPolicy,
  ids: TryOnIds,
): TryOnStep {
  const atMs = Date.parse(event.at);
  if (!Number.isFinite(atMs)) return { state, opened: [], closed: [] };
  const current = state.open[event.epc];
  const intoRoom = event.kind !== 'departed' && rooms.has(event.zone);
  if (current && intoRoom && current.room === event.zone) {
    return { state, opened: [], closed: [] };
  }
  const open = { ...state.open };
  const closed: TryOnFact[] = [];
  const opened: OpenTryOnSession[] = [];
  if (current) {
    delete open[event.epc];
    closed.push(
      closeSession(
        current,
        atMs,
        event.kind === 'departed' ? 'departed' : 'left-room',
        policy,
        ids,
      ),
    );
  }
  if (intoRoom) {
    const session: OpenTryOnSession = {
      id: ids.newId(),
      storeId: ids.storeId,
      epc: event.epc,
      ...(event.gtin !== undefined ? { gtin: event.gtin } : {}),
      ...(event.serial !== undefined ? { serial: event.serial } : {}),
      room: event.zone,
      openedAt: new Date(atMs).toISOString(),
    };
    open[event.epc] = session;
    opened.push(session);
  }
  if (!current && !intoRoom) return { state, opened: [], closed: [] };
  return { state: { open }, opened, closed };
}

/**
 * [TO3] Closes every session open longer than `maxSessionMs` as of `nowIso`,
 * at that length (`closedBy: 'max-length'`): a tag left in a room.
 */
export function closeStale(
  state: TryOnTracking,
  nowIso: string,
  policy: FittingRoomPolicy,
  ids: Pick<TryOnIds, 'deviceId'>,
): { state: TryOnTracking; closed: TryOnFact[] } {
  const nowMs = Date.parse(nowIso);
  if (!Number.isFinite(nowMs)) return { state, closed: [] };
  const limit = maxLength(policy);
  const stale = Object.values(state.open).filter(
    (session) => nowMs - Date.parse(session.openedAt) > limit,
  );
  if (stale.length === 0) return { state, closed: [] };
  const open = { ...state.open };
  for (const session of stale) delete open[session.epc];
  return {
    state: { open },
    closed: stale.map((session) => closeSession(session, nowMs, 'max-length', policy, ids)),
  };
}

/**
 * [TO6] A member scanned their member QR at `room`: the room's open sessions
 * carry the member (and the clerk, when given), and so will the facts they
 * close into. `linked` is how many; 0 when the room is empty.
 */
export function linkMember(
  state: TryOnTracking,
  room: string,
  memberId: string,
  clerkId?: string,
): { state: TryOnTracking; linked: OpenTryOnSession[] } {
  const linked: OpenTryOnSession[] = [];
  const open = { ...state.open };
  for (const session of Object.values(state.open)) {
    if (session.room !== room) continue;
    const withMember: OpenTryOnSession = {
      ...session,
      memberId,
      ...(clerkId !== undefined ? { clerkId } : {}),
    };
    open[session.epc] = withMember;
    linked.push(withMember);
  }
  return linked.length === 0 ? { state, linked } : { state: { open }, linked };
}

/**
 * [TO13] The fitting rooms now: each fitting-room zone of the map, in the
 * map's order, with its open sessions (oldest first) and how long each has
 * been open as of `nowIso` (never negative).
 */
export function fittingRoomViews(
  state: TryOnTracking,
  zones: readonly Zone[],
  nowIso: string,
): FittingRoomView[] {
  const nowMs = Date.parse(nowIso);
  const sessions = Object.values(state.open).sort(
    (a, b) => a.openedAt.localeCompare(b.openedAt) || a.epc.localeCompare(b.epc),
  );
  return zones
    .filter((zone) => zone.kind === 'fitting-room')
    .map((room) => ({
      room,
      sessions: sessions
        .filter((session) => session.room === room.id)
        .map((session) => ({
          ...session,
          durationMs: Number.isFinite(nowMs)
            ? Math.max(0, nowMs - Date.parse(session.openedAt))
            : 0,
        })),
    }));
}

/** The ids of the fitting-room zones of a list of zones. */
export function fittingRoomIds(zones: readonly Zone[]): Set<string> {
  return new Set(zones.filter((zone) => zone.kind === 'fitting-room').map((zone) => zone.id));
}

function maxLength(policy: FittingRoomPolicy): number {
  return Math.min(Math.max(0, policy.maxSessionMs), MAX_FACT_DURATION_MS);
}

/**
 * [TO3] [TO4] The fact of a session closed at `atMs`: never before it opened
 * (an event out of order closes it at length 0), never longer than
 * `maxSessionMs` (then it closed by length), a try-on when at least
 * `minTryOnMs` long.
 */
function closeSession(
  session: OpenTryOnSession,
  atMs: number,
  by: TryOnFact['closedBy'],
  policy: FittingRoomPolicy,
  ids: Pick<TryOnIds, 'deviceId'>,
): TryOnFact {
  const openedMs = Date.parse(session.openedAt);
  const limit = maxLength(policy);
  let durationMs = Math.max(0, atMs - openedMs);
  let closedBy = by;
  if (durationMs > limit) {
    durationMs = limit;
    closedBy = 'max-length';
  }
  return {
    ...session,
    deviceId: ids.deviceId,
    closedAt: new Date(openedMs + durationMs).toISOString(),
    durationMs,
    tryOn: durationMs >= policy.minTryOnMs,
    closedBy,
  };
}
