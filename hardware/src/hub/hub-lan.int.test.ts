import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SerialPrinter } from '../printer/serial-printer';
import { openPtyPair, type PtyPair } from '../pty';
import { R2000Reader } from '../rfid/rfid-readers';
import { PrinterSimulator } from '../simulators/printer-simulator';
import { R2000Simulator } from '../simulators/rfid-simulators';
import { createBrowserBridge, type BrowserBridge } from './browser-bridge';
import { createHub, type Hub } from './hub';
import type { DeviceStatus, HubMessage, TagRead } from './protocol';
import { sampleReceipt } from './test-fixtures';
import { attachHubWebSocket, tokenMatches, type HubWebSocket } from './websocket';

const TOKEN = 'tablet-7f3a9c2e41d8b6a0';
const SGTIN = '3074257BF7194E4000001A85';

/** A hub for tablets on the store LAN: an RFID reader and a printer on real ptys. */
describe('hub on the store LAN: token auth, protocol version, RFID and printer status', () => {
  let pairs: PtyPair[];
  let rfid: R2000Simulator;
  let paper: PrinterSimulator;
  let hub: Hub;
  let server: Server;
  let hubSocket: HubWebSocket;
  let base: string;
  const sockets: WebSocket[] = [];
  let bridge: BrowserBridge | undefined;

  beforeEach(async () => {
    pairs = [await openPtyPair(), await openPtyPair()];
    const [rfidPair, printerPair] = pairs as [PtyPair, PtyPair];
    rfid = await R2000Simulator.open(rfidPair.simulatorPath, { tags: [] });
    paper = await PrinterSimulator.open(printerPair.simulatorPath);
    hub = createHub({
      scanners: [],
      printer: new SerialPrinter({
        path: printerPair.devicePath,
        id: 'printer-1',
        status: { timeoutMs: 300, pollMs: 50 },
      }),
      rfidReaders: [new R2000Reader({ path: rfidPair.devicePath, id: 'rfid-1', intervalMs: 10 })],
    });
    await hub.open();
    server = createServer();
    hubSocket = attachHubWebSocket(server, hub, { path: '/hub', tokens: [TOKEN] });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  });

  afterEach(async () => {
    bridge?.close();
    bridge = undefined;
    for (const ws of sockets.splice(0)) ws.terminate();
    await hubSocket.close();
    server.close();
    await hub.close();
    await rfid.close();
    await paper.close();
    for (const pair of pairs) await pair.close();
  });

  const open = (url: string, headers: Record<string, string> = {}) => {
    const ws = new WebSocket(url, { headers });
    sockets.push(ws);
    const messages: HubMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as HubMessage));
    return { ws, messages };
  };

  it('[HB3] refuses an upgrade without the token, or with a wrong one, before any message', async () => {
    for (const url of [base, `${base}?token=wrong-token-000000000`]) {
      const { ws, messages } = open(url);
      const [error] = (await once(ws, 'error')) as [Error];
      expect(error.message).toContain('401');
      expect(messages).toEqual([]);
    }
    const bad = open(base, { authorization: 'Bearer tablet-7f3a9c2e41d8b6a1' });
    expect(((await once(bad.ws, 'error')) as [Error])[0].message).toContain('401');
  });

  it('[HB3] accepts the token as a Bearer header or as ?token= (browsers)', async () => {
    const header = open(base, { authorization: `Bearer ${TOKEN}` });
    await once(header.ws, 'open');
    const query = open(`${base}?token=${TOKEN}&protocol=2`);
    await once(query.ws, 'open');
    await expect.poll(() => query.messages[0]?.type).toBe('hub:hello');
    expect(hubSocket.clientCount).toBe(2);
  });

  it('[HB3] compares tokens in constant time and refuses short tokens', () => {
    expect(tokenMatches(TOKEN, ['another-token-123456', TOKEN])).toBe(true);
    expect(tokenMatches(TOKEN.slice(0, -1), [TOKEN])).toBe(false);
    expect(tokenMatches(undefined, [TOKEN])).toBe(false);
    expect(() => attachHubWebSocket(server, hub, { path: '/x', tokens: 'short' })).toThrow(
      /at least 16/,
    );
  });

  it('[HB4] an old client gets a clear refusal and the socket closes with 4426', async () => {
    const strict = attachHubWebSocket(server, hub, {
      path: '/strict',
      tokens: TOKEN,
      minClientVersion: 3,
    });
    const { ws, messages } = open(`${base.replace('/hub', '/strict')}?token=${TOKEN}`);
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(4426);
    expect(messages).toEqual([
      {
        type: 'hub:refused',
        code: 'CLIENT_TOO_OLD',
        message:
          'This app speaks hub protocol 1, but this hub serves 3 to 6. Update the app (reload the page or install the new version).',
        protocolVersion: 6,
        minClientVersion: 3,
      },
    ]);

    // A protocol 3 client (before document printing) is still served ...
    const older = open(`${base.replace('/hub', '/strict')}?token=${TOKEN}&protocol=3`);
    await expect
      .poll(() => older.messages[0])
      .toEqual({ type: 'hub:hello', protocolVersion: 6, minClientVersion: 3 });
    older.ws.close();

    // ... and so is the browser bridge (protocol 6) ...
    bridge = createBrowserBridge({
      url: base.replace('/hub', '/strict'),
      token: TOKEN,
      connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
    });
    await expect.poll(() => bridge?.hubProtocolVersion).toBe(6);
    bridge.close();
    await strict.close();

    // ... and stops, with the hub's words, when a hub refuses it.
    const newer = attachHubWebSocket(server, hub, {
      path: '/newer',
      tokens: TOKEN,
      minClientVersion: 7,
    });
    bridge = createBrowserBridge({
      url: base.replace('/hub', '/newer'),
      token: TOKEN,
      connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
      backoff: { initialMs: 10, maxMs: 10 },
    });
    await expect
      .poll(() => bridge?.refusal)
      .toMatch(/speaks hub protocol 6, but this hub serves 7/);
    await expect(bridge.openDrawer()).rejects.toMatchObject({ code: 'HUB_INCOMPATIBLE' });
    await newer.close();
  });

  it('carries RFID tag reads and printer problems to a tablet through the browser bridge', async () => {
    bridge = createBrowserBridge({
      url: base,
      token: TOKEN,
      connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
    });
    const reads: TagRead[] = [];
    const statuses: DeviceStatus[][] = [];
    bridge.onTagRead((read) => reads.push(read));
    bridge.onDeviceStatus((devices) => statuses.push(devices));
    await expect.poll(() => bridge?.connected).toBe(true);
    await expect.poll(() => statuses.length).toBeGreaterThan(0);
    expect(statuses.at(-1)?.find((d) => d.id === 'rfid-1')).toEqual({
      id: 'rfid-1',
      kind: 'rfid',
      state: 'ready',
    });

    rfid.tags = [{ epc: SGTIN, antenna: 3, rssi: -52 }];
    await expect.poll(() => reads.length).toBe(1);
    expect(reads[0]).toMatchObject({
      epc: SGTIN,
      gtin: '80614141123458',
      serial: '6789',
      antenna: 3,
      rssi: -52,
      source: 'rfid-1',
    });

    paper.setPaper('out');
    await expect
      .poll(() => statuses.at(-1)?.find((d) => d.id === 'printer-1'))
      .toMatchObject({
        state: 'error',
        message:
          'Printer out of paper. Load a new paper roll and close the cover, then print again.',
        problems: [{ code: 'PAPER_OUT' }],
      });
    // The tablet's receipt waits in the hub's queue; the tablet sees why and how many wait.
    expect(await bridge.printReceipt(sampleReceipt, 32)).toMatchObject({
      printed: false,
      queued: true,
      message: expect.stringMatching(/^Printer out of paper\./),
    });
    await expect
      .poll(() => statuses.at(-1)?.find((d) => d.id === 'printer-1'))
      .toMatchObject({ queuedReceipts: 1, message: expect.stringMatching(/1 receipt is waiting/) });
    paper.setPaper('ok');
    await paper.waitForReceipt();
    await expect
      .poll(() => statuses.at(-1)?.find((d) => d.id === 'printer-1'))
      .toEqual({ id: 'printer-1', kind: 'printer', state: 'ready' });
    expect(paper.receipts).toHaveLength(1);
  });
});
