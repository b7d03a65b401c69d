import { sampleReceipt } from '../hub/test-fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../pty';
import { PrinterSimulator } from '../simulators/printer-simulator';
import { renderReceipt } from './receipt-layout';
import { SerialPrinter } from './serial-printer';

const receipt = sampleReceipt;

describe('SerialPrinter over a real pty pair', () => {
  let pair: PtyPair;
  let simulator: PrinterSimulator;
  let printer: SerialPrinter;

  beforeEach(async () => {
    pair = await openPtyPair();
    simulator = await PrinterSimulator.open(pair.simulatorPath);
    printer = new SerialPrinter({ path: pair.devicePath, id: 'printer-1' });
    await printer.open();
  });

  afterEach(async () => {
    await printer.close();
    await simulator.close();
    await pair.close();
  });

  it('prints a rendered receipt that the simulator decodes line for line, Chinese included', async () => {
    const bytes = renderReceipt(receipt, { columns: 48 });
    await printer.print(bytes);
    const lines = await simulator.waitForReceipt(5_000);
    // Through the pty, the same paper as the bytes fed straight to a printer (see the golden test).
    const direct = new PrinterSimulator();
    direct.feed(bytes);
    expect(lines).toEqual(direct.receipts[0]);
    expect(lines.slice(0, 4)).toEqual([
      'Storefront 南京路店',
      '南京东路 100 号, Shanghai',
      '-'.repeat(48),
      `Sale${' '.repeat(8)}S001-POS1-01JD5X4Q2M7K8N9P0Q1R2S3T4V`,
    ]);
    expect(lines).toContain(`可口可乐 330ml${' '.repeat(19)}2 x 3.50   7.00`);
    expect(lines).toContain(`TOTAL${' '.repeat(38)}26.21`);
    expect(simulator.errors).toEqual([]);
    expect(printer.status()).toEqual({ state: 'ready' });
  });

  it('prints receipts in order, one per cut', async () => {
    await printer.print(renderReceipt({ ...receipt, saleId: 'A-1' }, { columns: 32 }));
    await printer.print(renderReceipt({ ...receipt, saleId: 'A-2' }, { columns: 32 }));
    const first = await simulator.waitForReceipt();
    const second = await simulator.waitForReceipt();
    expect(first).toContain(`Sale${' '.repeat(25)}A-1`);
    expect(second).toContain(`Sale${' '.repeat(25)}A-2`);
  });

  it('kicks the drawer with ESC p 0 25 250', async () => {
    await printer.openDrawer();
    await simulator.waitForDrawerKicks(1);
    expect(simulator.drawerKickRecords).toEqual([{ kind: 'drawer-kick', m: 0, t1: 25, t2: 250 }]);
    expect(simulator.drawerKicks).toBe(1);
  });

  it('refuses to print when closed, with DEVICE_OFFLINE', async () => {
    await printer.close();
    await expect(printer.print(Uint8Array.of(0x0a))).rejects.toMatchObject({
      code: 'DEVICE_OFFLINE',
    });
    expect(printer.status()).toEqual({ state: 'offline', message: 'closed' });
  });
});
