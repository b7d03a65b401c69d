/**
 * The wire ends of a simulated printer, alike for receipt and label printers:
 * the simulator's end of a serial port, and a TCP server (port 9100 on a real
 * printer, any free port here) whose connections all feed one printer, which
 * answers status requests on the socket that asked.
 */
import { createServer, type Socket } from 'node:net';
import { SerialConnection } from '../serial-connection';

/** A simulated printer: bytes from the wire in, answers back on the wire it is given. */
export type WirePrinter = {
  feed(chunk: Uint8Array): void;
  attachReply(send: (bytes: Uint8Array) => Promise<void>): void;
};

/** Opens `path` at `baudRate` (default 9600): what comes in feeds the printer, its answers go out. */
export async function openSerialWire(
  printer: WirePrinter,
  path: string,
  baudRate = 9600,
): Promise<SerialConnection> {
  const connection = new SerialConnection({
    path,
    baudRate,
    onData: (chunk) => printer.feed(chunk),
  });
  await connection.open();
  printer.attachReply((bytes) => connection.write(bytes));
  return connection;
}

/** A network printer: a TCP server whose connections feed one simulated printer. */
export class TcpPrinterServer<Printer extends WirePrinter> {
  readonly printer: Printer;
  readonly #server = createServer((socket) => this.#accept(socket));
  readonly #sockets = new Set<Socket>();
  #port = 0;

  protected constructor(printer: Printer) {
    this.printer = printer;
  }

  /** Listens on `port` (default 0: any free port) on `host` (default 127.0.0.1). */
  protected async listen(options: { port?: number; host?: string }): Promise<void> {
    const server = this.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
  }

  get port(): number {
    return this.#port;
  }

  /** Open connections from drivers. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Drops every connection, as a printer that is switched off and on does. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      this.printer.attachReply(
        (bytes) =>
          new Promise<void>((resolve, reject) =>
            socket.write(bytes, (error) => (error ? reject(error) : resolve())),
          ),
      );
      this.printer.feed(new Uint8Array(chunk));
    });
  }
}
