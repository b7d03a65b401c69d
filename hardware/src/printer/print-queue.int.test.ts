import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleReceipt } from '../hub/test-fixtures';
import { openPtyPair, type PtyPair } from '../pty';
import { PrinterSimulator } from '../simulators/printer-simulator';
import { PrintQueue } from './print-queue';
import { renderReceipt } from './receipt-layout';
import { SerialPrinter } from './serial-printer';

describe('PrintQueue with the serial driver and the printer simulator (real pty)', () => {
  let pair: PtyPair;
  let simulator: PrinterSimulator;
  let printer: SerialPrinter;
  let queue: PrintQueue;

  beforeEach(async () => {
    pair = await openPtyPair();
    simulator = await PrinterSimulator.open(pair.simulatorPath);
    printer = new SerialPrinter({
      path: pair.devicePath,
      id: 'printer-1',
      status: { timeoutMs: 300, pollMs: 50 },
    });
    await printer.open();
    queue = new PrintQueue({ printer, retryMs: 5_000 });
  });

  afterEach(async () => {
    queue.close();
    await printer.close();
    await simulator.close();
    await pair.close();
  });

  it('[Q2][Q3] holds a receipt while out of paper, prints it once when paper is loaded', async () => {
    simulator.setPaper('out');
    await expect.poll(() => printer.status().state).toBe('error');
    const bytes = renderReceipt(sampleReceipt, { columns: 32 });
    const done = queue.submit('S001-POS1-0001', bytes);
    await expect
      .poll(() => queue.jobs()[0]?.message)
      .toMatch(/^Printer out of paper\. .* Nothing was printed\.$/);
    expect(simulator.receipts).toEqual([]);

    simulator.setPaper('ok'); // the poll sees it; the status change retries the job
    await done;
    await simulator.waitForReceipt();
    await queue.submit('S001-POS1-0001', bytes); // a client retrying after a reconnect
    // A status round trip on the same link: whatever was sent before it has arrived.
    await printer.queryStatus();
    expect(simulator.receipts).toHaveLength(1);
  });
});
