/**
 * Driver for HID POS scanners (usage page 0x8C) through `node-hid`. No
 * keyboard emulation: reports arrive only here, never as key presses. On
 * Linux the user needs read access to the /dev/hidraw* node (a udev rule).
 * It carries bytes only: parsing is in hid-pos-report.ts.
 */
import type { DeviceHealth } from '../device-status';
import { HardwareError, errorMessage } from '../errors';
import { Listeners } from '../listeners';
import {
  HidScanAssembler,
  findHidPosScanners,
  type HidDeviceInfo,
  type HidReportError,
} from './hid-pos-report';
import type { ScanEvent } from './scan-event';

/** The parts of node-hid's HIDAsync the driver uses. */
export type HidHandle = {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close(): Promise<void>;
};

/** The parts of the node-hid module the driver uses; tests pass a stand-in. */
export type HidModule = {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string): Promise<HidHandle> };
};

export type HidScannerOptions = {
  /** hidraw path from `devices()`; default: the first HID POS scanner found. */
  path?: string;
  /** Device id, used as the scan `source`; defaults to the path. */
  id?: string;
  /** Report id of Scanned Data Reports; default 0x02. */
  reportId?: number;
  now?: () => Date;
  /** Default: `import('node-hid')`. */
  loadHid?: () => Promise<HidModule>;
  /** After an unplug or a failed open, try again this often; 0 never. Default 1000 ms. */
  reconnectMs?: number;
};

export type HidScanRejection = HidReportError & { source: string };

export class HidScanner {
  readonly id: string;
  readonly kind = 'scanner' as const;
  readonly #options: HidScannerOptions;
  readonly #scans = new Listeners<ScanEvent>();
  readonly #rejections = new Listeners<HidScanRejection>();
  readonly #statuses = new Listeners<DeviceHealth>();
  #health: DeviceHealth = { state: 'offline', message: 'not opened' };
  #device: HidHandle | undefined;
  #wanted = false;
  #retry: ReturnType<typeof setInterval> | undefined;
  #opening: Promise<void> | undefined;

  constructor(options: HidScannerOptions = {}) {
    this.#options = options;
    this.id = options.id ?? options.path ?? 'hid-scanner';
  }

  /** HID POS scanners attached now (usage page 0x8C). */
  static async list(loadHid: () => Promise<HidModule> = loadNodeHid): Promise<HidDeviceInfo[]> {
    const hid = await loadHid();
    return findHidPosScanners(await hid.devicesAsync());
  }

  onScan(callback: (scan: ScanEvent) => void): () => void {
    return this.#scans.add(callback);
  }

  /** Reports that were not a scan (bad length, too long, empty). */
  onRejected(callback: (rejection: HidScanRejection) => void): () => void {
    return this.#rejections.add(callback);
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#statuses.add(callback);
  }

  status(): DeviceHealth {
    return this.#health;
  }

  /** Opens the scanner; until close(), an unplugged or missing one is retried every `reconnectMs`. */
  open(): Promise<void> {
    this.#wanted = true;
    this.#startRetry();
    if (this.#device) return Promise.resolve();
    this.#opening ??= this.#open().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  #startRetry(): void {
    const every = this.#options.reconnectMs ?? 1_000;
    if (every <= 0 || this.#retry) return;
    this.#retry = setInterval(() => {
      if (this.#wanted && !this.#device && !this.#opening) void this.open().catch(() => undefined);
    }, every);
    this.#retry.unref?.();
  }

  async #open(): Promise<void> {
    const { loadHid = loadNodeHid, now = () => new Date(), reportId } = this.#options;
    let device: HidHandle;
    let path = this.#options.path;
    try {
      const hid = await loadHid();
      if (!path) {
        path = findHidPosScanners(await hid.devicesAsync())[0]?.path;
        if (!path) throw new Error('no HID POS scanner (usage page 0x8C) is attached');
      }
      device = await hid.HIDAsync.open(path);
    } catch (error) {
      const message = `cannot open HID scanner${path ? ` ${path}` : ''}: ${errorMessage(error)}`;
      this.#setHealth({ state: 'error', message });
      throw new HardwareError('DEVICE_OFFLINE', message);
    }
    const assembler = new HidScanAssembler(reportId === undefined ? {} : { reportId });
    device.on('data', (data: Buffer) => {
      const result = assembler.push(new Uint8Array(data), {
        source: this.id,
        at: now().toISOString(),
      });
      if (!result) return;
      if ('scan' in result) this.#scans.emit(result.scan);
      else if (result.error.code !== 'HID_NOT_SCAN_REPORT') {
        this.#rejections.emit({ ...result.error, source: this.id });
      }
    });
    device.on('error', (error: unknown) => {
      if (this.#device !== device) return;
      this.#device = undefined;
      void device.close().catch(() => undefined);
      this.#setHealth({ state: 'offline', message: `disconnected: ${errorMessage(error)}` });
    });
    this.#device = device;
    this.#setHealth({ state: 'ready' });
  }

  async close(): Promise<void> {
    this.#wanted = false;
    if (this.#retry) clearInterval(this.#retry);
    this.#retry = undefined;
    const device = this.#device;
    this.#device = undefined;
    await device?.close().catch(() => undefined);
    this.#setHealth({ state: 'offline', message: 'closed' });
  }

  #setHealth(health: DeviceHealth): void {
    if (health.state === this.#health.state && health.message === this.#health.message) return;
    this.#health = health;
    this.#statuses.emit(health);
  }
}

async function loadNodeHid(): Promise<HidModule> {
  const hid = (await import('node-hid')) as unknown as HidModule;
  return hid;
}
