/**
 * Everything the tablet's screens call, made at start-up (boot/) and given
 * to the screens through React context: the till's own use cases (sign-in
 * and approvals, search, stock, the pickup desk) and the clerk's (clerk/ in
 * the app core: orders, fitting rooms, counts), the store's hub, the camera
 * and the sync state. The screens hold no business rule; they render
 * outcomes. See SPEC.md [TA1].
 */
import type {
  ClerkDesk,
  CountDesk,
  TransferDesk,
  FittingDesk,
  PickupDesk,
  ProductSearch,
  Session,
  StockInfo,
} from '@pos/app-core';
import type { PosBridge, TagRead } from '@pos/hardware/protocol';

/** The device's provisioning, as the tablet keeps it (no personal data, no PIN). */
export type TabletConfig = {
  storeId: string;
  storeName: string;
  deviceId: string;
  /** The store's offset from UTC in minutes (480 in China). */
  utcOffsetMinutes: number;
};

/** [CL12] The store's hub over its authenticated WebSocket: the receipt printer and the RFID reader. */
export type TabletHub = {
  /** Whether the hub answers now. */
  connected(): boolean;
  /** Calls back when `connected()` changes; returns a stop function. */
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Every tag the store's readers read (de-duplicated by the hub). */
  onTagRead(listener: (read: TagRead) => void): () => void;
  /** Scans from the hub's scanners (a Bluetooth or USB scanner on the hub). */
  onScan(listener: (code: string) => void): () => void;
  /** The hub's devices, for printing the pickup slip and order slips. */
  bridge: Pick<PosBridge, 'printReceipt' | 'printDocument' | 'onDeviceStatus'>;
};

/** [TA3] The camera, decoding barcodes and QR codes from its video. */
export type TabletCamera = {
  /** Whether the browser gives a camera here (a secure context with a video input). */
  available(): Promise<boolean>;
  /**
   * Plays the rear camera in `video` and calls `onCode` with each code read
   * (the same code again only after a pause); returns a stop function.
   * Rejects with a reason a clerk understands (permission refused, no camera).
   */
  start(video: HTMLVideoElement, onCode: (text: string) => void): Promise<() => void>;
};

/** The replica's sync state, for the status line. */
export type TabletSync = {
  online(): boolean;
  /** Facts waiting to go up (the screens add the orders queued on the device). */
  waiting(): number;
  /** When the replica last heard from the server (ISO), or null. */
  lastSync(): string | null;
  /** Calls back whenever any of the above changes; returns a stop function. */
  watch(listener: () => void): () => void;
};

export type Tablet = {
  config: TabletConfig;
  session: Session;
  clerk: ClerkDesk;
  /** [TA9] [FM1] The fitting rooms now, member links, tried items and suggestions. */
  fitting: FittingDesk;
  /** [TA11] [FM6] Counts by the fixed readers or a handheld read. */
  counts: CountDesk;
  /** [TA13] [CL15] The store's transfers and deliveries, confirmed by scan. */
  transfers: TransferDesk;
  pickup: PickupDesk;
  search: ProductSearch;
  /** [AC3] A SKU's stock at this store. */
  stock(sku: string): Promise<StockInfo>;
  /** Null when no hub is configured for this tablet. */
  hub: TabletHub | null;
  camera: TabletCamera;
  sync: TabletSync;
};
