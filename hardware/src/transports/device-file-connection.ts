/**
 * A write-only device file: the Linux USB printer class driver's /dev/usb/lp0
 * (usblp), or a parallel port's /dev/lp0. Bytes written go to the printer;
 * nothing is read back, so printers on it are not asked for status.
 * The user needs write access (group `lp` on Debian).
 */
import { HealthTracker } from '../health-tracker';
import { constants, type FileHandle, open } from 'node:fs/promises';
import type { DeviceHealth } from '../device-status';
import { HardwareError, errorMessage } from '../errors';

export class DeviceFileConnection {
  readonly path: string;
  readonly #health = new HealthTracker();
  #file: FileHandle | undefined;
  #opening: Promise<void> | undefined;
  #writing: Promise<unknown> = Promise.resolve();

  constructor(options: { path: string }) {
    this.path = options.path;
  }

  get health(): DeviceHealth {
    return this.#health.current;
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#health.onChange(callback);
  }

  open(): Promise<void> {
    if (this.#file) return Promise.resolve();
    this.#opening ??= this.#open().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  async #open(): Promise<void> {
    try {
      // No O_CREAT: a missing device is an error, not a new file.
      this.#file = await open(
        this.path,
        constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY,
      );
    } catch (error) {
      const message = `cannot open ${this.path}: ${errorMessage(error)}`;
      this.#health.set({ state: 'error', message });
      throw new HardwareError('DEVICE_OFFLINE', message);
    }
    this.#health.set({ state: 'ready' });
  }

  /** Writes every byte, in order with other writes. */
  write(bytes: Uint8Array): Promise<void> {
    const run = this.#writing.then(() => this.#write(bytes));
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    const file = this.#file;
    if (!file) {
      throw new HardwareError(
        'DEVICE_OFFLINE',
        `${this.path} is not open (${this.#health.current.message ?? this.#health.current.state})`,
      );
    }
    try {
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
      }
    } catch (error) {
      // usblp answers ENODEV once the printer is unplugged: the handle is dead.
      this.#file = undefined;
      await file.close().catch(() => undefined);
      this.#health.set({ state: 'offline', message: `disconnected: ${errorMessage(error)}` });
      throw new HardwareError(
        'DEVICE_IO',
        `writing to ${this.path} failed: ${errorMessage(error)}`,
      );
    }
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.close().catch(() => undefined);
    this.#health.set({ state: 'offline', message: 'closed' });
  }
}
