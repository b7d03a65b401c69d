/**
 * The hub's wire contract, shared by the hub (Node), the Electron preload and
 * the browser renderer. Pure types: nothing here may import Node modules or
 * produce code.
 */
import type { Receipt } from '@pos/domain';
import type { DeviceHealth, DeviceKind, DeviceState } from '../device-status';
import type { ScanEvent } from '../scanner/scan-event';

export type { DeviceHealth, DeviceKind, DeviceState, ScanEvent };

export type DeviceStatus = { id: string; kind: DeviceKind; state: DeviceState; message?: string };

export type ReceiptColumns = 32 | 48;

/** Hub → client, unprompted. */
export type HubEvent =
  { type: 'scanner:scanned'; scan: ScanEvent } | { type: 'device:status'; devices: DeviceStatus[] };

/** Client → hub. `id` is chosen by the client and comes back in the reply. */
export type HubRequest =
  | { id: string; type: 'printer:print-receipt'; receipt: Receipt; columns?: ReceiptColumns }
  | { id: string; type: 'drawer:open' }
  | { id: string; type: 'device:status' };

export type HubRequestType = HubRequest['type'];

/** Catalogue with causes and fixes: README.md, "Error codes". */
export type HubErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_REQUEST'
  | 'NO_PRINTER'
  | 'DEVICE_OFFLINE'
  | 'DEVICE_IO'
  | 'HUB_UNAVAILABLE'
  | 'HUB_DISCONNECTED'
  | 'HUB_TIMEOUT'
  | 'INTERNAL';

export type HubError = { code: HubErrorCode; message: string };

/** Hub → client, once per request. `id` is null when the request's id could not be read. */
export type HubReply =
  | { type: 'reply'; id: string | null; ok: true; devices?: DeviceStatus[] }
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
  printReceipt(receipt: Receipt, columns?: ReceiptColumns): Promise<void>;
  openDrawer(): Promise<void>;
};
