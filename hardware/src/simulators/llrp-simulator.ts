/**
 * A fixed LLRP reader on TCP (any free port; 5084 on a real one). Like a real
 * reader it speaks first: a READER_EVENT_NOTIFICATION with a
 * ConnectionAttemptEvent, success for the first client and "a client
 * connection already exists" for a second one. It answers the ROSpec
 * messages with success and, while the ROSpec is started, sends an
 * RO_ACCESS_REPORT with every tag in its field each `reportMs`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  LLRP_MESSAGE,
  LlrpFramer,
  connectionAttemptEvent,
  encodeMessage,
  llrpStatus,
  tagReportData,
} from '../rfid/llrp';
import type { SimulatedTag } from './rfid-simulators';

const RESPONSES: Readonly<Record<number, number>> = {
  [LLRP_MESSAGE.ADD_ROSPEC]: LLRP_MESSAGE.ADD_ROSPEC_RESPONSE,
  [LLRP_MESSAGE.DELETE_ROSPEC]: LLRP_MESSAGE.DELETE_ROSPEC_RESPONSE,
  [LLRP_MESSAGE.START_ROSPEC]: LLRP_MESSAGE.START_ROSPEC_RESPONSE,
  [LLRP_MESSAGE.STOP_ROSPEC]: LLRP_MESSAGE.STOP_ROSPEC_RESPONSE,
  [LLRP_MESSAGE.ENABLE_ROSPEC]: LLRP_MESSAGE.ENABLE_ROSPEC_RESPONSE,
  [LLRP_MESSAGE.CLOSE_CONNECTION]: LLRP_MESSAGE.CLOSE_CONNECTION_RESPONSE,
};

export class LlrpSimulator {
  tags: SimulatedTag[];
  /** [TP4] When set, asked each report for the tags read instead of `tags` (TagFloor `attach`). */
  tagSource: (() => SimulatedTag[]) | undefined;
  /** Message types received, in order. */
  readonly received: number[] = [];
  keepaliveAcks = 0;
  /** RO_ACCESS_REPORTs sent, to every client. */
  reportsSent = 0;
  readonly #server: Server;
  readonly #reportMs: number;
  readonly #clients = new Set<Socket>();
  #port = 0;

  private constructor(server: Server, tags: SimulatedTag[], reportMs: number) {
    this.#server = server;
    this.tags = tags;
    this.#reportMs = reportMs;
  }

  static async start(
    options: { tags?: SimulatedTag[]; reportMs?: number; port?: number } = {},
  ): Promise<LlrpSimulator> {
    const server = createServer();
    const simulator = new LlrpSimulator(server, options.tags ?? [], options.reportMs ?? 50);
    server.on('connection', (socket) => simulator.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    simulator.#port = typeof address === 'object' && address ? address.port : 0;
    return simulator;
  }

  get port(): number {
    return this.#port;
  }

  /** Sends a KEEPALIVE to every client. */
  keepalive(): void {
    for (const socket of this.#clients) socket.write(encodeMessage(LLRP_MESSAGE.KEEPALIVE, 9000));
  }

  /** Sends raw bytes to every client (for malformed-stream tests). */
  sendRaw(bytes: Uint8Array): void {
    for (const socket of this.#clients) socket.write(bytes);
  }

  async close(): Promise<void> {
    for (const socket of this.#clients) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    const status = this.#clients.size === 0 ? 0 : 2;
    this.#clients.add(socket);
    let timer: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
    };
    socket.on('close', () => {
      stop();
      this.#clients.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    // A real reader speaks first.
    const micros = BigInt(Date.now()) * 1000n;
    socket.write(
      encodeMessage(
        LLRP_MESSAGE.READER_EVENT_NOTIFICATION,
        0,
        connectionAttemptEvent(status, micros),
      ),
    );
    if (status !== 0) {
      socket.end();
      return;
    }
    const framer = new LlrpFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const record of framer.push(new Uint8Array(chunk))) {
        if (record.kind === 'error') {
          socket.destroy();
          return;
        }
        this.received.push(record.type);
        if (record.type === LLRP_MESSAGE.KEEPALIVE_ACK) this.keepaliveAcks++;
        const responseType = RESPONSES[record.type];
        if (responseType === undefined) continue;
        socket.write(encodeMessage(responseType, record.id, llrpStatus(0)));
        if (record.type === LLRP_MESSAGE.START_ROSPEC && !timer) {
          timer = setInterval(() => {
            const tags = this.tagSource ? this.tagSource() : this.tags;
            if (tags.length === 0) return;
            const body = Buffer.concat(tags.map((tag) => tagReportData(tag)));
            socket.write(encodeMessage(LLRP_MESSAGE.RO_ACCESS_REPORT, 0, new Uint8Array(body)));
            this.reportsSent++;
          }, this.#reportMs);
        } else if (record.type === LLRP_MESSAGE.STOP_ROSPEC) stop();
        else if (record.type === LLRP_MESSAGE.CLOSE_CONNECTION) socket.end();
      }
    });
  }
}
