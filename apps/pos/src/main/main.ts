/**
 * Electron main process: thin glue. It reads the terminal's configuration,
 * opens the devices through the hub, and shows the renderer in a locked-down
 * window. Everything it does lives in modules Node tests cover.
 */
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTerminalConfig, type TerminalConfig } from '../shared/config';
import { parseDevicesConfig, type DevicesConfig } from '../shared/devices';
import { syncCertificateVerifier } from './certificate-trust';
import { contentSecurityPolicy } from './csp';
import { openHub } from './devices';
import { registerTerminalIpc } from './ipc';
import { RENDERER_SCHEME, RENDERER_URL, rendererResponse } from './renderer-protocol';

type TerminalFile = TerminalConfig & { devices: DevicesConfig };

function readTerminalFile(): TerminalFile {
  const path = process.env.POS_TERMINAL_CONFIG ?? join(app.getPath('userData'), 'terminal.json');
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isTerminalConfig(value) || !('devices' in value)) {
    throw new Error(`${path} is not a valid terminal configuration`);
  }
  parseDevicesConfig(value.devices, path);
  return value as TerminalFile;
}

async function start(): Promise<void> {
  const { devices, ...config } = readTerminalFile();
  const hub = await openHub(devices, config.receiptColumns);

  const rendererDir = join(__dirname, '../renderer');
  const csp = contentSecurityPolicy(config.syncUrl);
  protocol.handle(RENDERER_SCHEME, (request) => rendererResponse(rendererDir, request.url, csp));
  // [TL5] The sync server's certificate is trusted by its fingerprint, and only it.
  session.defaultSession.setCertificateVerifyProc(
    syncCertificateVerifier(config.syncUrl, config.syncCertFingerprint),
  );
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );

  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'POS',
    webPreferences: {
      preload: join(__dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${RENDERER_SCHEME}://`)) event.preventDefault();
  });

  const unregister = registerTerminalIpc({
    ipcMain,
    hub,
    config,
    webContents: () => window.webContents,
  });
  window.on('closed', () => {
    unregister();
    void hub.close();
  });
  await window.loadURL(RENDERER_URL);
}

// Must happen before the app is ready.
protocol.registerSchemesAsPrivileged([
  { scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

app.on('window-all-closed', () => app.quit());
app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    console.error('The terminal could not start:', error);
    app.exit(1);
  });
