/**
 * Driver for ESC/POS receipt printers on a serial port (RS-232, or USB in
 * serial/CDC mode). It carries bytes: layout happens in receipt-layout.ts,
 * the cash drawer opens through the printer's drawer-kick connector, and
 * status (paper, cover, drawer) comes from DLE EOT (escpos-printer.ts).
 */
import { SerialConnection } from '../serial-connection';
import type { DrawerKick } from './escpos';
import { EscPosPrinter, type PrinterStatusOptions } from './escpos-printer';

export type SerialPrinterOptions = {
  path: string;
  /** Device id; defaults to the path. */
  id?: string;
  /** Default 9600; many printers are set to 19200 or 115200 (see their self-test page). */
  baudRate?: number;
  /** The drawer's pulse; default ESC p 0 25 250 (pin 2, 50 ms on, 500 ms off). */
  drawerKick?: DrawerKick;
  /** Real-time status queries (DLE EOT); on by default. */
  status?: PrinterStatusOptions;
  /** Check for unplug / replug this often and reopen by itself; 0 never. Default 1000 ms. */
  reconnectMs?: number;
};

export class SerialPrinter extends EscPosPrinter {
  constructor(options: SerialPrinterOptions) {
    super({
      id: options.id ?? options.path,
      link: new SerialConnection({
        path: options.path,
        baudRate: options.baudRate ?? 9600,
        reconnectMs: options.reconnectMs ?? 1_000,
      }),
      ...(options.drawerKick ? { drawerKick: options.drawerKick } : {}),
      ...(options.status ? { status: options.status } : {}),
    });
  }
}
