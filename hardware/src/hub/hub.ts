/**
 * The hub owns the store's devices and offers them through one interface:
 * the PosBridge methods for in-process callers (Electron main), and `handle`
 * for requests that arrive over IPC or the WebSocket, once `validateHubRequest`
 * has checked them ([HB1]). It routes and renders; it holds no business rules.
 */
import type { FittingRoomView, SaleReceipt, ZoneEvent } from '@pos/domain';
import type { DeviceHealth } from '../device-status';
import { HardwareError, errorMessage } from '../errors';
import { Listeners } from '../listeners';
import type { LabelDpi, LabelLanguage } from '../label/label-layout';
import { encodeShippingLabel } from '../label/shipping-label';
import { PrintQueue, type PrintJobView } from '../printer/print-queue';
import {
  layoutConsentSlip,
  layoutPackingSlip,
  layoutPickupSlip,
  layoutReturnReceipt,
  layoutShiftReport,
} from '../printer/report-layout';
import { renderPrintItems, renderReceipt, type PrintItem } from '../printer/receipt-layout';
import type { RfidReaderDevice } from '../rfid/rfid-readers';
import type { TagRead } from '../rfid/tag-read';
import type { ScanEvent } from '../scanner/scan-event';
import type { FittingRoomService } from '../zones/fitting-room-service';
import type {
  DeviceStatus,
  HubError,
  HubReply,
  HubRequest,
  PosBridge,
  PrintableDocument,
  PrintReceiptOptions,
  PrintReceiptResult,
  ReceiptColumns,
  ReceiptLanguage,
  ShippingLabel,
  ZoneTag,
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

/** What the hub needs of a label printer driver (TcpLabelPrinter, SerialLabelPrinter). */
export type LabelPrinterDevice = {
  readonly id: string;
  /** The printer's language; labels are encoded in it. */
  readonly language: LabelLanguage;
  readonly dpi: LabelDpi;
  /** ZPL: the font with Chinese glyphs. */
  readonly cjkFont?: string | undefined;
  print(bytes: Uint8Array): Promise<void>;
  onStatus(callback: (health: DeviceHealth) => void): () => void;
  status(): DeviceHealth;
  open(): Promise<void>;
  close(): Promise<void>;
};

export type HubOptions = {
  scanners: ScannerDevice[];
  printer?: PrinterDevice;
  /** [LH1] The store's label printer for shipping labels, with a queue of its own. */
  labelPrinter?: LabelPrinterDevice;
  /** RFID readers (R2000Reader, Uhf18Reader); their reads come through `onTagRead`. */
  rfidReaders?: RfidReaderDevice[];
  /** Paper width when a request names none: 48 (80 mm), or 32 (58 mm). */
  columns?: ReceiptColumns;
  /** IANA zone receipts print the sale time in. */
  timeZone?: string;
  /**
   * [FR1] [HZ1]-[HZ4] The store's fitting-room service: the hub feeds it every
   * raw read of its readers (or, from a reader without raw reads, its
   * de-duplicated reads), sends its zone events and rooms to clients and
   * answers the fitting-room requests. Its status is a device of kind
   * `fitting-rooms` ([FR5]). The hub closes it when it closes.
   */
  fittingRooms?: FittingRoomService;
  /** Receipt labels when a request names none; default 'en'. */
  language?: ReceiptLanguage;
  /** The receipt queue in front of the printer: retry interval and size. */
  printQueue?: { retryMs?: number; maxJobs?: number };
};

export type Hub = PosBridge & {
  /** [LH1] Rejects with NO_PRINTER on a hub without a label printer. */
  printLabel(label: ShippingLabel, options?: { jobId?: string }): Promise<PrintReceiptResult>;
  /** Calls back for every (de-duplicated) tag read of every RFID reader. */
  onTagRead(callback: (read: TagRead) => void): () => void;
  /** [HZ1] Every zone event of the fitting-room service's engine (none without one). */
  onZoneEvent(callback: (event: ZoneEvent) => void): () => void;
  /** [HZ2] The fitting rooms after every change (not called at once: read `fittingRooms()`). */
  onFittingRooms(callback: (rooms: FittingRoomView[]) => void): () => void;
  /** [HZ2] The fitting rooms now; none without a fitting-room service. */
  fittingRooms(): Promise<FittingRoomView[]>;
  /** [HZ3] BAD_REQUEST without a fitting-room service or for a zone that is not a room. */
  linkMember(room: string, memberId: string, clerkId?: string): Promise<number>;
  /** [HZ4] BAD_REQUEST without a fitting-room service or for a zone not on the map. */
  zoneTags(zone?: string): Promise<ZoneTag[]>;
  /** Whether the hub runs a fitting-room service. */
  readonly hasFittingRooms: boolean;
  /** Opens every device. A device that fails to open shows it in its status; open() still resolves. */
  open(): Promise<void>;
  /** Closes every device and drops all subscribers. */
  close(): Promise<void>;
  deviceStatus(): DeviceStatus[];
  /** Answers one request; never rejects. */
  handle(request: HubRequest): Promise<HubReply>;
};

export function createHub(options: HubOptions): Hub {
  const {
    scanners,
    printer,
    labelPrinter,
    rfidReaders = [],
    columns: defaultColumns = 48,
    timeZone,
    language: defaultLanguage = 'en',
    fittingRooms,
  } = options;
  const scans = new Listeners<ScanEvent>();
  const tagReads = new Listeners<TagRead>();
  const statuses = new Listeners<DeviceStatus[]>();
  const devices = [
    ...scanners,
    ...(printer ? [printer] : []),
    ...(labelPrinter ? [labelPrinter] : []),
    ...rfidReaders,
  ];
  const queue = printer ? new PrintQueue({ printer, ...options.printQueue }) : undefined;
  const labelQueue = labelPrinter
    ? new PrintQueue({ printer: labelPrinter, ...options.printQueue, what: 'label' })
    : undefined;

  const deviceStatus = (): DeviceStatus[] => [
    ...scanners.map((s) => toStatus(s.id, 'scanner', s.status())),
    ...(printer
      ? [
          withQueue(toStatus(printer.id, 'printer', printer.status()), queue?.jobs() ?? []),
          toStatus(
            `${printer.id}:drawer`,
            'drawer',
            printer.drawerStatus ? printer.drawerStatus() : printer.status(),
          ),
        ]
      : []),
    ...(labelPrinter
      ? [
          withQueue(
            toStatus(labelPrinter.id, 'label-printer', labelPrinter.status()),
            labelQueue?.jobs() ?? [],
            'label',
          ),
        ]
      : []),
    ...rfidReaders.map((reader) => toStatus(reader.id, 'rfid', reader.status())),
    ...(fittingRooms
      ? [toStatus(fittingRooms.deviceId, 'fitting-rooms', fittingRooms.health())]
      : []),
  ];
  const unsubscribe = [
    ...scanners.map((scanner) => scanner.onScan((scan) => scans.emit(scan))),
    ...rfidReaders.map((reader) => reader.onTagRead((read) => tagReads.emit(read))),
    ...devices.map((device) => device.onStatus(() => statuses.emit(deviceStatus()))),
    ...[queue, labelQueue].flatMap((q) =>
      q ? [q.onChange(() => statuses.emit(deviceStatus()))] : [],
    ),
    ...(fittingRooms
      ? [
          ...rfidReaders.map((reader) => feedRawReads(reader, fittingRooms)),
          fittingRooms.onStatus(() => statuses.emit(deviceStatus())),
        ]
      : []),
  ];

  const requireFittingRooms = (): FittingRoomService => {
    if (!fittingRooms) {
      throw new HardwareError('BAD_REQUEST', 'this hub runs no fitting-room service (no zone map)');
    }
    return fittingRooms;
  };

  const requirePrinter = (): PrinterDevice => {
    if (!printer) throw new HardwareError('NO_PRINTER', 'this hub has no printer configured');
    return printer;
  };

  const printReceipt = async (
    receipt: SaleReceipt,
    columns: ReceiptColumns = defaultColumns,
    printOptions: PrintReceiptOptions = {},
  ): Promise<PrintReceiptResult> => {
    if (!queue) throw new HardwareError('NO_PRINTER', 'this hub has no printer configured');
    let bytes: Uint8Array;
    try {
      bytes = renderReceipt(receipt, {
        columns,
        language: printOptions.language ?? defaultLanguage,
        ...(timeZone ? { timeZone } : {}),
      });
    } catch (error) {
      throw new HardwareError('BAD_REQUEST', `cannot lay out the receipt: ${errorMessage(error)}`);
    }
    return submitToQueue(queue, printOptions.jobId ?? receipt.saleId, bytes);
  };
  const printDocument = async (
    document: PrintableDocument,
    columns: ReceiptColumns = defaultColumns,
    printOptions: PrintReceiptOptions = {},
  ): Promise<PrintReceiptResult> => {
    if (!queue) throw new HardwareError('NO_PRINTER', 'this hub has no printer configured');
    const layout = {
      columns,
      language: printOptions.language ?? defaultLanguage,
      ...(timeZone ? { timeZone } : {}),
    };
    let bytes: Uint8Array;
    try {
      const items: PrintItem[] =
        document.kind === 'shift-report'
          ? layoutShiftReport(document.report, layout)
          : document.kind === 'consent-slip'
            ? layoutConsentSlip(document.slip, layout)
            : document.kind === 'pickup-slip'
              ? layoutPickupSlip(document.slip, layout)
              : document.kind === 'packing-slip'
                ? layoutPackingSlip(document.slip, layout)
                : layoutReturnReceipt(document.receipt, layout);
      bytes = renderPrintItems(items);
    } catch (error) {
      throw new HardwareError('BAD_REQUEST', `cannot lay out the document: ${errorMessage(error)}`);
    }
    return submitToQueue(queue, printOptions.jobId ?? documentJobId(document), bytes);
  };
  /** [LH1][LH2] A shipping label in the label printer's language, through its queue. */
  const printLabel = async (
    label: ShippingLabel,
    labelOptions: { jobId?: string } = {},
  ): Promise<PrintReceiptResult> => {
    if (!labelPrinter || !labelQueue) {
      throw new HardwareError('NO_PRINTER', 'this hub has no label printer configured');
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeShippingLabel(label, {
        language: labelPrinter.language,
        dpi: labelPrinter.dpi,
        ...(labelPrinter.cjkFont ? { cjkFont: labelPrinter.cjkFont } : {}),
        ...(timeZone ? { timeZone } : {}),
      });
    } catch (error) {
      throw new HardwareError('BAD_REQUEST', `cannot lay out the label: ${errorMessage(error)}`);
    }
    return submitToQueue(labelQueue, labelOptions.jobId ?? labelJobId(label), bytes, 'label');
  };
  const openDrawer = () => requirePrinter().openDrawer();

  return {
    onScan: (callback) => scans.add(callback),
    onDeviceStatus: (callback) => statuses.add(callback),
    onTagRead: (callback) => tagReads.add(callback),
    onZoneEvent: (callback) => fittingRooms?.onZoneEvent(callback) ?? (() => undefined),
    onFittingRooms: (callback) => fittingRooms?.onRoomsChanged(callback) ?? (() => undefined),
    fittingRooms: async () => fittingRooms?.rooms() ?? [],
    linkMember: async (room, memberId, clerkId) =>
      requireFittingRooms().linkMember(room, memberId, clerkId),
    zoneTags: async (zone) => requireFittingRooms().zoneTags(zone),
    hasFittingRooms: fittingRooms !== undefined,
    printReceipt,
    printDocument,
    printLabel,
    openDrawer,
    deviceStatus,
    async open() {
      // A failed open is already visible as the device's `error` status.
      await Promise.all(devices.map((device) => device.open().catch(() => undefined)));
    },
    async close() {
      for (const stop of unsubscribe) stop();
      queue?.close();
      labelQueue?.close();
      scans.clear();
      tagReads.clear();
      statuses.clear();
      await Promise.all([
        ...devices.map((device) => device.close().catch(() => undefined)),
        fittingRooms?.close().catch(() => undefined),
      ]);
    },
    async handle(request) {
      try {
        switch (request.type) {
          case 'printer:print-receipt': {
            const print = await printReceipt(request.receipt, request.columns, {
              ...(request.language ? { language: request.language } : {}),
              ...(request.jobId ? { jobId: request.jobId } : {}),
            });
            return { type: 'reply', id: request.id, ok: true, print };
          }
          case 'printer:print-document': {
            const print = await printDocument(request.document, request.columns, {
              ...(request.language ? { language: request.language } : {}),
              ...(request.jobId ? { jobId: request.jobId } : {}),
            });
            return { type: 'reply', id: request.id, ok: true, print };
          }
          case 'printer:print-label': {
            const print = await printLabel(request.label, {
              ...(request.jobId ? { jobId: request.jobId } : {}),
            });
            return { type: 'reply', id: request.id, ok: true, print };
          }
          case 'drawer:open':
            await openDrawer();
            return { type: 'reply', id: request.id, ok: true };
          case 'device:status':
            return { type: 'reply', id: request.id, ok: true, devices: deviceStatus() };
          case 'fitting-rooms:get':
            return { type: 'reply', id: request.id, ok: true, rooms: fittingRooms?.rooms() ?? [] };
          case 'tryon:link-member': {
            const { room, memberId, clerkId } = request;
            const linked = requireFittingRooms().linkMember(room, memberId, clerkId);
            return { type: 'reply', id: request.id, ok: true, linked };
          }
          case 'zone:tags':
            return {
              type: 'reply',
              id: request.id,
              ok: true,
              tags: requireFittingRooms().zoneTags(request.zone),
            };
          default: {
            // Unreachable for typed callers and validated requests (validateHubRequest).
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

/**
 * [ZE9] [FR1] Feeds the service every raw read of a reader (before its
 * de-duplication window hides RSSI changes); a reader without raw reads
 * feeds its de-duplicated ones.
 */
function feedRawReads(reader: RfidReaderDevice, service: FittingRoomService): () => void {
  const feed = (read: TagRead) => service.feed(read);
  return reader.onRawRead ? reader.onRawRead(feed) : reader.onTagRead(feed);
}

/**
 * [HQ1] Submits a job and resolves as soon as its fate is known: printed, or
 * waiting because the printer refused it (the queue keeps it and retries).
 * A waiting job's later failure shows in the printer's status only.
 */
function submitToQueue(
  queue: PrintQueue,
  jobId: string,
  bytes: Uint8Array,
  what: 'receipt' | 'label' = 'receipt',
): Promise<PrintReceiptResult> {
  const The = what === 'label' ? 'The label' : 'The receipt';
  return new Promise<PrintReceiptResult>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      stop();
      outcome();
    };
    const check = (jobs: PrintJobView[]) => {
      const mine = jobs.find((job) => job.id === jobId);
      const blocked = jobs.find((job) => job.message !== undefined);
      if (mine?.state === 'queued' && blocked?.message) {
        const ahead = jobs.indexOf(mine);
        const why = /[.!?]$/.test(blocked.message) ? blocked.message : `${blocked.message}.`;
        const message =
          ahead > 0
            ? `${why} ${The} waits behind ${ahead} other(s) and prints when the printer is ready.`
            : `${why} ${The} waits and prints when the printer is ready.`;
        finish(() => resolve({ printed: false, queued: true, message }));
      }
    };
    const stop = queue.onChange(check);
    queue.submit(jobId, bytes).then(
      () => finish(() => resolve({ printed: true })),
      (error: unknown) => finish(() => reject(error)),
    );
    if (!settled) check(queue.jobs());
  });
}

/** [LH2] A label's default print job: its shipment, so each parcel's label prints once. */
export function labelJobId(label: ShippingLabel): string {
  return `shipping-label:${label.shipmentId}`;
}

/**
 * [HQ3] A document's default print job: the return's id, the Z report's
 * shift, or the X report's shift and time (each X report is its own print).
 */
export function documentJobId(document: PrintableDocument): string {
  if (document.kind === 'return-receipt') return document.receipt.returnId;
  if (document.kind === 'consent-slip') {
    return `consent-slip:${document.slip.memberId}:${document.slip.expiresAt}`;
  }
  if (document.kind === 'pickup-slip') return `pickup-slip:${document.slip.factId}`;
  if (document.kind === 'packing-slip') return `packing-slip:${document.slip.shipmentId}`;
  const { report } = document;
  return report.kind === 'z' ? `${report.shiftId}:z` : `${report.shiftId}:x:${report.at}`;
}

/** [HQ2] A printer's status with its waiting receipts counted and said in words. */
function withQueue(
  status: DeviceStatus,
  jobs: PrintJobView[],
  what: 'receipt' | 'label' = 'receipt',
): DeviceStatus {
  // A receipt going out normally is not news; a blocked queue is.
  if (!jobs.some((job) => job.message !== undefined)) return status;
  const waiting = jobs.length;
  const words =
    waiting === 1 ? `1 ${what} is waiting to print.` : `${waiting} ${what}s are waiting to print.`;
  return {
    ...status,
    message: status.message ? `${status.message} ${words}` : words,
    queuedReceipts: waiting,
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
