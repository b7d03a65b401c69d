import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleReceipt } from '../hub/test-fixtures';
import { PrinterSimulator } from '../simulators/printer-simulator';
import { TcpPrinterSimulator } from '../simulators/tcp-printer-simulator';
import { decodeEscPos } from './escpos-decoder';
import { TcpPrinter, UsbPrinter } from './network-printers';
import { renderReceipt } from './receipt-layout';

const receiptBytes = () => renderReceipt(sampleReceipt, { columns: 48 });

describe('TcpPrinter against a TCP printer simulator (real sockets)', () => {
  let simulator: TcpPrinterSimulator;
  let printer: TcpPrinter;

  beforeEach(async () => {
    simulator = await TcpPrinterSimulator.start();
    printer = new TcpPrinter({
      host: '127.0.0.1',
      port: simulator.port,
      id: 'lan-printer',
      status: { timeoutMs: 500, pollMs: 0 },
    });
  });

  afterEach(async () => {
    await printer.close();
    await simulator.close();
  });

  it('prints a receipt the simulator decodes, and opens the drawer', async () => {
    await printer.open();
    expect(printer.status()).toEqual({ state: 'ready' });
    await printer.print(receiptBytes());
    const lines = await simulator.printer.waitForReceipt(5_000);
    expect(lines[0]).toBe('Storefront 南京路店');
    await printer.openDrawer();
    await simulator.printer.waitForDrawerKicks(1);
    expect(simulator.printer.errors).toEqual([]);
  });

  it('reads status over the socket: out of paper refuses the print in plain words', async () => {
    await printer.open();
    simulator.printer.setPaper('out');
    await expect(printer.print(receiptBytes())).rejects.toMatchObject({
      code: 'PRINTER_NOT_READY',
      message: expect.stringMatching(/^Printer out of paper\./),
    });
    expect(simulator.printer.receipts).toEqual([]);
  });

  it('reconnects when the printer dropped the connection (switched off and on)', async () => {
    await printer.open();
    simulator.dropConnections();
    await waitUntil(() => printer.status().state === 'offline');
    expect(printer.status().message).toMatch(/disconnected/);
    await printer.print(receiptBytes());
    await simulator.printer.waitForReceipt(5_000);
    expect(printer.status()).toEqual({ state: 'ready' });
  });

  it('a printer that is not there is offline with the reason', async () => {
    const port = simulator.port;
    await simulator.close();
    const absent = new TcpPrinter({ host: '127.0.0.1', port, connectTimeoutMs: 1_000 });
    await expect(absent.open()).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
    expect(absent.status()).toMatchObject({
      state: 'error',
      message: expect.stringMatching(/cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/),
    });
    simulator = await TcpPrinterSimulator.start();
  });
});

describe('UsbPrinter on a printer-class device file', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pos-lp-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the receipt to the device file (a temp file stands in for /dev/usb/lp0)', async () => {
    const path = join(dir, 'lp0');
    await writeFile(path, '');
    const printer = new UsbPrinter({ path, id: 'usb-printer' });
    await printer.open();
    await printer.print(receiptBytes());
    await printer.openDrawer();
    await printer.close();
    const records = decodeEscPos(new Uint8Array(await readFile(path)));
    expect(records.filter((r) => r.kind === 'error')).toEqual([]);
    expect(records.filter((r) => r.kind === 'cut')).toHaveLength(1);
    expect(records.filter((r) => r.kind === 'drawer-kick')).toHaveLength(1);
    expect(records.some((r) => r.kind === 'status-request')).toBe(false);
  });

  it('streams through a fifo to a printer simulator reading the other end', async () => {
    const path = join(dir, 'lp-fifo');
    await promisify(execFile)('mkfifo', [path]);
    const simulator = new PrinterSimulator();
    const reader = createReadStream(path);
    reader.on('data', (chunk) => simulator.feed(new Uint8Array(chunk as Buffer)));
    const printer = new UsbPrinter({ path });
    await printer.open();
    await printer.print(receiptBytes());
    const lines = await simulator.waitForReceipt(5_000);
    expect(lines.at(-1)).toBe('Thank you for shopping with us');
    await printer.close();
    reader.destroy();
  });

  it('a missing device file is an error status, and never created', async () => {
    const path = join(dir, 'no-such-lp');
    const printer = new UsbPrinter({ path });
    await expect(printer.open()).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
    expect(printer.status()).toMatchObject({
      state: 'error',
      message: expect.stringMatching(/ENOENT/),
    });
    await expect(printer.print(receiptBytes())).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
    await expect(readFile(path)).rejects.toThrow();
  });
});

/** Waits until `done()` holds, checking every 20 ms; fails after `timeoutMs`. */
async function waitUntil(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!done()) throw new Error('condition not met in time');
    },
    { timeout: timeoutMs, interval: 20 },
  );
}
