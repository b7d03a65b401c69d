/**
 * A network ESC/POS printer: a TCP server (port 9100 on a real one; any
 * free port here) whose connections feed one PrinterSimulator, and which
 * answers status requests on the socket that asked.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { PrinterSimulator } from './printer-simulator';

export class TcpPrinterSimulator {
  readonly printer = new PrinterSimulator();
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on `port` (default 0: any free port) on 127.0.0.1. */
  static async start(options: { port?: number; host?: string } = {}): Promise<TcpPrinterSimulator> {
    const server = createServer();
    const simulator = new TcpPrinterSimulator(server);
    server.on('connection', (socket) => simulator.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address();
    simulator.#port = typeof address === 'object' && address ? address.port : 0;
    return simulator;
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
