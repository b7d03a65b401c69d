/**
 * A serial barcode scanner on the simulator end of a pty pair: each scan is
 * written exactly as a real scanner sends it, `[AIM id]code\r\n`.
 */
import { SerialConnection } from '../serial-connection';

export class ScannerSimulator {
  readonly #connection: SerialConnection;

  private constructor(connection: SerialConnection) {
    this.#connection = connection;
  }

  static async open(path: string, options: { baudRate?: number } = {}): Promise<ScannerSimulator> {
    const connection = new SerialConnection({ path, baudRate: options.baudRate ?? 9600 });
    await connection.open();
    return new ScannerSimulator(connection);
  }

  /** Sends one scan, e.g. `scan('6901234567892', { aim: ']E0' })`. */
  scan(code: string, options: { aim?: string } = {}): Promise<void> {
    return this.write(`${options.aim ?? ''}${code}\r\n`);
  }

  /** Sends raw text or bytes, for tests of malformed input. */
  write(data: string | Uint8Array): Promise<void> {
    return this.#connection.write(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  close(): Promise<void> {
    return this.#connection.close();
  }
}
