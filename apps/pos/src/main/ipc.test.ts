import { describe, expect, it } from 'vitest';
import {
  createHub,
  parseHubRequest,
  type RfidReaderDevice,
  type ScannerDevice,
} from '@pos/hardware';
import type { ScanEvent, TagRead } from '@pos/hardware/protocol';
import { IPC_CALL_CHANNELS, IPC_EVENT_CHANNELS } from '../shared/ipc';
import type { TerminalConfig } from '../shared/config';
import { TEST_TERMINAL_CONFIG } from '../shared/config.fixture';
import { registerTerminalIpc } from './ipc';

const config: TerminalConfig = TEST_TERMINAL_CONFIG;

function fakeScanner(): ScannerDevice & { emit(scan: ScanEvent): void } {
  let listener: ((scan: ScanEvent) => void) | undefined;
  return {
    id: 'scanner-1',
    onScan: (callback) => ((listener = callback), () => (listener = undefined)),
    onStatus: () => () => undefined,
    status: () => ({ state: 'ready' }),
    open: async () => undefined,
    close: async () => undefined,
    emit: (scan) => listener?.(scan),
  };
}

function fakeReader(): RfidReaderDevice & { emit(read: TagRead): void } {
  let listener: ((read: TagRead) => void) | undefined;
  return {
    id: 'rfid-counter',
    onTagRead: (callback) => ((listener = callback), () => (listener = undefined)),
    onStatus: () => () => undefined,
    status: () => ({ state: 'ready' }),
    open: async () => undefined,
    close: async () => undefined,
    emit: (read) => listener?.(read),
  };
}

describe('terminal IPC', () => {
  it('answers every call channel and forwards scans to the window, until unregistered', async () => {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    const ipcMain = {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => unknown) =>
        handlers.set(channel, listener),
      removeHandler: (channel: string) => handlers.delete(channel),
    };
    const sent: [string, unknown][] = [];
    const scanner = fakeScanner();
    const reader = fakeReader();
    const hub = createHub({ scanners: [scanner], rfidReaders: [reader] });
    const unregister = registerTerminalIpc({
      ipcMain,
      hub,
      config,
      webContents: () => ({
        send: (channel, payload) => sent.push([channel, payload]),
        isDestroyed: () => false,
      }),
    });

    expect([...handlers.keys()].sort()).toEqual(Object.values(IPC_CALL_CHANNELS).sort());
    expect(await handlers.get(IPC_CALL_CHANNELS.getConfig)!({})).toEqual(config);
    // No printer attached: the cashier gets a clear error, not a hang.
    await expect(handlers.get(IPC_CALL_CHANNELS.openDrawer)!({})).rejects.toThrow(/printer/i);

    const scan: ScanEvent = {
      code: '6901234567892',
      symbology: 'EAN-13',
      source: 'scanner-1',
      at: '2026-11-22T03:00:00.000Z',
    };
    scanner.emit(scan);
    expect(sent).toContainEqual([IPC_EVENT_CHANNELS.scan, scan]);
    // [TL8] The counter reader's tags reach the renderer too.
    const read: TagRead = {
      epc: '3035A5680800008000000001',
      scheme: 'sgtin-96',
      source: 'rfid-counter',
      at: '2026-11-22T03:00:00.000Z',
    };
    reader.emit(read);
    expect(sent).toContainEqual([IPC_EVENT_CHANNELS.tagRead, read]);

    unregister();
    expect(handlers.size).toBe(0);
    scanner.emit(scan);
    expect(sent.filter(([channel]) => channel === IPC_EVENT_CHANNELS.scan)).toHaveLength(1);
  });

  it('[TL4] [HB1] refuses a malformed call with the same code and words as the WebSocket', async () => {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    const hub = createHub({ scanners: [fakeScanner()] });
    registerTerminalIpc({
      ipcMain: {
        handle: (channel, listener) => handlers.set(channel, listener),
        removeHandler: (channel) => handlers.delete(channel),
      },
      hub,
      config,
      webContents: () => undefined,
    });
    const invoke = (channel: string, ...args: unknown[]) => handlers.get(channel)!({}, ...args);
    /** What the hub's WebSocket answers the same request. */
    const overWebSocket = (request: Record<string, unknown>) => {
      const parsed = parseHubRequest(JSON.stringify({ id: 'ws-1', ...request }));
      if (parsed.ok || parsed.reply.ok) throw new Error('the WebSocket accepted it');
      return parsed.reply.error;
    };
    const columns = config.receiptColumns;
    const cases: [string, unknown[], Record<string, unknown>][] = [
      [
        IPC_CALL_CHANNELS.printReceipt,
        [{ saleId: 'S001-POS1-1', lines: 'none' }],
        {
          type: 'printer:print-receipt',
          receipt: { saleId: 'S001-POS1-1', lines: 'none' },
          columns,
        },
      ],
      [
        IPC_CALL_CHANNELS.printReceipt,
        [null, 33],
        { type: 'printer:print-receipt', receipt: null, columns: 33 },
      ],
      [
        IPC_CALL_CHANNELS.printDocument,
        [{ kind: 'sale' }, undefined, { language: 'fr' }],
        { type: 'printer:print-document', document: { kind: 'sale' }, columns, language: 'fr' },
      ],
      [
        IPC_CALL_CHANNELS.printLabel,
        [{ shipmentId: 'S1' }, { jobId: '' }],
        { type: 'printer:print-label', label: { shipmentId: 'S1' }, jobId: '' },
      ],
      [
        IPC_CALL_CHANNELS.printLabel,
        [{ shipmentId: 'S1' }],
        { type: 'printer:print-label', label: { shipmentId: 'S1' } },
      ],
      [
        IPC_CALL_CHANNELS.printDocument,
        [{ kind: 'return-receipt', receipt: {} }],
        {
          type: 'printer:print-document',
          document: { kind: 'return-receipt', receipt: {} },
          columns,
        },
      ],
    ];
    for (const [channel, args, request] of cases) {
      const expected = overWebSocket(request);
      expect(expected.code).toBe('BAD_REQUEST');
      await expect(invoke(channel, ...args)).rejects.toMatchObject({
        code: expected.code,
        message: expected.message,
      });
    }
    await expect(
      invoke(IPC_CALL_CHANNELS.printReceipt, {}, undefined, 'zh-CN'),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /options must be an object/ });
    // A well-formed call reaches the hub: this one has no printer, and says so.
    await expect(invoke(IPC_CALL_CHANNELS.openDrawer)).rejects.toMatchObject({
      code: 'NO_PRINTER',
    });
  });
});
