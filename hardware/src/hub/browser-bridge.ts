/**
 * PosBridge over the hub's WebSocket, for the renderer in a browser or on a
 * tablet. Browser code: it uses the global WebSocket and imports nothing but
 * the protocol types.
 * [BB1] It reconnects with exponential backoff (initial → max) until closed;
 *      an attempt that hangs is dropped after `connectTimeoutMs`.
 * [BB2] Each request carries a fresh id; its promise settles with the reply
 *      of that id, or rejects with HUB_TIMEOUT.
 * [BB3] A request sent on a socket that then drops rejects with
 *      HUB_DISCONNECTED and is never resent (a print must not happen twice).
 *      Requests made while disconnected wait for the connection.
 * [BB4] While disconnected, every known device is reported offline.
 * [BB5] It names its protocol version (`?protocol=2`) and, when given, the
 *      device token (`?token=`). A hub that refuses it (too old a client)
 *      ends it: no more reconnecting, devices offline with the hub's words,
 *      requests rejected with HUB_INCOMPATIBLE.
 * [BB6] A document print (reports, refund receipts) to a hub that said hello
 *      with a protocol older than 4 rejects with HUB_INCOMPATIBLE, unsent;
 *      a receipt to it goes without its lines' price overrides.
 * [BB7] A shipping label or a packing slip to a hub older than protocol 5
 *      rejects with HUB_INCOMPATIBLE, unsent.
 * [BB8] The fitting rooms, a member link and the tags of a zone asked of a
 *      hub older than protocol 6 reject with HUB_INCOMPATIBLE, unsent. The
 *      last rooms the hub sent are given at once to a new subscriber.
 */
import type { FittingRoomView, SaleReceipt, ZoneEvent } from '@pos/domain';
import type {
  DeviceStatus,
  HubErrorCode,
  HubMessage,
  HubReply,
  PosBridge,
  PrintableDocument,
  ReceiptColumns,
  ScanEvent,
  ShippingLabel,
  TagRead,
  ZoneTag,
} from './protocol';
import { HUB_PROTOCOL_VERSION, PROTOCOL_QUERY_PARAM } from './protocol-version';

export { HUB_PROTOCOL_VERSION };

export type BrowserBridgeOptions = {
  /** e.g. `ws://192.168.1.20:8787/hub`. */
  url: string;
  /** How to open a socket; default `new WebSocket(url)`. Tests pass the `ws` package. */
  connect?: (url: string) => WebSocket;
  requestTimeoutMs?: number;
  /** A connection attempt that is not open by then is dropped and retried. Default 5 s. */
  connectTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** The device token a hub on the store LAN asks for (sent as `?token=`). */
  token?: string;
};

export type BrowserBridge = PosBridge & {
  readonly connected: boolean;
  /** The hub's protocol version from its hello; undefined before it, or from a hub older than 2. */
  readonly hubProtocolVersion: number | undefined;
  /** Why the hub refused this client, when it did. */
  readonly refusal: string | undefined;
  onTagRead(callback: (read: TagRead) => void): () => void;
  onZoneEvent(callback: (event: ZoneEvent) => void): () => void;
  onFittingRooms(callback: (rooms: FittingRoomView[]) => void): () => void;
  fittingRooms(): Promise<FittingRoomView[]>;
  linkMember(room: string, memberId: string, clerkId?: string): Promise<number>;
  zoneTags(zone?: string): Promise<ZoneTag[]>;
  /** Stops reconnecting, closes the socket and rejects pending requests. */
  close(): void;
};

export class HubRequestError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HubRequestError';
  }
}

type Pending = {
  message: string;
  sent: boolean;
  resolve: (reply: HubReply) => void;
  reject: (error: HubRequestError) => void;
  timer: ReturnType<typeof setTimeout>;
};

/** `createBrowserBridge('ws://host/hub')` is short for `createBrowserBridge({ url })`. */
export function createBrowserBridge(options: string | BrowserBridgeOptions): BrowserBridge {
  const settings: BrowserBridgeOptions = typeof options === 'string' ? { url: options } : options;
  const {
    connect = (target: string) => new WebSocket(target),
    requestTimeoutMs = 10_000,
    connectTimeoutMs = 5_000,
    backoff = { initialMs: 250, maxMs: 5_000 },
  } = settings;
  const url = withParams(settings.url, settings.token);
  const scanCallbacks = new Set<(scan: ScanEvent) => void>();
  const tagCallbacks = new Set<(read: TagRead) => void>();
  const zoneCallbacks = new Set<(event: ZoneEvent) => void>();
  const roomCallbacks = new Set<(rooms: FittingRoomView[]) => void>();
  let rooms: FittingRoomView[] | undefined;
  let hubProtocolVersion: number | undefined;
  let refusal: string | undefined;
  const statusCallbacks = new Set<(devices: DeviceStatus[]) => void>();
  const pending = new Map<string, Pending>();
  let devices: DeviceStatus[] = [];
  let socket: WebSocket | undefined;
  let open = false;
  let closed = false;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 0;

  const emitStatus = (list: DeviceStatus[]) => {
    devices = list;
    callEach(statusCallbacks, list);
  };

  const onMessage = (event: MessageEvent) => {
    let message: HubMessage;
    try {
      message = JSON.parse(String(event.data)) as HubMessage;
    } catch {
      return; // not from a hub; nothing to answer
    }
    if (message.type === 'scanner:scanned') callEach(scanCallbacks, message.scan);
    else if (message.type === 'device:status') emitStatus(message.devices);
    else if (message.type === 'rfid:tag-read') callEach(tagCallbacks, message.read);
    else if (message.type === 'zone:event') callEach(zoneCallbacks, message.event);
    else if (message.type === 'fitting-rooms:changed') {
      rooms = message.rooms;
      callEach(roomCallbacks, message.rooms);
    } else if (message.type === 'hub:hello') hubProtocolVersion = message.protocolVersion;
    else if (message.type === 'hub:refused') {
      refusal = message.message;
      hubProtocolVersion = message.protocolVersion;
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      emitStatus(devices.map((d) => ({ ...d, state: 'offline', message: refusal })));
      for (const [id, entry] of pending) {
        pending.delete(id);
        clearTimeout(entry.timer);
        entry.reject(new HubRequestError('HUB_INCOMPATIBLE', message.message));
      }
    } else if (message.type === 'reply' && message.id !== null) {
      const request = pending.get(message.id);
      if (!request) return;
      pending.delete(message.id);
      clearTimeout(request.timer);
      request.resolve(message);
    }
  };

  const dial = () => {
    reconnectTimer = undefined;
    if (closed) return;
    const ws = connect(url);
    socket = ws;
    const connectTimer = setTimeout(() => ws.close(), connectTimeoutMs);
    ws.addEventListener('open', () => {
      clearTimeout(connectTimer);
      open = true;
      attempt = 0;
      for (const request of pending.values()) {
        ws.send(request.message);
        request.sent = true;
      }
    });
    ws.addEventListener('message', onMessage);
    ws.addEventListener('close', () => {
      clearTimeout(connectTimer);
      const wasOpen = open;
      open = false;
      socket = undefined;
      for (const [id, request] of pending) {
        if (!request.sent) continue;
        pending.delete(id);
        clearTimeout(request.timer);
        request.reject(
          new HubRequestError(
            'HUB_DISCONNECTED',
            'the hub connection dropped before it replied; check the device before retrying',
          ),
        );
      }
      if (wasOpen && !refusal) {
        emitStatus(devices.map((d) => ({ ...d, state: 'offline', message: 'hub unreachable' })));
      }
      if (closed) return;
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt++);
      reconnectTimer = setTimeout(dial, delay);
    });
    // 'error' is always followed by 'close', which reconnects.
    ws.addEventListener('error', () => undefined);
  };

  /** [BB6] [BB7] [BB8] Refuses, unsent, what a hub that said hello with an older protocol cannot do. */
  const requireProtocol = (version: number, what: string, verb = 'print'): void => {
    if (hubProtocolVersion !== undefined && hubProtocolVersion < version) {
      throw new HubRequestError(
        'HUB_INCOMPATIBLE',
        `this hub speaks protocol ${hubProtocolVersion} and cannot ${verb} ${what}; update the hub`,
      );
    }
  };
  /**
   * [BB8] A request of protocol 6: refused unsent by a hub that said hello
   * with an older protocol; one older than hellos answers UNKNOWN_REQUEST,
   * which says the same.
   */
  const zoneRequest = async (body: { type: string } & Record<string, unknown>, what: string) => {
    requireProtocol(6, what, 'answer');
    try {
      return await request(body);
    } catch (error) {
      if (error instanceof HubRequestError && error.code === 'UNKNOWN_REQUEST') {
        throw new HubRequestError(
          'HUB_INCOMPATIBLE',
          `this hub cannot answer ${what}; update the hub`,
        );
      }
      throw error;
    }
  };

  const request = async (body: Record<string, unknown> & { type: string }): Promise<HubReply> => {
    if (refusal) throw new HubRequestError('HUB_INCOMPATIBLE', refusal);
    if (closed) throw new HubRequestError('HUB_UNAVAILABLE', 'the bridge is closed');
    const id = `r${++nextId}`;
    const message = JSON.stringify({ ...body, id });
    const reply = await new Promise<HubReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(
          new HubRequestError(
            'HUB_TIMEOUT',
            `the hub did not answer ${body.type} within ${requestTimeoutMs} ms`,
          ),
        );
      }, requestTimeoutMs);
      const entry: Pending = { message, sent: false, resolve, reject, timer };
      pending.set(id, entry);
      if (open && socket) {
        socket.send(message);
        entry.sent = true;
      }
    });
    if (!reply.ok) throw new HubRequestError(reply.error.code, reply.error.message);
    return reply;
  };

  dial();

  return {
    get connected() {
      return open;
    },
    get hubProtocolVersion() {
      return hubProtocolVersion;
    },
    get refusal() {
      return refusal;
    },
    onTagRead(callback) {
      tagCallbacks.add(callback);
      return () => tagCallbacks.delete(callback);
    },
    onScan(callback) {
      scanCallbacks.add(callback);
      return () => scanCallbacks.delete(callback);
    },
    onDeviceStatus(callback) {
      statusCallbacks.add(callback);
      if (devices.length > 0) callback(devices);
      return () => statusCallbacks.delete(callback);
    },
    async printReceipt(receipt: SaleReceipt, columns?: ReceiptColumns, options = {}) {
      const reply = await request({
        type: 'printer:print-receipt',
        receipt: forHub(receipt, hubProtocolVersion),
        ...(columns ? { columns } : {}),
        ...(options.language ? { language: options.language } : {}),
        ...(options.jobId ? { jobId: options.jobId } : {}),
      });
      // A hub of protocol 2 answers without `print`: it printed, or it would have failed.
      return (reply.ok ? reply.print : undefined) ?? { printed: true };
    },
    async printDocument(document: PrintableDocument, columns?: ReceiptColumns, options = {}) {
      requireProtocol(4, 'reports or refund receipts');
      if (document.kind === 'packing-slip') requireProtocol(5, 'packing slips');
      const reply = await request({
        type: 'printer:print-document',
        document,
        ...(columns ? { columns } : {}),
        ...(options.language ? { language: options.language } : {}),
        ...(options.jobId ? { jobId: options.jobId } : {}),
      });
      return (reply.ok ? reply.print : undefined) ?? { printed: true };
    },
    async printLabel(label: ShippingLabel, options: { jobId?: string } = {}) {
      requireProtocol(5, 'shipping labels');
      const reply = await request({
        type: 'printer:print-label',
        label,
        ...(options.jobId ? { jobId: options.jobId } : {}),
      });
      return (reply.ok ? reply.print : undefined) ?? { printed: true };
    },
    async openDrawer() {
      await request({ type: 'drawer:open' });
    },
    onZoneEvent(callback) {
      zoneCallbacks.add(callback);
      return () => zoneCallbacks.delete(callback);
    },
    onFittingRooms(callback) {
      roomCallbacks.add(callback);
      if (rooms) callback(rooms);
      return () => roomCallbacks.delete(callback);
    },
    async fittingRooms() {
      const reply = await zoneRequest({ type: 'fitting-rooms:get' }, 'the fitting rooms');
      return (reply.ok ? reply.rooms : undefined) ?? [];
    },
    async linkMember(room: string, memberId: string, clerkId?: string) {
      const reply = await zoneRequest(
        { type: 'tryon:link-member', room, memberId, ...(clerkId ? { clerkId } : {}) },
        'a member link',
      );
      return (reply.ok ? reply.linked : undefined) ?? 0;
    },
    async zoneTags(zone?: string) {
      const reply = await zoneRequest(
        { type: 'zone:tags', ...(zone ? { zone } : {}) },
        'the tags of a zone',
      );
      return (reply.ok ? reply.tags : undefined) ?? [];
    },
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket?.close();
      for (const [id, entry] of pending) {
        pending.delete(id);
        clearTimeout(entry.timer);
        entry.reject(new HubRequestError('HUB_UNAVAILABLE', 'the bridge was closed'));
      }
    },
  };
}

/** [BB6] A hub older than protocol 4 knows no price overrides on receipt lines: they are left out. */
function forHub(receipt: SaleReceipt, version: number | undefined): SaleReceipt {
  if (version === undefined || version >= 4 || !receipt.lines.some((l) => l.override)) {
    return receipt;
  }
  return { ...receipt, lines: receipt.lines.map(({ override: _, ...line }) => line) };
}

/** The hub URL with our protocol version and the token, if any. */
function withParams(raw: string, token: string | undefined): string {
  try {
    const url = new URL(raw);
    url.searchParams.set(PROTOCOL_QUERY_PARAM, String(HUB_PROTOCOL_VERSION));
    if (token) url.searchParams.set('token', token);
    return url.toString();
  } catch {
    return raw; // not absolute; the socket reports the error
  }
}

/** Calls every callback; one that throws is logged and does not stop the others. */
function callEach<T>(callbacks: ReadonlySet<(value: T) => void>, value: T): void {
  for (const callback of [...callbacks]) {
    try {
      callback(value);
    } catch (error) {
      console.error('PosBridge listener failed:', error);
    }
  }
}
