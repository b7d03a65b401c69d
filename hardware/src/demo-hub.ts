/**
 * Simulated hardware behind a hub WebSocket, for the demo and manual tests:
 *   npx tsx hardware/src/demo-hub.ts [port]      (default 8787)
 * Type a barcode and Enter to scan it; printed receipts appear here.
 * `tag` puts a demo RFID tag (SGTIN-96) in the reader's field or takes it out;
 * `paper` runs the printer out of paper or loads it again; `receipt` prints a
 * sample sale's receipt in English on 80 mm, `receipt zh` in Chinese on 58 mm
 * (while out of paper it waits in the hub's queue and prints once loaded).
 * `label` prints a sample shipping label on the simulated ZPL label printer
 * (its fields are shown as decoded), `labels` runs it out of labels or loads
 * it again; `packing` prints a sample packing slip on the receipt printer.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { sampleReceipt, sampleReceiptZh } from './hub/test-fixtures';
import { sampleLabel } from './label/label-fixtures';
import { samplePackingSlip } from './label/packing-fixtures';
import { attachHubWebSocket } from './hub/websocket';
import { startSimulatedHardware } from './simulators/simulated-hardware';

const port = Number(process.argv[2] ?? 8787);
const hardware = await startSimulatedHardware({ rfid: true, labelPrinter: 'zpl' });
const DEMO_TAG = '3074257BF7194E4000001A85';
const server = createServer((_request, response) => response.writeHead(404).end());
const hubSocket = attachHubWebSocket(server, hardware.hub, { path: '/hub' });
server.listen(port, () => {
  console.log(`hub on ws://localhost:${port}/hub`);
  console.log('type a barcode and press Enter to scan it (e.g. ]E06901234567892)');
});

hardware.hub.onTagRead((read) =>
  console.log(
    `rfid: ${read.epc} ${read.gtin ? `GTIN ${read.gtin} serial ${read.serial}` : read.scheme}`,
  ),
);
hardware.hub.onDeviceStatus((devices) => {
  for (const device of devices) if (device.message) console.log(`${device.id}: ${device.message}`);
});
hardware.printer.onReceipt((lines) =>
  console.log(['--- receipt ---', ...lines, '--- cut ---'].join('\n')),
);
const labelPrinter = hardware.labelPrinter;
labelPrinter?.onLabel((label) => {
  const lines = label.fields.map((f) =>
    f.kind === 'box'
      ? `[box ${f.x},${f.y} ${f.width}x${f.height}]`
      : `[${f.kind} ${f.x},${f.y}] ${f.data}`,
  );
  console.log(['--- label ---', ...lines, '--- end ---'].join('\n'));
});
const result = (what: string) => (outcome: { printed: boolean; message?: string }) => {
  console.log(outcome.printed ? `${what} printed` : `${what} waiting: ${outcome.message ?? ''}`);
};
const failed = (error: unknown) => console.log(`not printed: ${String(error)}`);
let copies = 0;
createInterface({ input: process.stdin }).on('line', (line) => {
  const code = line.trim();
  const { rfid, printer } = hardware;
  if (code === 'tag' && rfid) {
    rfid.tags = rfid.tags.length ? [] : [{ epc: DEMO_TAG, antenna: 1, rssi: -50 }];
    console.log(rfid.tags.length ? 'tag in the field' : 'tag taken away');
  } else if (code === 'paper') {
    printer.setPaper(printer.flags.paperOut ? 'ok' : 'out');
  } else if (code === 'labels' && labelPrinter) {
    labelPrinter.setPaper(labelPrinter.flags.paperOut ? 'ok' : 'out');
    console.log(labelPrinter.flags.paperOut ? 'label printer out of labels' : 'labels loaded');
  } else if (code === 'label') {
    hardware.hub
      .printLabel(sampleLabel, { jobId: `demo-label-${++copies}` })
      .then(result('label'), failed);
  } else if (code === 'packing') {
    hardware.hub
      .printDocument({ kind: 'packing-slip', slip: samplePackingSlip }, 32, {
        language: 'zh-CN',
        jobId: `demo-packing-${++copies}`,
      })
      .then(result('packing slip'), failed);
  } else if (code === 'receipt' || code === 'receipt zh') {
    const zh = code === 'receipt zh';
    const options = { language: zh ? 'zh-CN' : 'en', jobId: `demo-${++copies}` } as const;
    hardware.hub
      .printReceipt(zh ? sampleReceiptZh : sampleReceipt, zh ? 32 : 48, options)
      .then((result) => console.log(result.printed ? 'printed' : `waiting: ${result.message}`))
      .catch((error: unknown) => console.log(`not printed: ${String(error)}`));
  } else if (code) void hardware.scanner.write(`${code}\r\n`);
});

const stop = async () => {
  await hubSocket.close();
  server.close();
  await hardware.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
