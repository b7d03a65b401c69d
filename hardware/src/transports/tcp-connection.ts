/**
 * A TCP connection to a network device (ESC/POS printers listen on 9100,
 * "raw" or "JetDirect" printing) with its health. A write after the device
 * dropped the connection (printers close idle sockets) reconnects once first.
 */
import { HealthTracker } from '../health-tracker';
import { Socket } from 'node:net';
import type { DeviceHealth } from '../device-status';
import { HardwareError, errorMessage } from '../errors';
import { Listeners } from '../listeners';

export type TcpConnectionOptions = {
  host: string;
  port: number;
  /** Give up connecting after this long. Default 3000 ms. */
  connectTimeoutMs?: number;
};

export class TcpConnection {
  readonly path: string;
  readonly #options: TcpConnectionOptions;
  readonly #health = new HealthTracker();
  readonly #data = new Listeners<Uint8Array>();
  #socket: Socket | undefined;
  #opening: Promise<void> | undefined;
  #closed = true;

  constructor(options: TcpConnectionOptions) {
    this.#options = options;
    this.path = `${options.host}:${options.port}`;
  }

  get health(): DeviceHealth {
    return this.#health.current;
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#health.onChange(callback);
  }

  onData(callback: (chunk: Uint8Array) => void): () => void {
    return this.#data.add(callback);
  }

  /** Connects; concurrent calls share one attempt. */
  open(): Promise<void> {
    this.#closed = false;
    if (this.#socket) return Promise.resolve();
    this.#opening ??= this.#connect().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  async #connect(): Promise<void> {
    const { host, port, connectTimeoutMs = 3_000 } = this.#options;
    const socket = new Socket();
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`no answer within ${connectTimeoutMs} ms`));
        }, connectTimeoutMs);
        socket.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        socket.connect(port, host, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } catch (error) {
      socket.destroy();
      const message = `cannot connect to ${this.path}: ${errorMessage(error)}`;
      this.#health.set({ state: 'error', message });
      throw new HardwareError('DEVICE_OFFLINE', message);
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    socket.removeAllListeners('error');
    socket.on('data', (chunk: Buffer) => this.#data.emit(new Uint8Array(chunk)));
    socket.on('error', (error) => {
      if (this.#socket === socket)
        this.#health.set({ state: 'error', message: errorMessage(error) });
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#health.set({ state: 'offline', message: `disconnected from ${this.path}` });
    });
    this.#socket = socket;
    this.#health.set({ state: 'ready' });
  }

  /** Writes and waits until the socket has taken every byte. */
  async write(bytes: Uint8Array): Promise<void> {
    if (!this.#socket && !this.#closed) await this.open();
    const socket = this.#socket;
    if (!socket) {
      throw new HardwareError(
        'DEVICE_OFFLINE',
        `${this.path} is not connected (${this.#health.current.message ?? this.#health.current.state})`,
      );
    }
    try {
      await new Promise<void>((resolve, reject) =>
        socket.write(bytes, (error) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      this.#health.set({ state: 'error', message: errorMessage(error) });
      throw new HardwareError(
        'DEVICE_IO',
        `writing to ${this.path} failed: ${errorMessage(error)}`,
      );
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 500).unref();
      });
    }
    this.#health.set({ state: 'offline', message: 'closed' });
  }
}
