/**
 * An ESC/POS receipt printer on the simulator end of a pty pair (or a TCP
 * socket, see tcp-printer-simulator.ts). It decodes what the driver sends
 * with the same decoder the tests use, and keeps the paper: each cut
 * completes a receipt (its text lines; a QR code is the line `[QR: data]`,
 * a barcode `[CODE128: data]` with its human-readable text as the printer
 * places it, so a test reads what a customer sees). It answers real-time status requests
 * (DLE EOT n) like a real printer, and can be told it is out of paper, its
 * cover is open or its drawer is open. While out of paper or with the cover
 * open it prints nothing: what it receives waits in its buffer and prints
 * once paper is loaded and the cover closed, as on a real printer.
 */
import { Listeners } from '../listeners';
import type { SerialConnection } from '../serial-connection';
import { PRINTER_READY, encodePrinterStatus, type PrinterFlags } from '../printer/printer-status';
import {
  EscPosDecoder,
  type EscPosErrorRecord,
  type EscPosRecord,
} from '../printer/escpos-decoder';
import { openSerialWire } from './printer-wire';

export type DrawerKickRecord = Extract<EscPosRecord, { kind: 'drawer-kick' }>;

export class PrinterSimulator {
  /** Completed receipts, oldest first; each is its printed lines. */
  readonly receipts: string[][] = [];
  /** Every drawer kick received, with its m/t1/t2. */
  readonly drawerKickRecords: DrawerKickRecord[] = [];
  /** Commands the decoder could not understand. */
  readonly errors: EscPosErrorRecord[] = [];
  readonly #receiptListeners = new Listeners<string[]>();
  readonly #changes = new Listeners<void>();
  readonly #decoder = new EscPosDecoder();
  #paper: string[] = [];
  #receiptsTaken = 0;
  #connection: SerialConnection | undefined;
  #send: ((bytes: Uint8Array) => Promise<void>) | undefined;
  #flags: PrinterFlags = { ...PRINTER_READY };
  /** Records received while the printer could not print, in order. */
  #held: EscPosRecord[] = [];
  /** Status requests received (DLE EOT n), oldest first. */
  readonly statusRequests: number[] = [];
  /** False to play a printer that never answers status requests. */
  answersStatus = true;

  static async open(path: string, options: { baudRate?: number } = {}): Promise<PrinterSimulator> {
    const simulator = new PrinterSimulator();
    simulator.#connection = await openSerialWire(simulator, path, options.baudRate);
    return simulator;
  }

  /** Where status answers go; set by open() or by another transport's simulator. */
  attachReply(send: (bytes: Uint8Array) => Promise<void>): void {
    this.#send = send;
  }

  /** The state the printer reports to DLE EOT. */
  get flags(): Readonly<PrinterFlags> {
    return this.#flags;
  }

  /** 'out': no paper, nothing prints; 'low': the near-end sensor is on. */
  setPaper(paper: 'ok' | 'low' | 'out'): void {
    this.#setFlags({ paperOut: paper === 'out', paperNearEnd: paper !== 'ok' });
  }

  setCoverOpen(open: boolean): void {
    this.#setFlags({ coverOpen: open });
  }

  /** The drawer switch on the kick connector (pin 3 high = open). */
  setDrawerOpen(open: boolean): void {
    this.#setFlags({ drawerPinHigh: open });
  }

  /** The level of kick connector pin 3 itself, for a drawer wired either way. */
  setDrawerPin(level: 'high' | 'low'): void {
    this.#setFlags({ drawerPinHigh: level === 'high' });
  }

  /** Whether it prints now (paper in, cover closed). */
  get canPrint(): boolean {
    return !this.#flags.paperOut && !this.#flags.coverOpen;
  }

  get drawerKicks(): number {
    return this.drawerKickRecords.length;
  }

  /** Lines printed since the last cut. */
  get paper(): readonly string[] {
    return this.#paper;
  }

  onReceipt(callback: (lines: string[]) => void): () => void {
    return this.#receiptListeners.add(callback);
  }

  /**
   * Resolves with the next receipt this method has not returned yet (receipts
   * completed before the call count), so a test can print first and wait after.
   */
  async waitForReceipt(timeoutMs = 5_000): Promise<string[]> {
    const index = this.#receiptsTaken++;
    await this.#waitFor(() => this.receipts.length > index, timeoutMs, `receipt #${index + 1}`);
    return this.receipts[index] as string[];
  }

  /** Resolves once `count` drawer kicks in all have arrived. */
  async waitForDrawerKicks(count: number, timeoutMs = 5_000): Promise<void> {
    await this.#waitFor(() => this.drawerKicks >= count, timeoutMs, `${count} drawer kick(s)`);
  }

  /** Bytes as received from the wire; public so tests can feed the simulator without a port. */
  feed(chunk: Uint8Array): void {
    for (const record of this.#decoder.push(chunk)) {
      if (record.kind === 'status-request') this.#answerStatus(record.n);
      else if (record.kind === 'error') this.errors.push(record);
      else if (this.canPrint) this.#apply(record);
      else this.#held.push(record);
    }
    this.#changes.emit();
  }

  #answerStatus(n: number): void {
    this.statusRequests.push(n);
    if (!this.answersStatus || !this.#send) return;
    const byte = encodePrinterStatus(this.#flags)[n as 1 | 2 | 3 | 4];
    void this.#send(Uint8Array.of(byte)).catch(() => undefined);
  }

  #setFlags(change: Partial<PrinterFlags>): void {
    this.#flags = { ...this.#flags, ...change };
    this.#flags.online = this.canPrint;
    if (this.canPrint && this.#held.length > 0) {
      const held = this.#held;
      this.#held = [];
      for (const record of held) this.#apply(record);
      this.#changes.emit();
    }
  }

  #apply(record: EscPosRecord): void {
    if (record.kind === 'line') this.#paper.push(record.text);
    else if (record.kind === 'qr') this.#paper.push(`[QR: ${record.data}]`);
    else if (record.kind === 'barcode') {
      const hri = record.hri;
      if (hri === 'above' || hri === 'both') this.#paper.push(record.data);
      this.#paper.push(`[${record.symbology}: ${record.data}]`);
      if (hri === 'below' || hri === 'both') this.#paper.push(record.data);
    } else if (record.kind === 'cut') {
      const receipt = this.#paper;
      this.#paper = [];
      this.receipts.push(receipt);
      this.#receiptListeners.emit(receipt);
    } else if (record.kind === 'drawer-kick') this.drawerKickRecords.push(record);
  }

  async close(): Promise<void> {
    await this.#connection?.close();
  }

  #waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`printer simulator: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const stop = this.#changes.add(() => {
        if (!done()) return;
        clearTimeout(timer);
        stop();
        resolve();
      });
    });
  }
}
