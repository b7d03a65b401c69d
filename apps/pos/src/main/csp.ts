/**
 * The renderer's Content-Security-Policy: only its own files, plus the sync
 * server and (in a browser) the hub's WebSocket. Also blocks RxDB dev-mode's
 * external iframe, should it ever be shipped by mistake.
 */
export function contentSecurityPolicy(syncUrl: string, hubOrigin?: string): string {
  const sync = new URL(syncUrl).origin;
  const connect = ["'self'", sync];
  if (hubOrigin) connect.push(hubOrigin.replace(/^http/, 'ws'));
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
