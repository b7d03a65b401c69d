/**
 * Protocol 6 over a real WebSocket: the hub feeds the fitting-room service
 * every raw read of its readers, and clients of protocol 6 get the zone
 * events and the rooms; older clients are served as before. The readers are
 * in memory (their drivers are tested on ptys elsewhere); the engine is the
 * immediate test engine.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FittingRoomView, ZoneEvent } from '@pos/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { DeviceHealth } from '../device-status';
import { Listeners } from '../listeners';
import type { RfidReaderDevice } from '../rfid/rfid-readers';
import type { TagRead } from '../rfid/tag-read';
import { createFittingRoomService } from '../zones/fitting-room-service';
import { createImmediateZoneEngine } from '../zones/test-engine';
import type { ZoneMap } from '../zones/zone-types';
import { createBrowserBridge, type BrowserBridge } from './browser-bridge';
import { createHub, type Hub } from './hub';
import type { DeviceStatus, HubMessage, HubReply } from './protocol';
import { attachHubWebSocket, type HubWebSocket } from './websocket';

const MAP: ZoneMap = {
  zones: [
    { id: 'FLOOR', kind: 'sales-floor', name: 'Sales floor' },
    { id: 'FR1', kind: 'fitting-room', name: 'Fitting room 1' },
    { id: 'FR2', kind: 'fitting-room', name: 'Fitting room 2' },
  ],
  antennas: [
    { reader: 'rfid-1', antenna: 1, zone: 'FLOOR' },
    { reader: 'rfid-1', antenna: 2, zone: 'FR1' },
    { reader: 'rfid-2', antenna: 1, zone: 'FR2' },
  ],
};
const EPC = '3034257BF7194E4000001A85';
const AT = '2026-12-07T02:00:00.000Z';

/** A reader in memory: raw reads when it has them, de-duplicated reads always. */
class MemoryReader implements RfidReaderDevice {
  readonly raw = new Listeners<TagRead>();
  readonly reads = new Listeners<TagRead>();
  readonly statuses = new Listeners<DeviceHealth>();
  onRawRead?: (callback: (read: TagRead) => void) => () => void;
  constructor(
    readonly id: string,
    withRawReads: boolean,
  ) {
    if (withRawReads) this.onRawRead = (callback) => this.raw.add(callback);
  }
  onTagRead = (callback: (read: TagRead) => void) => this.reads.add(callback);
  onStatus = (callback: (health: DeviceHealth) => void) => this.statuses.add(callback);
  status = (): DeviceHealth => ({ state: 'ready' });
  open = async () => undefined;
  close = async () => undefined;
  /** The tag seen at an antenna: the raw read, then (as a first sighting) the de-duplicated one. */
  see(epc: string, antenna: number, at = AT) {
    const read: TagRead = { epc, scheme: 'sgtin-96', source: this.id, antenna, rssi: -48, at };
    this.raw.emit(read);
    this.reads.emit(read);
  }
}

async function connectClient(url: string) {
  const ws = new WebSocket(url);
  const messages: HubMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as HubMessage));
  await once(ws, 'open');
  let n = 0;
  const ask = async (body: object): Promise<HubReply> => {
    const id = `q${++n}`;
    ws.send(JSON.stringify({ ...body, id }));
    await expect.poll(() => messages.some((m) => m.type === 'reply' && m.id === id)).toBe(true);
    return messages.find((m): m is HubReply => m.type === 'reply' && m.id === id)!;
  };
  return { ws, messages, ask };
}

describe('the hub with a fitting-room service, over a real WebSocket', () => {
  let dir: string;
  let withRaw: MemoryReader;
  let withoutRaw: MemoryReader;
  let hub: Hub;
  let server: Server;
  let socket: HubWebSocket;
  let url: string;
  let engine: ReturnType<typeof createImmediateZoneEngine>;
  const clients: WebSocket[] = [];
  let bridge: BrowserBridge | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-hub-fitting-'));
    withRaw = new MemoryReader('rfid-1', true);
    withoutRaw = new MemoryReader('rfid-2', false);
    engine = createImmediateZoneEngine(MAP);
    const fittingRooms = createFittingRoomService({
      storeId: 'S001',
      deviceId: 'S001-FR',
      map: MAP,
      engine,
      sync: null,
      outboxPath: join(dir, 'outbox.jsonl'),
      tickEveryMs: 0,
    });
    hub = createHub({ scanners: [], rfidReaders: [withRaw, withoutRaw], fittingRooms });
    await hub.open();
    server = createServer();
    socket = attachHubWebSocket(server, hub);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  });

  afterEach(async () => {
    bridge?.close();
    bridge = undefined;
    for (const ws of clients.splice(0)) ws.terminate();
    await socket.close();
    server.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (protocol?: number) => {
    const client = await connectClient(
      protocol === undefined ? url : `${url}?protocol=${protocol}`,
    );
    clients.push(client.ws);
    return client;
  };

  it('[FR1] [ZE9] feeds the service every raw read, and the de-duplicated ones of a reader without raw reads', () => {
    withRaw.see(EPC, 2);
    withoutRaw.see('3075A537C837754000000001', 1);
    expect(engine.reads.map((r) => [r.reader, r.antenna])).toEqual([
      ['rfid-1', 2],
      ['rfid-2', 1],
    ]);
  });

  it('[HB2] [HZ2] [FR5] a protocol 6 client gets hello, the statuses with the service, then the rooms', async () => {
    const { messages } = await connect(6);
    await expect.poll(() => messages.length).toBeGreaterThanOrEqual(3);
    expect(messages[0]).toEqual({ type: 'hub:hello', protocolVersion: 6, minClientVersion: 1 });
    expect(messages[1]).toEqual({
      type: 'device:status',
      devices: [
        { id: 'rfid-1', kind: 'rfid', state: 'ready' },
        { id: 'rfid-2', kind: 'rfid', state: 'ready' },
        { id: 'S001-FR', kind: 'fitting-rooms', state: 'ready' },
      ],
    });
    expect(messages[2]).toMatchObject({
      type: 'fitting-rooms:changed',
      rooms: [
        { room: { id: 'FR1' }, sessions: [] },
        { room: { id: 'FR2' }, sessions: [] },
      ],
    });
  });

  it('[HZ1] [HZ2] sends every zone event and the rooms after each change', async () => {
    const { messages } = await connect(6);
    await expect.poll(() => messages.length).toBe(3);
    withRaw.see(EPC, 2);
    await expect
      .poll(() => messages.find((m) => m.type === 'zone:event'))
      .toMatchObject({ type: 'zone:event', event: { kind: 'arrived', epc: EPC, zone: 'FR1' } });
    await expect
      .poll(() => messages.filter((m) => m.type === 'fitting-rooms:changed').length)
      .toBe(2);
    const rooms = messages.findLast((m) => m.type === 'fitting-rooms:changed') as {
      rooms: FittingRoomView[];
    };
    expect(rooms.rooms[0]!.sessions).toMatchObject([{ epc: EPC, room: 'FR1', openedAt: AT }]);
  });

  it('[HZ2] [HZ3] [HZ4] answers the rooms, a member link and the tags of a zone', async () => {
    const { ask } = await connect(6);
    withRaw.see(EPC, 2);
    expect(await ask({ type: 'fitting-rooms:get' })).toMatchObject({
      ok: true,
      rooms: [{ room: { id: 'FR1' }, sessions: [{ epc: EPC }] }, { room: { id: 'FR2' } }],
    });
    expect(await ask({ type: 'tryon:link-member', room: 'FR1', memberId: 'M-1' })).toMatchObject({
      ok: true,
      linked: 1,
    });
    expect(await ask({ type: 'tryon:link-member', room: 'FR2', memberId: 'M-1' })).toMatchObject({
      ok: true,
      linked: 0,
    });
    expect(await ask({ type: 'tryon:link-member', room: 'FLOOR', memberId: 'M-1' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: '"FLOOR" is not a fitting room of this store' },
    });
    expect(await ask({ type: 'tryon:link-member', room: 'FR1' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await ask({ type: 'zone:tags', zone: 'FR1' })).toMatchObject({
      ok: true,
      tags: [{ epc: EPC, gtin: '80614141123458', serial: '6789', zone: 'FR1' }],
    });
    expect(await ask({ type: 'zone:tags', zone: 'STOCKROOM' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: '"STOCKROOM" is not a zone of this store' },
    });
  });

  it('[HZ5] a protocol 5 client is served as before: no zone events, no fitting-rooms device', async () => {
    const { messages, ask } = await connect(5);
    await expect.poll(() => messages.length).toBe(2);
    withRaw.see(EPC, 2);
    const status = await ask({ type: 'device:status' });
    expect(status.ok && status.devices?.map((d: DeviceStatus) => d.kind)).toEqual(['rfid', 'rfid']);
    const types = new Set(messages.map((m) => m.type));
    expect(types).toEqual(new Set(['hub:hello', 'device:status', 'rfid:tag-read', 'reply']));
    for (const m of messages) {
      if (m.type === 'device:status')
        expect(m.devices.map((d) => d.kind)).not.toContain('fitting-rooms');
    }
  });

  it('[HZ1] [HZ2] [HZ3] [HZ4] the browser bridge: events, the rooms, a link and the tags', async () => {
    bridge = createBrowserBridge({
      url,
      connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
    });
    const events: ZoneEvent[] = [];
    const rooms: FittingRoomView[][] = [];
    bridge.onZoneEvent((e) => events.push(e));
    bridge.onFittingRooms((r) => rooms.push(r));
    await expect.poll(() => rooms.length).toBe(1);
    withRaw.see(EPC, 2);
    await expect.poll(() => events.map((e) => e.kind)).toEqual(['arrived']);
    await expect.poll(() => rooms.at(-1)?.[0]?.sessions.length).toBe(1);
    expect(await bridge.linkMember('FR1', 'M-1', 'S001-E03')).toBe(1);
    const now = await bridge.fittingRooms();
    expect(now[0]!.sessions[0]).toMatchObject({ memberId: 'M-1', clerkId: 'S001-E03' });
    expect(await bridge.zoneTags()).toMatchObject([{ epc: EPC, zone: 'FR1' }]);
    // A late subscriber gets the last rooms at once.
    const late: FittingRoomView[][] = [];
    bridge.onFittingRooms((r) => late.push(r));
    expect(late).toHaveLength(1);
    await expect(bridge.linkMember('FLOOR', 'M-1')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('the browser bridge and a hub older than protocol 6', () => {
  it('[BB8] the rooms, a link and the tags reject with HUB_INCOMPATIBLE, unsent', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const received: unknown[] = [];
    server.on('connection', (ws) => {
      ws.on('message', (data) => received.push(JSON.parse(String(data))));
      ws.send(JSON.stringify({ type: 'hub:hello', protocolVersion: 5, minClientVersion: 3 }));
    });
    const bridge = createBrowserBridge({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`,
      connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
    });
    try {
      await expect.poll(() => bridge.hubProtocolVersion).toBe(5);
      await expect(bridge.fittingRooms()).rejects.toMatchObject({
        code: 'HUB_INCOMPATIBLE',
        message: 'this hub speaks protocol 5 and cannot answer the fitting rooms; update the hub',
      });
      await expect(bridge.linkMember('FR1', 'M-1')).rejects.toMatchObject({
        code: 'HUB_INCOMPATIBLE',
      });
      await expect(bridge.zoneTags('FR1')).rejects.toMatchObject({ code: 'HUB_INCOMPATIBLE' });
      expect(received).toEqual([]);
    } finally {
      bridge.close();
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('[BB8] a hub that does not know the request (no hello) is incompatible too', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    server.on('connection', (ws) => {
      ws.on('message', (data) => {
        const { id, type } = JSON.parse(String(data)) as { id: string; type: string };
        const message = `unknown request type "${type}"`;
        ws.send(
          JSON.stringify({
            type: 'reply',
            id,
            ok: false,
            error: { code: 'UNKNOWN_REQUEST', message },
          }),
        );
      });
    });
    const bridge = createBrowserBridge({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`,
      connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
    });
    try {
      await expect(bridge.zoneTags()).rejects.toMatchObject({
        code: 'HUB_INCOMPATIBLE',
        message: 'this hub cannot answer the tags of a zone; update the hub',
      });
    } finally {
      bridge.close();
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
