/**
 * A network ESC/POS printer: a TCP server (port 9100 on a real one; any
 * free port here) whose connections feed one PrinterSimulator, and which
 * answers status requests on the socket that asked.
 */
import { PrinterSimulator } from './printer-simulator';
import { TcpPrinterServer } from './printer-wire';

export class TcpPrinterSimulator extends TcpPrinterServer<PrinterSimulator> {
  private constructor() {
    super(new PrinterSimulator());
  }

  /** Listens on `port` (default 0: any free port) on 127.0.0.1. */
  static async start(options: { port?: number; host?: string } = {}): Promise<TcpPrinterSimulator> {
    const simulator = new TcpPrinterSimulator();
    await simulator.listen(options);
    return simulator;
  }
}
