// Questlog web client: install the service worker, tell offline readers the list is read-only,
// and fill the sign-up form's time zone from the browser. Everything works without this file.
"use strict";
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(function () {});
}
function markOffline() {
  var offline = !navigator.onLine || document.documentElement.dataset.offline === "true";
  document.body.classList.toggle("offline", offline);
  var banner = document.querySelector(".offline-banner");
  if (banner) banner.hidden = !offline;
}
document.addEventListener("DOMContentLoaded", function () {
  markOffline();
  var zone = document.querySelector("[data-local-timezone]");
  if (zone && zone.value === "UTC" && window.Intl) {
    zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  }
});
window.addEventListener("online", markOffline);
window.addEventListener("offline", markOffline);
