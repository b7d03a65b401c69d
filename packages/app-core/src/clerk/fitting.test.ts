import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  encodeSgtin96,
  fromHex,
  makeMemberQr,
  memberView,
  type FittingRoomView,
  type Product,
  type Style,
} from '@pos/domain';
import { INDEX_KEY_FIXTURE, staffFixture } from '@pos/domain/fixtures';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import type { Outcome } from '../outcome';
import { createStateStore, initialTillState } from '../state';
import { openTestReplica, testPorts, ZHANG_WEI } from '../till.fixture';
import { memoryLocalStore } from './clerk.fixture';
import { fakeClerkServer } from './clerk.fixture';
import {
  createFitting,
  suggestionsKey,
  tagTiming,
  type FittingPorts,
  type FittingRoomsFeed,
} from './fitting';
import { fakeFloor, fakeRfidServer, type FakeFloor, type FakeRfidServer } from './fitting.fixture';

const CODE_KEY = { id: 'K1', secretHex: '000102030405060708090a0b0c0d0e0f' };
const NOW = new Date('2026-03-01T10:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

const tee = (sku: string, gtin: string, name: string): Product => ({
  id: sku,
  name,
  gtin,
  category: 'Apparel',
  taxClass: 'VAT13',
  status: 'active',
});
const WHITE_S = tee('TEE1-W-S', '06901234567892', '纯棉T恤 白 S');
const BLACK_M = tee('TEE1-B-M', '06901234567915', '纯棉T恤 黑 M');
const STYLE: Style = {
  id: 'style:TEE1',
  kind: 'style',
  styleId: 'TEE1',
  name: '纯棉T恤',
  category: 'Apparel',
  colours: ['白', '黑'],
  sizes: ['S', 'M'],
  variants: [
    { sku: 'TEE1-W-S', colour: '白', size: 'S' },
    { sku: 'TEE1-B-M', colour: '黑', size: 'M' },
  ],
};
const CLERK = staffFixture({ id: 'S001-E03', name: '赵丽', pin: '1111' });
const epc = (gtin: string, serial: number) => {
  const made = encodeSgtin96({ gtin, serial });
  if (!made.ok) throw new Error('bad test EPC');
  return made.epc;
};
const memberQr = (memberId: string) =>
  makeMemberQr(memberId, '2026-03-01T10:05:00.000Z', {
    id: CODE_KEY.id,
    secret: fromHex(CODE_KEY.secretHex),
  });

const ROOM1 = { id: 'FR1', kind: 'fitting-room' as const, name: '试衣间 1' };
const ROOM2 = { id: 'FR2', kind: 'fitting-room' as const, name: '试衣间 2' };
const session = (id: string, gtin: string | undefined, serial: number, openedMsAgo: number) => ({
  id: `S001-HUB-${id}`,
  storeId: 'S001',
  epc: epc(gtin ?? '06901234567892', serial),
  ...(gtin ? { gtin, serial: String(serial) } : {}),
  room: 'FR1',
  openedAt: ago(openedMsAgo),
  durationMs: openedMsAgo,
});

let db: ReplicaDatabase;
let outbox: Outbox;
let rfid: FakeRfidServer;
let floor: FakeFloor;
let online: boolean;

beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  rfid = fakeRfidServer();
  floor = fakeFloor();
  online = true;
  await db.products.bulkInsert([WHITE_S, BLACK_M]);
  await db.chain.insert(STYLE as never);
  await db.staff.bulkInsert([CLERK]);
  await db.members.insert(memberView(ZHANG_WEI, INDEX_KEY_FIXTURE));
});
afterEach(() => db.close());

function ports(overrides: Partial<FittingPorts> = {}): FittingPorts {
  const state = createStateStore(initialTillState('CNY'));
  state.set({ staff: CLERK });
  const till = testPorts(db, outbox, {
    state,
    clock: () => NOW,
    config: { deviceId: 'S001-TAB1', codeKeys: [CODE_KEY] },
  });
  return {
    ...till,
    server: fakeClerkServer(),
    local: memoryLocalStore(),
    online: () => online,
    rfid,
    floor,
    storeName: async (id) => (id === 'S002' ? '徐汇店' : null),
    ...overrides,
  };
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}

/** The next live feed the desk gives after `act`. */
function nextFeed(
  desk: ReturnType<typeof createFitting>,
  act: () => void,
): Promise<FittingRoomsFeed> {
  return new Promise((resolve) => {
    let first = true;
    const stop = desk.watchRooms((feed) => {
      if (first) {
        first = false;
        act();
        return;
      }
      stop();
      resolve(feed);
    });
  });
}

describe('[FM1] [FM2] the fitting rooms now', () => {
  it('each tag with its product, colour and size by GTIN, longest in the room first', async () => {
    const desk = createFitting(ports());
    const rooms: FittingRoomView[] = [
      {
        room: ROOM1,
        sessions: [
          session('A', BLACK_M.gtin, 7, 30_000),
          session('B', WHITE_S.gtin, 3, 5 * 60_000),
          session('C', '06999999999997', 1, 60_000),
        ],
      },
      { room: ROOM2, sessions: [] },
    ];
    const feed = await nextFeed(desk, () => floor.setRooms(rooms));
    expect(feed.state).toBe('live');
    if (feed.state !== 'live') return;
    expect(feed.rooms.map((r) => r.room.id)).toEqual(['FR1', 'FR2']);
    expect(feed.rooms[0]!.tags.map((t) => [t.sku, t.colour, t.size, t.serial])).toEqual([
      ['TEE1-W-S', '白', 'S', '3'],
      [null, null, null, '1'],
      ['TEE1-B-M', '黑', 'M', '7'],
    ]);
    expect(feed.rooms[0]!.tags[0]).toMatchObject({ name: '纯棉T恤 白 S', styleName: '纯棉T恤' });
    expect(feed.rooms[1]!.tags).toEqual([]);
  });

  it('a tag the hub could not decode is named by its EPC', async () => {
    const desk = createFitting(ports());
    const feed = await nextFeed(desk, () =>
      floor.setRooms([{ room: ROOM1, sessions: [session('A', undefined, 9, 1000)] }]),
    );
    expect(feed.state === 'live' && feed.rooms[0]!.tags[0]!.sku).toBe('TEE1-W-S');
  });

  it('minutes in the room from the session’s opening to now; a try-on at the policy’s minimum', () => {
    const policy = { minTryOnMs: 60_000, conversionWindowMs: 1, maxSessionMs: 1 };
    expect(tagTiming(ago(59_999), NOW, policy)).toEqual({
      durationMs: 59_999,
      minutes: 0,
      tryOn: false,
    });
    expect(tagTiming(ago(60_000), NOW, policy)).toMatchObject({ minutes: 1, tryOn: true });
    expect(tagTiming(ago(-5_000), NOW, policy)).toMatchObject({ durationMs: 0, tryOn: false });
    expect(createFitting(ports()).timing({ openedAt: ago(125_000) })).toMatchObject({
      minutes: 2,
      tryOn: true,
    });
  });

  it('no hub, or a hub without the fitting-room service, says so', () => {
    const seen: FittingRoomsFeed[] = [];
    createFitting(ports({ floor: null })).watchRooms((f) => seen.push(f));
    createFitting(ports({ floor: { onTagRead: floor.onTagRead } })).watchRooms((f) => seen.push(f));
    expect(seen.map((f) => f.state === 'unavailable' && f.code)).toEqual([
      'HUB_NONE',
      'HUB_NO_FITTING_ROOMS',
    ]);
  });

  it('a quiet hub is asked for its rooms once; an older hub is said', async () => {
    const quiet = { ...floor, onFittingRooms: () => () => {} };
    floor.setRooms([{ room: ROOM1, sessions: [session('A', WHITE_S.gtin, 1, 1000)] }]);
    const live = await new Promise<FittingRoomsFeed>((resolve) =>
      createFitting(ports({ floor: quiet })).watchRooms(resolve),
    );
    expect(live.state === 'live' && live.rooms[0]!.tags[0]!.sku).toBe('TEE1-W-S');
    const older = {
      ...quiet,
      fittingRooms: () =>
        Promise.reject(
          Object.assign(new Error('the hub is older than protocol 6'), {
            code: 'HUB_INCOMPATIBLE',
          }),
        ),
    };
    const said = await new Promise<FittingRoomsFeed>((resolve) =>
      createFitting(ports({ floor: older })).watchRooms(resolve),
    );
    expect(said).toMatchObject({ state: 'unavailable', code: 'HUB_NO_FITTING_ROOMS' });
  });

  it('stopping the watch stops the hub’s', () => {
    const stop = createFitting(ports()).watchRooms(() => {});
    expect(floor.watchers()).toBe(1);
    stop();
    expect(floor.watchers()).toBe(0);
  });
});

describe('[FM3] linking a member to a room', () => {
  it('the member QR links the room’s sessions with the clerk; the notice names the member masked', async () => {
    floor.setRooms([{ room: ROOM1, sessions: [session('A', WHITE_S.gtin, 1, 1000)] }]);
    const linked = await createFitting(ports()).linkMember('FR1', memberQr('M0001'));
    expect(value(linked)).toMatchObject({
      room: 'FR1',
      linked: 1,
      customer: { memberId: 'M0001' },
    });
    expect(floor.links).toEqual([{ room: 'FR1', memberId: 'M0001', clerkId: 'S001-E03' }]);
    expect(linked.ok && linked.notices[0]).toMatchObject({ code: 'MEMBER_LINKED' });
    expect(JSON.stringify(linked)).not.toContain('13800138001');
  });

  it('refuses a phone number, an empty room, an unknown room and a tablet with no hub; links nothing', async () => {
    floor.setRooms([{ room: ROOM1, sessions: [] }]);
    const desk = createFitting(ports());
    expect(await desk.linkMember('FR1', '13800138001')).toMatchObject({ ok: false });
    expect(await desk.linkMember('FR1', memberQr('M0001'))).toMatchObject({
      ok: false,
      code: 'ROOM_EMPTY',
    });
    expect(await desk.linkMember('FR9', memberQr('M0001'))).toMatchObject({
      ok: false,
      code: 'ROOM_UNKNOWN',
    });
    expect(
      await createFitting(ports({ floor: null })).linkMember('FR1', memberQr('M0001')),
    ).toMatchObject({ ok: false, code: 'HUB_NONE' });
    expect(floor.links).toEqual([]);
  });

  it('a hub that fails says why', async () => {
    floor.setRooms([{ room: ROOM1, sessions: [session('A', WHITE_S.gtin, 1, 1000)] }]);
    floor.linkMember = async () => {
      throw Object.assign(new Error('the hub is busy'), { code: 'HUB_BUSY' });
    };
    expect(await createFitting(ports()).linkMember('FR1', memberQr('M0001'))).toMatchObject({
      ok: false,
      code: 'HUB_BUSY',
    });
  });
});

describe('[FM4] a customer’s tried items', () => {
  const answer = {
    memberId: 'M0001',
    tryOns: [
      {
        id: 'S001-HUB-1',
        epc: epc(WHITE_S.gtin, 1),
        room: 'FR1',
        openedAt: ago(3_600_000),
        closedAt: ago(3_000_000),
        durationMs: 600_000,
        sku: 'TEE1-W-S',
        name: '纯棉T恤 白 S',
        sold: true,
      },
      {
        id: 'S001-HUB-2',
        epc: epc(BLACK_M.gtin, 2),
        room: 'FR1',
        openedAt: ago(3_600_000),
        closedAt: ago(2_000_000),
        durationMs: 1_600_000,
        sku: 'TEE1-B-M',
        name: null,
        sold: false,
      },
    ],
  };

  it('live with sold or not, colour and size, newest first; then offline as the last answer, stale', async () => {
    rfid.tryOns.set('M0001', answer);
    const p = ports();
    const desk = createFitting(p);
    const live = await desk.triedItems('M0001');
    expect(live.state).toBe('live');
    expect(
      live.state !== 'none' && live.items.map((i) => [i.sku, i.colour, i.size, i.sold]),
    ).toEqual([
      ['TEE1-B-M', '黑', 'M', false],
      ['TEE1-W-S', '白', 'S', true],
    ]);
    expect(live.state !== 'none' && live.items[0]!.name).toBe('纯棉T恤 黑 M');
    online = false;
    const stale = await desk.triedItems('M0001');
    expect(stale).toMatchObject({ state: 'stale', reason: 'the tablet is offline' });
    expect(await desk.triedItems('M0002')).toMatchObject({ state: 'none' });
  });
});

describe('[FM5] suggestions', () => {
  const otherSize = {
    kind: 'other-variant' as const,
    triedSku: 'TEE1-W-S',
    sku: 'TEE1-B-M',
    storeId: 'S002',
    distanceKm: 3.1,
    atp: 2,
  };

  it('for the SKUs in a room: asked by SKU, named, the store named; kept for offline', async () => {
    rfid.bySkus = [
      otherSize,
      { kind: 'bought-together', triedSku: 'TEE1-W-S', sku: 'TEE1-B-M', together: 4 },
    ];
    const p = ports();
    const desk = createFitting(p);
    const view = await desk.suggestions({ skus: ['TEE1-W-S', 'TEE1-W-S'] });
    expect(rfid.asked).toEqual(['GET suggestions skus=TEE1-W-S']);
    expect(view).toMatchObject({ state: 'live', consent: null });
    expect(view.state !== 'none' && view.items[0]).toMatchObject({
      storeName: '徐汇店',
      item: { colour: '黑', size: 'M' },
      tried: { colour: '白', size: 'S' },
    });
    expect(await p.local.get(suggestionsKey(['TEE1-W-S']))).not.toBeNull();
    online = false;
    expect(await desk.suggestions({ skus: ['TEE1-W-S'] })).toMatchObject({ state: 'stale' });
  });

  it('for a member: nothing without consent, and said so; with consent the list; never from the device', async () => {
    const desk = createFitting(ports());
    rfid.byMember.set('M0001', { suggestions: [otherSize], consent: false });
    expect(await desk.suggestions({ memberId: 'M0001' })).toEqual({
      state: 'live',
      consent: false,
      items: [],
    });
    rfid.byMember.set('M0001', { suggestions: [otherSize], consent: true });
    const given = await desk.suggestions({ memberId: 'M0001' });
    expect(given.state !== 'none' && given.items.map((i) => i.sku)).toEqual(['TEE1-B-M']);
    online = false;
    expect(await desk.suggestions({ memberId: 'M0001' })).toMatchObject({ state: 'none' });
  });
});
