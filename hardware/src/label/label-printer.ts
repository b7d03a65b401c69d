/**
 * A label printer (ZPL or TSPL) over any byte link: TCP 9100 on a network
 * printer, a serial port on others. It carries the printer's language;
 * layout happens in shipping-label.ts.
 * [LP1] Before printing it asks the printer's status (`~HS`, `<ESC>!?`); a
 *       printer out of labels, with its head open or paused refuses the
 *       label with PRINTER_NOT_READY and no byte of it is sent.
 * [LP2] A printer that does not answer status is still printed to; its
 *       status says so.
 * [LP3] While open, the status is polled (default every 5 s) and each
 *       change is reported as the device's health.
 */
import type { DeviceHealth, DeviceProblem } from '../device-status';
import { Listeners } from '../listeners';
import type { PrinterLink } from '../printer/escpos-printer';
import { StatusPolling, printerHealth, refuseWhenBlocked } from '../printer/status-polling';
import { SerialConnection } from '../serial-connection';
import { TcpConnection } from '../transports/tcp-connection';
import type { LabelDpi, LabelLanguage } from './label-layout';
import {
  NO_STATUS_PROBLEM,
  decodeTsplStatus,
  hostStatusFrames,
  labelPrinterProblems,
  parseHostStatus,
  type LabelPrinterFlags,
} from './label-status';
import { TSPL_STATUS_REQUEST } from './tspl';
import { ZPL_HOST_STATUS } from './zpl';

export type LabelPrinterStatusOptions = {
  /** Ask the printer's status. Default: true when the link can read. */
  query?: boolean;
  /** How long to wait for an answer. Default 1000 ms. */
  timeoutMs?: number;
  /** Poll this often while open; 0 never. Default 5000 ms. */
  pollMs?: number;
};

export type LabelPrinterSettings = {
  /** The printer's language. */
  language: LabelLanguage;
  /** Default 203. */
  dpi?: LabelDpi;
  /** ZPL: the font with Chinese glyphs, e.g. E:SIMSUN.FNT (the default). */
  cjkFont?: string;
  status?: LabelPrinterStatusOptions;
};

export class LabelPrinter {
  readonly id: string;
  readonly kind = 'label-printer' as const;
  readonly language: LabelLanguage;
  readonly dpi: LabelDpi;
  readonly cjkFont: string | undefined;
  readonly #link: PrinterLink;
  readonly #query: boolean;
  readonly #timeoutMs: number;
  readonly #polling: StatusPolling<LabelPrinterFlags>;
  readonly #statuses = new Listeners<DeviceHealth>();
  #problems: DeviceProblem[] = [];
  #health: DeviceHealth;
  #received = new Uint8Array(0);
  #answered: (() => void) | undefined;

  constructor(options: LabelPrinterSettings & { id: string; link: PrinterLink }) {
    this.id = options.id;
    this.#link = options.link;
    this.language = options.language;
    this.dpi = options.dpi ?? 203;
    this.cjkFont = options.cjkFont;
    const status = options.status ?? {};
    this.#query = (status.query ?? true) && options.link.onData !== undefined;
    this.#timeoutMs = status.timeoutMs ?? 1_000;
    this.#polling = new StatusPolling({
      link: this.#link,
      ask: () => this.#queryNow(),
      enabled: this.#query,
      pollMs: status.pollMs ?? 5_000,
    });
    this.#health = this.#computeHealth();
    this.#link.onStatus(() => this.#update());
    this.#link.onData?.((chunk) => {
      if (!this.#answered) return;
      // Bounded: a status answer is under 100 bytes.
      const joined = new Uint8Array(Math.min(4096, this.#received.length + chunk.length));
      joined.set(this.#received.subarray(0, joined.length));
      joined.set(chunk.subarray(0, joined.length - this.#received.length), this.#received.length);
      this.#received = joined;
      this.#answered();
    });
  }

  /** [LP1][LP2] Resolves once the link took every byte; PRINTER_NOT_READY sends nothing. */
  async print(bytes: Uint8Array): Promise<void> {
    if (this.#query && this.#link.health.state === 'ready') {
      await this.queryStatus();
      refuseWhenBlocked(this.#problems);
    }
    await this.#link.write(bytes);
  }

  /** [LP3] Asks the status now: the flags, or undefined when the printer does not answer. */
  queryStatus(): Promise<LabelPrinterFlags | undefined> {
    return this.#polling.query();
  }

  status(): DeviceHealth {
    return this.#health;
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#statuses.add(callback);
  }

  open(): Promise<void> {
    return this.#polling.open();
  }

  close(): Promise<void> {
    return this.#polling.close();
  }

  async #queryNow(): Promise<LabelPrinterFlags | undefined> {
    const read = (): LabelPrinterFlags | undefined => {
      if (this.language === 'tspl') {
        const byte = this.#received[0];
        return byte === undefined ? undefined : decodeTsplStatus(byte);
      }
      const frames = hostStatusFrames(this.#received);
      return frames ? parseHostStatus(frames) : undefined;
    };
    this.#received = new Uint8Array(0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<LabelPrinterFlags | undefined>((resolve) => {
      this.#answered = () => {
        const flags = read();
        if (flags) resolve(flags);
      };
      timer = setTimeout(() => resolve(undefined), this.#timeoutMs);
    });
    let flags: LabelPrinterFlags | undefined;
    try {
      await this.#link.write(
        this.language === 'tspl' ? TSPL_STATUS_REQUEST : new TextEncoder().encode(ZPL_HOST_STATUS),
      );
      flags = await answer;
    } finally {
      clearTimeout(timer);
      this.#answered = undefined;
    }
    this.#problems = flags ? labelPrinterProblems(flags) : [NO_STATUS_PROBLEM];
    this.#update();
    return flags;
  }

  #update(): void {
    const health = this.#computeHealth();
    const changed = JSON.stringify(health) !== JSON.stringify(this.#health);
    this.#health = health;
    if (changed) this.#statuses.emit(health);
  }

  #computeHealth(): DeviceHealth {
    return printerHealth(this.#link.health, this.#problems);
  }
}

/** A network label printer: raw jobs on TCP 9100. */
export class TcpLabelPrinter extends LabelPrinter {
  constructor(
    options: LabelPrinterSettings & {
      host: string;
      port?: number;
      id?: string;
      connectTimeoutMs?: number;
    },
  ) {
    const link = new TcpConnection({
      host: options.host,
      port: options.port ?? 9100,
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    super({ ...options, id: options.id ?? link.path, link });
  }
}

/** A label printer on a serial port (or USB in serial mode). */
export class SerialLabelPrinter extends LabelPrinter {
  constructor(
    options: LabelPrinterSettings & {
      path: string;
      id?: string;
      baudRate?: number;
      reconnectMs?: number;
    },
  ) {
    super({
      ...options,
      id: options.id ?? options.path,
      link: new SerialConnection({
        path: options.path,
        baudRate: options.baudRate ?? 9600,
        reconnectMs: options.reconnectMs ?? 1_000,
      }),
    });
  }
}
