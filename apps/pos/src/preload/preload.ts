/**
 * The preload exposes exactly one typed object to the sandboxed renderer.
 * No Node API crosses the bridge; only these calls and events.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNELS, IPC_EVENT_CHANNELS, type IpcEvents } from '../shared/ipc';
import type { TerminalApi } from '../shared/terminal-api';

function subscribe<K extends keyof IpcEvents>(event: K, listener: (payload: IpcEvents[K]) => void) {
  const channel = IPC_EVENT_CHANNELS[event];
  const handler = (_event: IpcRendererEvent, payload: IpcEvents[K]) => listener(payload);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

contextBridge.exposeInMainWorld('pos', {
  getConfig: () => ipcRenderer.invoke(IPC_CALL_CHANNELS.getConfig),
  printReceipt: (receipt, columns, options) =>
    ipcRenderer.invoke(IPC_CALL_CHANNELS.printReceipt, receipt, columns, options),
  printDocument: (document, columns, options) =>
    ipcRenderer.invoke(IPC_CALL_CHANNELS.printDocument, document, columns, options),
  printLabel: (label, options) => ipcRenderer.invoke(IPC_CALL_CHANNELS.printLabel, label, options),
  openDrawer: () => ipcRenderer.invoke(IPC_CALL_CHANNELS.openDrawer),
  onScan: (listener) => subscribe('scan', listener),
  onDeviceStatus: (listener) => subscribe('deviceStatus', listener),
  onTagRead: (listener) => subscribe('tagRead', listener),
} satisfies TerminalApi);
