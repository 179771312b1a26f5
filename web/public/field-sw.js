// Service worker of the field app: keeps the app shell (field.html and the
// assets it loaded) so the app opens without a network; evidence waits in
// IndexedDB meanwhile. API calls always go to the network.
const CACHE = 'sl-field-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(['/field.html', '/field.webmanifest', '/favicon.svg'])));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))),
  );
  self.clients.claim();
});

// The page tells the worker which built assets it loaded (their names carry
// content hashes), so the whole shell is cached after the first visit.
self.addEventListener('message', (event) => {
  const urls = (event.data && event.data.cache) || [];
  const mine = urls.filter((u) => new URL(u, self.location.origin).origin === self.location.origin);
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(mine)).catch(() => {}));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/ledger/')) return;
  // Network first (fresh app after a deploy), the cache when offline.
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(event.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(event.request).then((hit) => hit || caches.match('/field.html'))),
  );
});
