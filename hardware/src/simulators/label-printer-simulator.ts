/**
 * A label printer that speaks ZPL or TSPL on the wire: it answers status
 * requests (`~HS`, `<ESC>!?`) from its flags, decodes each label it gets
 * (kept in `labels` for tests and the demo) and can be run out of labels,
 * have its head opened or be paused. Over a serial port (`open`) or TCP
 * (`TcpLabelPrinterSimulator`, port 9100 on a real printer, any free port here).
 */
import { Listeners } from '../listeners';
import { decodeTspl, decodeZpl, type DecodedLabel } from '../label/label-decoder';
import type { LabelDpi, LabelLanguage } from '../label/label-layout';
import {
  READY_FLAGS,
  hostStatusAnswer,
  tsplStatusByte,
  type LabelPrinterFlags,
} from '../label/label-status';
import type { SerialConnection } from '../serial-connection';
import { TcpPrinterServer, openSerialWire } from './printer-wire';

/** At most this many bytes of an unfinished label are held. */
const MAX_PENDING = 1 << 20;
const ZPL_END = new TextEncoder().encode('^XZ');
const ZPL_STATUS = new TextEncoder().encode('~HS');
const TSPL_STATUS = Uint8Array.of(0x1b, 0x21, 0x3f);
const TSPL_PRINT = /(^|\n)\s*PRINT[^\n]*\n/i;

export class LabelPrinterSimulator {
  readonly language: LabelLanguage;
  readonly dpi: LabelDpi;
  /** Every label printed, decoded, in order. */
  readonly labels: DecodedLabel[] = [];
  /** What the decoder could not read, and labels that arrived while the printer could not print. */
  readonly errors: string[] = [];
  statusRequests = 0;
  #flags: LabelPrinterFlags = { ...READY_FLAGS };
  #pending: Uint8Array = new Uint8Array(0);
  #send: ((bytes: Uint8Array) => Promise<void>) | undefined;
  #connection: SerialConnection | undefined;
  #taken = 0;
  readonly #changes = new Listeners<void>();
  readonly #printed = new Listeners<DecodedLabel>();

  constructor(options: { language: LabelLanguage; dpi?: LabelDpi }) {
    this.language = options.language;
    this.dpi = options.dpi ?? 203;
  }

  /** A simulator on a serial port (the simulator's end of a pty pair). */
  static async open(
    path: string,
    options: { language: LabelLanguage; dpi?: LabelDpi; baudRate?: number },
  ): Promise<LabelPrinterSimulator> {
    const simulator = new LabelPrinterSimulator(options);
    simulator.#connection = await openSerialWire(simulator, path, options.baudRate);
    return simulator;
  }

  /** Where status answers go (the socket or port the request came on). */
  attachReply(send: (bytes: Uint8Array) => Promise<void>): void {
    this.#send = send;
  }

  get flags(): Readonly<LabelPrinterFlags> {
    return this.#flags;
  }

  setFlags(flags: Partial<LabelPrinterFlags>): void {
    this.#flags = { ...this.#flags, ...flags };
  }

  /** 'out': no labels left, nothing prints. */
  setPaper(paper: 'ok' | 'out'): void {
    this.setFlags({ paperOut: paper === 'out' });
  }

  /** Bytes as received from the wire. */
  feed(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.#pending.length + chunk.length);
    joined.set(this.#pending);
    joined.set(chunk, this.#pending.length);
    this.#pending = this.#answerStatus(joined);
    this.#takeLabels();
    if (this.#pending.length > MAX_PENDING) {
      this.errors.push(`a label over ${MAX_PENDING} bytes was dropped`);
      this.#pending = new Uint8Array(0);
    }
    this.#changes.emit();
  }

  /** Calls back with each label as it prints; returns the unsubscribe function. */
  onLabel(callback: (label: DecodedLabel) => void): () => void {
    return this.#printed.add(callback);
  }

  /** Resolves with the next label not yet taken by an earlier call. */
  async waitForLabel(timeoutMs = 5_000): Promise<DecodedLabel> {
    const index = this.#taken++;
    if (this.labels.length <= index) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(
            new Error(`label printer simulator: no label #${index + 1} within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        const stop = this.#changes.add(() => {
          if (this.labels.length <= index) return;
          clearTimeout(timer);
          stop();
          resolve();
        });
      });
    }
    return this.labels[index] as DecodedLabel;
  }

  async close(): Promise<void> {
    await this.#connection?.close();
  }

  /** Answers and removes every complete status request. */
  #answerStatus(bytes: Uint8Array): Uint8Array {
    const request = this.language === 'zpl' ? ZPL_STATUS : TSPL_STATUS;
    let rest = bytes;
    for (let at = indexOf(rest, request); at >= 0; at = indexOf(rest, request)) {
      rest = Uint8Array.from([...rest.subarray(0, at), ...rest.subarray(at + request.length)]);
      this.statusRequests += 1;
      const answer =
        this.language === 'zpl'
          ? hostStatusAnswer(this.#flags)
          : Uint8Array.of(tsplStatusByte(this.#flags));
      void this.#send?.(answer).catch(() => undefined);
    }
    return rest;
  }

  #takeLabels(): void {
    for (;;) {
      let end: number;
      if (this.language === 'zpl') {
        const at = indexOf(this.#pending, ZPL_END);
        if (at < 0) return;
        end = at + ZPL_END.length;
      } else {
        const text = Buffer.from(this.#pending).toString('latin1');
        const match = TSPL_PRINT.exec(text);
        if (!match) return;
        end = match.index + match[0].length;
      }
      const job = this.#pending.subarray(0, end);
      this.#pending = this.#pending.slice(end);
      const decoded = this.language === 'zpl' ? decodeZpl(job) : decodeTspl(job, { dpi: this.dpi });
      this.errors.push(...decoded.errors);
      if (this.#flags.paperOut || this.#flags.headOpen || this.#flags.paused) {
        this.errors.push('a label arrived while the printer could not print it');
        continue;
      }
      this.labels.push(...decoded.labels);
      for (const label of decoded.labels) this.#printed.emit(label);
    }
  }
}

function indexOf(bytes: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle);
}

/** A network label printer: a TCP server whose connections feed one LabelPrinterSimulator. */
export class TcpLabelPrinterSimulator extends TcpPrinterServer<LabelPrinterSimulator> {
  /** Listens on `port` (default 0: any free port) on 127.0.0.1. */
  static async start(options: {
    language: LabelLanguage;
    dpi?: LabelDpi;
    port?: number;
    host?: string;
  }): Promise<TcpLabelPrinterSimulator> {
    const simulator = new TcpLabelPrinterSimulator(
      new LabelPrinterSimulator({
        language: options.language,
        ...(options.dpi ? { dpi: options.dpi } : {}),
      }),
    );
    await simulator.listen(options);
    return simulator;
  }
}
