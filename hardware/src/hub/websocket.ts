/**
 * The hub over a WebSocket, for tablets and the renderer in a plain browser.
 * Each client gets every scan, tag read and status change; its requests are
 * parsed, answered by the hub, and replied to with the same id.
 * [HB1] A bad message gets an error reply; it never closes the socket or
 *      crashes the hub. [HB2] A new client gets `hub:hello` (the protocol
 *      version) and then the device status at once.
 * [HB3] With `tokens`, an upgrade without a valid token (Authorization:
 *      Bearer, or `?token=`) is refused with 401 before any message; tokens
 *      are compared in constant time.
 * [HB4] A client that names a protocol version below `minClientVersion`
 *      (`?protocol=N`; none means 1) gets `hub:refused` saying what to do,
 *      and the socket closes with code 4426.
 * [HZ1] [HZ2] A client of protocol 6 or newer also gets every zone event and
 *      the fitting rooms after every change, and once on connect, after the
 *      device statuses. [HZ5] Older clients get none of these, nor the
 *      `fitting-rooms` device in the statuses: they are served as before.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Hub } from './hub';
import type { DeviceStatus, HubMessage } from './protocol';
import {
  CLOSE_PROTOCOL_MISMATCH,
  HUB_PROTOCOL_VERSION,
  PROTOCOL_QUERY_PARAM,
} from './protocol-version';
import { parseHubRequest } from './request-parser';

/** The protocol that brought zones and fitting rooms. */
const ZONES_PROTOCOL = 6;

export type HubWebSocketOptions = {
  path?: string;
  /** Decides whether an upgrade request may connect (e.g. checks a device token); default: all. */
  authorize?: (request: IncomingMessage) => boolean;
  /** Largest message accepted, in bytes; default 1 MiB. */
  maxPayload?: number;
  /**
   * Device tokens allowed to connect (e.g. one per tablet), presented as
   * `Authorization: Bearer <token>` or, from a browser, `?token=<token>`.
   * Default: no token needed (the POS's own renderer on 127.0.0.1).
   */
  tokens?: string | readonly string[];
  /** Oldest client protocol version served; default 1 (older clients still get scans and status; their print requests fail with BAD_REQUEST). */
  minClientVersion?: number;
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
  const {
    path = '/hub',
    authorize = () => true,
    maxPayload = 1024 * 1024,
    minClientVersion = 1,
  } = options;
  const tokens = options.tokens === undefined ? undefined : [options.tokens].flat();
  if (tokens && (tokens.length === 0 || tokens.some((t) => t.length < 16))) {
    throw new Error('attachHubWebSocket: tokens must be at least 16 characters');
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload });

  // Only upgrades for our path are ours; others are left to other listeners.
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const requestUrl = new URL(request.url ?? '/', 'http://hub');
    if (requestUrl.pathname !== path) return;
    const tokenOk = !tokens || tokenMatches(presentedToken(request, requestUrl), tokens);
    if (!tokenOk || !authorize(request)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const send = (message: HubMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    const versions = { protocolVersion: HUB_PROTOCOL_VERSION, minClientVersion };
    const declared = new URL(request.url ?? '/', 'http://hub').searchParams.get(
      PROTOCOL_QUERY_PARAM,
    );
    const clientVersion = declared === null ? 1 : Number(declared);
    if (!Number.isInteger(clientVersion) || clientVersion < minClientVersion) {
      const message =
        `This app speaks hub protocol ${declared ?? '1'}, but this hub serves ${minClientVersion} ` +
        `to ${HUB_PROTOCOL_VERSION}. Update the app (reload the page or install the new version).`;
      send({ type: 'hub:refused', code: 'CLIENT_TOO_OLD', message, ...versions });
      ws.close(CLOSE_PROTOCOL_MISMATCH, 'client protocol too old');
      return;
    }
    const zones = clientVersion >= ZONES_PROTOCOL;
    const shown = (devices: DeviceStatus[]) =>
      zones ? devices : devices.filter((device) => device.kind !== 'fitting-rooms');
    const unsubscribe = [
      hub.onScan((scan) => send({ type: 'scanner:scanned', scan })),
      hub.onTagRead((read) => send({ type: 'rfid:tag-read', read })),
      hub.onDeviceStatus((devices) => send({ type: 'device:status', devices: shown(devices) })),
      ...(zones
        ? [
            hub.onZoneEvent((event) => send({ type: 'zone:event', event })),
            hub.onFittingRooms((rooms) => send({ type: 'fitting-rooms:changed', rooms })),
          ]
        : []),
    ];
    send({ type: 'hub:hello', ...versions });
    send({ type: 'device:status', devices: shown(hub.deviceStatus()) });
    if (zones && hub.hasFittingRooms) {
      void hub.fittingRooms().then((rooms) => send({ type: 'fitting-rooms:changed', rooms }));
    }

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
      void hub
        .handle(parsed.request)
        .then((reply) =>
          send(reply.ok && reply.devices ? { ...reply, devices: shown(reply.devices) } : reply),
        );
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

function presentedToken(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  return bearer || url.searchParams.get('token') || undefined;
}

/** [HB3] Constant time: both sides are hashed to equal lengths, and every token is compared. */
export function tokenMatches(presented: string | undefined, tokens: readonly string[]): boolean {
  if (presented === undefined) return false;
  const digest = createHash('sha256').update(presented).digest();
  let match = false;
  for (const token of tokens) {
    const expected = createHash('sha256').update(token).digest();
    match = timingSafeEqual(digest, expected) || match;
  }
  return match;
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
