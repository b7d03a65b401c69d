/**
 * [TB9] The clerk's tablet page at `/tablet/`: a static site of the server's
 * (`static-site.ts`) under the tablet's policy: its own service worker, the
 * store hub's WebSocket on the LAN, camera frames and QR images as blobs.
 */
import { staticFile, type StaticFile } from '../static-site';

export const TABLET_ROUTE = 'tablet';

/** [TB9] The tablet page's policy. */
export const TABLET_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self'; manifest-src 'self'; " +
  "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** [TB9] The file `rest` (path segments after `/tablet`) names in `dir`, or the page's index. */
export function tabletFile(dir: string, rest: readonly string[]): Promise<StaticFile> {
  return staticFile(dir, rest, TABLET_CSP);
}
