/**
 * Electron IPC handlers. Electron objects come in as arguments, so Node tests
 * can drive this with stand-ins of the same shape.
 *
 * The renderer is not trusted: every device call becomes a hub request and
 * goes through the hub's one request validation, the same as a WebSocket
 * message, so a malformed call is refused with the same code and words.
 */
import { HardwareError, answerHubRequest, type Hub } from '@pos/hardware';
import type { HubRequestType, PrintReceiptResult } from '@pos/hardware/protocol';
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
  let nextId = 0;
  /** Validates and handles one request; a refusal rejects with its hub error code. */
  const call = async (type: HubRequestType, fields: Record<string, unknown> = {}) => {
    nextId += 1;
    const reply = await answerHubRequest(hub, { ...fields, id: `ipc-${nextId}`, type });
    if (!reply.ok) throw new HardwareError(reply.error.code, reply.error.message);
    return reply;
  };
  const printed = (reply: { print?: PrintReceiptResult }): PrintReceiptResult =>
    reply.print ?? { printed: true };
  const handlers: {
    [K in keyof IpcCalls]: (...args: Parameters<IpcCalls[K]>) => ReturnType<IpcCalls[K]>;
  } = {
    getConfig: async () => config,
    printReceipt: async (receipt, columns, options) =>
      printed(
        await call('printer:print-receipt', {
          receipt,
          columns: columns ?? config.receiptColumns,
          ...printOptions(options),
        }),
      ),
    printDocument: async (document, columns, options) =>
      printed(
        await call('printer:print-document', {
          document,
          columns: columns ?? config.receiptColumns,
          ...printOptions(options),
        }),
      ),
    printLabel: async (label, options) =>
      printed(await call('printer:print-label', { label, ...printOptions(options) })),
    openDrawer: async () => {
      await call('drawer:open');
    },
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
    hub.onTagRead((read) => emit('tagRead', read)),
  ];
  return () => {
    unsubscribe.forEach((stop) => stop());
    for (const channel of Object.values(IPC_CALL_CHANNELS)) ipcMain.removeHandler(channel);
  };
}

/**
 * The print options an IPC call carries, as request fields for the shared
 * validation, which checks their values.
 */
function printOptions(options: unknown): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new HardwareError('BAD_REQUEST', 'the print options must be an object');
  }
  const { language, jobId } = options as Record<string, unknown>;
  return {
    ...(language === undefined ? {} : { language }),
    ...(jobId === undefined ? {} : { jobId }),
  };
}
