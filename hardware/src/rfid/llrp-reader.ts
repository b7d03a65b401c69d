/**
 * A fixed RFID reader over LLRP (TCP 5084). Real readers send a
 * READER_EVENT_NOTIFICATION (ConnectionAttemptEvent) before anything else;
 * the client waits for it instead of sending first (llrpjs hangs there).
 * [LR1] open() connects, waits for the reader's ConnectionAttemptEvent
 *       (success, else the reader's refusal as the error), then replaces our
 *       ROSpec (DELETE, ADD, ENABLE, START) and reports tags from
 *       RO_ACCESS_REPORTs, de-duplicated, as TagReads.
 * [LR2] KEEPALIVE is answered with KEEPALIVE_ACK.
 * [ZE9] `onRawRead` gets every tag report as decoded, before
 *       de-duplication, with its antenna and RSSI.
 * [LR3] A malformed stream closes the connection with an error status; it
 *       never throws into the hub.
 */
import { Socket } from 'node:net';
import type { DeviceHealth } from '../device-status';
import { HardwareError, errorMessage } from '../errors';
import { Listeners } from '../listeners';
import {
  LLRP_MESSAGE,
  LLRP_PORT,
  LlrpFramer,
  connectionAttemptStatus,
  encodeMessage,
  inventoryROSpec,
  parseTagReports,
  readStatus,
  u32,
  type LlrpMessage,
} from './llrp';
import { toTagRead, type RfidFrameError, type RfidReaderDevice } from './rfid-readers';
import { TagReadDeduplicator } from './tag-dedup';
import type { TagRead } from './tag-read';

export type LlrpReaderOptions = {
  host: string;
  /** Default 5084. */
  port?: number;
  /** Device id; defaults to host:port. */
  id?: string;
  /** Default 1234. */
  roSpecId?: number;
  /** Default 2000 ms. */
  dedupWindowMs?: number;
  /** For the connect, the reader's first event, and each response. Default 5000 ms. */
  timeoutMs?: number;
  now?: () => Date;
};

const CONNECTION_ATTEMPT_STATUS: Readonly<Record<number, string>> = {
  1: 'the reader already has a reader-initiated connection',
  2: 'the reader already has a client-initiated connection (another POS or tool is connected)',
  3: 'the reader refused the connection',
  4: 'another connection was attempted',
};

export class LlrpReader implements RfidReaderDevice {
  readonly id: string;
  readonly kind = 'rfid' as const;
  readonly #options: LlrpReaderOptions;
  readonly #reads = new Listeners<TagRead>();
  readonly #rawReads = new Listeners<TagRead>();
  readonly #statuses = new Listeners<DeviceHealth>();
  readonly #frameErrors = new Listeners<RfidFrameError>();
  readonly #dedup: TagReadDeduplicator;
  #health: DeviceHealth = { state: 'offline', message: 'not opened' };
  #socket: Socket | undefined;
  #nextId = 1;
  #waiters: { match: (m: LlrpMessage) => boolean; resolve: (m: LlrpMessage) => void }[] = [];

  constructor(options: LlrpReaderOptions) {
    this.#options = options;
    this.id = options.id ?? `${options.host}:${options.port ?? LLRP_PORT}`;
    this.#dedup = new TagReadDeduplicator({ windowMs: options.dedupWindowMs ?? 2_000 });
  }

  onTagRead(callback: (read: TagRead) => void): () => void {
    return this.#reads.add(callback);
  }

  /** [ZE9] Every tag report as decoded, before de-duplication, with antenna and RSSI. */
  onRawRead(callback: (read: TagRead) => void): () => void {
    return this.#rawReads.add(callback);
  }

  onFrameError(callback: (error: RfidFrameError) => void): () => void {
    return this.#frameErrors.add(callback);
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#statuses.add(callback);
  }

  status(): DeviceHealth {
    return this.#health;
  }

  /** [LR1] */
  async open(): Promise<void> {
    if (this.#socket) return;
    const { host, port = LLRP_PORT, timeoutMs = 5_000, roSpecId = 1234 } = this.#options;
    const socket = new Socket();
    const framer = new LlrpFramer();
    // Listen before connecting: the reader's event may arrive with the connection.
    const firstEvent = this.#waitFor(
      (m) => m.type === LLRP_MESSAGE.READER_EVENT_NOTIFICATION,
      timeoutMs,
      'the reader sent no connection event',
    );
    firstEvent.catch(() => undefined); // awaited below, unless connecting fails first
    socket.on('data', (chunk: Buffer) => {
      for (const record of framer.push(new Uint8Array(chunk))) {
        if (record.kind === 'error') {
          this.#frameErrors.emit({ code: record.code, message: record.message, source: this.id });
          this.#drop(socket, `bad LLRP stream: ${record.message}`);
          return;
        }
        this.#onMessage(socket, record);
      }
    });
    socket.on('error', (error) => this.#drop(socket, errorMessage(error)));
    socket.on('close', () => this.#drop(socket, 'the reader closed the connection'));
    this.#socket = socket;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
        socket.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        socket.connect(port, host, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const event = await firstEvent;
      const status = connectionAttemptStatus(event.body);
      if (status !== undefined && status !== 0) {
        throw new Error(CONNECTION_ATTEMPT_STATUS[status] ?? `connection attempt status ${status}`);
      }
      await this.#call(
        LLRP_MESSAGE.DELETE_ROSPEC,
        u32(roSpecId),
        LLRP_MESSAGE.DELETE_ROSPEC_RESPONSE,
        true,
      );
      await this.#call(
        LLRP_MESSAGE.ADD_ROSPEC,
        inventoryROSpec(roSpecId),
        LLRP_MESSAGE.ADD_ROSPEC_RESPONSE,
      );
      await this.#call(
        LLRP_MESSAGE.ENABLE_ROSPEC,
        u32(roSpecId),
        LLRP_MESSAGE.ENABLE_ROSPEC_RESPONSE,
      );
      await this.#call(
        LLRP_MESSAGE.START_ROSPEC,
        u32(roSpecId),
        LLRP_MESSAGE.START_ROSPEC_RESPONSE,
      );
    } catch (error) {
      const message = `cannot start LLRP reader ${host}:${port}: ${errorMessage(error)}`;
      this.#socket = undefined;
      socket.destroy();
      this.#waiters = [];
      this.#setHealth({ state: 'error', message });
      throw new HardwareError('DEVICE_OFFLINE', message);
    }
    this.#setHealth({ state: 'ready' });
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && !socket.destroyed) {
      const id = this.#nextId++;
      socket.write(encodeMessage(LLRP_MESSAGE.CLOSE_CONNECTION, id));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          socket.destroy();
          resolve();
        }, 500);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.end();
      });
    }
    this.#waiters = [];
    this.#setHealth({ state: 'offline', message: 'closed' });
  }

  #onMessage(socket: Socket, message: LlrpMessage): void {
    const waiter = this.#waiters.find((w) => w.match(message));
    if (waiter) {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      waiter.resolve(message);
    }
    if (message.type === LLRP_MESSAGE.KEEPALIVE) {
      socket.write(encodeMessage(LLRP_MESSAGE.KEEPALIVE_ACK, message.id)); // [LR2]
    } else if (message.type === LLRP_MESSAGE.RO_ACCESS_REPORT) {
      const { tags, errors } = parseTagReports(message.body);
      for (const error of errors) {
        this.#frameErrors.emit({ code: 'BAD_REPORT', message: error, source: this.id });
      }
      const now = (this.#options.now ?? (() => new Date()))();
      for (const tag of tags) {
        const read = toTagRead(tag, this.id, now);
        this.#rawReads.emit(read); // [ZE9]
        if (this.#dedup.accept(tag.epc, now.getTime())) this.#reads.emit(read);
      }
    }
  }

  /** Sends a message and waits for its response; a failed LLRPStatus rejects. */
  async #call(type: number, body: Uint8Array, responseType: number, tolerateFailure = false) {
    const socket = this.#socket;
    if (!socket) throw new Error('not connected');
    const id = this.#nextId++;
    const reply = this.#waitFor(
      (m) => (m.type === responseType || m.type === LLRP_MESSAGE.ERROR_MESSAGE) && m.id === id,
      this.#options.timeoutMs ?? 5_000,
      `no response to message type ${type}`,
    );
    socket.write(encodeMessage(type, id, body));
    const response = await reply;
    const status = readStatus(response.body);
    if (!tolerateFailure && (!status || status.code !== 0)) {
      throw new Error(
        `reader answered message type ${type} with status ${status?.code ?? 'none'}: ${status?.description ?? ''}`,
      );
    }
    return response;
  }

  #waitFor(
    match: (m: LlrpMessage) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<LlrpMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (m: LlrpMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  #drop(socket: Socket, message: string): void {
    socket.destroy();
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    this.#setHealth({ state: 'offline', message: `disconnected: ${message}` });
  }

  #setHealth(health: DeviceHealth): void {
    if (health.state === this.#health.state && health.message === this.#health.message) return;
    this.#health = health;
    this.#statuses.emit(health);
  }
}
