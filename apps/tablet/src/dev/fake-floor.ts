/**
 * The fake tablet's shop floor: three fitting rooms (two in use, one with a
 * member linked), a member's tried items and suggestions, and counts (one
 * compared, one waiting for the network when offline), so the fitting-room,
 * tried-items and count screens render without a hub or a server. Its
 * answers follow the shapes of the real use cases; its "rules" are only
 * what a demo needs. Not used by the real app.
 */
import {
  tagTiming,
  withReads,
  type ClerkCustomer,
  type CountDesk,
  type CountOnDevice,
  type FittingDesk,
  type FittingRoomNow,
  type FittingRoomsFeed,
  type ItemLabel,
  type SuggestionItem,
  type TriedItem,
} from '@pos/app-core';
import {
  DEFAULT_FITTING_ROOM_POLICY,
  type CountAnswer,
  encodeSgtin96,
  type OutfitSuggestion,
  type Style,
} from '@pos/domain';

const MIN = 60_000;

type Catalog = {
  style: Style;
  names: Record<string, string>;
  gtinOf(sku: string): string;
  storeNames: Record<string, string>;
};

export type FakeFloorOptions = {
  online(): boolean;
  signedIn(): string | null;
  member: ClerkCustomer;
  catalog: Catalog;
};

export function createFakeFloor(options: FakeFloorOptions) {
  const { catalog } = options;
  const variantOf = (sku: string) => catalog.style.variants.find((v) => v.sku === sku) ?? null;
  const label = (sku: string): ItemLabel => {
    const v = variantOf(sku);
    return {
      sku,
      name: catalog.names[sku] ?? null,
      styleId: v ? catalog.style.styleId : null,
      styleName: v ? catalog.style.name : (catalog.names[sku] ?? null),
      colour: v?.colour ?? null,
      size: v?.size ?? null,
    };
  };
  // The demo's GTINs need not carry a right check digit; the tags' do.
  const checked = (gtin: string) => {
    const body = gtin.slice(0, 13);
    const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
    return `${body}${(10 - (sum % 10)) % 10}`;
  };
  const epcOf = (sku: string, serial: number) => {
    const made = encodeSgtin96({ gtin: checked(catalog.gtinOf(sku)), serial });
    return made.ok
      ? made.epc
      : `${'0'.repeat(16)}${serial.toString(16).padStart(8, '0')}`.toUpperCase();
  };
  const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

  const tag = (room: string, sku: string, serial: number, inFor: number, memberId?: string) => ({
    ...label(sku),
    sessionId: `S001-HUB1-${room}-${serial}`,
    epc: epcOf(sku, serial),
    serial: String(serial),
    openedAt: iso(inFor),
    memberId: memberId ?? null,
    clerkId: null,
  });
  const rooms: FittingRoomNow[] = [
    {
      room: { id: 'FR1', kind: 'fitting-room', name: '试衣间 1' },
      tags: [
        tag('FR1', 'TEE-01-WH-M', 1021, 6 * MIN + 20_000, 'M0001'),
        tag('FR1', 'TEE-01-BK-L', 1187, 3 * MIN + 5_000, 'M0001'),
        tag('FR1', 'TEE-01-WH-S', 1003, 40_000, 'M0001'),
      ],
      memberId: 'M0001',
    },
    {
      room: { id: 'FR2', kind: 'fitting-room', name: '试衣间 2' },
      tags: [tag('FR2', 'TEE-01-BK-S', 1240, 12 * MIN)],
      memberId: null,
    },
    { room: { id: 'FR3', kind: 'fitting-room', name: '试衣间 3' }, tags: [], memberId: null },
  ];
  const roomWatchers = new Set<(feed: FittingRoomsFeed) => void>();
  const tagWatchers = new Set<(epc: string) => void>();

  const triedItems: TriedItem[] = [
    ['TEE-01-WH-M', 1021, 25, 7, false],
    ['TEE-01-BK-L', 1187, 25, 4, true],
    ['TEE-01-BK-M', 1144, 26 * 60 + 10, 9, true],
    ['TEE-01-WH-XL', 1310, 26 * 60 + 12, 3, false],
  ].map(([sku, serial, minutesAgo, minutes, sold], i) => ({
    ...label(sku as string),
    id: `S001-HUB1-01JTRY${i}`,
    epc: epcOf(sku as string, serial as number),
    room: 'FR1',
    openedAt: iso(((minutesAgo as number) + (minutes as number)) * MIN),
    closedAt: iso((minutesAgo as number) * MIN),
    durationMs: (minutes as number) * MIN,
    sku: sku as string,
    name: catalog.names[sku as string] ?? null,
    sold: sold as boolean,
  }));

  const suggestionsFor = (skus: string[]): OutfitSuggestion[] => {
    const tried = skus[0] ?? 'TEE-01-WH-M';
    return [
      {
        kind: 'other-variant',
        triedSku: tried,
        sku: 'TEE-01-WH-L',
        storeId: 'S001',
        distanceKm: 0,
        atp: 5,
      },
      {
        kind: 'other-variant',
        triedSku: tried,
        sku: 'TEE-01-WH-M',
        storeId: 'S002',
        distanceKm: 3.05,
        atp: 4,
      },
      {
        kind: 'other-variant',
        triedSku: tried,
        sku: 'TEE-01-BK-M',
        storeId: 'S001',
        distanceKm: 0,
        atp: 2,
      },
      { kind: 'bought-together', triedSku: tried, sku: 'SOCK-02', together: 7 },
      { kind: 'bought-together', triedSku: tried, sku: 'CAP-03', together: 3 },
    ];
  };
  const named = (list: OutfitSuggestion[]): SuggestionItem[] =>
    list.map((s) => ({
      ...s,
      item: label(s.sku),
      tried: label(s.triedSku),
      storeName: s.kind === 'other-variant' ? (catalog.storeNames[s.storeId] ?? null) : null,
    }));

  const fitting: FittingDesk = {
    policy: DEFAULT_FITTING_ROOM_POLICY,
    watchRooms(listener) {
      roomWatchers.add(listener);
      listener({ state: 'live', rooms });
      return () => roomWatchers.delete(listener);
    },
    timing: (t) => tagTiming(t.openedAt, new Date(), DEFAULT_FITTING_ROOM_POLICY),
    async customerByQr(code) {
      if (!code.startsWith('M.')) {
        return { ok: false, code: 'MEMBER_NOT_RECOGNISED', message: 'Not a member QR' };
      }
      return { ok: true, value: options.member, notices: [] };
    },
    async linkMember(roomId, code) {
      const room = rooms.find((r) => r.room.id === roomId);
      if (!room) return { ok: false, code: 'ROOM_UNKNOWN', message: `No room ${roomId}` };
      if (!room.tags.length) {
        return {
          ok: false,
          code: 'ROOM_EMPTY',
          message: `Nothing is in ${room.room.name}`,
          params: { room: room.room.name },
        };
      }
      const customer = await fitting.customerByQr(code);
      if (!customer.ok) return customer;
      room.memberId = options.member.memberId ?? null;
      for (const w of roomWatchers) w({ state: 'live', rooms: [...rooms] });
      const name = options.member.maskedName ?? options.member.maskedPhone;
      return {
        ok: true,
        value: { room: roomId, linked: room.tags.length, customer: options.member },
        notices: [
          {
            tone: 'info',
            text: `${name} linked to ${room.room.name}`,
            code: 'MEMBER_LINKED',
            params: { name, room: room.room.name, n: String(room.tags.length) },
          },
        ],
      };
    },
    async triedItems(memberId) {
      if (memberId !== options.member.memberId) return { state: 'live', memberId, items: [] };
      return options.online()
        ? { state: 'live', memberId, items: triedItems }
        : { state: 'stale', memberId, items: triedItems, reason: 'the tablet is offline' };
    },
    async suggestions(query) {
      if ('memberId' in query) {
        if (!options.online()) return { state: 'none', reason: 'the tablet is offline' };
        const consent = query.memberId === options.member.memberId;
        return {
          state: 'live',
          consent,
          items: consent ? named(suggestionsFor(['TEE-01-WH-M'])) : [],
        };
      }
      return {
        state: options.online() ? 'live' : 'stale',
        consent: null,
        items: named(suggestionsFor(query.skus)),
      };
    },
  };

  // Counts: a compared one from this morning, and (offline) one waiting with its reads.
  const expectedSkus: [string, number, number, number][] = [
    // sku, expected, found, unexpected
    ['TEE-01-BK-L', 3, 2, 0],
    ['TEE-01-BK-M', 4, 4, 0],
    ['TEE-01-BK-S', 2, 2, 1],
    ['TEE-01-WH-L', 5, 5, 0],
    ['TEE-01-WH-M', 2, 1, 0],
    ['TEE-01-WH-S', 3, 3, 0],
  ];
  const answerOf = (countId: string): CountAnswer => {
    const found = expectedSkus.flatMap(([sku, , f]) =>
      Array.from({ length: f }, (_, i) => ({ epc: epcOf(sku, 2000 + i), sku })),
    );
    const missing = expectedSkus.flatMap(([sku, e, f]) =>
      Array.from({ length: e - f }, (_, i) => ({ epc: epcOf(sku, 3000 + i), sku })),
    );
    const unexpected = expectedSkus.flatMap(([sku, , , u]) =>
      Array.from({ length: u }, (_, i) => ({
        epc: epcOf(sku, 4000 + i),
        sku,
        reason: 'not-expected' as const,
      })),
    );
    const bySku = expectedSkus.map(([sku, expected, f, u]) => ({
      sku,
      expected,
      found: f,
      missing: expected - f,
      unexpected: u,
      counted: f + u,
      accuracyBp: Math.round((f * 10_000) / expected),
    }));
    return {
      countId,
      storeId: 'S001',
      status: 'draft',
      result: {
        scope: { kind: 'skus-read', zone: 'FLOOR' },
        found,
        missing,
        unexpected,
        bySku,
        unitAccuracyBp: Math.round((found.length * 10_000) / (found.length + missing.length)),
        skuAccuracyBp: Math.round(
          (bySku.filter((l) => l.counted === l.expected).length * 10_000) / bySku.length,
        ),
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
  };
  const compared: CountOnDevice = {
    countId: 'S001-TAB1-01JCOUNTFLOOR01',
    source: { kind: 'zone', zone: 'FLOOR' },
    scope: { kind: 'skus-read', zone: 'FLOOR' },
    staffId: 'S001-E03',
    startedAt: iso(40 * MIN),
    epcs: [...answerOf('x').result.found, ...answerOf('x').result.unexpected].map((f) => f.epc),
    ignored: 0,
    state: 'compared',
    answer: answerOf('S001-TAB1-01JCOUNTFLOOR01'),
  };
  const list: CountOnDevice[] = [compared];
  if (!options.online()) {
    list.unshift({
      countId: 'S001-TAB1-01JCOUNTHAND02',
      source: { kind: 'handheld' },
      scope: { kind: 'skus-read' },
      staffId: 'S001-E03',
      startedAt: iso(4 * MIN),
      epcs: Array.from({ length: 37 }, (_, i) => epcOf('TEE-01-WH-L', 5000 + i)),
      ignored: 0,
      state: 'waiting',
      reason: 'the tablet is offline',
    });
  }
  let ids = 3;
  const find = (countId: string) => list.find((c) => c.countId === countId);
  const put = (count: CountOnDevice) => {
    const i = list.findIndex((c) => c.countId === count.countId);
    if (i >= 0) list[i] = count;
    else list.unshift(count);
    return count;
  };

  const counts: CountDesk = {
    zones: async () => ({ ok: true, value: ['FLOOR', 'STOCKROOM', 'WINDOW'], notices: [] }),
    async start(source) {
      const count: CountOnDevice = {
        countId: `S001-TAB1-01JCOUNT${String(ids++).padStart(6, '0')}`,
        source,
        scope:
          source.kind === 'store'
            ? { kind: 'store' }
            : source.kind === 'zone'
              ? { kind: 'skus-read', zone: source.zone }
              : { kind: 'skus-read' },
        staffId: options.signedIn() ?? 'S001-E03',
        startedAt: new Date().toISOString(),
        epcs: [],
        ignored: 0,
        state: source.kind === 'handheld' ? 'reading' : 'ready',
      };
      const read =
        source.kind === 'handheld'
          ? count
          : withReads(
              count,
              [...answerOf('x').result.found, ...answerOf('x').result.unexpected].map((f) => f.epc),
            );
      return { ok: true, value: put(read), notices: [] };
    },
    async read(countId, onChange) {
      let count = find(countId);
      if (!count) return { ok: false, code: 'COUNT_UNKNOWN', message: 'No such count' };
      count = put({ ...count, state: 'reading' });
      const listener = (epc: string) => {
        count = put(withReads(count!, [epc]));
        onChange(count);
      };
      tagWatchers.add(listener);
      onChange(count);
      return {
        ok: true,
        notices: [],
        value: {
          async stop() {
            tagWatchers.delete(listener);
            return put({ ...count!, state: 'ready' });
          },
        },
      };
    },
    async submit(countId) {
      const count = find(countId);
      if (!count) return { ok: false, code: 'COUNT_UNKNOWN', message: 'No such count' };
      if (count.epcs.length === 0) {
        return { ok: false, code: 'COUNT_EMPTY', message: 'Nothing was read' };
      }
      if (!options.online()) {
        const waiting = put({ ...count, state: 'waiting', reason: 'the tablet is offline' });
        return {
          ok: true,
          value: waiting,
          notices: [
            {
              tone: 'info',
              text: 'The count waits on this tablet',
              code: 'COUNT_WAITING',
              params: { n: String(count.epcs.length), reason: 'offline' },
            },
          ],
        };
      }
      return {
        ok: true,
        value: put({ ...count, state: 'compared', answer: answerOf(countId) }),
        notices: [],
      };
    },
    async report(count) {
      if (!count.answer) return null;
      return {
        result: count.answer.result,
        adjustments: count.answer.adjustments,
        lines: count.answer.result.bySku.map((l) => ({ ...l, item: label(l.sku) })),
      };
    },
    async approve(countId, approval) {
      const count = find(countId);
      if (!count?.answer)
        return { ok: false, code: 'COUNT_NOT_COMPARED', message: 'Send it first' };
      if (approval.supervisorId !== 'S001-E02' || approval.pin !== '2222') {
        return { ok: false, code: 'PIN_WRONG', message: 'Staff id or PIN not recognised' };
      }
      if (!options.online()) return { ok: false, code: 'OFFLINE', message: 'Needs the network' };
      return {
        ok: true,
        value: put({
          ...count,
          state: 'approved',
          approvedBy: 'S001-E02',
          answer: { ...count.answer, status: 'approved' },
        }),
        notices: [
          {
            tone: 'info',
            text: 'Count approved by 李主管: stock adjusted',
            code: 'COUNT_APPROVED',
            params: { name: '李主管' },
          },
        ],
      };
    },
    counts: async () => list.map((c) => ({ ...c })),
    async flush() {
      return list.map((c) => ({ ...c }));
    },
    async discard(countId) {
      const i = list.findIndex((c) => c.countId === countId);
      if (i >= 0) list.splice(i, 1);
    },
  };

  return {
    fitting,
    counts,
    /** For the dev page: a tag read from the hub's reader. */
    readTag(epc: string) {
      for (const w of [...tagWatchers]) w(epc);
    },
  };
}
