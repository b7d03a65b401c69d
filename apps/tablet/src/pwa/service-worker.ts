/**
 * [TA2] [TA7] The tablet's service worker: it keeps the built app in a cache of
 * its version, so the tablet starts with no network. Built by
 * vite.config.ts into `sw.js`, which puts the build's file list (PRECACHE,
 * relative to this worker's scope) and its VERSION in front of this code.
 *
 * - install: caches every file of the build at once; an install that cannot
 *   fetch them all fails, and the tablet keeps the version it had.
 * - activate: drops the caches of older versions and takes the open pages.
 * - fetch: the app's own files come from the cache; a navigation in the
 *   scope is the app's page (its screens are client-side). Everything else
 *   (replication, the clerk API, the hub) goes to the network untouched.
 */
declare const PRECACHE: string[];
declare const VERSION: string;

const worker = self as unknown as ServiceWorkerGlobalScope;
const CACHE_PREFIX = 'tablet-app-';
const CACHE = `${CACHE_PREFIX}${VERSION}`;
const scope = new URL(worker.registration.scope);
const page = new URL('./', scope).href;
const cached = new Set(PRECACHE.map((path) => new URL(path, scope).href));

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: past the HTTP cache, so a new version never caches an older file.
      await cache.addAll([...cached].map((url) => new Request(url, { cache: 'reload' })));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.hash = '';
  url.search = '';
  const isPage = request.mode === 'navigate' && url.href.startsWith(scope.href);
  const key = isPage ? page : url.href;
  if (!isPage && !cached.has(key)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(key);
      return hit ?? fetch(request);
    })(),
  );
});
