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
    await printer.print(renderReceipt(receipt, { columns: 48 }));
    const lines = await simulator.waitForReceipt(5_000);
    expect(lines).toEqual([
      'Storefront 南京路店',
      '南京东路 100 号',
      '-'.repeat(48),
      `Sale${' '.repeat(27)}POS-01-01JD5X4Q2M`,
      `Time${' '.repeat(25)}2026-11-22 11:00:13`,
      '-'.repeat(48),
      `可口可乐 330ml${' '.repeat(20)}2 x 3.50  7.00`,
      `Bread${' '.repeat(29)}1 x 5.50  5.50`,
      '-'.repeat(48),
      `TOTAL${' '.repeat(38)}12.50`,
      `Cash${' '.repeat(39)}20.00`,
      `CHANGE${' '.repeat(38)}7.50`,
      '-'.repeat(48),
      'Thank you 谢谢惠顾',
    ]);
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
