/**
 * The fitting rooms and counts of the clerk's tablet against a real store
 * hub over a real WebSocket: the hub's fitting-room service (the immediate
 * test zone engine) fed by a reader in memory, reached through the browser
 * bridge the tablet uses; the products from a real replica. The server's
 * `/_rfid/` routes are the in-memory fake (their HTTP client is tested on
 * its own).
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  encodeSgtin96,
  fromHex,
  makeMemberQr,
  memberView,
  type Product,
  type Style,
} from '@pos/domain';
import { INDEX_KEY_FIXTURE, staffFixture } from '@pos/domain/fixtures';
import {
  attachHubWebSocket,
  createFittingRoomService,
  createHub,
  createImmediateZoneEngine,
  type Hub,
  type HubWebSocket,
  type RfidReaderDevice,
} from '@pos/hardware';
import { createBrowserBridge, type BrowserBridge } from '@pos/hardware/browser-bridge';
import type { TagRead } from '@pos/hardware/protocol';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import { createStateStore, initialTillState } from '../state';
import { openTestReplica, testPorts, ZHANG_WEI } from '../till.fixture';
import { fakeClerkServer, memoryLocalStore } from './clerk.fixture';
import { createCounts } from './counts';
import { createFitting, type FittingPorts, type FittingRoomsFeed } from './fitting';
import { fakeRfidServer } from './fitting.fixture';

const CODE_KEY = { id: 'K1', secretHex: '000102030405060708090a0b0c0d0e0f' };
const MAP = {
  zones: [
    { id: 'FLOOR', kind: 'sales-floor' as const, name: '卖场' },
    { id: 'FR1', kind: 'fitting-room' as const, name: '试衣间 1' },
  ],
  antennas: [
    { reader: 'rfid-1', antenna: 1, zone: 'FLOOR' },
    { reader: 'rfid-1', antenna: 2, zone: 'FR1' },
  ],
};
const WHITE_S: Product = {
  id: 'TEE1-W-S',
  name: '纯棉T恤 白 S',
  gtin: '06901234567892',
  category: 'Apparel',
  taxClass: 'VAT13',
  status: 'active',
};
const STYLE: Style = {
  id: 'style:TEE1',
  kind: 'style',
  styleId: 'TEE1',
  name: '纯棉T恤',
  category: 'Apparel',
  colours: ['白'],
  sizes: ['S'],
  variants: [{ sku: 'TEE1-W-S', colour: '白', size: 'S' }],
};
const CLERK = staffFixture({ id: 'S001-E03', name: '赵丽', pin: '1111' });
const epc = (serial: number) => {
  const made = encodeSgtin96({ gtin: WHITE_S.gtin, serial });
  if (!made.ok) throw new Error('bad test EPC');
  return made.epc;
};

/** A fixed reader in memory: each sighting is a raw read and a de-duplicated one. */
function memoryReader(id: string) {
  const raw = new Set<(read: TagRead) => void>();
  const reads = new Set<(read: TagRead) => void>();
  const reader: RfidReaderDevice & { see(epc: string, antenna: number): void } = {
    id,
    onTagRead: (callback) => (reads.add(callback), () => void reads.delete(callback)),
    onRawRead: (callback) => (raw.add(callback), () => void raw.delete(callback)),
    onStatus: () => () => {},
    status: () => ({ state: 'ready' }),
    open: async () => undefined,
    close: async () => undefined,
    see(tag, antenna) {
      const read: TagRead = {
        epc: tag,
        scheme: 'sgtin-96',
        source: id,
        antenna,
        rssi: -48,
        at: new Date().toISOString(),
      };
      for (const r of [...raw]) r(read);
      for (const r of [...reads]) r(read);
    },
  };
  return reader;
}

let dir: string;
let db: ReplicaDatabase;
let outbox: Outbox;
let reader: ReturnType<typeof memoryReader>;
let hub: Hub;
let server: Server;
let socket: HubWebSocket;
let bridge: BrowserBridge;

beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  await db.products.insert(WHITE_S);
  await db.chain.insert(STYLE as never);
  await db.staff.insert(CLERK);
  await db.members.insert(memberView(ZHANG_WEI, INDEX_KEY_FIXTURE));
  dir = mkdtempSync(join(tmpdir(), 'pos-tablet-fitting-'));
  reader = memoryReader('rfid-1');
  const fittingRooms = createFittingRoomService({
    storeId: 'S001',
    deviceId: 'S001-FR',
    map: MAP,
    engine: createImmediateZoneEngine(MAP),
    sync: null,
    outboxPath: join(dir, 'outbox.jsonl'),
    tickEveryMs: 0,
  });
  hub = createHub({ scanners: [], rfidReaders: [reader], fittingRooms });
  await hub.open();
  server = createServer();
  socket = attachHubWebSocket(server, hub);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  bridge = createBrowserBridge({
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`,
    connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
  });
});

afterEach(async () => {
  bridge.close();
  await socket.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await hub.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function ports(): FittingPorts {
  const state = createStateStore(initialTillState('CNY'));
  state.set({ staff: CLERK });
  return {
    ...testPorts(db, outbox, {
      state,
      config: { deviceId: 'S001-TAB1', codeKeys: [CODE_KEY] },
    }),
    server: fakeClerkServer(),
    local: memoryLocalStore(),
    online: () => true,
    rfid: fakeRfidServer(),
    floor: bridge,
  };
}

describe('[FM1] the tablet’s fitting rooms and counts over a real hub', () => {
  it('[FM2] [FM3] a tag in a room shows its product; the member QR links the room', async () => {
    const fitting = createFitting(ports());
    const feeds: FittingRoomsFeed[] = [];
    const stop = fitting.watchRooms((feed) => feeds.push(feed));
    reader.see(epc(7), 2);
    await expect
      .poll(() => {
        const last = feeds.at(-1);
        return last?.state === 'live' ? last.rooms.find((r) => r.room.id === 'FR1')?.tags : [];
      })
      .toMatchObject([{ sku: 'TEE1-W-S', colour: '白', size: 'S', serial: '7' }]);
    const qr = makeMemberQr('M0001', new Date(Date.now() + 60_000).toISOString(), {
      id: CODE_KEY.id,
      secret: fromHex(CODE_KEY.secretHex),
    });
    const linked = await fitting.linkMember('FR1', qr);
    expect(linked).toMatchObject({ ok: true, value: { linked: 1 } });
    await expect
      .poll(() => {
        const last = feeds.at(-1);
        return last?.state === 'live'
          ? last.rooms.find((r) => r.room.id === 'FR1')?.memberId
          : null;
      })
      .toBe('M0001');
    stop();
  });

  it('[FM6] a zone’s count is what the hub places there; a handheld read gathers the reader’s tags', async () => {
    const counts = createCounts(ports());
    reader.see(epc(1), 1);
    reader.see(epc(2), 1);
    reader.see(epc(3), 2);
    await expect
      .poll(async () => {
        const zones = await counts.zones();
        return zones.ok ? zones.value : [];
      })
      .toEqual(['FLOOR', 'FR1']);
    const floor = await counts.start({ kind: 'zone', zone: 'FLOOR' });
    expect(floor.ok && [...floor.value.epcs].sort()).toEqual([epc(1), epc(2)]);

    const handheld = await counts.start({ kind: 'handheld' });
    if (!handheld.ok) throw new Error(handheld.message);
    const seen: number[] = [];
    const reading = await counts.read(handheld.value.countId, (c) => seen.push(c.epcs.length));
    if (!reading.ok) throw new Error(reading.message);
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    reader.see(epc(9), 1);
    await expect.poll(() => seen.at(-1)).toBe(1);
    const stopped = await reading.value.stop();
    expect(stopped).toMatchObject({ state: 'ready', epcs: [epc(9)] });
  });
});
