/** Builds the hub from the terminal's device configuration. */
import { createHub, SerialPrinter, SerialScanner, type Hub } from '@pos/hardware';
import type { DevicesConfig } from '../shared/devices';

export async function openHub(devices: DevicesConfig, columns: 32 | 48): Promise<Hub> {
  const hub = createHub({
    scanners: devices.scanners.map(
      ({ id, path, baudRate }) =>
        new SerialScanner({ id, path, ...(baudRate ? { baudRate } : {}) }),
    ),
    ...(devices.printer
      ? {
          printer: new SerialPrinter({
            id: devices.printer.id,
            path: devices.printer.path,
            ...(devices.printer.baudRate ? { baudRate: devices.printer.baudRate } : {}),
          }),
        }
      : {}),
    columns,
    ...(devices.receiptTimeZone ? { timeZone: devices.receiptTimeZone } : {}),
  });
  await hub.open();
  return hub;
}
