/**
 * For the fitting-room and count tests: the server's `/_rfid/` routes in
 * memory (a count compared once by its id, like the Idempotency-Key; can be
 * switched offline or told to refuse; records what it was asked) and a store
 * hub's floor in memory (rooms pushed by the test, links and zone tags).
 */
import type {
  ApproveCountRequest,
  CountAnswer,
  CountRequest,
  ExpectedItem,
  FittingRoomView,
  MemberTryOnsAnswer,
  SuggestionsAnswer,
} from '@pos/domain';
import type { TagRead, ZoneTag } from '@pos/hardware/protocol';
import type { RfidServer, RfidServerAnswer } from '@pos/replica';
import type { FakeMode } from './clerk.fixture';
import type { FloorHub } from './fitting';

export type FakeRfidServer = RfidServer & {
  mode: FakeMode;
  tryOns: Map<string, MemberTryOnsAnswer>;
  /** Suggestions answered by SKU and by member; consent per member. */
  bySkus: SuggestionsAnswer['suggestions'];
  byMember: Map<string, SuggestionsAnswer>;
  /** The store's expected items, for counts. */
  expected: ExpectedItem[];
  /** EPC → SKU the chain knows (for unexpected reads). */
  skuOfEpc: Map<string, string>;
  /** Counts compared, by id, with the request that made them. */
  counts: Map<string, { request: CountRequest; answer: CountAnswer }>;
  /** Every request, as "METHOD what". */
  asked: string[];
  approvals: { countId: string; approval: ApproveCountRequest }[];
};

const OFFLINE = {
  ok: false,
  offline: true,
  reason: 'the sync server could not be reached',
} as const;

export function fakeRfidServer(): FakeRfidServer {
  const server: FakeRfidServer = {
    mode: 'online',
    tryOns: new Map(),
    bySkus: [],
    byMember: new Map(),
    expected: [],
    skuOfEpc: new Map(),
    counts: new Map(),
    asked: [],
    approvals: [],
    memberTryOns: async (memberId) => {
      server.asked.push(`GET tryons ${memberId}`);
      return answer(() => ok(server.tryOns.get(memberId) ?? { memberId, tryOns: [] }));
    },
    suggestions: async (query) => {
      server.asked.push(
        'skus' in query ? `GET suggestions skus=${query.skus.join(',')}` : `GET suggestions member`,
      );
      return answer(() =>
        'skus' in query
          ? ok({ suggestions: server.bySkus, consent: false })
          : ok(server.byMember.get(query.member) ?? { suggestions: [], consent: false }),
      );
    },
    submitCount: async (request) => {
      server.asked.push(`POST counts ${request.countId}`);
      return answer(() => {
        const known = server.counts.get(request.countId);
        if (known) return ok(known.answer);
        const answer = compare(request);
        server.counts.set(request.countId, { request, answer });
        return ok(answer);
      });
    },
    approveCount: async (countId, approval) => {
      server.asked.push(`POST approve ${countId}`);
      return answer(() => {
        const known = server.counts.get(countId);
        if (!known) return refusal(404, 'NOT_FOUND', 'no such count');
        if (known.answer.status === 'draft') server.approvals.push({ countId, approval });
        known.answer = { ...known.answer, status: 'approved' };
        return ok(known.answer);
      });
    },
  };

  /** A plain comparison: enough for the tablet's tests (the rules are the domain's and server's). */
  function compare(request: CountRequest): CountAnswer {
    const read = new Set(request.epcs);
    const found = server.expected.filter((e) => read.has(e.epc));
    const missing = server.expected.filter((e) => !read.has(e.epc));
    const expectedEpcs = new Set(server.expected.map((e) => e.epc));
    const unexpected = [...read]
      .filter((epc) => !expectedEpcs.has(epc))
      .map((epc) => ({
        epc,
        sku: server.skuOfEpc.get(epc) ?? null,
        reason: 'not-expected' as const,
      }));
    const skus = [
      ...new Set([...server.expected.map((e) => e.sku), ...unexpected.flatMap((u) => u.sku ?? [])]),
    ].sort();
    const bySku = skus.map((sku) => {
      const expected = server.expected.filter((e) => e.sku === sku).length;
      const f = found.filter((e) => e.sku === sku).length;
      const u = unexpected.filter((e) => e.sku === sku).length;
      return {
        sku,
        expected,
        found: f,
        missing: expected - f,
        unexpected: u,
        counted: f + u,
        accuracyBp: expected === 0 ? (u === 0 ? 10_000 : 0) : Math.round((f * 10_000) / expected),
      };
    });
    return {
      countId: request.countId,
      storeId: 'S001',
      status: 'draft',
      result: {
        scope: request.scope,
        found,
        missing,
        unexpected,
        bySku,
        unitAccuracyBp: server.expected.length
          ? Math.round((found.length * 10_000) / server.expected.length)
          : 10_000,
        skuAccuracyBp: bySku.length
          ? Math.round(
              (bySku.filter((l) => l.counted === l.expected).length * 10_000) / bySku.length,
            )
          : 10_000,
      },
      adjustments: bySku
        .filter((l) => l.counted !== l.expected)
        .map((l) => ({
          sku: l.sku,
          onHand: l.expected,
          counted: l.counted,
          delta: l.counted - l.expected,
        })),
    };
  }

  function answer<T>(make: () => RfidServerAnswer<T>): RfidServerAnswer<T> {
    const mode = server.mode;
    if (mode === 'offline' || mode === 'lost-answer') return OFFLINE;
    if (typeof mode === 'object') return { ok: false, offline: false, ...mode };
    return make();
  }
  return server;
}

const ok = <T>(value: T): RfidServerAnswer<T> => ({ ok: true, value });
const refusal = (status: number, code: string, reason: string): RfidServerAnswer<never> => ({
  ok: false,
  offline: false,
  status,
  code,
  reason,
});

export type FakeFloor = Required<FloorHub> & {
  /** Pushes the rooms to every watcher, as the hub does after a change. */
  setRooms(rooms: FittingRoomView[]): void;
  /** A tag read from the hub's reader. */
  read(epc: string): void;
  zone: ZoneTag[];
  links: { room: string; memberId: string; clerkId?: string }[];
  /** Watchers of the rooms now. */
  watchers(): number;
};

export function fakeFloor(): FakeFloor {
  let rooms: FittingRoomView[] = [];
  const roomWatchers = new Set<(rooms: FittingRoomView[]) => void>();
  const readWatchers = new Set<(read: TagRead) => void>();
  const floor: FakeFloor = {
    zone: [],
    links: [],
    setRooms(next) {
      rooms = next;
      for (const w of [...roomWatchers]) w(rooms);
    },
    read(epc) {
      for (const w of [...readWatchers]) w({ epc, scheme: 'sgtin-96' } as TagRead);
    },
    watchers: () => roomWatchers.size,
    onFittingRooms(callback) {
      roomWatchers.add(callback);
      callback(rooms);
      return () => roomWatchers.delete(callback);
    },
    fittingRooms: async () => rooms,
    async linkMember(room, memberId, clerkId) {
      const view = rooms.find((r) => r.room.id === room);
      if (!view) throw Object.assign(new Error(`no room ${room}`), { code: 'ROOM_UNKNOWN' });
      floor.links.push({ room, memberId, ...(clerkId ? { clerkId } : {}) });
      return view.sessions.length;
    },
    async zoneTags(zone) {
      return zone === undefined ? floor.zone : floor.zone.filter((t) => t.zone === zone);
    },
    onTagRead(callback) {
      readWatchers.add(callback);
      return () => readWatchers.delete(callback);
    },
  } as FakeFloor;
  return floor;
}
