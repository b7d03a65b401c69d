import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBrowserBridge } from '@pos/hardware/browser-bridge';
import { createHub } from '@pos/hardware';
import WebSocket from 'ws';
import type { TerminalConfig } from '../shared/config';
import { TEST_TERMINAL_CONFIG } from '../shared/config.fixture';
import { startTerminalHost, type TerminalHost } from './terminal-host';

const config: TerminalConfig = { ...TEST_TERMINAL_CONFIG, receiptColumns: 32 };

describe('terminal host', () => {
  let host: TerminalHost;
  const dir = mkdtempSync(join(tmpdir(), 'pos-renderer-'));

  beforeAll(async () => {
    mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>POS</title>');
    writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'not for browsers');
    host = await startTerminalHost({
      config,
      hub: createHub({ scanners: [] }),
      rendererDir: join(dir, 'renderer'),
    });
  });
  afterAll(() => host.close());

  it('serves the renderer with its CSP and the terminal configuration', async () => {
    const index = await fetch(host.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain('connect-src');
    expect(await index.text()).toContain('<title>POS</title>');
    expect((await fetch(new URL('assets/app.js', host.url))).headers.get('content-type')).toMatch(
      /javascript/,
    );
    expect(await (await fetch(new URL('config.json', host.url))).json()).toEqual(config);
  });

  it('serves nothing outside the renderer folder and refuses writes', async () => {
    expect((await fetch(new URL('/%2e%2e/secret.txt', host.url))).status).toBe(404);
    expect((await fetch(new URL('/missing.js', host.url))).status).toBe(404);
    expect((await fetch(host.url, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('connects a browser bridge to the hub at /hub', async () => {
    const bridge = createBrowserBridge({
      url: host.url.replace('http', 'ws') + 'hub',
      connect: (url) => new WebSocket(url) as unknown as globalThis.WebSocket,
    });
    const statuses = await new Promise<unknown[]>((resolve) => bridge.onDeviceStatus(resolve));
    expect(statuses).toEqual([]);
    // The hub has no printer: the renderer hears so in words.
    await expect(bridge.openDrawer()).rejects.toThrow(/printer/i);
    bridge.close();
  });
});
