import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../pty';
import {
  LabelPrinterSimulator,
  TcpLabelPrinterSimulator,
} from '../simulators/label-printer-simulator';
import { sampleLabel } from './label-fixtures';
import { layoutShippingLabel } from './label-layout';
import { SerialLabelPrinter, TcpLabelPrinter, type LabelPrinter } from './label-printer';
import { encodeShippingLabel } from './shipping-label';

describe('label printers over real TCP sockets and ptys', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  async function tcp(language: 'zpl' | 'tspl', dpi: 203 | 300 = 203) {
    const simulator = await TcpLabelPrinterSimulator.start({ language, dpi });
    const printer = new TcpLabelPrinter({
      host: '127.0.0.1',
      port: simulator.port,
      language,
      dpi,
      status: { timeoutMs: 2_000, pollMs: 0 },
    });
    cleanups.push(() => simulator.close());
    cleanups.push(() => printer.close());
    await printer.open();
    return { simulator, printer };
  }

  for (const language of ['zpl', 'tspl'] as const) {
    it(`[LP1][LS1][LS2] ${language} on TCP: the label arrives whole and decodes to its layout`, async () => {
      const { simulator, printer } = await tcp(language, 300);
      expect(printer.status()).toEqual({ state: 'ready' });
      await printer.print(encodeShippingLabel(sampleLabel, { language, dpi: 300 }));
      const label = await simulator.printer.waitForLabel();
      expect(label.fields).toEqual(layoutShippingLabel(sampleLabel, { language, dpi: 300 }).fields);
      expect(simulator.printer.errors).toEqual([]);
      expect(simulator.printer.statusRequests).toBeGreaterThanOrEqual(2);
    });

    it(`[LP1][LS3] ${language}: out of labels or head open refuses the label, nothing is sent; it prints once fixed`, async () => {
      const { simulator, printer } = await tcp(language);
      const bytes = encodeShippingLabel(sampleLabel, { language, dpi: 203 });
      simulator.printer.setPaper('out');
      await expect(printer.print(bytes)).rejects.toMatchObject({
        code: 'PRINTER_NOT_READY',
        message:
          'Label printer out of labels. Load a new label roll and close the print head, then print again. Nothing was printed.',
      });
      expect(printer.status()).toMatchObject({
        state: 'error',
        problems: [{ code: 'PAPER_OUT', blocksPrinting: true }],
      });
      simulator.printer.setPaper('ok');
      simulator.printer.setFlags({ headOpen: true, paused: true });
      await expect(printer.print(bytes)).rejects.toMatchObject({
        code: 'PRINTER_NOT_READY',
        message: expect.stringMatching(
          /^Label printer head is open\. .* Label printer is paused\./,
        ),
      });
      simulator.printer.setFlags({ headOpen: false, paused: false });
      await printer.print(bytes);
      await simulator.printer.waitForLabel();
      await printer.queryStatus();
      expect(simulator.printer.labels).toHaveLength(1);
      expect(simulator.printer.errors).toEqual([]);
      expect(printer.status()).toEqual({ state: 'ready' });
    });
  }

  it('[LP2] a printer that never answers status is still printed to, and says so', async () => {
    const simulator = await TcpLabelPrinterSimulator.start({ language: 'zpl' });
    cleanups.push(() => simulator.close());
    // A TSPL driver asks <ESC>!?, which a ZPL printer does not answer.
    const printer = new TcpLabelPrinter({
      host: '127.0.0.1',
      port: simulator.port,
      language: 'tspl',
      status: { timeoutMs: 200, pollMs: 0 },
    });
    cleanups.push(() => printer.close());
    await printer.open();
    await printer.print(encodeShippingLabel(sampleLabel, { language: 'zpl', dpi: 203 }));
    await simulator.printer.waitForLabel();
    expect(printer.status()).toMatchObject({
      state: 'ready',
      problems: [{ code: 'NO_STATUS', blocksPrinting: false }],
    });
  });

  it('[LP1] a serial label printer over a pty pair', async () => {
    const pair: PtyPair = await openPtyPair();
    cleanups.push(() => pair.close());
    const simulator = await LabelPrinterSimulator.open(pair.simulatorPath, { language: 'tspl' });
    cleanups.push(() => simulator.close());
    const printer: LabelPrinter = new SerialLabelPrinter({
      path: pair.devicePath,
      language: 'tspl',
      status: { timeoutMs: 2_000, pollMs: 0 },
    });
    cleanups.push(() => printer.close());
    await printer.open();
    simulator.setPaper('out');
    await expect(printer.print(new Uint8Array([0x41]))).rejects.toMatchObject({
      code: 'PRINTER_NOT_READY',
    });
    simulator.setPaper('ok');
    await printer.print(encodeShippingLabel(sampleLabel, { language: 'tspl', dpi: 203 }));
    const label = await simulator.waitForLabel();
    expect(label.fields).toContainEqual(
      expect.objectContaining({ kind: 'barcode', data: sampleLabel.trackingNo }),
    );
  });
});
