/** Builds the hub from the terminal's device configuration. */
import {
  createHub,
  SerialPrinter,
  SerialScanner,
  TcpPrinter,
  UsbPrinter,
  type Hub,
  type PrinterDevice,
} from '@pos/hardware';
import { parseDevicesConfig, type DevicesConfig, type PrinterConfig } from '../shared/devices';

/** The driver for the configured printer: serial port, network (TCP 9100) or USB printer class. */
export function printerFor(config: PrinterConfig): PrinterDevice {
  const status =
    config.type !== 'usb' && config.drawerOpenLevel
      ? { status: { drawerOpenLevel: config.drawerOpenLevel } }
      : {};
  switch (config.type) {
    case 'tcp':
      return new TcpPrinter({
        id: config.id,
        host: config.host,
        ...(config.port ? { port: config.port } : {}),
        ...status,
      });
    case 'usb':
      return new UsbPrinter({ id: config.id, path: config.path });
    case undefined:
    case 'serial':
      return new SerialPrinter({
        id: config.id,
        path: config.path,
        ...(config.baudRate ? { baudRate: config.baudRate } : {}),
        ...status,
      });
  }
}

/** Opens the hub for `devices`; invalid settings are refused with every problem named. */
export async function openHub(devices: DevicesConfig, columns: 32 | 48): Promise<Hub> {
  parseDevicesConfig(devices);
  const hub = createHub({
    scanners: devices.scanners.map(
      ({ id, path, baudRate }) =>
        new SerialScanner({ id, path, ...(baudRate ? { baudRate } : {}) }),
    ),
    ...(devices.printer ? { printer: printerFor(devices.printer) } : {}),
    columns,
    ...(devices.receiptTimeZone ? { timeZone: devices.receiptTimeZone } : {}),
  });
  await hub.open();
  return hub;
}
