/**
 * An ESC/POS receipt printer on the simulator end of a pty pair. It decodes
 * what the driver sends with the same decoder the tests use, and keeps the
 * paper: each cut completes a receipt (its text lines).
 */
import { Listeners } from '../listeners';
import { SerialConnection } from '../serial-connection';
import {
  EscPosDecoder,
  type EscPosErrorRecord,
  type EscPosRecord,
} from '../printer/escpos-decoder';

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

  static async open(path: string, options: { baudRate?: number } = {}): Promise<PrinterSimulator> {
    const simulator = new PrinterSimulator();
    const connection = new SerialConnection({
      path,
      baudRate: options.baudRate ?? 9600,
      onData: (chunk) => simulator.feed(chunk),
    });
    await connection.open();
    simulator.#connection = connection;
    return simulator;
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
      if (record.kind === 'line') this.#paper.push(record.text);
      else if (record.kind === 'cut') {
        const receipt = this.#paper;
        this.#paper = [];
        this.receipts.push(receipt);
        this.#receiptListeners.emit(receipt);
      } else if (record.kind === 'drawer-kick') this.drawerKickRecords.push(record);
      else if (record.kind === 'error') this.errors.push(record);
    }
    this.#changes.emit();
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
