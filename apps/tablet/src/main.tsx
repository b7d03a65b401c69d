/**
 * The tablet's entry: registers the service worker ([TA2]), reads the
 * provisioning (a `#provision=` link, or what the tablet kept), boots the
 * Tablet and renders the screens with it.
 */
import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { bootTablet } from './boot/boot';
import { BootScreen, type BootView } from './boot/BootScreen';
import { loadProvisioning } from './boot/provisioning';
import { indexedDbVault } from './boot/provisioning-vault';
import { registerServiceWorker } from './pwa/register';
import type { Tablet } from './tablet';

if (import.meta.env.PROD) {
  void registerServiceWorker(import.meta.env.BASE_URL).then((offline) => {
    if (offline.state === 'unavailable')
      console.warn(`Offline start unavailable: ${offline.reason}`);
  });
}

// The boot's progress, kept for the screen whenever it subscribes.
let view: BootView = { kind: 'opening' };
const viewListeners = new Set<() => void>();
const report = (next: BootView) => {
  view = next;
  for (const listener of [...viewListeners]) listener();
};
let tablet: Tablet | null = null;
const failed = (error: unknown) =>
  report({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
// Booted once for the page, not per render (StrictMode renders twice).
void loadProvisioning(localStorage, indexedDbVault, location.hash, () =>
  history.replaceState(null, '', `${location.pathname}${location.search}`),
).then((provisioning) => {
  if (!provisioning.ok) return report({ kind: 'failed', reason: provisioning.reason });
  return bootTablet(provisioning.provisioning, report).then((booted) => {
    tablet = booted;
    report(view);
  }, failed);
}, failed);
const subscribe = (listener: () => void) => {
  viewListeners.add(listener);
  return () => viewListeners.delete(listener);
};

function Root() {
  const shown = useSyncExternalStore(subscribe, () => view);
  const booted = useSyncExternalStore(subscribe, () => tablet);
  return booted ? <App tablet={booted} /> : <BootScreen view={shown} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
