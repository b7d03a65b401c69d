/**
 * Electron IPC handlers. Electron objects come in as arguments, so Node tests
 * can drive this with stand-ins of the same shape.
 */
import type { Hub } from '@pos/hardware';
import type { TerminalConfig } from '../shared/config';
import {
  IPC_CALL_CHANNELS,
  IPC_EVENT_CHANNELS,
  type IpcCalls,
  type IpcEvents,
} from '../shared/ipc';

type IpcMainLike = {
  handle(channel: string, listener: (event: unknown, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
};
type WebContentsLike = { send(channel: string, payload: unknown): void; isDestroyed(): boolean };

export function registerTerminalIpc(deps: {
  ipcMain: IpcMainLike;
  hub: Hub;
  config: TerminalConfig;
  webContents: () => WebContentsLike | undefined;
}): () => void {
  const { ipcMain, hub, config } = deps;
  const handlers: {
    [K in keyof IpcCalls]: (...args: Parameters<IpcCalls[K]>) => ReturnType<IpcCalls[K]>;
  } = {
    getConfig: async () => config,
    printReceipt: (receipt, columns, options) =>
      hub.printReceipt(receipt, columns ?? config.receiptColumns, options),
    printDocument: (document, columns, options) =>
      hub.printDocument(document, columns ?? config.receiptColumns, options),
    openDrawer: () => hub.openDrawer(),
  };
  for (const name of Object.keys(handlers) as (keyof IpcCalls)[]) {
    const handler = handlers[name] as (...args: unknown[]) => unknown;
    ipcMain.handle(IPC_CALL_CHANNELS[name], async (_event, ...args) => handler(...args));
  }

  const emit = <K extends keyof IpcEvents>(event: K, payload: IpcEvents[K]) => {
    const target = deps.webContents();
    if (target && !target.isDestroyed()) target.send(IPC_EVENT_CHANNELS[event], payload);
  };
  const unsubscribe = [
    hub.onScan((scan) => emit('scan', scan)),
    hub.onDeviceStatus((devices) => emit('deviceStatus', devices)),
  ];
  return () => {
    unsubscribe.forEach((stop) => stop());
    for (const channel of Object.values(IPC_CALL_CHANNELS)) ipcMain.removeHandler(channel);
  };
}
