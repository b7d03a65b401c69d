import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentSecurityPolicy } from './csp';
import { rendererResponse } from './renderer-protocol';
import { fileInside } from './static-files';

describe('renderer files', () => {
  it('serves index.html for / and files inside the renderer folder', () => {
    expect(fileInside('/app/renderer', '/')).toBe('/app/renderer/index.html');
    expect(fileInside('/app/renderer', '/assets/index.js')).toBe('/app/renderer/assets/index.js');
  });

  it('never resolves a path outside the renderer folder', () => {
    for (const path of [
      '/../main/main.cjs',
      '/%2e%2e/secret',
      '/assets/../../x',
      '/%00',
      '/%E0%A4%A',
    ]) {
      expect(fileInside('/app/renderer', path)).toBeNull();
    }
    fc.assert(
      fc.property(fc.string(), (path) => {
        const file = fileInside('/app/renderer', `/${path}`);
        if (file !== null) expect(file.startsWith('/app/renderer/')).toBe(true);
      }),
    );
  });

  it('refuses app:// requests for another host or scheme', async () => {
    expect((await rendererResponse('/app/renderer', 'app://evil/index.html', 'x')).status).toBe(
      404,
    );
    expect((await rendererResponse('/app/renderer', 'file:///etc/passwd', 'x')).status).toBe(404);
  });
});

describe('content security policy', () => {
  it('allows scripts only from the app and connections only to the sync server and hub', () => {
    const csp = contentSecurityPolicy('https://sync.example.cn:6984/base', 'http://127.0.0.1:5180');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://sync.example.cn:6984 ws://127.0.0.1:5180");
    expect(csp).toContain("frame-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });
});
