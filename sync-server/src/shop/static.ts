/**
 * The shop's built page, served by the sync server at `/shop/` from a folder
 * it is given, so the page and its API share one origin (no CORS). Files
 * only from inside that folder; any other path under `/shop/` is the page
 * itself (its screens are client-side routes).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The page's policy: its own scripts and styles, QR images as data URLs, API on the same origin. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export type StaticFile = { status: number; headers: Record<string, string>; body: Buffer };

/** The file `rest` (path segments after `/shop`) names in `dir`, or the page's index. */
export async function shopFile(dir: string, rest: readonly string[]): Promise<StaticFile> {
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
  const isIndex = path.endsWith('index.html');
  return {
    status: 200,
    headers: {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': isIndex ? 'no-cache' : 'public, max-age=3600',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body,
  };
}
