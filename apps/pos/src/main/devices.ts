/** Builds the hub from the terminal's device configuration. */
import {
  createHub,
  R2000Reader,
  SerialLabelPrinter,
  SerialPrinter,
  SerialScanner,
  TcpLabelPrinter,
  TcpPrinter,
  Uhf18Reader,
  UsbPrinter,
  type Hub,
  type HubOptions,
  type LabelPrinterDevice,
  type PrinterDevice,
} from '@pos/hardware';
import {
  parseDevicesConfig,
  type DevicesConfig,
  type LabelPrinterConfig,
  type PrinterConfig,
  type RfidReaderConfig,
} from '../shared/devices';

/** The driver for a configured RFID reader. */
export function rfidReaderFor(config: RfidReaderConfig): R2000Reader | Uhf18Reader {
  const options = {
    id: config.id,
    path: config.path,
    ...(config.baudRate ? { baudRate: config.baudRate } : {}),
  };
  return config.protocol === 'uhf18' ? new Uhf18Reader(options) : new R2000Reader(options);
}

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

/** The driver for the configured label printer: network (TCP 9100) or serial. */
export function labelPrinterFor(config: LabelPrinterConfig): LabelPrinterDevice {
  const common = {
    id: config.id,
    language: config.language,
    ...(config.dpi ? { dpi: config.dpi } : {}),
    ...(config.cjkFont ? { cjkFont: config.cjkFont } : {}),
  };
  return config.type === 'tcp'
    ? new TcpLabelPrinter({
        ...common,
        host: config.host,
        ...(config.port ? { port: config.port } : {}),
      })
    : new SerialLabelPrinter({
        ...common,
        path: config.path,
        ...(config.baudRate ? { baudRate: config.baudRate } : {}),
      });
}

/**
 * Opens the hub for `devices`; invalid settings are refused with every
 * problem named. `store` adds the store's zone readers and fitting-room
 * service when this terminal's hub hosts them (the demo's S001).
 */
export async function openHub(
  devices: DevicesConfig,
  columns: 32 | 48,
  store: Pick<HubOptions, 'rfidReaders' | 'fittingRooms'> = {},
): Promise<Hub> {
  parseDevicesConfig(devices);
  const rfidReaders = [
    ...(devices.rfidReaders ?? []).map(rfidReaderFor),
    ...(store.rfidReaders ?? []),
  ];
  const hub = createHub({
    scanners: devices.scanners.map(
      ({ id, path, baudRate }) =>
        new SerialScanner({ id, path, ...(baudRate ? { baudRate } : {}) }),
    ),
    ...(rfidReaders.length ? { rfidReaders } : {}),
    ...(store.fittingRooms ? { fittingRooms: store.fittingRooms } : {}),
    ...(devices.printer ? { printer: printerFor(devices.printer) } : {}),
    ...(devices.labelPrinter ? { labelPrinter: labelPrinterFor(devices.labelPrinter) } : {}),
    columns,
    ...(devices.receiptTimeZone ? { timeZone: devices.receiptTimeZone } : {}),
  });
  await hub.open();
  return hub;
}
