/**
 * The hub's wire contract, shared by the hub (Node), the Electron preload and
 * the browser renderer. Pure types: nothing here may import Node modules or
 * produce code.
 */
import type {
  FittingRoomView,
  ReturnReceipt,
  SaleReceipt,
  ShiftReport,
  ZoneEvent,
} from '@pos/domain';
import type {
  DeviceHealth,
  DeviceKind,
  DeviceProblem,
  DeviceProblemCode,
  DeviceState,
} from '../device-status';
import type { TagRead } from '../rfid/tag-read';
import type { ScanEvent } from '../scanner/scan-event';

export type { TagRead };
export type { DeviceHealth, DeviceKind, DeviceProblem, DeviceProblemCode, DeviceState, ScanEvent };

export type DeviceStatus = {
  id: string;
  kind: DeviceKind;
  state: DeviceState;
  /** What is wrong, in plain words ("Printer out of paper. Load a new paper roll ..."). */
  message?: string;
  /** Each problem with its code and what to do; absent when there are none. */
  problems?: DeviceProblem[];
  /** Printers: receipts (labels, on a label printer) waiting in the hub's queue for it; absent when none. */
  queuedReceipts?: number;
};

export type ReceiptColumns = 32 | 48;
/** The language of the receipt's labels (合计, 找零 … or TOTAL, CHANGE …). */
export type ReceiptLanguage = 'en' | 'zh-CN';
export type PrintReceiptOptions = {
  language?: ReceiptLanguage;
  /**
   * The print job's id; default the sale id. A job id is printed at most once
   * (a retry after a reconnect does not print it again): give a new id, e.g.
   * `${saleId}:copy-2`, to print another copy on purpose.
   */
  jobId?: string;
};

/**
 * A slip the cashier hands a member: the one-time link to the consent page
 * as a QR code, for the member to answer on their own phone. It carries the
 * link only; nothing on it records consent.
 */
export type ConsentSlip = {
  /** The invitation's URL (http or https), printed as a QR code. */
  url: string;
  /** When the link stops opening the page (ISO 8601). */
  expiresAt: string;
  /** The member's masked name ("张*"), never the name in plaintext. */
  maskedName?: string;
  /** The member, for the print job's id. */
  memberId: string;
};

/**
 * The slip of an online order's hand-over at the pickup desk, or of its
 * items returned at a till: the order, the units handed over (and what is
 * left) or returned (and the refund). No customer's name or phone is on it.
 */
export type PickupSlip = {
  purpose: 'pickup' | 'return';
  /** The pickup or return fact, for the print job's id. */
  factId: string;
  orderId: string;
  storeName: string;
  /** When it was handed over or returned (ISO 8601). */
  at: string;
  cashierId?: string;
  cashierName?: string;
  lines: { sku: string; name: string; quantity: number; left?: number; refund?: number }[];
  /** Fen refunded (a return). */
  refund?: number;
  /** Where the refund goes (a return): the order's original payment, or cash. */
  refundTo?: 'original' | 'cash';
};

/**
 * [FS1] The slip packed in a parcel: the orders in it, what is in it (and
 * what could not be picked), the courier and waybill. The recipient is shown
 * as on the label ([FS8]): masked name and phone.
 */
export type PackingSlip = {
  shipmentId: string;
  /** [OD12] The order numbers people read, one per order in the parcel. */
  orderNumbers: string[];
  storeName: string;
  /** When it was packed (ISO 8601). */
  packedAt: string;
  carrier: string;
  trackingNo: string;
  shipTo: { name: string; phone: string; region: string; detail: string };
  lines: { sku: string; name: string; quantity: number; short?: number }[];
  staffId?: string;
};

/**
 * [FS8] A parcel's shipping label, printed on the label printer in its
 * language (ZPL or TSPL): the courier and waybill number (as a barcode), the
 * sender, the recipient masked as on a privacy waybill, the order numbers.
 */
export type ShippingLabel = {
  shipmentId: string;
  carrier: string;
  trackingNo: string;
  mode: 'ship' | 'same-city';
  from: { name: string; region?: string };
  shipTo: { name: string; phone: string; region: string; detail: string };
  orderNumbers: string[];
  /** Grams, when the parcel was weighed at packing. */
  weightGrams?: number;
  /** A same-city delivery's promised window (ISO 8601). */
  window?: { from: string; to: string };
};

/**
 * Documents printed besides the sale receipt (since protocol 4): the shift's
 * X or Z report, the refund receipt of a return, a member's consent slip and
 * an online order's pickup or return slip (a hub that does not know a kind
 * answers BAD_REQUEST).
 */
export type PrintableDocument =
  | { kind: 'shift-report'; report: ShiftReport }
  | { kind: 'return-receipt'; receipt: ReturnReceipt }
  | { kind: 'consent-slip'; slip: ConsentSlip }
  | { kind: 'pickup-slip'; slip: PickupSlip }
  | { kind: 'packing-slip'; slip: PackingSlip };

/** How a print request ended: printed, or waiting in the hub's queue for the printer (and why). */
export type PrintReceiptResult =
  { printed: true } | { printed: false; queued: true; message: string };

/**
 * Hub → client, unprompted. Since protocol 2 the first message on a
 * WebSocket is `hub:hello`; a client the hub cannot serve gets `hub:refused`
 * instead and the socket closes (code 4426). Clients ignore types they do
 * not know.
 */
export type HubEvent =
  | { type: 'scanner:scanned'; scan: ScanEvent }
  | { type: 'device:status'; devices: DeviceStatus[] }
  | { type: 'rfid:tag-read'; read: TagRead }
  /** [HZ1] Since protocol 6: the zone engine moved a tag (arrived, moved, departed). */
  | { type: 'zone:event'; event: ZoneEvent }
  /** [HZ2] Since protocol 6: the fitting rooms now, after every change. */
  | { type: 'fitting-rooms:changed'; rooms: FittingRoomView[] }
  | { type: 'hub:hello'; protocolVersion: number; minClientVersion: number }
  | {
      type: 'hub:refused';
      code: HubRefusalCode;
      message: string;
      protocolVersion: number;
      minClientVersion: number;
    };

/** Why the hub refused a client: too old for this hub, or newer than it. */
export type HubRefusalCode = 'CLIENT_TOO_OLD' | 'HUB_TOO_OLD';

/** Client → hub. `id` is chosen by the client and comes back in the reply. */
export type HubRequest =
  | {
      id: string;
      type: 'printer:print-receipt';
      receipt: SaleReceipt;
      columns?: ReceiptColumns;
      language?: ReceiptLanguage;
      jobId?: string;
    }
  | {
      id: string;
      type: 'printer:print-document';
      document: PrintableDocument;
      columns?: ReceiptColumns;
      language?: ReceiptLanguage;
      jobId?: string;
    }
  | {
      /** [LH1] Since protocol 5: a shipping label on the hub's label printer. */
      id: string;
      type: 'printer:print-label';
      label: ShippingLabel;
      jobId?: string;
    }
  | { id: string; type: 'drawer:open' }
  | { id: string; type: 'device:status' }
  /** [HZ2] Since protocol 6: the fitting rooms now (reply `rooms`). */
  | { id: string; type: 'fitting-rooms:get' }
  /**
   * [HZ3] Since protocol 6: the member who scanned their member QR at a room
   * links the room's open sessions (reply `linked`, the sessions linked).
   */
  | { id: string; type: 'tryon:link-member'; room: string; memberId: string; clerkId?: string }
  /** [HZ4] Since protocol 6: the tags the fixed readers place in a zone, or in the whole store (reply `tags`). */
  | { id: string; type: 'zone:tags'; zone?: string };

export type HubRequestType = HubRequest['type'];

/** Catalogue with causes and fixes: README.md, "Error codes". */
export type HubErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_REQUEST'
  | 'NO_PRINTER'
  | 'DEVICE_OFFLINE'
  | 'DEVICE_IO'
  | 'PRINTER_NOT_READY'
  | 'HUB_INCOMPATIBLE'
  | 'HUB_UNAVAILABLE'
  | 'HUB_DISCONNECTED'
  | 'HUB_TIMEOUT'
  | 'INTERNAL';

export type HubError = { code: HubErrorCode; message: string };

/** Hub → client, once per request. `id` is null when the request's id could not be read. */
export type HubReply =
  | {
      type: 'reply';
      id: string | null;
      ok: true;
      devices?: DeviceStatus[];
      print?: PrintReceiptResult;
      rooms?: FittingRoomView[];
      linked?: number;
      tags?: ZoneTag[];
    }
  | { type: 'reply'; id: string | null; ok: false; error: HubError };

export type HubMessage = HubEvent | HubReply;

/**
 * All the renderer sees of devices. The Electron preload implements it over
 * IPC, browser-bridge.ts over the hub's WebSocket; the UI cannot tell which.
 */
export type PosBridge = {
  /** Calls back for every scan from every scanner; returns the unsubscribe function. */
  onScan(callback: (scan: ScanEvent) => void): () => void;
  /** Calls back with every device's status whenever one changes (and once on connect). */
  onDeviceStatus(callback: (devices: DeviceStatus[]) => void): () => void;
  /**
   * Prints once. Resolves `{ printed: true }` when printed; when the printer
   * is offline, out of paper or has its cover open, resolves at once with
   * `{ printed: false, queued: true, message }`: the receipt waits in the
   * hub's queue (the printer's status says why and how many wait) and prints
   * when the printer is back. The same job (default: the sale) sent again is
   * never printed twice. Rejects when it cannot be queued or failed mid-print.
   */
  printReceipt(
    receipt: SaleReceipt,
    columns?: ReceiptColumns,
    options?: PrintReceiptOptions,
  ): Promise<PrintReceiptResult>;
  /**
   * Prints an X or Z report or a refund receipt through the same queue as
   * receipts, with the same answers. The job id defaults to the return's id,
   * the Z report's shift, or the X report's shift and time, so each prints
   * at most once. Rejects with HUB_INCOMPATIBLE on a hub older than protocol 4.
   */
  printDocument(
    document: PrintableDocument,
    columns?: ReceiptColumns,
    options?: PrintReceiptOptions,
  ): Promise<PrintReceiptResult>;
  openDrawer(): Promise<void>;
  /**
   * [FS4] Prints a shipping label on the store's label printer, in the
   * printer's language (ZPL or TSPL), with the same answers as receipts
   * (queued while the printer is away); the job id defaults to the shipment,
   * so a label prints once unless `jobId` asks for a reprint. Absent where the
   * hub has no label printer support.
   */
  printLabel?(label: ShippingLabel, options?: { jobId?: string }): Promise<PrintReceiptResult>;
  /** Calls back for every tag read (de-duplicated) by every RFID reader; absent where there are none. */
  onTagRead?(callback: (read: TagRead) => void): () => void;
  /** [HZ1] Calls back for every zone event; absent where the hub runs no zone engine. */
  onZoneEvent?(callback: (event: ZoneEvent) => void): () => void;
  /** [HZ2] Calls back with the fitting rooms after every change (and once on connect). */
  onFittingRooms?(callback: (rooms: FittingRoomView[]) => void): () => void;
  /** [HZ2] The fitting rooms now. */
  fittingRooms?(): Promise<FittingRoomView[]>;
  /** [HZ3] Links a room's open sessions to a member; resolves the sessions linked. */
  linkMember?(room: string, memberId: string, clerkId?: string): Promise<number>;
  /** [HZ4] The tags the fixed readers place in a zone, or in the whole store. */
  zoneTags?(zone?: string): Promise<ZoneTag[]>;
};

/** [HZ4] A tag the zone engine places, with what its EPC names. */
export type ZoneTag = {
  epc: string;
  gtin?: string;
  serial?: string;
  zone: string;
  since: string;
  lastSeen: string;
};
