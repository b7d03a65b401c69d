import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulatedHardware, type SimulatedHardware } from '../simulators/simulated-hardware';
import { createBrowserBridge, type BrowserBridge } from './browser-bridge';
import type { DeviceStatus, HubMessage, HubReply, ScanEvent } from './protocol';
import { sampleReceipt, sampleReturnReceipt, sampleXReport, sampleZReport } from './test-fixtures';
import { attachHubWebSocket, type HubWebSocket } from './websocket';

/** A ws client that keeps every message, for assertions. */
async function connectClient(url: string) {
  const ws = new WebSocket(url);
  const messages: HubMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as HubMessage));
  await once(ws, 'open');
  const replyTo = async (id: string | null) => {
    await expect.poll(() => messages.some((m) => m.type === 'reply' && m.id === id)).toBe(true);
    return messages.find((m): m is HubReply => m.type === 'reply' && m.id === id) as HubReply;
  };
  return { ws, messages, replyTo };
}

describe('hub over a real WebSocket, with simulated devices on real ptys', () => {
  let hardware: SimulatedHardware;
  let server: Server;
  let hubSocket: HubWebSocket;
  let url: string;
  const clients: WebSocket[] = [];

  beforeEach(async () => {
    hardware = await startSimulatedHardware({ columns: 48 });
    server = createServer();
    hubSocket = attachHubWebSocket(server, hardware.hub, { path: '/hub' });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  });

  afterEach(async () => {
    for (const ws of clients.splice(0)) ws.terminate();
    await hubSocket.close();
    server.close();
    await hardware.close();
  });

  const connect = async () => {
    const client = await connectClient(url);
    clients.push(client.ws);
    return client;
  };

  it('[HB2] greets a new client with the protocol version, then the status of every device', async () => {
    const { messages } = await connect();
    await expect
      .poll(() => messages[0])
      .toEqual({ type: 'hub:hello', protocolVersion: 6, minClientVersion: 1 });
    await expect
      .poll(() => messages[1])
      .toEqual({
        type: 'device:status',
        devices: [
          { id: 'scanner-1', kind: 'scanner', state: 'ready' },
          { id: 'printer-1', kind: 'printer', state: 'ready' },
          { id: 'printer-1:drawer', kind: 'drawer', state: 'ready' },
        ],
      });
  });

  it('delivers a simulated scan to every client', async () => {
    const a = await connect();
    const b = await connect();
    await hardware.scanner.scan('6901234567892', { aim: ']E0' });
    for (const client of [a, b]) {
      await expect
        .poll(() => client.messages.find((m) => m.type === 'scanner:scanned'))
        .toMatchObject({
          type: 'scanner:scanned',
          scan: { code: '6901234567892', symbology: 'EAN-13', source: 'scanner-1' },
        });
    }
  });

  it('prints a requested receipt at the simulated printer and opens the drawer', async () => {
    const { ws, replyTo } = await connect();
    ws.send(
      JSON.stringify({
        id: 'p1',
        type: 'printer:print-receipt',
        receipt: sampleReceipt,
        columns: 32,
      }),
    );
    expect(await replyTo('p1')).toEqual({
      type: 'reply',
      id: 'p1',
      ok: true,
      print: { printed: true },
    });
    const lines = await hardware.printer.waitForReceipt();
    expect(lines).toContain('TOTAL                      26.21');
    expect(lines).toContain('CHANGE                      4.80');
    expect(lines).toContain('可口可乐 330ml   2 x 3.50   7.00');

    ws.send(JSON.stringify({ id: 'd1', type: 'drawer:open' }));
    expect(await replyTo('d1')).toEqual({ type: 'reply', id: 'd1', ok: true });
    await hardware.printer.waitForDrawerKicks(1);
  });

  it('[HB1] answers bad messages with errors and keeps serving the client', async () => {
    const { ws, replyTo, messages } = await connect();
    ws.send('{not json');
    expect(await replyTo(null)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    ws.send(JSON.stringify({ id: 'x1', type: 'printer:self-destruct' }));
    expect(await replyTo('x1')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REQUEST' } });
    ws.send(
      JSON.stringify({ id: 'x2', type: 'printer:print-receipt', receipt: { total: '12.50' } }),
    );
    expect(await replyTo('x2')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.send(JSON.stringify({ id: 's1', type: 'device:status' }));
    expect(await replyTo('s1')).toMatchObject({ ok: true, devices: [{ id: 'scanner-1' }, {}, {}] });
    expect(messages.filter((m) => m.type === 'reply' && m.id === null)).toHaveLength(2);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(hardware.printer.receipts).toEqual([]);
  });

  it('leaves other upgrade paths alone and can refuse unauthorized clients', async () => {
    const guarded = attachHubWebSocket(server, hardware.hub, {
      path: '/guarded',
      authorize: (request) => request.headers.authorization === 'Bearer device-token',
    });
    const refused = new WebSocket(url.replace('/hub', '/guarded'));
    const [error] = (await once(refused, 'error')) as [Error];
    expect(error.message).toContain('401');
    const allowed = new WebSocket(url.replace('/hub', '/guarded'), {
      headers: { authorization: 'Bearer device-token' },
    });
    clients.push(allowed);
    await once(allowed, 'open');
    expect(guarded.clientCount).toBe(1);
    expect(hubSocket.clientCount).toBe(0);
    await guarded.close();
  });

  describe('browser bridge', () => {
    let bridge: BrowserBridge;
    afterEach(() => bridge.close());

    const openBridge = (onDial = () => {}) =>
      createBrowserBridge({
        url,
        // The `ws` client speaks the browser WebSocket API used by the bridge.
        connect: (target) => {
          onDial();
          return new WebSocket(target) as unknown as globalThis.WebSocket;
        },
        backoff: { initialMs: 20, maxMs: 200 },
        connectTimeoutMs: 200,
        requestTimeoutMs: 5_000,
      });

    it('implements PosBridge: scans, status, printing and the drawer', async () => {
      bridge = openBridge();
      const scans: ScanEvent[] = [];
      const statuses: DeviceStatus[][] = [];
      bridge.onScan((scan) => scans.push(scan));
      bridge.onDeviceStatus((devices) => statuses.push(devices));
      await expect.poll(() => statuses.length).toBeGreaterThan(0);
      expect(statuses[0]?.every((d) => d.state === 'ready')).toBe(true);

      await hardware.scanner.scan('4006381333931', { aim: ']E0' });
      await expect.poll(() => scans.map((s) => s.code)).toEqual(['4006381333931']);

      expect(await bridge.printReceipt(sampleReceipt, 48, { language: 'zh-CN' })).toEqual({
        printed: true,
      });
      expect(await hardware.printer.waitForReceipt()).toContain(`合计${' '.repeat(39)}26.21`);
      await bridge.openDrawer();
      await hardware.printer.waitForDrawerKicks(1);
      await expect(bridge.printReceipt({ ...sampleReceipt, total: 0.5 })).rejects.toMatchObject({
        name: 'HubRequestError',
        code: 'BAD_REQUEST',
      });
    });

    it('[HQ3] prints a Z report and a refund receipt over the WebSocket, each once', async () => {
      bridge = openBridge();
      const z = { kind: 'shift-report' as const, report: sampleZReport };
      expect(await bridge.printDocument(z, 32, { language: 'zh-CN' })).toEqual({ printed: true });
      const printedZ = await hardware.printer.waitForReceipt();
      expect(printedZ).toContain('Z 报表');
      expect(printedZ).toContain(`差额${' '.repeat(23)}-2.00`);
      const refund = { kind: 'return-receipt' as const, receipt: sampleReturnReceipt };
      expect(await bridge.printDocument(refund, 48)).toEqual({ printed: true });
      expect(await hardware.printer.waitForReceipt()).toContain(
        `REFUND TOTAL${' '.repeat(32)}5.00`,
      );
      // Sent again (a retry): answered printed, not printed a second time.
      expect(await bridge.printDocument(z, 32)).toEqual({ printed: true });
      expect(hardware.printer.receipts).toHaveLength(2);
      await expect(
        bridge.printDocument({ kind: 'shift-report', report: { ...sampleXReport, variance: 0 } }),
      ).rejects.toMatchObject({ name: 'HubRequestError', code: 'BAD_REQUEST' });
    });

    it('reports devices offline when the hub drops, reconnects, and works again', async () => {
      bridge = openBridge();
      const statuses: DeviceStatus[][] = [];
      bridge.onDeviceStatus((devices) => statuses.push(devices));
      await expect.poll(() => bridge.connected).toBe(true);

      await hubSocket.close(); // drops every client
      await expect.poll(() => statuses.at(-1)?.every((d) => d.state === 'offline')).toBe(true);
      expect(statuses.at(-1)?.[0]?.message).toBe('hub unreachable');

      hubSocket = attachHubWebSocket(server, hardware.hub, { path: '/hub' });
      await expect.poll(() => bridge.connected).toBe(true);
      await expect.poll(() => statuses.at(-1)?.every((d) => d.state === 'ready')).toBe(true);
      await bridge.openDrawer();
      await hardware.printer.waitForDrawerKicks(1);
    });

    it('holds a request made while disconnected until the hub is back', async () => {
      // With no hub attached, the upgrade request hangs unanswered: only the connect timeout ends it.
      await hubSocket.close();
      let dials = 0;
      bridge = openBridge(() => dials++);
      const printed = bridge.printReceipt(sampleReceipt, 32);
      // The first attempt timed out and the bridge dials again, still holding the request.
      await expect.poll(() => dials).toBeGreaterThanOrEqual(2);
      expect(bridge.connected).toBe(false);
      hubSocket = attachHubWebSocket(server, hardware.hub, { path: '/hub' });
      await printed;
      expect(await hardware.printer.waitForReceipt()).toContain('TOTAL                      26.21');
    });
  });
});
