/**
 * [TB9] The tablet's built page at `/tablet/`, from a folder made here: the
 * index for any client-side route, the manifest's and service worker's
 * types and caching, and the tablet's policy.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestServer, type TestServer } from '../test-support';

describe('[TB9] the tablet page', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tablet-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>店员 Clerk</title>');
    writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Clerk"}');
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1);');
    server = await startTestServer(BACKENDS[0]!, {
      tablet: { staticDir: dir },
      holdSweeper: false,
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('[TB9] serves the index for the page and its client-side routes, under the tablet policy', async () => {
    for (const path of ['/tablet/', '/tablet/stock/TEE-01']) {
      const res = await fetch(server.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy')!;
      for (const part of [
        "worker-src 'self'",
        "connect-src 'self' ws: wss:",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
      ]) {
        expect(csp).toContain(part);
      }
      expect(await res.text()).toContain('店员 Clerk');
    }
    const bare = await fetch(`${server.url}/tablet`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/tablet/');
  });

  it('[TB9] the manifest and the service worker are revalidated; built assets are cached', async () => {
    const manifest = await fetch(`${server.url}/tablet/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    const sw = await fetch(`${server.url}/tablet/sw.js`);
    expect(sw.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${server.url}/tablet/assets/app-1234.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=3600');
    expect((await fetch(`${server.url}/tablet/assets/missing.js`)).status).toBe(404);
    // A path out of the folder is never a file of the machine: it is the page.
    const escape = await fetch(`${server.url}/tablet/..%2F..%2Fetc%2Fpasswd`);
    expect(await escape.text()).toContain('店员 Clerk');
  });
});
