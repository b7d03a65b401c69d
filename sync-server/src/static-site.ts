/**
 * A built web page served by the sync server from a folder it is given (the
 * shop at `/shop/`, the clerk's tablet at `/tablet/`), so the page and its
 * API share one origin (no CORS). Files only from inside that folder; any
 * other path is the page itself (its screens are client-side routes). The
 * index and the service worker are revalidated on every load, so a new
 * build reaches installed pages; everything else is cached an hour.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Files a browser must revalidate on every load: the page and its service worker. */
const ALWAYS_FRESH = new Set(['index.html', 'sw.js', 'service-worker.js', 'manifest.webmanifest']);

export type StaticFile = { status: number; headers: Record<string, string>; body: Buffer };

/** The file `rest` (path segments after the page's prefix) names in `dir`, or the page's index, with `csp`. */
export async function staticFile(
  dir: string,
  rest: readonly string[],
  csp: string,
): Promise<StaticFile> {
  const root = resolve(dir);
  const wanted = resolve(root, ...rest.filter((s) => s !== ''));
  const inside = wanted === root || wanted.startsWith(root + sep);
  let path = resolve(root, 'index.html');
  if (inside && rest.length > 0 && !rest.some((s) => s === '..' || s.includes('/'))) {
    const found = await stat(wanted).catch(() => null);
    if (found?.isFile()) path = wanted;
    else if (extname(wanted) !== '') {
      return {
        status: 404,
        headers: { 'content-type': 'text/plain' },
        body: Buffer.from('not found'),
      };
    }
  }
  const body = await readFile(path);
  return {
    status: 200,
    headers: {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': ALWAYS_FRESH.has(basename(path)) ? 'no-cache' : 'public, max-age=3600',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body,
  };
}

/** [HC7] The HQ console's page at `/console/`. */
export const CONSOLE_ROUTE = 'console';

/** [HC7] The console's policy: its own scripts, its API on the same origin, CSV downloads as blobs. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
  "form-action 'self'";

/** [HC7] The file `rest` (path segments after `/console`) names in `dir`, or the page's index. */
export function consoleFile(dir: string, rest: readonly string[]): Promise<StaticFile> {
  return staticFile(dir, rest, CONSOLE_CSP);
}
