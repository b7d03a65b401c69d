/**
 * `npm start`: runs the demo store and opens the POS in Electron where the
 * Electron binary exists, otherwise prints the URL to open in a browser.
 * Type a product number or a barcode and Enter to scan it with the simulated scanner;
 * `fr1`, `out`, `pay`, `leave` walk a shopper with tagged garments through the
 * store's simulated RFID floor (shopper-keys.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  DEMO_CODE_KEY,
  DEMO_COUPONS,
  DEMO_MEMBERS,
  DEMO_PINS,
  DEMO_PRICES,
  DEMO_PRODUCTS,
  DEMO_STAFF,
  DEMO_CLERKS,
  DEMO_STORES,
  DEMO_SHELF_LABEL_SERVICES,
  DEMO_TABLETS,
  ensureDemoCertificate,
  provisionAdminToken,
} from '@pos/sync-server';
import { startShelfLabelDemo, type ShelfLabelDemo } from '@pos/hardware';
// The console's demo users with their passwords, printed for the operator.
import { DEMO_CONSOLE_USERS } from '../../../../sync-server/src/console/users';
import { formatMinorPlain, makeCouponCode } from '@pos/domain';
import { DEMO_TABLET_HUB_TOKENS, demoTabletLink, startDemoStore } from './demo-store';
// The demo's tagged garments, named by SKU and serial in the terminal.
import { demoTaggedItems } from '../../../../sync-server/src/demo-rfid';
import { findElectronBinary } from './electron-binary';
import { DEMO_TRYON_POLICY, shopperKeys } from './shopper-keys';

const electron = process.env.POS_BROWSER ? null : findElectronBinary();
// [TX4] The sync server speaks HTTPS with a certificate made here on first start.
const tlsDir = process.env.POS_TLS_DIR ?? '.data/tls';
const certificate = await ensureDemoCertificate(tlsDir);
/** The online shop's built page (scripts/start-demo.mjs builds it), served by the sync server at /shop/. */
const SHOP_DIR = fileURLToPath(new URL('../../../shop/dist', import.meta.url));
/** The clerk tablet's built page, served by the sync server at /tablet/. */
const TABLET_DIR = fileURLToPath(new URL('../../../tablet/dist', import.meta.url));
/** The HQ console's built page, served by the sync server at /console/. */
const CONSOLE_DIR = fileURLToPath(new URL('../../../console/dist', import.meta.url));
const dataDir = process.env.POS_DATA_DIR ?? '.data/pglite';
const store = await startDemoStore({
  shop: {
    staticDir: SHOP_DIR,
    // The simulated SMS provider's messages, printed so the demo's customer can sign in.
    onSms: (message) => console.log(`[SMS to ${message.phone}] ${message.text}`),
  },
  tablet: { staticDir: TABLET_DIR },
  console: { staticDir: CONSOLE_DIR },
  // S001's simulated RFID floor: fitting rooms whose try-ons reach the server, RFID checkout.
  rfidFloor: {
    outboxPath: join(dirname(dataDir), 'fitting-rooms', 'S001-FIT1.jsonl'),
    policy: DEMO_TRYON_POLICY,
  },
  // [CL12] Tablets on the LAN reach the store's hub here, with their hub token.
  tabletHub: {
    host: process.env.POS_HUB_HOST ?? '0.0.0.0',
    port: Number(process.env.POS_HUB_PORT ?? 8787),
  },
  tls: certificate,
  dataDir,
  terminalPort: Number(process.env.POS_PORT ?? 5180),
  serveBrowser: electron === null,
  // POS_PRINTER=tcp attaches the simulated printer over TCP, as a network printer.
  printerLink: process.env.POS_PRINTER === 'tcp' ? 'tcp' : 'serial',
});

let electronProcess: ChildProcess | null = null;
// Set once the shelf labels run (Electron may close before they start).
let shelfLabels: ShelfLabelDemo | null = null;
const shopUrl = `${store.syncServer.url}/shop/`;
console.log(`\nSync server: ${store.syncServer.url} (PGlite in ${dataDir})`);
console.log(
  `  HTTPS certificate ${certificate.certFile} (${certificate.created ? 'made now' : 'reused'}), ` +
    `SHA-256 fingerprint:\n  ${certificate.fingerprint}`,
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
  console.log(
    '  (the browser reaches the sync server through it, at /sync/, trusting only this certificate)',
  );
}

const shopper = DEMO_MEMBERS[0];
console.log(`\nOnline shop: open ${shopUrl} (a phone-sized window, 390×844, fits it best).`);
console.log(
  `  Sign in with a demo member's phone, e.g. ${shopper?.phone ?? ''} (${shopper?.name ?? ''}); ` +
    'the SMS code is printed here as [SMS to …], and an admin token reads it at ' +
    'GET /_shop/sms-outbox?phone=…',
);
console.log(
  '  (HTTPS with the demo certificate above: the browser asks once to trust it; pay is simulated.)',
);

const tabletStore = store.terminalConfig.storeId;
const tabletLink = demoTabletLink(store.syncServer.url, tabletStore, {
  storeName: DEMO_STORES.find((s) => s.id === tabletStore)?.name ?? tabletStore,
  ...(store.tabletHubUrl ? { hubUrl: store.tabletHubUrl } : {}),
});
const tablet = DEMO_TABLETS.find((t) => t.storeId === tabletStore);
console.log(
  `\nClerk tablet: ${store.syncServer.url}/tablet/ (1280×800, a 10-inch tablet, fits it best).`,
);
console.log(
  `  Open this link once to provision it as ${tablet?.deviceId ?? ''} (token ${tablet?.token ?? ''}):`,
);
console.log(`  ${tabletLink}`);
console.log(
  "  On another device use this machine's LAN address instead of 127.0.0.1 (the certificate names it).",
);
console.log(
  `  Store hub for tablets: ${store.tabletHubUrl ?? 'none (Electron hosts the hub)'} ` +
    `(hub token ${DEMO_TABLET_HUB_TOKENS[tabletStore] ?? ''}).`,
);
for (const clerk of DEMO_CLERKS.filter((s) => s.storeId === tabletStore)) {
  console.log(
    `  Sign in as clerk ${clerk.id}, PIN ${DEMO_PINS.cashier} (${clerk.name}), or as the staff below.`,
  );
}
console.log(
  '  The camera and the offline start need HTTPS with a trusted certificate: trust the demo ' +
    'certificate above on the tablet.',
);

// [UA1] The HQ console: its demo users sign in by name and password (1280×800 or wider).
console.log(`\nHQ console: ${store.syncServer.url}/console/`);
for (const user of DEMO_CONSOLE_USERS) {
  const stores = user.stores === 'all' ? 'all stores' : user.stores.join(', ');
  console.log(
    `  ${user.name.padEnd(8)} ${user.password.padEnd(18)} ${user.role} (${stores}): ${user.displayName}`,
  );
}
// [HC1] Tools sign in with an admin token instead: a new one each start, in the link's fragment.
const { token: consoleToken } = await provisionAdminToken(store.syncServer.storage, 'demo-hq');
console.log(`  or as an HQ admin token: ${store.syncServer.url}/console/#token=${consoleToken}`);

// [SV1] S001's shelf labels: the store's shelf-label service pushing to a simulated CloudEsl
// gateway of 200 labels in real time (L0017 always fails, so the integrity check shows one).
const [labelService] = DEMO_SHELF_LABEL_SERVICES;
shelfLabels = await startShelfLabelDemo({
  serverUrl: store.syncServer.url,
  storeId: labelService.storeId,
  deviceToken: labelService.token,
  labels: 200,
  dataDir: join(dirname(dataDir), 'shelf-labels'),
  certFingerprint: certificate.fingerprint,
  log: (level, message) => {
    if (level !== 'info') console.log(`[shelf labels] ${level}: ${message}`);
  },
});
console.log(
  `\nShelf labels: ${labelService.storeId}'s 200 simulated labels (gateway ${shelfLabels.simulator.url}); ` +
    'the first push settles in about a minute (console: 电子价签 Shelf labels).',
);

const garmentNames = new Map(
  demoTaggedItems().map((item) => [item.epc, `${item.sku} #${item.serial}`] as const),
);
const floorKeys = store.floor
  ? shopperKeys(store.floor, (line) => console.log(line), {
      nameOf: (epc) => garmentNames.get(epc),
    })
  : null;
if (floorKeys) for (const line of floorKeys.help()) console.log(line);

console.log('\nThe simulated scanner scans what you type here. Products:');
DEMO_PRODUCTS.forEach((product, i) => {
  const price = DEMO_PRICES.find((p) => p.sku === product.id);
  const number = String(i + 1).padStart(2);
  console.log(
    `  ${number}  ${product.gtin.slice(1)}  ${formatMinorPlain(price?.amount ?? 0).padStart(7)}  ${product.name}`,
  );
});
const storeId = store.terminalConfig.storeId;
console.log(`\nSign in (store ${storeId}):`);
for (const staff of DEMO_STAFF.filter((s) => s.storeId === storeId)) {
  const role = staff.roles.includes('supervisor') ? 'supervisor' : 'cashier';
  console.log(`  ${staff.id}  PIN ${DEMO_PINS[role]}  ${staff.name} (${role})`);
}
// The demo members' phones are demo logins (DEMO_MEMBERS are member records
// as HQ writes them), printed for the operator to type at the till; the till
// itself holds members masked and blind-indexed only.
console.log('Members (F3, by phone):');
for (const member of DEMO_MEMBERS) {
  const where = member.homeStoreId === storeId ? 'on this till' : 'found online only';
  console.log(`  ${member.phone}  ${member.name}, ${member.points} points, ${where}`);
}
const coupons = DEMO_COUPONS.map((coupon) => makeCouponCode(coupon.id, DEMO_CODE_KEY));
console.log(`Coupons: type c1-c${coupons.length} to scan one (${DEMO_COUPONS[0]?.name ?? ''}).`);
console.log(
  '\nType a product number (1-20) or a barcode and press Enter to scan. Ctrl-C stops everything.',
);
console.log(
  'Shift+F12 opens the pickup desk; Shift+F9 the parcels to pick, pack and ship (order for delivery in the shop).',
);
console.log(
  'Receipts the simulated printer receives, and the labels the simulated label printer decodes, are printed here.\n',
);

// Shipping labels the simulated label printer receives, as the fields it decoded.
let labelsShown = 0;
setInterval(() => {
  for (const label of store.labelPrinter.labels.slice(labelsShown)) {
    labelsShown += 1;
    const fields = label.fields.flatMap((f) =>
      f.kind === 'box' ? [] : [`│ [${f.kind}] ${f.data}`],
    );
    console.log(['┌─ shipping label ─', ...fields, '└─'].join('\n'));
  }
}, 500).unref();

store.printer.onReceipt((lines) => {
  console.log(['┌─ receipt ─', ...lines.map((line) => `│ ${line}`), '└─ cut ─'].join('\n'));
});

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const text = line.trim();
  if (!text) return;
  if (floorKeys?.handle(text)) return;
  const byNumber = /^\d{1,2}$/.test(text) ? DEMO_PRODUCTS[Number(text) - 1] : undefined;
  const coupon = /^c\d$/i.test(text) ? coupons[Number(text.slice(1)) - 1] : undefined;
  const code = byNumber ? byNumber.gtin.slice(1) : (coupon ?? text);
  void store.scanner.scan(code).then(() => console.log(`scanned ${code}`));
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo store…');
  input.close();
  electronProcess?.kill();
  await shelfLabels?.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
