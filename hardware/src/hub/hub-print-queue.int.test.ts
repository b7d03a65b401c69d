import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialPrinter } from '../printer/serial-printer';
import { openPtyPair, type PtyPair } from '../pty';
import { PrinterSimulator } from '../simulators/printer-simulator';
import { createHub, type Hub } from './hub';
import type { DeviceStatus } from './protocol';
import { sampleReceipt, sampleReceiptCode } from './test-fixtures';

/** [HQ1][HQ2] The hub's print queue with the serial driver and the printer simulator (real pty). */
describe('hub print queue over a real pty', () => {
  let pair: PtyPair;
  let simulator: PrinterSimulator;
  let hub: Hub;
  const seen: DeviceStatus[][] = [];

  beforeEach(async () => {
    pair = await openPtyPair();
    simulator = await PrinterSimulator.open(pair.simulatorPath);
    hub = createHub({
      scanners: [],
      printer: new SerialPrinter({
        path: pair.devicePath,
        id: 'printer-1',
        status: { timeoutMs: 300, pollMs: 50 },
      }),
      columns: 32,
      language: 'zh-CN',
      printQueue: { retryMs: 60_000 },
    });
    seen.length = 0;
    hub.onDeviceStatus((devices) => seen.push(devices));
    await hub.open();
  });

  afterEach(async () => {
    await hub.close();
    await simulator.close();
    await pair.close();
  });

  const printerStatus = () => hub.deviceStatus()[0];

  it('paper out: the receipt waits, the status says why, and it prints exactly once when paper is loaded', async () => {
    simulator.setPaper('out');
    await expect.poll(() => printerStatus()?.state).toBe('error');

    const result = await hub.printReceipt(sampleReceipt);
    expect(result).toEqual({
      printed: false,
      queued: true,
      message: expect.stringMatching(
        /^Printer out of paper\. Load a new paper roll .* Nothing was printed\. The receipt waits and prints when the printer is ready\.$/,
      ),
    });
    expect(printerStatus()).toMatchObject({
      state: 'error',
      message: expect.stringMatching(/^Printer out of paper\. .* 1 receipt is waiting to print\.$/),
      problems: [expect.objectContaining({ code: 'PAPER_OUT' })],
      queuedReceipts: 1,
    });
    // The till retries (e.g. after its connection dropped): still one job.
    expect(await hub.printReceipt(sampleReceipt)).toMatchObject({ printed: false });
    expect(printerStatus()?.queuedReceipts).toBe(1);
    expect(simulator.receipts).toEqual([]);

    simulator.setPaper('ok'); // the status poll sees it; the change retries the queue
    const receipt = await simulator.waitForReceipt();
    expect(receipt).toContain('合计                       26.21');
    expect(receipt).toContain(`[QR: ${sampleReceiptCode}]`);
    await expect
      .poll(() => printerStatus())
      .toEqual({
        id: 'printer-1',
        kind: 'printer',
        state: 'ready',
      });

    // Sent again after it printed: not printed twice. A copy on purpose has its own job id;
    // it prints after anything sent before it, so a duplicate would show up first.
    expect(await hub.printReceipt(sampleReceipt)).toEqual({ printed: true });
    expect(await hub.printReceipt(sampleReceipt, 32, { jobId: 'copy-2' })).toEqual({
      printed: true,
    });
    await simulator.waitForReceipt();
    expect(simulator.receipts).toHaveLength(2);
    expect(seen.some((devices) => devices[0]?.queuedReceipts === 1)).toBe(true);
  });

  it('cover open: the status says so in words and the receipt prints once it is closed', async () => {
    simulator.setCoverOpen(true);
    await expect.poll(() => printerStatus()?.state).toBe('error');
    const result = await hub.printReceipt(sampleReceipt, 48, { language: 'en' });
    expect(result).toMatchObject({
      printed: false,
      message: expect.stringMatching(/^Printer cover is open\./),
    });
    expect(printerStatus()?.message).toMatch(
      /^Printer cover is open\. .*1 receipt is waiting to print\.$/,
    );
    simulator.setCoverOpen(false);
    expect(await simulator.waitForReceipt()).toContain(`TOTAL${' '.repeat(38)}26.21`);
    expect(simulator.receipts).toHaveLength(1);
  });
});
