/**
 * [HC7] The HQ console's built page at `/console/`, from a folder made here:
 * the index for any client-side route, assets, and the console's policy.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestServer, type TestServer } from './test-support';

describe('[HC7] the HQ console page', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>总部控制台 HQ console</title>');
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1);');
    server = await startTestServer(BACKENDS[0]!, {
      console: { staticDir: dir },
      holdSweeper: false,
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('[HC7] serves the index for the page and its routes, under the console policy', async () => {
    for (const path of ['/console/', '/console/tryons']) {
      const res = await fetch(server.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('ws:');
      expect(await res.text()).toContain('HQ console');
    }
    const bare = await fetch(`${server.url}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/');
    const asset = await fetch(`${server.url}/console/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('[HC7] never serves a file from outside its folder, nor a missing asset', async () => {
    expect((await fetch(`${server.url}/console/assets/missing.js`)).status).toBe(404);
    const outside = await fetch(`${server.url}/console/..%2f..%2fetc%2fpasswd`);
    expect(await outside.text()).toContain('HQ console');
  });

  it('[HC7] is not served without a folder', async () => {
    const plain = await startTestServer(BACKENDS[0]!, { holdSweeper: false });
    try {
      expect((await fetch(`${plain.url}/console/`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
