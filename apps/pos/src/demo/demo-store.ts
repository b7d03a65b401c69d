/**
 * A whole demo store on one machine: the sync server (PGlite with the demo
 * chain), a simulated scanner and receipt printer on socat pseudo-terminals
 * and a simulated network label printer (ZPL over TCP), the hub driving them
 * through the real drivers, and the terminal host serving the POS to a
 * browser; with `rfidFloor`, S001's simulated RFID floor (store-floor.ts):
 * the zone readers and the counter reader on the hub, and the store's
 * fitting-room service pushing try-ons as device S001-FIT1. `npm start` and
 * the end-to-end tests run this.
 */
import type { CashRounding, FittingRoomPolicy } from '@pos/domain';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  attachHubWebSocket,
  openPtyPair,
  PrinterSimulator,
  ScannerSimulator,
  TcpLabelPrinterSimulator,
  TcpPrinterSimulator,
  type Hub,
  type LabelLanguage,
  type LabelPrinterSimulator,
  type PtyPair,
} from '@pos/hardware';
import {
  DEMO_CODE_KEY,
  DEMO_DEVICES,
  DEMO_EARN_RULES,
  DEMO_FITTING_ROOM_SERVICES,
  DEMO_REDEMPTION,
  DEMO_TABLETS,
  startSyncServer,
  type DemoCertificate,
  type RunningSyncServer,
  type ShopOptions,
} from '@pos/sync-server';
import type { TryOnOptions } from '../../../../sync-server/src/rfid/tryon-routes';
import { toHex } from '@pos/domain';
// The demo server's pickup keys: the till must match the codes the server issues.
import { DEMO_PICKUP_KEYS } from '../../../../sync-server/src/payments/notify';
// The demo's tagged garments ([RI14]): the floor hangs the ones of the terminal's store.
import { demoTaggedItems } from '../../../../sync-server/src/demo-rfid';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import type { TerminalConfig, TerminalLanguage } from '../shared/config';
import type { DevicesConfig, PrinterConfig } from '../shared/devices';
import { openHub } from '../main/devices';
import { startTerminalHost, type TerminalHost } from '../main/terminal-host';
import { pinnedFetch } from './pinned-fetch';
import { startStoreFloor, type StoreFloor } from './store-floor';

export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

/** The store's sync server and its first terminal (StoreTerminal); `close` stops both. */
export type DemoStore = StoreTerminal & {
  /** The sync server now running (replaced by `bringSyncServerUp`). */
  readonly syncServer: RunningSyncServer;
  /** Stops the sync server, as a network outage would look to the terminal. */
  takeSyncServerDown(): Promise<void>;
  /** Starts it again on the same address and data. */
  bringSyncServerUp(): Promise<void>;
};

export async function startDemoStore(
  options: {
    syncPort?: number;
    terminalPort?: number;
    /** PGlite data directory, or 'memory://'. */
    dataDir?: string;
    databaseUrl?: string;
    /** Serve the renderer and the hub to a browser (false when Electron hosts the hub). */
    serveBrowser?: boolean;
    rendererDir?: string;
    /** The terminal's language at start; default English. */
    language?: TerminalLanguage;
    /** How the simulated receipt printer is attached: 'serial' (default, a pty) or 'tcp' (port 9100 style). */
    printerLink?: 'serial' | 'tcp';
    /** Cash rounding (抹零) of the terminal; default none. */
    cashRounding?: CashRounding;
    /**
     * [TX4] Serve the sync server over HTTPS with this certificate: the
     * terminal pins its fingerprint ([TL5]) and a browser reaches it through
     * the terminal host ([TL6]). Default plain HTTP.
     */
    tls?: Pick<DemoCertificate, 'cert' | 'key' | 'fingerprint'>;
    /** The online shop on the sync server: its built page and SMS hook (`/shop/`). */
    shop?: ShopOptions;
    /** [FD7] The simulated network label printer's language; default ZPL. */
    labelPrinter?: LabelLanguage;
    /** The clerk tablet's built page, served by the sync server at `/tablet/`. */
    tablet?: { staticDir: string };
    /** [HC7] The HQ console's built page, served by the sync server at `/console/`. */
    console?: { staticDir: string };
    /** S001's simulated RFID floor and fitting rooms (store-floor.ts), on the terminal's hub. */
    rfidFloor?: RfidFloorOptions;
    /** [RI6]-[RI10] The sync server's try-on options (e.g. a quick suggestions sweep in tests). */
    tryOns?: TryOnOptions;
    /**
     * [CL12] Where the store's hub listens for tablets (WebSocket `/hub`,
     * with the demo tablet's hub token; over TLS when `tls` is given).
     * Default 127.0.0.1 on a free port; the demo listens on the LAN.
     */
    tabletHub?: { host?: string; port?: number };
  } = {},
): Promise<DemoStore> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of closers.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const storageOptions = {
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    };
    const tls = options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key } } : {};
    let syncServer: RunningSyncServer | null = await startSyncServer({
      port: options.syncPort ?? 5984,
      seedDemo: true,
      ...storageOptions,
      ...tls,
      ...(options.shop ? { shop: options.shop } : {}),
      ...(options.tablet ? { tablet: options.tablet } : {}),
      ...(options.console ? { console: options.console } : {}),
      ...(options.tryOns ? { tryOns: options.tryOns } : {}),
    });
    const syncPort = Number(new URL(syncServer.url).port);
    closers.push(async () => syncServer?.close());

    const terminal = await openTerminal(closers, {
      syncUrl: syncServer.url,
      device: DEMO_DEVICES[0],
      ...(options.language ? { language: options.language } : {}),
      ...(options.printerLink ? { printerLink: options.printerLink } : {}),
      ...(options.cashRounding ? { cashRounding: options.cashRounding } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.serveBrowser === false ? { serveBrowser: false } : {}),
      ...(options.rendererDir ? { rendererDir: options.rendererDir } : {}),
      ...(options.terminalPort ? { terminalPort: options.terminalPort } : {}),
      ...(options.labelPrinter ? { labelPrinter: options.labelPrinter } : {}),
      ...(options.tabletHub || options.tablet ? { tabletHub: options.tabletHub ?? {} } : {}),
      ...(options.rfidFloor ? { rfidFloor: options.rfidFloor } : {}),
    });
    const { terminalConfig, devices, terminalUrl, scanner, printer, labelPrinter } = terminal;
    return {
      get syncServer() {
        if (!syncServer) throw new Error('The sync server is down');
        return syncServer;
      },
      async takeSyncServerDown() {
        await syncServer?.close();
        syncServer = null;
      },
      async bringSyncServerUp() {
        if (syncServer) return;
        syncServer = await startSyncServer({
          port: syncPort,
          ...storageOptions,
          ...tls,
          ...(options.shop ? { shop: options.shop } : {}),
          ...(options.tablet ? { tablet: options.tablet } : {}),
          ...(options.console ? { console: options.console } : {}),
          ...(options.tryOns ? { tryOns: options.tryOns } : {}),
        });
      },
      ...(terminal.tabletHubUrl ? { tabletHubUrl: terminal.tabletHubUrl } : {}),
      ...(terminal.floor ? { floor: terminal.floor } : {}),
      terminalConfig,
      devices,
      terminalUrl,
      scanner,
      printer,
      labelPrinter,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One terminal of a store: its configuration, its simulated devices and where a browser opens it. */
export type StoreTerminal = {
  terminalConfig: TerminalConfig;
  devices: DevicesConfig;
  /** Where a browser opens the POS; absent when `serveBrowser` is false. */
  terminalUrl?: string;
  scanner: ScannerSimulator;
  printer: PrinterSimulator;
  /** The simulated network label printer for shipping labels: it decodes each label. */
  labelPrinter: LabelPrinterSimulator;
  /** [CL12] The store hub's WebSocket for tablets (`ws://…/hub` or `wss://…/hub`), when asked for. */
  tabletHubUrl?: string;
  /** The simulated RFID floor and fitting rooms, when asked for (`rfidFloor`). */
  floor?: StoreFloor;
  close(): Promise<void>;
};

/** S001's RFID floor: the try-on policy (e.g. a short `minTryOnMs` in tests) and the outbox file. */
export type RfidFloorOptions = {
  /** The fitting-room service's outbox (JSON lines). */
  outboxPath: string;
  policy?: Partial<FittingRoomPolicy>;
  seed?: number;
};

type TerminalOptions = {
  syncUrl: string;
  device: { deviceId: string; storeId: string; token: string };
  language?: TerminalLanguage;
  printerLink?: 'serial' | 'tcp';
  cashRounding?: CashRounding;
  tls?: Pick<DemoCertificate, 'cert' | 'key' | 'fingerprint'>;
  serveBrowser?: boolean;
  rendererDir?: string;
  terminalPort?: number;
  /** The simulated network label printer's language; default ZPL. */
  labelPrinter?: LabelLanguage;
  /** [CL12] Also serve the hub to tablets on this address, with their hub tokens. */
  tabletHub?: { host?: string; port?: number };
  /** The store's simulated RFID floor on this terminal's hub. */
  rfidFloor?: RfidFloorOptions;
};

/**
 * Another store's terminal on a running sync server, with simulated devices
 * of its own (a scanner, a receipt printer and, when asked, a label
 * printer): two stores' tills side by side in one test.
 */
export async function startStoreTerminal(
  options: Omit<TerminalOptions, 'tls'>,
): Promise<StoreTerminal> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of closers.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    return { ...(await openTerminal(closers, options)), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The terminal's configuration, devices, hub and host; each thing opened adds its closer. */
async function openTerminal(
  closers: (() => Promise<unknown>)[],
  options: TerminalOptions,
): Promise<Omit<StoreTerminal, 'close'>> {
  const { device } = options;
  const terminalConfig: TerminalConfig = {
    storeId: device.storeId,
    deviceId: device.deviceId,
    syncUrl: options.syncUrl,
    syncToken: device.token,
    ...(options.tls ? { syncCertFingerprint: options.tls.fingerprint } : {}),
    priceList: 'CN-LIST',
    currency: 'CNY',
    locale: 'zh-CN',
    receiptColumns: 48,
    language: options.language ?? 'en',
    ...(options.cashRounding ? { cashRounding: options.cashRounding } : {}),
    codeKeys: [{ id: DEMO_CODE_KEY.id, secretHex: toHex(DEMO_CODE_KEY.secret) }],
    // The demo chain's blind-index key, the one the demo sync server indexes members with.
    memberIndexKey: { id: INDEX_KEY_FIXTURE.id, secretHex: toHex(INDEX_KEY_FIXTURE.secret) },
    earnRules: DEMO_EARN_RULES,
    redemption: DEMO_REDEMPTION,
    ...demoPickupKeys(device.storeId),
  };

  const tcp = options.printerLink === 'tcp';
  const pairs: PtyPair[] = [await openPtyPair(), ...(tcp ? [] : [await openPtyPair()])];
  closers.push(() => Promise.all(pairs.map((pair) => pair.close())));
  const [scannerPair, printerPair] = pairs as [PtyPair, PtyPair | undefined];
  // Simulators open first: a port opened later would miss bytes already written.
  const scanner = await ScannerSimulator.open(scannerPair.simulatorPath);
  closers.push(() => scanner.close());
  let printer: PrinterSimulator;
  let printerConfig: PrinterConfig;
  if (printerPair) {
    const serial = await PrinterSimulator.open(printerPair.simulatorPath);
    closers.push(() => serial.close());
    printer = serial;
    printerConfig = { id: 'printer-1', path: printerPair.devicePath };
  } else {
    const network = await TcpPrinterSimulator.start();
    closers.push(() => network.close());
    printer = network.printer;
    printerConfig = { type: 'tcp', id: 'printer-1', host: '127.0.0.1', port: network.port };
  }
  const language = options.labelPrinter ?? 'zpl';
  const labels = await TcpLabelPrinterSimulator.start({ language });
  closers.push(() => labels.close());
  const devices: DevicesConfig = {
    scanners: [{ id: 'scanner-1', path: scannerPair.devicePath }],
    printer: printerConfig,
    labelPrinter: {
      type: 'tcp',
      id: 'label-printer-1',
      language,
      host: '127.0.0.1',
      port: labels.port,
    },
    receiptTimeZone: 'Asia/Shanghai',
  };

  let terminalUrl: string | undefined;
  let tabletHubUrl: string | undefined;
  let floor: StoreFloor | undefined;
  if (options.serveBrowser !== false) {
    if (options.rfidFloor) {
      const opened = await openStoreFloor(options.rfidFloor, device.storeId, options);
      closers.push(() => opened.close());
      floor = opened;
      devices.rfidReaders = [opened.counterReader];
      // [TL8] Only the counter's reads ring up a sale; the zone readers' never.
      terminalConfig.rfidCheckoutReader = opened.counterReader.id;
    }
    const hub: Hub = await openHub(
      devices,
      terminalConfig.receiptColumns,
      floor ? { rfidReaders: floor.readers, fittingRooms: floor.fittingRooms } : {},
    );
    closers.push(() => hub.close());
    if (options.tabletHub) {
      const served = await serveHubToTablets(hub, device.storeId, {
        ...options.tabletHub,
        ...(options.tls ? { tls: options.tls } : {}),
      });
      closers.push(() => served.close());
      tabletHubUrl = served.url;
    }
    const host: TerminalHost = await startTerminalHost({
      config: terminalConfig,
      hub,
      rendererDir: options.rendererDir ?? RENDERER_DIR,
      port: options.terminalPort ?? 0,
      ...(options.tls ? { syncProxy: { target: options.syncUrl, ca: options.tls.cert } } : {}),
    });
    closers.push(() => host.close());
    terminalUrl = host.url;
  }
  return {
    terminalConfig,
    devices,
    ...(terminalUrl ? { terminalUrl } : {}),
    ...(tabletHubUrl ? { tabletHubUrl } : {}),
    ...(floor ? { floor } : {}),
    scanner,
    printer,
    labelPrinter: labels.printer,
  };
}

/**
 * The store's floor with its tagged garments (the demo's, [RI14]) and its
 * fitting-room service pushing to the sync server as the store's demo
 * fitting-room device, trusting only the demo certificate when there is one.
 */
async function openStoreFloor(
  floorOptions: RfidFloorOptions,
  storeId: string,
  terminal: Pick<TerminalOptions, 'syncUrl' | 'tls'>,
): Promise<StoreFloor> {
  const service = DEMO_FITTING_ROOM_SERVICES.find((s) => s.storeId === storeId);
  if (!service) throw new Error(`The demo has no fitting-room service for ${storeId}`);
  // Hung size by size and colour by colour, so a shopper's armful is of several SKUs.
  const bySku = new Map<string, string[]>();
  for (const item of demoTaggedItems().filter((i) => i.storeId === storeId)) {
    bySku.set(item.sku, [...(bySku.get(item.sku) ?? []), item.epc]);
  }
  const lists = [...bySku.values()];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  const garments = Array.from({ length: longest }, (_, i) =>
    lists.flatMap((list) => (i < list.length ? [list[i]!] : [])),
  ).flat();
  return startStoreFloor({
    storeId,
    service,
    sync: {
      url: terminal.syncUrl,
      ...(terminal.tls ? { fetch: pinnedFetch(terminal.tls.cert) } : {}),
    },
    outboxPath: floorOptions.outboxPath,
    garments,
    ...(floorOptions.policy ? { policy: floorOptions.policy } : {}),
    ...(floorOptions.seed !== undefined ? { seed: floorOptions.seed } : {}),
  });
}

/**
 * [PU1] [PU4] The demo chain's pickup keys as a terminal of `storeId` is
 * provisioned with them: the store's key for 6-digit codes, the chain's for
 * the pickup QR. The same keys the demo sync server issues codes with.
 */
export function demoPickupKeys(
  storeId: string,
): Required<Pick<TerminalConfig, 'pickupStoreKeys' | 'pickupQrKeys'>> {
  const store = DEMO_PICKUP_KEYS.store(storeId);
  const chain = DEMO_PICKUP_KEYS.chain;
  return {
    pickupStoreKeys: [{ id: store.id, secretHex: toHex(store.secret) }],
    pickupQrKeys: [{ id: chain.id, secretHex: toHex(chain.secret) }],
  };
}

/**
 * [CL12] The demo tablets' hub tokens (public, demo only): the store's hub
 * lets a tablet connect with its token ([HB3]), as a real store's hub on
 * the LAN would. At least 16 characters, as the hub asks.
 */
export const DEMO_TABLET_HUB_TOKENS: Record<string, string> = {
  S001: 'demo-s001-tab1-hub',
  S002: 'demo-s002-tab1-hub',
};

/** [CL12] The hub's WebSocket on its own port for the store's tablets, which present their token. */
async function serveHubToTablets(
  hub: Hub,
  storeId: string,
  options: { host?: string; port?: number; tls?: Pick<DemoCertificate, 'cert' | 'key'> },
): Promise<{ url: string; close(): Promise<void> }> {
  const token = DEMO_TABLET_HUB_TOKENS[storeId];
  if (!token) throw new Error(`The demo has no tablet hub token for ${storeId}`);
  const refuse = (_request: unknown, response: { writeHead(s: number): { end(): void } }) =>
    response.writeHead(404).end();
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, refuse)
    : createHttpServer(refuse);
  const socket = attachHubWebSocket(server, hub, { path: '/hub', tokens: [token] });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `${options.tls ? 'wss' : 'ws'}://${shownHost}:${port}/hub`,
    async close() {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The demo tablet of `storeId` as it is provisioned: its device and token
 * (seeded by the demo sync server), the demo chain's keys, and the store's
 * hub with its hub token when the store serves one. The tablet's
 * `TabletProvisioning` (apps/tablet/src/boot/provisioning.ts, whose tests
 * read this one back).
 */
export function demoTabletProvisioning(
  storeId: string,
  options: { storeName?: string; hubUrl?: string } = {},
) {
  const tablet = DEMO_TABLETS.find((t) => t.storeId === storeId);
  if (!tablet) throw new Error(`The demo has no tablet for ${storeId}`);
  const hubToken = DEMO_TABLET_HUB_TOKENS[storeId];
  return {
    storeId,
    storeName: options.storeName ?? storeId,
    deviceId: tablet.deviceId,
    deviceToken: tablet.token,
    priceList: 'CN-LIST',
    currency: 'CNY',
    utcOffsetMinutes: 480,
    codeKeys: [{ id: DEMO_CODE_KEY.id, secretHex: toHex(DEMO_CODE_KEY.secret) }],
    memberIndexKey: { id: INDEX_KEY_FIXTURE.id, secretHex: toHex(INDEX_KEY_FIXTURE.secret) },
    earnRules: DEMO_EARN_RULES,
    redemption: DEMO_REDEMPTION,
    ...demoPickupKeys(storeId),
    ...(options.hubUrl && hubToken ? { hub: { url: options.hubUrl, token: hubToken } } : {}),
  };
}

/**
 * The link that provisions the demo tablet of `storeId`, on the sync server
 * at `syncUrl`: the tablet's page with the provisioning as base64url JSON
 * in its fragment (never sent to a server).
 */
export function demoTabletLink(
  syncUrl: string,
  storeId: string,
  options: { storeName?: string; hubUrl?: string } = {},
): string {
  const json = JSON.stringify(demoTabletProvisioning(storeId, options));
  return `${syncUrl}/tablet/#provision=${Buffer.from(json, 'utf8').toString('base64url')}`;
}
