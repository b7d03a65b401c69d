/**
 * Simulated hardware behind a hub WebSocket, for the demo and manual tests:
 *   npx tsx hardware/src/demo-hub.ts [port]      (default 8787)
 * Type a barcode and Enter to scan it; printed receipts appear here.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { attachHubWebSocket } from './hub/websocket';
import { startSimulatedHardware } from './simulators/simulated-hardware';

const port = Number(process.argv[2] ?? 8787);
const hardware = await startSimulatedHardware();
const server = createServer((_request, response) => response.writeHead(404).end());
const hubSocket = attachHubWebSocket(server, hardware.hub, { path: '/hub' });
server.listen(port, () => {
  console.log(`hub on ws://localhost:${port}/hub`);
  console.log('type a barcode and press Enter to scan it (e.g. ]E06901234567892)');
});

hardware.printer.onReceipt((lines) =>
  console.log(['--- receipt ---', ...lines, '--- cut ---'].join('\n')),
);
createInterface({ input: process.stdin }).on('line', (line) => {
  const code = line.trim();
  if (code) void hardware.scanner.write(`${code}\r\n`);
});

const stop = async () => {
  await hubSocket.close();
  server.close();
  await hardware.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
