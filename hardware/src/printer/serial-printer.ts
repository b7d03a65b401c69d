/**
 * Driver for ESC/POS receipt printers on a serial port (RS-232, or USB in
 * serial/CDC mode). It carries bytes: layout happens in receipt-layout.ts,
 * and the cash drawer opens through the printer's drawer-kick connector.
 */
import type { DeviceHealth } from '../device-status';
import { SerialConnection } from '../serial-connection';
import { DEFAULT_DRAWER_KICK, escpos, type DrawerKick } from './escpos';

export type SerialPrinterOptions = {
  path: string;
  /** Device id; defaults to the path. */
  id?: string;
  /** Default 9600; many printers are set to 19200 or 115200 (see their self-test page). */
  baudRate?: number;
  /** The drawer's pulse; default ESC p 0 25 250 (pin 2, 50 ms on, 500 ms off). */
  drawerKick?: DrawerKick;
};

export class SerialPrinter {
  readonly id: string;
  readonly kind = 'printer' as const;
  readonly #connection: SerialConnection;
  readonly #drawerKick: DrawerKick;

  constructor(options: SerialPrinterOptions) {
    this.id = options.id ?? options.path;
    this.#drawerKick = options.drawerKick ?? DEFAULT_DRAWER_KICK;
    this.#connection = new SerialConnection({
      path: options.path,
      baudRate: options.baudRate ?? 9600,
    });
  }

  /** Resolves once the OS has taken every byte; rejects with DEVICE_OFFLINE or DEVICE_IO. */
  print(bytes: Uint8Array): Promise<void> {
    return this.#connection.write(bytes);
  }

  openDrawer(): Promise<void> {
    return this.#connection.write(escpos.drawerKick(this.#drawerKick));
  }

  status(): DeviceHealth {
    return this.#connection.health;
  }

  onStatus(callback: (health: DeviceHealth) => void): () => void {
    return this.#connection.onStatus(callback);
  }

  open(): Promise<void> {
    return this.#connection.open();
  }

  close(): Promise<void> {
    return this.#connection.close();
  }
}
