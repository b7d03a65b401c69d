/**
 * One serial port (real or pseudo-terminal) with its health. Opens with
 * `hupcl: false` and never calls modem-line ioctls (`set`/`get`), because
 * pseudo-terminals and many USB-serial adapters have no modem lines.
 */
import { SerialPort } from 'serialport';
import type { DeviceHealth } from './device-status';
import { HardwareError, errorMessage } from './errors';
import { Listeners } from './listeners';

export type SerialConnectionOptions = {
  path: string;
  baudRate: number;
  onData?: (chunk: Uint8Array) => void;
};

export class SerialConnection {
  readonly path: string;
  readonly #options: SerialConnectionOptions;
  readonly #statuses = new Listeners<DeviceHealth>();
  #health: DeviceHealth = { state: 'offline', message: 'not opened' };
  #port: SerialPort | undefined;
  #opening: Promise<void> | undefined;

  constructor(options: SerialConnectionOptions) {
    this.#options = options;
    this.path = options.path;
  }

  get health(): DeviceHealth {
    return this.#health;
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#statuses.add(callback);
  }

  /** Opens the port; concurrent calls share one attempt. */
  open(): Promise<void> {
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
      this.#setHealth({ state: 'error', message: `cannot open ${path}: ${errorMessage(error)}` });
      throw new HardwareError('DEVICE_OFFLINE', `cannot open ${path}: ${errorMessage(error)}`);
    }
    this.#port = port;
    if (onData) port.on('data', onData);
    port.on('error', (error) => this.#setHealth({ state: 'error', message: errorMessage(error) }));
    port.on('close', (error?: Error) => {
      if (this.#port !== port) return; // closed by close()
      this.#port = undefined;
      this.#setHealth({
        state: 'offline',
        message: error ? `disconnected: ${error.message}` : 'closed',
      });
    });
    this.#setHealth({ state: 'ready' });
  }

  /** Writes and waits until the OS has taken every byte (drain). */
  async write(bytes: Uint8Array): Promise<void> {
    const port = this.#port;
    if (!port) {
      throw new HardwareError(
        'DEVICE_OFFLINE',
        `${this.path} is not open (${this.#health.message ?? this.#health.state})`,
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
      this.#setHealth({ state: 'error', message: errorMessage(error) });
      throw new HardwareError(
        'DEVICE_IO',
        `writing to ${this.path} failed: ${errorMessage(error)}`,
      );
    }
  }

  async close(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.#setHealth({ state: 'offline', message: 'closed' });
  }

  #setHealth(health: DeviceHealth): void {
    if (health.state === this.#health.state && health.message === this.#health.message) return;
    this.#health = health;
    this.#statuses.emit(health);
  }
}
