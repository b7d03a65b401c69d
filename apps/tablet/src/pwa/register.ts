/**
 * [TA2] Registers the service worker (sw.js beside the page) in a built
 * app. It needs a secure context (HTTPS, or http on localhost); without one
 * the tablet still runs, but does not start offline, and says why.
 */
export type OfflineReadiness =
  { state: 'ready' } | { state: 'installing' } | { state: 'unavailable'; reason: string };

export async function registerServiceWorker(base: string): Promise<OfflineReadiness> {
  if (!('serviceWorker' in navigator)) {
    return {
      state: 'unavailable',
      reason: window.isSecureContext
        ? 'this browser has no service workers'
        : 'the page is not on HTTPS, so it cannot start offline',
    };
  }
  try {
    const registration = await navigator.serviceWorker.register(`${base}sw.js`, { scope: base });
    return registration.active ? { state: 'ready' } : { state: 'installing' };
  } catch (error) {
    return {
      state: 'unavailable',
      reason: `the offline copy could not be installed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
