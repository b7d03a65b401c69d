/**
 * Serves the built renderer to the Electron window from app://pos/, a secure
 * standard origin (so IndexedDB and fetch behave as on the web) whose every
 * response carries the terminal's Content-Security-Policy. file:// responses
 * cannot carry headers, so a CSP set there would not hold.
 */
import { readFile } from 'node:fs/promises';
import { contentType, fileInside } from './static-files';

export const RENDERER_SCHEME = 'app';
export const RENDERER_URL = `${RENDERER_SCHEME}://pos/index.html`;

export async function rendererResponse(
  rendererDir: string,
  requestUrl: string,
  csp: string,
): Promise<Response> {
  const url = new URL(requestUrl);
  const file =
    url.protocol === `${RENDERER_SCHEME}:` && url.host === 'pos'
      ? fileInside(rendererDir, url.pathname)
      : null;
  if (!file) return new Response('Not found', { status: 404 });
  try {
    return new Response(await readFile(file), {
      headers: {
        'Content-Type': contentType(file),
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
