/**
 * The shop's built page at `/shop/` ([SHP9]): a static site of the server's
 * (`static-site.ts`) under the shop's policy.
 */
import { staticFile, type StaticFile } from '../static-site';

export type { StaticFile } from '../static-site';

/** The page's policy: its own scripts and styles, QR images as data URLs, API on the same origin. */
export const SHOP_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The file `rest` (path segments after `/shop`) names in `dir`, or the page's index. */
export function shopFile(dir: string, rest: readonly string[]): Promise<StaticFile> {
  return staticFile(dir, rest, SHOP_CSP);
}
