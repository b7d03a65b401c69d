import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closeStale,
  fittingRoomIds,
  fittingRoomViews,
  linkMember,
  NO_TRY_ONS,
  trackTryOns,
  type TryOnIds,
  type TryOnTracking,
} from './tryon-sessions';
import {
  DEFAULT_FITTING_ROOM_POLICY,
  tryOnFactProblems,
  type FittingRoomPolicy,
  type TryOnFact,
  type Zone,
  type ZoneEvent,
} from './tryons';

const ZONES: Zone[] = [
  { id: 'FLOOR', kind: 'sales-floor', name: 'Sales floor' },
  { id: 'FR1', kind: 'fitting-room', name: 'Fitting room 1' },
  { id: 'FR2', kind: 'fitting-room', name: 'Fitting room 2' },
  { id: 'EXIT', kind: 'exit', name: 'Exit' },
];
const ROOMS = fittingRoomIds(ZONES);
const POLICY: FittingRoomPolicy = {
  minTryOnMs: 60_000,
  conversionWindowMs: 4 * 3_600_000,
  maxSessionMs: 2 * 3_600_000,
};
const EPC_A = '3034257BF7194E4000001A85';
const EPC_B = '3075A537C837754000000001';
const T0 = Date.parse('2026-12-07T02:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function idsCounting(): TryOnIds {
  let n = 0;
  return { storeId: 'S001', deviceId: 'S001-FR', newId: () => `S001-FR-${String(++n)}` };
}

function run(events: readonly ZoneEvent[], ids = idsCounting(), policy = POLICY) {
  let state: TryOnTracking = NO_TRY_ONS;
  const closed: TryOnFact[] = [];
  let opened = 0;
  for (const event of events) {
    const step = trackTryOns(state, event, ROOMS, policy, ids);
    state = step.state;
    opened += step.opened.length;
    closed.push(...step.closed);
  }
  return { state, closed, opened };
}

const ev = (
  kind: ZoneEvent['kind'],
  epc: string,
  zone: string,
  ms: number,
  extra: Partial<ZoneEvent> = {},
): ZoneEvent => ({ kind, epc, zone, at: at(ms), ...extra });

describe('try-on sessions', () => {
  it('[TO3] entering a room opens a session; leaving it closes a try-on when long enough', () => {
    const { state, closed } = run([
      ev('arrived', EPC_A, 'FLOOR', 0),
      ev('moved', EPC_A, 'FR1', 1_000, { from: 'FLOOR', gtin: '80614141123458', serial: '6789' }),
      ev('moved', EPC_A, 'FLOOR', 91_000, { from: 'FR1' }),
    ]);
    expect(state.open).toEqual({});
    expect(closed).toEqual([
      {
        id: 'S001-FR-1',
        storeId: 'S001',
        deviceId: 'S001-FR',
        epc: EPC_A,
        gtin: '80614141123458',
        serial: '6789',
        room: 'FR1',
        openedAt: at(1_000),
        closedAt: at(91_000),
        durationMs: 90_000,
        tryOn: true,
        closedBy: 'left-room',
      },
    ]);
    expect(tryOnFactProblems(closed[0])).toEqual([]);
  });

  it('[TO3] [TO4] a short session is a fact too, not a try-on', () => {
    const { closed } = run([
      ev('arrived', EPC_A, 'FR2', 0),
      ev('moved', EPC_A, 'FLOOR', 59_999, { from: 'FR2' }),
    ]);
    expect(closed).toMatchObject([{ room: 'FR2', durationMs: 59_999, tryOn: false }]);
  });

  it('[TO3] moving from one room to another closes one and opens the other', () => {
    const ids = idsCounting();
    let state = trackTryOns(NO_TRY_ONS, ev('arrived', EPC_A, 'FR1', 0), ROOMS, POLICY, ids).state;
    const step = trackTryOns(state, ev('moved', EPC_A, 'FR2', 70_000), ROOMS, POLICY, ids);
    state = step.state;
    expect(step.closed).toMatchObject([{ room: 'FR1', tryOn: true, closedBy: 'left-room' }]);
    expect(step.opened).toMatchObject([{ room: 'FR2', id: 'S001-FR-2', openedAt: at(70_000) }]);
    expect(Object.keys(state.open)).toEqual([EPC_A]);
  });

  it('[TO3] departing closes the session; seen again in the same room keeps it', () => {
    const { closed, state } = run([
      ev('arrived', EPC_A, 'FR1', 0),
      ev('arrived', EPC_A, 'FR1', 10_000),
      ev('departed', EPC_A, 'FR1', 80_000),
      ev('arrived', EPC_B, 'FR1', 0),
    ]);
    expect(closed).toMatchObject([
      { epc: EPC_A, openedAt: at(0), durationMs: 80_000, closedBy: 'departed' },
    ]);
    expect(Object.keys(state.open)).toEqual([EPC_B]);
  });

  it('[TO3] a session open longer than maxSessionMs closes at that length', () => {
    const ids = idsCounting();
    const { state } = trackTryOns(NO_TRY_ONS, ev('arrived', EPC_A, 'FR1', 0), ROOMS, POLICY, ids);
    expect(closeStale(state, at(POLICY.maxSessionMs), POLICY, ids).closed).toEqual([]);
    const stale = closeStale(state, at(POLICY.maxSessionMs + 1), POLICY, ids);
    expect(stale.state.open).toEqual({});
    expect(stale.closed).toMatchObject([
      {
        durationMs: POLICY.maxSessionMs,
        closedAt: at(POLICY.maxSessionMs),
        closedBy: 'max-length',
      },
    ]);
    // Closed late by an event: the same length, by length.
    const late = trackTryOns(
      state,
      ev('departed', EPC_A, 'FR1', 5 * 3_600_000),
      ROOMS,
      POLICY,
      ids,
    );
    expect(late.closed).toMatchObject([
      { durationMs: POLICY.maxSessionMs, closedBy: 'max-length' },
    ]);
  });

  it('[TO3] an event out of order closes at length 0; an unreadable time changes nothing', () => {
    const { closed } = run([ev('arrived', EPC_A, 'FR1', 5_000), ev('departed', EPC_A, 'FR1', 0)]);
    expect(closed).toMatchObject([{ durationMs: 0, closedAt: at(5_000), tryOn: false }]);
    const before = run([ev('arrived', EPC_A, 'FR1', 0)]).state;
    const step = trackTryOns(
      before,
      { ...ev('departed', EPC_A, 'FR1', 0), at: 'soon' },
      ROOMS,
      POLICY,
      idsCounting(),
    );
    expect(step.state).toBe(before);
  });

  it('[TO6] a member links the room’s open sessions, and the facts carry them', () => {
    const ids = idsCounting();
    let state = run([ev('arrived', EPC_A, 'FR1', 0), ev('arrived', EPC_B, 'FR2', 0)], ids).state;
    expect(linkMember(state, 'FR3', 'M-1').linked).toEqual([]);
    const link = linkMember(state, 'FR1', 'M-1', 'S001-E03');
    expect(link.linked).toHaveLength(1);
    state = link.state;
    const step = trackTryOns(state, ev('departed', EPC_A, 'FR1', 61_000), ROOMS, POLICY, ids);
    expect(step.closed).toMatchObject([{ memberId: 'M-1', clerkId: 'S001-E03', tryOn: true }]);
    expect(state.open[EPC_B]?.memberId).toBeUndefined();
  });

  it('[TO13] the rooms now: each fitting room with its sessions and how long they are open', () => {
    const { state } = run([ev('arrived', EPC_B, 'FR1', 2_000), ev('arrived', EPC_A, 'FR1', 1_000)]);
    const views = fittingRoomViews(state, ZONES, at(10_000));
    expect(views.map((v) => v.room.id)).toEqual(['FR1', 'FR2']);
    expect(views[0]!.sessions.map((s) => [s.epc, s.durationMs])).toEqual([
      [EPC_A, 9_000],
      [EPC_B, 8_000],
    ]);
    expect(views[1]!.sessions).toEqual([]);
  });

  const epcArb = fc.constantFrom(EPC_A, EPC_B, '300E92272C0134BFFFFFFFFF');
  const eventArb = fc.record({
    kind: fc.constantFrom<ZoneEvent['kind']>('arrived', 'moved', 'departed'),
    epc: epcArb,
    zone: fc.constantFrom('FLOOR', 'FR1', 'FR2', 'EXIT'),
    step: fc.integer({ min: -5_000, max: 3 * 3_600_000 }),
  });
  const streamArb = fc.array(eventArb, { maxLength: 60 }).map((list) => {
    let ms = 0;
    return list.map(({ step, ...e }) => {
      ms += step;
      return { ...e, at: at(ms) } as ZoneEvent;
    });
  });
  const policyArb = fc.record({
    minTryOnMs: fc.integer({ min: 0, max: 600_000 }),
    conversionWindowMs: fc.constant(DEFAULT_FITTING_ROOM_POLICY.conversionWindowMs),
    maxSessionMs: fc.integer({ min: 1, max: 4 * 3_600_000 }),
  });

  it('[TO3] [TO4] any event stream: one session per tag where its last event put it, valid facts', () => {
    fc.assert(
      fc.property(streamArb, policyArb, (events, policy) => {
        const { state, closed, opened } = run(events, idsCounting(), policy);
        const last = new Map<string, ZoneEvent>();
        for (const e of events) last.set(e.epc, e);
        for (const [epc, e] of last) {
          const inRoom = e.kind !== 'departed' && ROOMS.has(e.zone);
          expect(state.open[epc]?.room).toBe(inRoom ? e.zone : undefined);
        }
        for (const [epc, session] of Object.entries(state.open)) expect(session.epc).toBe(epc);
        expect(opened).toBe(closed.length + Object.keys(state.open).length);
        expect(new Set(closed.map((f) => f.id)).size).toBe(closed.length);
        for (const fact of closed) {
          expect(tryOnFactProblems(fact)).toEqual([]);
          expect(fact.durationMs).toBe(Date.parse(fact.closedAt) - Date.parse(fact.openedAt));
          expect(fact.durationMs).toBeGreaterThanOrEqual(0);
          expect(fact.durationMs).toBeLessThanOrEqual(policy.maxSessionMs);
          expect(fact.tryOn).toBe(fact.durationMs >= policy.minTryOnMs);
        }
      }),
    );
  });

  it('[TO3] the same events give the same sessions', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        expect(run(events)).toEqual(run(events));
      }),
    );
  });
});
