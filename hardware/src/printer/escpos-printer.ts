/**
 * An ESC/POS receipt printer over any byte link (serial, TCP 9100, USB
 * printer-class device file). It carries bytes, asks the printer for its
 * real-time status (DLE EOT) and says what is wrong in plain words.
 * [PP1] Before printing it asks for the status; a printer that is out of
 *       paper, has its cover open or an error refuses the print with
 *       PRINTER_NOT_READY and no byte of the receipt is sent, so nothing is
 *       half printed and the caller still holds the whole receipt.
 * [PP2] A printer that does not answer status requests (receive-only cable,
 *       old model) is still printed to; its status says so.
 * [PP3] While open, the status is polled, and each change is reported as the
 *       device's health with the problems and what to do.
 */
import type { DeviceHealth, DeviceProblem } from '../device-status';
import { Listeners } from '../listeners';
import { DEFAULT_DRAWER_KICK, escpos, type DrawerKick } from './escpos';
import {
  decodePrinterStatus,
  describeProblem,
  isStatusByte,
  printerProblems,
  problem,
  statusRequest,
  type DrawerOpenLevel,
  type PrinterFlags,
  type StatusRequest,
} from './printer-status';
import { StatusPolling, printerHealth, refuseWhenBlocked } from './status-polling';

/** A connection that carries bytes to a printer, and back when it can. */
export type PrinterLink = {
  /** Where it goes, for messages: a path or host:port. */
  readonly path: string;
  readonly health: DeviceHealth;
  onStatus(callback: (health: DeviceHealth) => void): () => void;
  /** Absent when the link cannot read (then no status is asked). */
  onData?: (callback: (chunk: Uint8Array) => void) => () => void;
  open(): Promise<void>;
  close(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
};

export type PrinterStatusOptions = {
  /** Ask the printer's status (DLE EOT). Default: true when the link can read. */
  query?: boolean;
  /** How long to wait for each status byte. Default 1000 ms. */
  timeoutMs?: number;
  /** Poll the status this often while open; 0 never. Default 5000 ms. */
  pollMs?: number;
  /** Default 'high': the drawer is open when connector pin 3 is high. */
  drawerOpenLevel?: DrawerOpenLevel;
};

export type EscPosPrinterOptions = {
  id: string;
  link: PrinterLink;
  drawerKick?: DrawerKick;
  status?: PrinterStatusOptions;
};

export class EscPosPrinter {
  readonly id: string;
  readonly kind = 'printer' as const;
  readonly #link: PrinterLink;
  readonly #drawerKick: DrawerKick;
  readonly #query: boolean;
  readonly #timeoutMs: number;
  readonly #polling: StatusPolling<PrinterFlags>;
  readonly #drawerOpenLevel: DrawerOpenLevel;
  readonly #statuses = new Listeners<DeviceHealth>();
  #problems: DeviceProblem[] = [];
  #health: DeviceHealth;
  #drawerHealth: DeviceHealth;
  #answer: ((byte: number) => void) | undefined;

  constructor(options: EscPosPrinterOptions) {
    this.id = options.id;
    this.#link = options.link;
    this.#drawerKick = options.drawerKick ?? DEFAULT_DRAWER_KICK;
    const status = options.status ?? {};
    this.#query = (status.query ?? true) && options.link.onData !== undefined;
    this.#timeoutMs = status.timeoutMs ?? 1_000;
    this.#polling = new StatusPolling({
      link: this.#link,
      ask: () => this.#queryNow(),
      enabled: this.#query,
      pollMs: status.pollMs ?? 5_000,
    });
    this.#drawerOpenLevel = status.drawerOpenLevel ?? 'high';
    this.#health = this.#computeHealth();
    this.#drawerHealth = this.#computeDrawerHealth();
    this.#link.onStatus(() => this.#update());
    this.#link.onData?.((chunk) => {
      for (const byte of chunk) {
        if (this.#answer && isStatusByte(byte)) this.#answer(byte);
      }
    });
  }

  /**
   * [PP1][PP2] Resolves once the link has taken every byte. Rejects with
   * PRINTER_NOT_READY (nothing sent), DEVICE_OFFLINE or DEVICE_IO.
   */
  async print(bytes: Uint8Array): Promise<void> {
    if (this.#query && this.#link.health.state === 'ready') {
      await this.queryStatus();
      refuseWhenBlocked(this.#problems);
    }
    await this.#link.write(bytes);
  }

  openDrawer(): Promise<void> {
    return this.#link.write(escpos.drawerKick(this.#drawerKick));
  }

  /**
   * [PP3] Asks the printer for its status now. Resolves with the flags, or
   * undefined when it does not answer; rejects only when the link is down.
   */
  queryStatus(): Promise<PrinterFlags | undefined> {
    return this.#polling.query();
  }

  /** The printer's health; `problems` say what is wrong and what to do. */
  status(): DeviceHealth {
    return this.#health;
  }

  /** The cash drawer on the printer's kick connector: open or closed, when the printer says. */
  drawerStatus(): DeviceHealth {
    return this.#drawerHealth;
  }

  /** Called when the printer's or the drawer's health changes. */
  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#statuses.add(callback);
  }

  open(): Promise<void> {
    return this.#polling.open();
  }

  close(): Promise<void> {
    return this.#polling.close();
  }

  async #queryNow(): Promise<PrinterFlags | undefined> {
    const b1 = await this.#ask(1);
    if (b1 === undefined) {
      this.#setProblems([problem('NO_STATUS')]);
      return undefined;
    }
    const b2 = await this.#ask(2);
    const b4 = await this.#ask(4);
    if (b2 === undefined || b4 === undefined) {
      this.#setProblems([problem('NO_STATUS')]);
      return undefined;
    }
    const b3 = b2 & 0x40 ? await this.#ask(3) : undefined;
    const flags = decodePrinterStatus({
      1: b1,
      2: b2,
      4: b4,
      ...(b3 === undefined ? {} : { 3: b3 }),
    });
    this.#setProblems(printerProblems(flags, this.#drawerOpenLevel));
    return flags;
  }

  /** Sends DLE EOT n and waits for the answer byte. */
  async #ask(n: StatusRequest): Promise<number | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<number | undefined>((resolve) => {
      this.#answer = resolve;
      timer = setTimeout(() => resolve(undefined), this.#timeoutMs);
    });
    try {
      await this.#link.write(statusRequest(n));
      return await answer;
    } finally {
      clearTimeout(timer);
      this.#answer = undefined;
    }
  }

  #setProblems(problems: DeviceProblem[]): void {
    this.#problems = problems;
    this.#update();
  }

  #update(): void {
    const health = this.#computeHealth();
    const drawer = this.#computeDrawerHealth();
    const changed =
      JSON.stringify(health) !== JSON.stringify(this.#health) ||
      JSON.stringify(drawer) !== JSON.stringify(this.#drawerHealth);
    this.#health = health;
    this.#drawerHealth = drawer;
    if (changed) this.#statuses.emit(health);
  }

  #computeHealth(): DeviceHealth {
    return printerHealth(
      this.#link.health,
      this.#problems.filter((p) => p.code !== 'DRAWER_OPEN'),
    );
  }

  #computeDrawerHealth(): DeviceHealth {
    const link = this.#link.health;
    if (link.state !== 'ready') return link;
    const problems = this.#problems.filter((p) => p.code === 'DRAWER_OPEN');
    if (problems.length === 0) return { state: 'ready' };
    return { state: 'ready', message: problems.map(describeProblem).join(' '), problems };
  }
}
