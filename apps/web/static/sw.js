// Questlog service worker: the app shell is cached at install; the today page is kept each time
// it loads, so it can be read offline (read-only: forms need the network).
"use strict";
const CACHE = "questlog-v1";
const SHELL = ["/static/app.css", "/static/app.js", "/static/vendor/htmx.min.js",
  "/static/icons/icon.svg", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate" || request.headers.get("HX-Request")) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          // Keep the signed-in today page (not a redirect to sign-in) for offline reading.
          if (url.pathname === "/" && response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put("/", copy));
          }
          return response;
        })
        .catch(() => caches.match("/").then((hit) => hit || new Response(
          "<!doctype html><title>Offline</title><p>You are offline and no copy of your list is saved yet.</p>",
          { headers: { "content-type": "text/html; charset=utf-8" } },
        ))),
    );
  }
});
