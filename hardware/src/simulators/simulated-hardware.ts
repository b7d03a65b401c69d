/**
 * A store's worth of simulated hardware for tests and the demo: one serial
 * scanner and one ESC/POS printer, each a real driver on a socat pty pair
 * with a simulator on the other end, and on request a network label printer
 * (ZPL or TSPL over TCP), all owned by one hub.
 */
import { createHub, type Hub, type HubOptions } from '../hub/hub';
import type { LabelLanguage } from '../label/label-layout';
import { TcpLabelPrinter } from '../label/label-printer';
import { SerialPrinter } from '../printer/serial-printer';
import { openPtyPair, type PtyPair } from '../pty';
import { R2000Reader } from '../rfid/rfid-readers';
import { SerialScanner } from '../scanner/serial-scanner';
import { PrinterSimulator } from './printer-simulator';
import { R2000Simulator } from './rfid-simulators';
import { ScannerSimulator } from './scanner-simulator';
import { TcpLabelPrinterSimulator, type LabelPrinterSimulator } from './label-printer-simulator';

export type SimulatedHardware = {
  hub: Hub;
  scanner: ScannerSimulator;
  printer: PrinterSimulator;
  /** The R2000 RFID reader simulator, when asked for with `rfid: true`. */
  rfid?: R2000Simulator;
  /** The network label printer simulator, when asked for with `labelPrinter`. */
  labelPrinter?: LabelPrinterSimulator;
  /** Closes the hub, the simulators and the pty pairs. */
  close(): Promise<void>;
};

export async function startSimulatedHardware(
  options: Pick<HubOptions, 'columns' | 'timeZone' | 'language' | 'printQueue' | 'fittingRooms'> & {
    rfid?: boolean;
    /** A label printer on TCP in this language. */
    labelPrinter?: LabelLanguage;
  } = {},
): Promise<SimulatedHardware> {
  const { rfid: withRfid = false, labelPrinter: labelLanguage, ...hubOptions } = options;
  const pairs: PtyPair[] = [];
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of closers.reverse()) await stop().catch(() => undefined);
    await Promise.all(pairs.map((pair) => pair.close()));
  };
  try {
    const scannerPair = await openPtyPair();
    pairs.push(scannerPair);
    const printerPair = await openPtyPair();
    pairs.push(printerPair);
    // Simulators first: opening a port discards bytes written before it.
    const scanner = await ScannerSimulator.open(scannerPair.simulatorPath);
    closers.push(() => scanner.close());
    const printer = await PrinterSimulator.open(printerPair.simulatorPath);
    closers.push(() => printer.close());
    let rfid: R2000Simulator | undefined;
    let rfidPath: string | undefined;
    if (withRfid) {
      const rfidPair = await openPtyPair();
      pairs.push(rfidPair);
      rfid = await R2000Simulator.open(rfidPair.simulatorPath);
      const opened = rfid;
      closers.push(() => opened.close());
      rfidPath = rfidPair.devicePath;
    }
    let labelSimulator: TcpLabelPrinterSimulator | undefined;
    if (labelLanguage) {
      const started = await TcpLabelPrinterSimulator.start({ language: labelLanguage });
      labelSimulator = started;
      closers.push(() => started.close());
    }
    const hub = createHub({
      ...hubOptions,
      scanners: [new SerialScanner({ path: scannerPair.devicePath, id: 'scanner-1' })],
      printer: new SerialPrinter({ path: printerPair.devicePath, id: 'printer-1' }),
      ...(rfidPath ? { rfidReaders: [new R2000Reader({ path: rfidPath, id: 'rfid-1' })] } : {}),
      ...(labelSimulator && labelLanguage
        ? {
            labelPrinter: new TcpLabelPrinter({
              host: '127.0.0.1',
              port: labelSimulator.port,
              id: 'label-printer-1',
              language: labelLanguage,
            }),
          }
        : {}),
    });
    closers.push(() => hub.close());
    await hub.open();
    return {
      hub,
      scanner,
      printer,
      ...(rfid ? { rfid } : {}),
      ...(labelSimulator ? { labelPrinter: labelSimulator.printer } : {}),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
