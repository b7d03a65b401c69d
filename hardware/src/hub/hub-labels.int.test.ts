import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { sampleLabel } from '../label/label-fixtures';
import { layoutShippingLabel } from '../label/label-layout';
import { samplePackingSlip } from '../label/packing-fixtures';
import { startSimulatedHardware, type SimulatedHardware } from '../simulators/simulated-hardware';
import { createBrowserBridge, type BrowserBridge } from './browser-bridge';
import type { HubReply } from './protocol';
import { attachHubWebSocket, type HubWebSocket } from './websocket';

/** [LH1]-[LH3] Shipping labels through the hub to a simulated network label printer (real TCP). */
describe('hub label printing over a real WebSocket and TCP', () => {
  let hardware: SimulatedHardware;
  let server: Server;
  let hubSocket: HubWebSocket;
  let bridge: BrowserBridge;

  beforeEach(async () => {
    hardware = await startSimulatedHardware({
      columns: 48,
      labelPrinter: 'zpl',
      printQueue: { retryMs: 100 },
    });
    server = createServer();
    hubSocket = attachHubWebSocket(server, hardware.hub, { path: '/hub' });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    bridge = createBrowserBridge({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`,
      connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
    });
  });

  afterEach(async () => {
    bridge.close();
    await hubSocket.close();
    server.close();
    await hardware.close();
  });

  const labels = () => hardware.labelPrinter!;

  it('[LH1] the bridge prints a label: the printer decodes exactly its layout, and the label printer is a device', async () => {
    await expect(bridge.printLabel!(sampleLabel)).resolves.toEqual({ printed: true });
    const printed = await labels().waitForLabel();
    expect(printed.fields).toEqual(
      layoutShippingLabel(sampleLabel, { language: 'zpl', dpi: 203 }).fields,
    );
    expect(hardware.hub.deviceStatus()).toContainEqual({
      id: 'label-printer-1',
      kind: 'label-printer',
      state: 'ready',
    });
  });

  it('[LH2] out of labels: the label waits with the reason, prints once when loaded, and a resend of the shipment prints nothing', async () => {
    labels().setPaper('out');
    const result = await bridge.printLabel!(sampleLabel);
    expect(result).toEqual({
      printed: false,
      queued: true,
      message: expect.stringMatching(
        /^Label printer out of labels\. .* Nothing was printed\. The label waits and prints when the printer is ready\.$/,
      ),
    });
    expect(hardware.hub.deviceStatus()).toContainEqual(
      expect.objectContaining({
        id: 'label-printer-1',
        kind: 'label-printer',
        state: 'error',
        queuedReceipts: 1,
        message: expect.stringMatching(/1 label is waiting to print\.$/),
      }),
    );
    labels().setPaper('ok');
    await labels().waitForLabel();
    await expect(bridge.printLabel!(sampleLabel)).resolves.toEqual({ printed: true });
    // A reprint on purpose names a new job.
    await bridge.printLabel!(sampleLabel, { jobId: 'shipping-label:SHP-S001-01JLABEL:copy-2' });
    await labels().waitForLabel();
    expect(labels().labels).toHaveLength(2);
    expect(labels().errors).toEqual([]);
  });

  it('[LH3] a bad label is refused with BAD_REQUEST in words, and nothing is printed', async () => {
    const raw = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`);
    const replies: HubReply[] = [];
    raw.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'reply') replies.push(message as HubReply);
    });
    await once(raw, 'open');
    raw.send(
      JSON.stringify({
        id: 'l1',
        type: 'printer:print-label',
        label: { ...sampleLabel, trackingNo: 'SF^XZ' },
      }),
    );
    await expect
      .poll(() => replies[0])
      .toEqual({
        type: 'reply',
        id: 'l1',
        ok: false,
        error: {
          code: 'BAD_REQUEST',
          message: 'invalid label: label.trackingNo must be 1 to 32 letters, digits or "-"',
        },
      });
    raw.close();
    expect(labels().labels).toEqual([]);
  });

  it('[LY10] a packing slip prints on the receipt printer', async () => {
    await expect(
      bridge.printDocument({ kind: 'packing-slip', slip: samplePackingSlip }, 32, {
        language: 'zh-CN',
      }),
    ).resolves.toEqual({ printed: true });
    const receipt = await hardware.printer.waitForReceipt();
    expect(receipt.join('\n')).toContain('装箱单');
    expect(receipt.join('\n')).toContain('SF1234567890123');
  });
});

describe('the browser bridge and an older hub', () => {
  it('[BB7] a label or a packing slip to a protocol 4 hub rejects with HUB_INCOMPATIBLE, unsent', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const received: unknown[] = [];
    server.on('connection', (socket) => {
      socket.on('message', (data) => received.push(JSON.parse(String(data))));
      socket.send(JSON.stringify({ type: 'hub:hello', protocolVersion: 4, minClientVersion: 3 }));
    });
    const bridge = createBrowserBridge({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/hub`,
      connect: (target) => new WebSocket(target) as unknown as globalThis.WebSocket,
    });
    try {
      await expect.poll(() => bridge.hubProtocolVersion).toBe(4);
      await expect(bridge.printLabel!(sampleLabel)).rejects.toMatchObject({
        code: 'HUB_INCOMPATIBLE',
        message: 'this hub speaks protocol 4 and cannot print shipping labels; update the hub',
      });
      await expect(
        bridge.printDocument({ kind: 'packing-slip', slip: samplePackingSlip }),
      ).rejects.toMatchObject({ code: 'HUB_INCOMPATIBLE' });
      expect(received).toEqual([]);
    } finally {
      bridge.close();
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
