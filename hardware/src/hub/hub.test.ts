import { describe, expect, it } from 'vitest';
import type { DeviceHealth } from '../device-status';
import { HardwareError } from '../errors';
import { Listeners } from '../listeners';
import { decodeEscPos } from '../printer/escpos-decoder';
import type { ScanEvent } from '../scanner/scan-event';
import { sampleLabel } from '../label/label-fixtures';
import { createHub, type PrinterDevice, type ScannerDevice } from './hub';
import type { DeviceStatus } from './protocol';
import { sampleReceipt, sampleReturnReceipt, sampleXReport, sampleZReport } from './test-fixtures';

/** In-memory devices: the hub's routing without ports (the .int tests use real ones). */
class FakeDevice {
  readonly statuses = new Listeners<DeviceHealth>();
  health: DeviceHealth = { state: 'offline' };
  constructor(readonly id: string) {}
  onStatus = (callback: (health: DeviceHealth) => void) => this.statuses.add(callback);
  status = () => this.health;
  setHealth(health: DeviceHealth) {
    this.health = health;
    this.statuses.emit(health);
  }
  open = async () => this.setHealth({ state: 'ready' });
  close = async () => this.setHealth({ state: 'offline', message: 'closed' });
}

class FakeScanner extends FakeDevice implements ScannerDevice {
  readonly scans = new Listeners<ScanEvent>();
  onScan = (callback: (scan: ScanEvent) => void) => this.scans.add(callback);
}

class FakePrinter extends FakeDevice implements PrinterDevice {
  readonly printed: Uint8Array[] = [];
  drawerKicks = 0;
  print = async (bytes: Uint8Array) => {
    if (this.health.state !== 'ready')
      throw new HardwareError('DEVICE_OFFLINE', 'printer is offline');
    this.printed.push(bytes);
  };
  openDrawer = async () => {
    this.drawerKicks++;
  };
}

const scan: ScanEvent = {
  code: '6901234567892',
  symbology: 'EAN-13',
  source: 's1',
  at: '2026-11-22T03:00:00.000Z',
};

describe('hub', () => {
  it('fans every scan out to every subscriber until it unsubscribes', async () => {
    const scanners = [new FakeScanner('s1'), new FakeScanner('s2')];
    const hub = createHub({ scanners });
    const a: ScanEvent[] = [];
    const b: ScanEvent[] = [];
    hub.onScan((s) => a.push(s));
    const stopB = hub.onScan((s) => b.push(s));
    scanners[0]?.scans.emit(scan);
    stopB();
    scanners[1]?.scans.emit({ ...scan, source: 's2' });
    expect(a.map((s) => s.source)).toEqual(['s1', 's2']);
    expect(b.map((s) => s.source)).toEqual(['s1']);
  });

  it('reports every device, the drawer through its printer, and each change', async () => {
    const printer = new FakePrinter('p1');
    const hub = createHub({ scanners: [new FakeScanner('s1')], printer });
    const seen: DeviceStatus[][] = [];
    hub.onDeviceStatus((devices) => seen.push(devices));
    await hub.open();
    printer.setHealth({ state: 'error', message: 'paper out' });
    expect(hub.deviceStatus()).toEqual([
      { id: 's1', kind: 'scanner', state: 'ready' },
      { id: 'p1', kind: 'printer', state: 'error', message: 'paper out' },
      { id: 'p1:drawer', kind: 'drawer', state: 'error', message: 'paper out' },
    ]);
    expect(seen.length).toBe(3);
  });

  it('renders a receipt for the requested paper width and language and prints it', async () => {
    const printer = new FakePrinter('p1');
    const hub = createHub({ scanners: [], printer });
    await hub.open();
    const reply = await hub.handle({
      id: 'r1',
      type: 'printer:print-receipt',
      receipt: sampleReceipt,
      columns: 32,
    });
    expect(reply).toEqual({ type: 'reply', id: 'r1', ok: true, print: { printed: true } });
    const linesOf = (bytes: Uint8Array | undefined) =>
      decodeEscPos(bytes ?? new Uint8Array()).flatMap((r) => (r.kind === 'line' ? [r.text] : []));
    expect(linesOf(printer.printed[0])).toContain('TOTAL                      26.21');
    await hub.printReceipt(sampleReceipt, 48, { language: 'zh-CN', jobId: 'copy-2' });
    expect(linesOf(printer.printed[1])).toContain(`合计${' '.repeat(39)}26.21`);
    await hub.openDrawer();
    expect(printer.drawerKicks).toBe(1);
  });

  it('[HQ3] prints X and Z reports and refund receipts through the queue, each job at most once', async () => {
    const printer = new FakePrinter('p1');
    const hub = createHub({ scanners: [], printer });
    await hub.open();
    const linesOf = (bytes: Uint8Array | undefined) =>
      decodeEscPos(bytes ?? new Uint8Array()).flatMap((r) => (r.kind === 'line' ? [r.text] : []));
    const reply = await hub.handle({
      id: 'd1',
      type: 'printer:print-document',
      document: { kind: 'shift-report', report: sampleXReport },
      columns: 32,
    });
    expect(reply).toEqual({ type: 'reply', id: 'd1', ok: true, print: { printed: true } });
    expect(linesOf(printer.printed[0])).toContain('X REPORT');
    const z = { kind: 'shift-report' as const, report: sampleZReport };
    await hub.printDocument(z, 32, { language: 'zh-CN' });
    expect(linesOf(printer.printed[1])).toContain(`差额${' '.repeat(23)}-2.00`);
    const refund = { kind: 'return-receipt' as const, receipt: sampleReturnReceipt };
    await hub.printDocument(refund, 48);
    expect(linesOf(printer.printed[2])).toContain(`REFUND TOTAL${' '.repeat(32)}5.00`);
    // The same Z report or refund again (a retry) is not printed twice; a copy on purpose is.
    await hub.printDocument(z, 32);
    await hub.printDocument(refund, 48);
    expect(printer.printed).toHaveLength(3);
    await hub.printDocument(refund, 48, { jobId: `${sampleReturnReceipt.returnId}:copy-2` });
    expect(printer.printed).toHaveLength(4);
  });

  it('[HQ1][HQ2] a receipt for an offline printer waits in the queue, is counted in words, and prints once', async () => {
    const printer = new FakePrinter('p1');
    const hub = createHub({ scanners: [], printer, printQueue: { retryMs: 60_000 } });
    const reply = await hub.handle({
      id: 'r1',
      type: 'printer:print-receipt',
      receipt: sampleReceipt,
    });
    expect(reply).toEqual({
      type: 'reply',
      id: 'r1',
      ok: true,
      print: {
        printed: false,
        queued: true,
        message: 'printer is offline. The receipt waits and prints when the printer is ready.',
      },
    });
    expect(hub.deviceStatus()[0]).toEqual({
      id: 'p1',
      kind: 'printer',
      state: 'offline',
      message: '1 receipt is waiting to print.',
      queuedReceipts: 1,
    });
    // The client retries after a reconnect: still one job.
    await hub.handle({ id: 'r2', type: 'printer:print-receipt', receipt: sampleReceipt });
    expect(hub.deviceStatus()[0]?.queuedReceipts).toBe(1);
    const printedOnce = new Promise<void>((resolve) =>
      hub.onDeviceStatus((devices) => {
        if (printer.printed.length === 1 && devices[0]?.queuedReceipts === undefined) resolve();
      }),
    );
    await hub.open(); // the printer comes back: its status change retries the queue
    await printedOnce;
    expect(await hub.printReceipt(sampleReceipt)).toEqual({ printed: true });
    expect(printer.printed).toHaveLength(1);
    expect(hub.deviceStatus()[0]).toEqual({ id: 'p1', kind: 'printer', state: 'ready' });
  });

  it('answers failures with coded error replies, never a rejection', async () => {
    const noPrinter = createHub({ scanners: [] });
    expect(await noPrinter.handle({ id: 'r2', type: 'drawer:open' })).toMatchObject({
      ok: false,
      error: { code: 'NO_PRINTER' },
    });
    expect(
      await noPrinter.handle({ id: 'r2', type: 'printer:print-receipt', receipt: sampleReceipt }),
    ).toMatchObject({ ok: false, error: { code: 'NO_PRINTER' } });
    const printer = new FakePrinter('p1');
    const hub = createHub({ scanners: [], printer });
    await hub.open();
    const badMoney = { ...sampleReceipt, total: 0.5 };
    expect(
      await hub.handle({ id: 'r3', type: 'printer:print-receipt', receipt: badMoney }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // [LH1] No label printer configured; [LB3] a waybill a barcode cannot carry.
    expect(
      await hub.handle({ id: 'r5', type: 'printer:print-label', label: sampleLabel }),
    ).toMatchObject({ ok: false, error: { code: 'NO_PRINTER' } });
    const withLabels = createHub({
      scanners: [],
      labelPrinter: Object.assign(new FakePrinter('l1'), {
        language: 'zpl' as const,
        dpi: 203 as const,
      }),
    });
    await withLabels.open();
    expect(
      await withLabels.handle({
        id: 'r6',
        type: 'printer:print-label',
        label: { ...sampleLabel, trackingNo: 'no spaces' },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^cannot lay out the label: /) },
    });
    expect(
      await withLabels.handle({ id: 'r7', type: 'printer:print-label', label: sampleLabel }),
    ).toEqual({ type: 'reply', id: 'r7', ok: true, print: { printed: true } });
    expect(withLabels.deviceStatus()).toEqual([
      { id: 'l1', kind: 'label-printer', state: 'ready' },
    ]);
    await withLabels.close();
    expect(await hub.handle({ id: 'r4', type: 'nope' } as never)).toMatchObject({
      id: 'r4',
      ok: false,
      error: { code: 'UNKNOWN_REQUEST' },
    });
    await hub.close();
  });

  it('answers a status request with every device', async () => {
    const hub = createHub({ scanners: [new FakeScanner('s1')] });
    expect(await hub.handle({ id: 'r1', type: 'device:status' })).toEqual({
      type: 'reply',
      id: 'r1',
      ok: true,
      devices: [{ id: 's1', kind: 'scanner', state: 'offline' }],
    });
  });
});
