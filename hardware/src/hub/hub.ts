/**
 * The hub owns the store's devices and offers them through one interface:
 * the PosBridge methods for in-process callers (Electron main), and `handle`
 * for requests that arrive over IPC or the WebSocket. It routes and renders;
 * it holds no business rules.
 */
import type { Receipt } from '@pos/domain';
import type { DeviceHealth } from '../device-status';
import { HardwareError, errorMessage } from '../errors';
import { Listeners } from '../listeners';
import { renderReceipt } from '../printer/receipt-layout';
import type { RfidReaderDevice } from '../rfid/rfid-readers';
import type { TagRead } from '../rfid/tag-read';
import type { ScanEvent } from '../scanner/scan-event';
import type {
  DeviceStatus,
  HubError,
  HubReply,
  HubRequest,
  PosBridge,
  ReceiptColumns,
} from './protocol';

/** What the hub needs of a scanner driver (SerialScanner, later HID and others). */
export type ScannerDevice = {
  readonly id: string;
  onScan(callback: (scan: ScanEvent) => void): () => void;
  onStatus(callback: (health: DeviceHealth) => void): () => void;
  status(): DeviceHealth;
  open(): Promise<void>;
  close(): Promise<void>;
};

/** What the hub needs of a printer driver (SerialPrinter, later TCP and USB). */
export type PrinterDevice = {
  readonly id: string;
  print(bytes: Uint8Array): Promise<void>;
  openDrawer(): Promise<void>;
  onStatus(callback: (health: DeviceHealth) => void): () => void;
  status(): DeviceHealth;
  /** The drawer on the kick connector, when the printer reports it; default: the printer's status. */
  drawerStatus?(): DeviceHealth;
  open(): Promise<void>;
  close(): Promise<void>;
};

export type HubOptions = {
  scanners: ScannerDevice[];
  printer?: PrinterDevice;
  /** RFID readers (R2000Reader, Uhf18Reader); their reads come through `onTagRead`. */
  rfidReaders?: RfidReaderDevice[];
  /** Paper width when a request names none: 48 (80 mm), or 32 (58 mm). */
  columns?: ReceiptColumns;
  /** IANA zone receipts print the sale time in. */
  timeZone?: string;
};

export type Hub = PosBridge & {
  /** Calls back for every (de-duplicated) tag read of every RFID reader. */
  onTagRead(callback: (read: TagRead) => void): () => void;
  /** Opens every device. A device that fails to open shows it in its status; open() still resolves. */
  open(): Promise<void>;
  /** Closes every device and drops all subscribers. */
  close(): Promise<void>;
  deviceStatus(): DeviceStatus[];
  /** Answers one request; never rejects. */
  handle(request: HubRequest): Promise<HubReply>;
};

export function createHub(options: HubOptions): Hub {
  const { scanners, printer, rfidReaders = [], columns: defaultColumns = 48, timeZone } = options;
  const scans = new Listeners<ScanEvent>();
  const tagReads = new Listeners<TagRead>();
  const statuses = new Listeners<DeviceStatus[]>();
  const devices = [...scanners, ...(printer ? [printer] : []), ...rfidReaders];

  const deviceStatus = (): DeviceStatus[] => [
    ...scanners.map((s) => toStatus(s.id, 'scanner', s.status())),
    ...(printer
      ? [
          toStatus(printer.id, 'printer', printer.status()),
          toStatus(
            `${printer.id}:drawer`,
            'drawer',
            printer.drawerStatus ? printer.drawerStatus() : printer.status(),
          ),
        ]
      : []),
    ...rfidReaders.map((reader) => toStatus(reader.id, 'rfid', reader.status())),
  ];
  const unsubscribe = [
    ...scanners.map((scanner) => scanner.onScan((scan) => scans.emit(scan))),
    ...rfidReaders.map((reader) => reader.onTagRead((read) => tagReads.emit(read))),
    ...devices.map((device) => device.onStatus(() => statuses.emit(deviceStatus()))),
  ];

  const requirePrinter = (): PrinterDevice => {
    if (!printer) throw new HardwareError('NO_PRINTER', 'this hub has no printer configured');
    return printer;
  };

  const printReceipt = async (receipt: Receipt, columns: ReceiptColumns = defaultColumns) => {
    const target = requirePrinter();
    let bytes: Uint8Array;
    try {
      bytes = renderReceipt(receipt, { columns, ...(timeZone ? { timeZone } : {}) });
    } catch (error) {
      throw new HardwareError('BAD_REQUEST', `cannot lay out the receipt: ${errorMessage(error)}`);
    }
    await target.print(bytes);
  };
  const openDrawer = () => requirePrinter().openDrawer();

  return {
    onScan: (callback) => scans.add(callback),
    onDeviceStatus: (callback) => statuses.add(callback),
    onTagRead: (callback) => tagReads.add(callback),
    printReceipt,
    openDrawer,
    deviceStatus,
    async open() {
      // A failed open is already visible as the device's `error` status.
      await Promise.all(devices.map((device) => device.open().catch(() => undefined)));
    },
    async close() {
      for (const stop of unsubscribe) stop();
      scans.clear();
      tagReads.clear();
      statuses.clear();
      await Promise.all(devices.map((device) => device.close().catch(() => undefined)));
    },
    async handle(request) {
      try {
        switch (request.type) {
          case 'printer:print-receipt':
            await printReceipt(request.receipt, request.columns);
            return { type: 'reply', id: request.id, ok: true };
          case 'drawer:open':
            await openDrawer();
            return { type: 'reply', id: request.id, ok: true };
          case 'device:status':
            return { type: 'reply', id: request.id, ok: true, devices: deviceStatus() };
          default: {
            // Unreachable for typed callers; IPC hands us whatever the renderer sent.
            const { id, type } = request as { id: string; type: unknown };
            throw new HardwareError(
              'UNKNOWN_REQUEST',
              `unknown request type ${JSON.stringify(type)} (${id})`,
            );
          }
        }
      } catch (error) {
        return { type: 'reply', id: request.id, ok: false, error: toHubError(error) };
      }
    },
  };
}

function toStatus(id: string, kind: DeviceStatus['kind'], health: DeviceHealth): DeviceStatus {
  return {
    id,
    kind,
    state: health.state,
    ...(health.message ? { message: health.message } : {}),
    ...(health.problems?.length ? { problems: health.problems } : {}),
  };
}

export function toHubError(error: unknown): HubError {
  if (error instanceof HardwareError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: errorMessage(error) };
}
