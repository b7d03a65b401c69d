/**
 * [TL6] The terminal host forwards /sync/ to an HTTPS sync server, trusting
 * exactly its certificate, so a browser on the same machine needs to know none.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub } from '@pos/hardware';
import {
  DEMO_DEVICES,
  DEMO_PRODUCTS,
  DEMO_STYLE_PRODUCTS,
  generateCertificate,
  startSyncServer,
  type GeneratedCertificate,
  type RunningSyncServer,
} from '@pos/sync-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TERMINAL_CONFIG } from '../shared/config.fixture';
import type { TerminalConfig } from '../shared/config';
import { startTerminalHost, type TerminalHost } from './terminal-host';

const NAMES = ['localhost', '127.0.0.1'];
const [device] = DEMO_DEVICES;
const auth = { authorization: `Bearer ${device.token}` };

describe('[TL6] the terminal host as the browser way to an HTTPS sync server', () => {
  let cert: GeneratedCertificate;
  let other: GeneratedCertificate;
  let sync: RunningSyncServer;
  const hosts: TerminalHost[] = [];
  const rendererDir = join(mkdtempSync(join(tmpdir(), 'pos-renderer-')), 'renderer');
  let config: TerminalConfig;

  const host = async (ca: string) => {
    const started = await startTerminalHost({
      config,
      hub: createHub({ scanners: [] }),
      rendererDir,
      syncProxy: { target: sync.url, ca },
    });
    hosts.push(started);
    return started;
  };

  beforeAll(async () => {
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>POS</title>');
    [cert, other] = await Promise.all([
      generateCertificate({ names: NAMES }),
      generateCertificate({ names: NAMES }),
    ]);
    sync = await startSyncServer({
      port: 0,
      dataDir: 'memory://',
      seedDemo: true,
      tls: { cert: cert.cert, key: cert.key },
    });
    config = { ...TEST_TERMINAL_CONFIG, syncUrl: sync.url, syncCertFingerprint: cert.fingerprint };
  });
  afterAll(async () => {
    for (const h of hosts) await h.close();
    await sync.close();
  });

  it('[TL6] tells the browser to use /sync, and forwards requests and longpolls there', async () => {
    const terminal = await host(cert.cert);
    const origin = new URL(terminal.url).origin;
    const served = (await (
      await fetch(new URL('config.json', terminal.url))
    ).json()) as TerminalConfig;
    expect(served.syncUrl).toBe(`${origin}/sync`);
    expect(served).not.toHaveProperty('syncCertFingerprint');
    const page = await fetch(terminal.url);
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ${origin}`);

    const stock = await fetch(`${origin}/sync/stock`, { headers: auth });
    expect(stock.status).toBe(200);
    expect(await stock.json()).toMatchObject({
      db_name: 'stock',
      doc_count: DEMO_PRODUCTS.length + DEMO_STYLE_PRODUCTS.length,
    });
    const refused = await fetch(`${origin}/sync/stock`);
    expect(refused.status).toBe(401);
    const longpoll = await fetch(
      `${origin}/sync/stock/_changes?feed=longpoll&since=now&timeout=300&heartbeat=50`,
      { headers: auth },
    );
    expect(longpoll.status).toBe(200);
    expect(await longpoll.json()).toEqual({ results: [], last_seq: expect.any(Number) });
  });

  it('[TL6] cuts the connection when the sync server shows another certificate', async () => {
    const terminal = await host(other.cert);
    await expect(fetch(new URL('sync/stock', terminal.url), { headers: auth })).rejects.toThrow();
    // The terminal's own files are still served.
    expect((await fetch(terminal.url)).status).toBe(200);
  });
});
