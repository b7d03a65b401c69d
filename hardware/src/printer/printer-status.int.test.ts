import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceStatus } from '../hub/protocol';
import { createHub, type Hub } from '../hub/hub';
import { sampleReceipt } from '../hub/test-fixtures';
import { openPtyPair, type PtyPair } from '../pty';
import { PrinterSimulator } from '../simulators/printer-simulator';
import { renderReceipt } from './receipt-layout';
import { SerialPrinter } from './serial-printer';

describe('printer status over a real pty pair (DLE EOT)', () => {
  let pair: PtyPair;
  let simulator: PrinterSimulator;
  let printer: SerialPrinter;

  beforeEach(async () => {
    pair = await openPtyPair();
    simulator = await PrinterSimulator.open(pair.simulatorPath);
    printer = new SerialPrinter({
      path: pair.devicePath,
      id: 'printer-1',
      status: { timeoutMs: 300, pollMs: 0 },
    });
    await printer.open();
  });

  afterEach(async () => {
    await printer.close();
    await simulator.close();
    await pair.close();
  });

  it('[PP1] out of paper: the print fails in plain words, nothing is sent, and it prints once after reloading', async () => {
    simulator.setPaper('out');
    const bytes = renderReceipt(sampleReceipt, { columns: 32 });
    const failure = await printer.print(bytes).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'PRINTER_NOT_READY',
      message:
        'Printer out of paper. Load a new paper roll and close the cover, then print again. Nothing was printed.',
    });
    expect(printer.status()).toMatchObject({
      state: 'error',
      message: expect.stringMatching(/^Printer out of paper\./),
      problems: [{ code: 'PAPER_OUT', blocksPrinting: true }],
    });
    // Nothing but status requests reached the printer.
    simulator.setPaper('ok');
    expect(simulator.receipts).toEqual([]);
    expect(simulator.paper).toEqual([]);

    await printer.print(bytes);
    const receipt = await simulator.waitForReceipt(5_000);
    expect(receipt.join('\n')).toContain('Storefront');
    expect(printer.status()).toEqual({ state: 'ready' });
    // A status round trip on the same link: whatever was sent before it has arrived.
    await printer.queryStatus();
    expect(simulator.receipts).toHaveLength(1);
  });

  it('[PP1] cover open refuses the print; paper low still prints and says so', async () => {
    simulator.setCoverOpen(true);
    await expect(
      printer.print(renderReceipt(sampleReceipt, { columns: 32 })),
    ).rejects.toMatchObject({
      code: 'PRINTER_NOT_READY',
      message: expect.stringMatching(/^Printer cover is open\./),
    });
    simulator.setCoverOpen(false);
    simulator.setPaper('low');
    await printer.print(renderReceipt(sampleReceipt, { columns: 32 }));
    await simulator.waitForReceipt(5_000);
    expect(printer.status()).toMatchObject({
      state: 'ready',
      message: 'Printer paper is running low. Have a new paper roll ready.',
    });
  });

  it('[PP2] a printer that never answers status is still printed to', async () => {
    simulator.answersStatus = false;
    await printer.print(renderReceipt(sampleReceipt, { columns: 32 }));
    await simulator.waitForReceipt(5_000);
    expect(printer.status()).toMatchObject({
      state: 'ready',
      problems: [{ code: 'NO_STATUS' }],
    });
  });

  it('[PP3] the hub reports paper out and an open drawer as device status, by polling', async () => {
    await printer.close();
    printer = new SerialPrinter({
      path: pair.devicePath,
      id: 'printer-1',
      status: { timeoutMs: 300, pollMs: 50 },
    });
    const hub: Hub = createHub({ scanners: [], printer });
    const seen: DeviceStatus[][] = [];
    hub.onDeviceStatus((devices) => seen.push(devices));
    await hub.open();
    simulator.setPaper('out');
    simulator.setDrawerOpen(true);
    await waitUntil(() => hub.deviceStatus()[0]?.state === 'error');
    expect(hub.deviceStatus()).toEqual([
      {
        id: 'printer-1',
        kind: 'printer',
        state: 'error',
        message:
          'Printer out of paper. Load a new paper roll and close the cover, then print again.',
        problems: [expect.objectContaining({ code: 'PAPER_OUT' })],
      },
      {
        id: 'printer-1:drawer',
        kind: 'drawer',
        state: 'ready',
        message: 'Cash drawer is open. Close the cash drawer.',
        problems: [expect.objectContaining({ code: 'DRAWER_OPEN' })],
      },
    ]);
    simulator.setPaper('ok');
    simulator.setDrawerOpen(false);
    await waitUntil(() => hub.deviceStatus().every((d) => d.state === 'ready' && !d.message));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    await hub.close();
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
