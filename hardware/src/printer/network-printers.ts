/**
 * ESC/POS printers on the other transports: a network printer on TCP 9100,
 * and a USB printer-class printer through its device file (/dev/usb/lp0).
 */
import { DeviceFileConnection } from '../transports/device-file-connection';
import { TcpConnection } from '../transports/tcp-connection';
import type { DrawerKick } from './escpos';
import { EscPosPrinter, type PrinterStatusOptions } from './escpos-printer';

export type TcpPrinterOptions = {
  host: string;
  /** Default 9100. */
  port?: number;
  /** Device id; defaults to host:port. */
  id?: string;
  drawerKick?: DrawerKick;
  /** Real-time status queries (DLE EOT) over the same socket; on by default. */
  status?: PrinterStatusOptions;
  connectTimeoutMs?: number;
};

export class TcpPrinter extends EscPosPrinter {
  constructor(options: TcpPrinterOptions) {
    const link = new TcpConnection({
      host: options.host,
      port: options.port ?? 9100,
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    super({
      id: options.id ?? link.path,
      link,
      ...(options.drawerKick ? { drawerKick: options.drawerKick } : {}),
      ...(options.status ? { status: options.status } : {}),
    });
  }
}

export type UsbPrinterOptions = {
  /** The usblp device file, e.g. /dev/usb/lp0. */
  path: string;
  /** Device id; defaults to the path. */
  id?: string;
  drawerKick?: DrawerKick;
};

/** Write-only: the device file gives no status back, so none is asked. */
export class UsbPrinter extends EscPosPrinter {
  constructor(options: UsbPrinterOptions) {
    super({
      id: options.id ?? options.path,
      link: new DeviceFileConnection({ path: options.path }),
      ...(options.drawerKick ? { drawerKick: options.drawerKick } : {}),
    });
  }
}
