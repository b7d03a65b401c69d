/**
 * Electron IPC between the preload and the main process. A record keyed by
 * every call and event maps them to channel names, so a missing channel is a
 * type error.
 */
import type { DeviceStatus, ScanEvent, TagRead } from '@pos/hardware/protocol';
import type { TerminalApi } from './terminal-api';

/** Calls the renderer makes, with the arguments and result of each. */
export type IpcCalls = {
  getConfig: TerminalApi['getConfig'];
  printReceipt: TerminalApi['printReceipt'];
  printDocument: TerminalApi['printDocument'];
  printLabel: NonNullable<TerminalApi['printLabel']>;
  openDrawer: TerminalApi['openDrawer'];
};

/** Events the main process pushes to the renderer. */
export type IpcEvents = {
  scan: ScanEvent;
  deviceStatus: DeviceStatus[];
  /** [TL8] Every RFID tag read (de-duplicated by the reader). */
  tagRead: TagRead;
};

export const IPC_CALL_CHANNELS: { [K in keyof IpcCalls]: string } = {
  getConfig: 'terminal:get-config',
  printReceipt: 'printer:print-receipt',
  printDocument: 'printer:print-document',
  printLabel: 'printer:print-label',
  openDrawer: 'drawer:open',
};

export const IPC_EVENT_CHANNELS: { [K in keyof IpcEvents]: string } = {
  scan: 'scanner:scanned',
  deviceStatus: 'device:status',
  tagRead: 'rfid:tag-read',
};
