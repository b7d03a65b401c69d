/**
 * `npm start`: runs the demo store and opens the POS in Electron where the
 * Electron binary exists, otherwise prints the URL to open in a browser.
 * Type a product number or a barcode and Enter to scan it with the simulated scanner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEMO_PRICES, DEMO_PRODUCTS } from '@pos/sync-server';
import { formatMinorPlain } from '@pos/domain';
import { startDemoStore } from './demo-store';
import { findElectronBinary } from './electron-binary';

const electron = process.env.POS_BROWSER ? null : findElectronBinary();
const store = await startDemoStore({
  dataDir: process.env.POS_DATA_DIR ?? '.data/pglite',
  terminalPort: Number(process.env.POS_PORT ?? 5180),
  serveBrowser: electron === null,
});

let electronProcess: ChildProcess | null = null;
console.log(
  `\nSync server: ${store.syncServer.url} (PGlite in ${process.env.POS_DATA_DIR ?? '.data/pglite'})`,
);
if (electron) {
  const dir = mkdtempSync(join(tmpdir(), 'pos-terminal-'));
  const configPath = join(dir, 'terminal.json');
  writeFileSync(
    configPath,
    JSON.stringify({ ...store.terminalConfig, devices: store.devices }, null, 2),
  );
  const appDir = fileURLToPath(new URL('../..', import.meta.url));
  electronProcess = spawn(electron, [appDir], {
    stdio: 'inherit',
    env: { ...process.env, POS_TERMINAL_CONFIG: configPath },
  });
  electronProcess.on('exit', () => void stop());
  console.log('POS: opened in an Electron window.');
} else {
  console.log(`POS: open ${store.terminalUrl} in a browser (Electron is not installed here).`);
}

console.log('\nThe simulated scanner scans what you type here. Products:');
DEMO_PRODUCTS.forEach((product, i) => {
  const price = DEMO_PRICES.find((p) => p.sku === product.id);
  const number = String(i + 1).padStart(2);
  console.log(
    `  ${number}  ${product.gtin.slice(1)}  ${formatMinorPlain(price?.amount ?? 0).padStart(7)}  ${product.name}`,
  );
});
console.log(
  '\nType a product number (1-20) or a barcode and press Enter to scan. Ctrl-C stops everything.',
);
console.log('Receipts the simulated printer receives are printed here.\n');

store.printer.onReceipt((lines) => {
  console.log(['┌─ receipt ─', ...lines.map((line) => `│ ${line}`), '└─ cut ─'].join('\n'));
});

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const text = line.trim();
  if (!text) return;
  const byNumber = /^\d{1,2}$/.test(text) ? DEMO_PRODUCTS[Number(text) - 1] : undefined;
  const code = byNumber ? byNumber.gtin.slice(1) : text;
  void store.scanner.scan(code).then(() => console.log(`scanned ${code}`));
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo store…');
  input.close();
  electronProcess?.kill();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
