/**
 * Driver for serial scanners (RS-232, or USB in serial/CDC mode) that send
 * each barcode as a CR/LF terminated line, optionally with an AIM symbology
 * id. It carries bytes only: no barcode validation, no product lookup.
 */
import type { DeviceHealth } from '../device-status';
import { Listeners } from '../listeners';
import { SerialConnection } from '../serial-connection';
import type { ScanEvent } from './scan-event';
import {
  MAX_SCAN_LINE_LENGTH,
  ScanLineSplitter,
  parseScanLine,
  type ScanRejection,
} from './scan-line';

export type SerialScannerOptions = {
  path: string;
  /** Device id, used as the scan `source`; defaults to the path. */
  id?: string;
  /** Default 9600, the factory setting of most serial scanners. */
  baudRate?: number;
  /** Text encoding of the scanner's output, as a TextDecoder label. Default utf-8. */
  encoding?: string;
  now?: () => Date;
  /** Check for unplug / replug this often and reopen by itself; 0 never. Default 1000 ms. */
  reconnectMs?: number;
};

export class SerialScanner {
  readonly id: string;
  readonly kind = 'scanner' as const;
  readonly #scans = new Listeners<ScanEvent>();
  readonly #rejections = new Listeners<ScanRejection>();
  readonly #connection: SerialConnection;

  constructor(options: SerialScannerOptions) {
    const { path, baudRate = 9600, encoding = 'utf-8', now = () => new Date() } = options;
    this.id = options.id ?? path;
    const decoder = new TextDecoder(encoding);
    const splitter = new ScanLineSplitter(MAX_SCAN_LINE_LENGTH);
    const onData = (chunk: Uint8Array) => {
      for (const piece of splitter.push(decoder.decode(chunk, { stream: true }))) {
        if ('overflow' in piece) {
          this.#rejections.emit({
            code: 'SCAN_TOO_LONG',
            message: `no line end within ${MAX_SCAN_LINE_LENGTH} characters; check the scanner's suffix setting`,
            source: this.id,
          });
          continue;
        }
        const result = parseScanLine(piece.line, { source: this.id, at: now().toISOString() });
        if (result.ok) this.#scans.emit(result.event);
        else this.#rejections.emit(result.rejection);
      }
    };
    const reconnectMs = options.reconnectMs ?? 1_000;
    this.#connection = new SerialConnection({ path, baudRate, onData, reconnectMs });
  }

  onScan(callback: (scan: ScanEvent) => void): () => void {
    return this.#scans.add(callback);
  }

  /** Lines that were not a scan (too long, or nothing after the AIM id). */
  onRejected(callback: (rejection: ScanRejection) => void): () => void {
    return this.#rejections.add(callback);
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#connection.onStatus(callback);
  }

  status(): DeviceHealth {
    return this.#connection.health;
  }

  open(): Promise<void> {
    return this.#connection.open();
  }

  close(): Promise<void> {
    return this.#connection.close();
  }
}
