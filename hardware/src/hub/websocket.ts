/**
 * The hub over a WebSocket, for tablets and the renderer in a plain browser.
 * Each client gets every scan and status change; its requests are parsed,
 * answered by the hub, and replied to with the same id.
 * [H1] A bad message gets an error reply; it never closes the socket or
 *      crashes the hub. [H2] A new client gets the device status at once.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Hub } from './hub';
import type { HubMessage } from './protocol';
import { parseHubRequest } from './request-parser';

export type HubWebSocketOptions = {
  path?: string;
  /** Decides whether an upgrade request may connect (e.g. checks a device token); default: all. */
  authorize?: (request: IncomingMessage) => boolean;
  /** Largest message accepted, in bytes; default 1 MiB. */
  maxPayload?: number;
};

export type HubWebSocket = {
  /** Number of connected clients. */
  readonly clientCount: number;
  /** Disconnects every client and stops accepting new ones; the http server stays up. */
  close(): Promise<void>;
};

export function attachHubWebSocket(
  server: Server,
  hub: Hub,
  options: HubWebSocketOptions = {},
): HubWebSocket {
  const { path = '/hub', authorize = () => true, maxPayload = 1024 * 1024 } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload });

  // Only upgrades for our path are ours; others are left to other listeners.
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://hub').pathname !== path) return;
    if (!authorize(request)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    const send = (message: HubMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = [
      hub.onScan((scan) => send({ type: 'scanner:scanned', scan })),
      hub.onDeviceStatus((devices) => send({ type: 'device:status', devices })),
    ];
    send({ type: 'device:status', devices: hub.deviceStatus() });

    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const message = 'binary messages are not requests; send JSON text';
        return send({
          type: 'reply',
          id: null,
          ok: false,
          error: { code: 'BAD_REQUEST', message },
        });
      }
      const parsed = parseHubRequest(toBuffer(data).toString('utf8'));
      if (!parsed.ok) return send(parsed.reply);
      void hub.handle(parsed.request).then(send);
    });
    // An error (e.g. an oversize message) closes this client only.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => unsubscribe.forEach((stop) => stop()));
  });

  return {
    get clientCount() {
      return wss.clients.size;
    },
    async close() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
