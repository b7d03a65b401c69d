/**
 * One serial port (real or pseudo-terminal) with its health. Opens with
 * `hupcl: false` and never calls modem-line ioctls (`set`/`get`), because
 * pseudo-terminals and many USB-serial adapters have no modem lines.
 * [SP1] With `reconnectMs`, an unplugged device (the port reports an error or
 *       close, or its path disappears, as /dev/ttyUSB0 does) goes offline and
 *       is reopened when it comes back, without anyone calling open() again;
 *       so is a device that was not there when open() was first called.
 *       close() stops that.
 */
import { HealthTracker } from './health-tracker';
import { access } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import type { DeviceHealth } from './device-status';
import { HardwareError, errorMessage } from './errors';
import { Listeners } from './listeners';

export type SerialConnectionOptions = {
  path: string;
  baudRate: number;
  onData?: (chunk: Uint8Array) => void;
  /** [SP1] Check for unplug / replug this often; 0 (default) never. */
  reconnectMs?: number;
};

export class SerialConnection {
  readonly path: string;
  readonly #options: SerialConnectionOptions;
  readonly #health = new HealthTracker();
  readonly #data = new Listeners<Uint8Array>();
  #port: SerialPort | undefined;
  #opening: Promise<void> | undefined;
  /** open() was called and close() was not: keep the device open. */
  #wanted = false;
  #watch: ReturnType<typeof setInterval> | undefined;

  constructor(options: SerialConnectionOptions) {
    this.#options = options;
    this.path = options.path;
  }

  get health(): DeviceHealth {
    return this.#health.current;
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#health.onChange(callback);
  }

  /** Bytes received, in addition to the `onData` option. */
  onData(callback: (chunk: Uint8Array) => void): () => void {
    return this.#data.add(callback);
  }

  /** Opens the port; concurrent calls share one attempt. */
  open(): Promise<void> {
    this.#wanted = true;
    this.#startWatch();
    if (this.#port) return Promise.resolve();
    this.#opening ??= this.#open().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  async #open(): Promise<void> {
    const { path, baudRate, onData } = this.#options;
    const port = new SerialPort({ path, baudRate, autoOpen: false, hupcl: false });
    try {
      await new Promise<void>((resolve, reject) =>
        port.open((error) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      this.#health.set({ state: 'error', message: `cannot open ${path}: ${errorMessage(error)}` });
      throw new HardwareError('DEVICE_OFFLINE', `cannot open ${path}: ${errorMessage(error)}`);
    }
    this.#port = port;
    port.on('data', (chunk: Uint8Array) => {
      onData?.(chunk);
      this.#data.emit(chunk);
    });
    port.on('error', (error) => this.#health.set({ state: 'error', message: errorMessage(error) }));
    port.on('close', (error?: Error) => {
      if (this.#port !== port) return; // closed by close()
      this.#port = undefined;
      this.#health.set({
        state: 'offline',
        message: error ? `disconnected: ${error.message}` : 'closed',
      });
    });
    this.#health.set({ state: 'ready' });
  }

  /** Writes and waits until the OS has taken every byte (drain). */
  async write(bytes: Uint8Array): Promise<void> {
    const port = this.#port;
    if (!port) {
      throw new HardwareError(
        'DEVICE_OFFLINE',
        `${this.path} is not open (${this.#health.current.message ?? this.#health.current.state})`,
      );
    }
    try {
      await new Promise<void>((resolve, reject) => {
        port.write(bytes, (error) => {
          if (error) return reject(error);
          port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
        });
      });
    } catch (error) {
      this.#health.set({ state: 'error', message: errorMessage(error) });
      throw new HardwareError(
        'DEVICE_IO',
        `writing to ${this.path} failed: ${errorMessage(error)}`,
      );
    }
  }

  async close(): Promise<void> {
    this.#wanted = false;
    if (this.#watch) clearInterval(this.#watch);
    this.#watch = undefined;
    const port = this.#port;
    this.#port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.#health.set({ state: 'offline', message: 'closed' });
  }

  /** [SP1] Every reconnectMs: close a port whose device is gone; reopen one that came back. */
  #startWatch(): void {
    const every = this.#options.reconnectMs ?? 0;
    if (every <= 0 || this.#watch) return;
    let busy = false;
    this.#watch = setInterval(() => {
      if (busy || !this.#wanted) return;
      busy = true;
      void this.#check().finally(() => (busy = false));
    }, every);
    this.#watch.unref?.();
  }

  async #check(): Promise<void> {
    const present = await access(this.path).then(
      () => true,
      () => false,
    );
    const port = this.#port;
    if (port && !present) {
      this.#port = undefined;
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
      this.#health.set({ state: 'offline', message: `unplugged: ${this.path} is gone` });
      return;
    }
    if (!port && present && this.#wanted && !this.#opening) {
      await this.open().catch(() => undefined);
    }
  }
}
