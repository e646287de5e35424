// The kiosk's service worker. Assets (CSS, JavaScript, icons) are answered from this cache at
// once and revalidated in the background (stale-while-revalidate). The page itself comes from
// the network when it answers — a conditional request, so an unchanged page is a 304 of a few
// hundred bytes — and from this cache when it does not, so the kiosk opens and rates with no
// network at all. (Answering the page from the cache first was tried: the queue's first send
// then races the browser's own view of whether it is online, and a paired kiosk gains little.)
// Taps are not cached here: the page keeps them in IndexedDB and sends them itself.
"use strict";
var CACHE = "hailong-kiosk-v1";
var PAGE = "/kiosk";
var NETWORK_WAIT_MS = 4000;  // a LAN that hangs instead of failing must not freeze the kiosk

self.addEventListener("install", function (event) {
  event.waitUntil(precache().catch(function () {}).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "unpaired") caches.delete(CACHE);
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  var isPage = request.mode === "navigate" && url.pathname === PAGE;
  if (!isPage && url.pathname.indexOf("/static/") !== 0) return;
  // The page is one cache entry whatever its query (?lang=en).
  var key = isPage ? new Request(url.origin + PAGE) : request;
  var fresh = revalidate(request, key, isPage);
  if (isPage) {
    event.respondWith(fresh.catch(function () {
      return caches.match(key).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  event.waitUntil(fresh.catch(function () {}));
  event.respondWith(caches.match(key).then(function (hit) {
    return hit || fresh.catch(function () { return Response.error(); });
  }));
});

// Fetch ``request`` and keep the answer under ``key``; a page that is no longer the kiosk's
// (unpaired, revoked: not 200) is forgotten.
function revalidate(request, key, isPage) {
  return fromNetwork(request).then(function (response) {
    var copy = response.clone();
    return caches.open(CACHE).then(function (cache) {
      if (response.status === 200) return cache.put(key, copy);
      if (isPage) return cache.delete(key);
    }).then(function () { return response; });
  });
}

function fromNetwork(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(reject, NETWORK_WAIT_MS);
    fetch(request).then(function (r) { clearTimeout(timer); resolve(r); }, function (e) { clearTimeout(timer); reject(e); });
  });
}

// The page and every asset it names, so that the very first reload may already be offline.
function precache() {
  return caches.open(CACHE).then(function (cache) {
    return fetch(PAGE, {credentials: "same-origin"}).then(function (response) {
      if (response.status !== 200) return null;
      return response.clone().text().then(function (html) {
        var assets = [], re = /(?:href|src)="(\/static\/[^"]+)"/g, m;
        while ((m = re.exec(html))) assets.push(m[1].replace(/&amp;/g, "&"));
        return Promise.all([cache.put(PAGE, response)].concat(assets.map(function (a) { return cache.add(a); })));
      });
    });
  });
}
