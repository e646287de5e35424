// The kiosk: one tap, an optional "why", thanks, back to the question.
// The thank-you is shown at once; sending happens behind it.
(function () {
  "use strict";
  var body = document.body;
  var token = body.dataset.token;
  var screens = {rate: byId("rate"), reasons: byId("reasons"), thanks: byId("thanks")};
  var THANKS_MS = 4000, REASONS_MS = 20000;
  var pending = null, timer = null;

  function byId(id) { return document.getElementById(id); }

  function show(name) {
    Object.keys(screens).forEach(function (key) { screens[key].hidden = key !== name; });
    clearTimeout(timer);
    if (name === "reasons") timer = setTimeout(finish, REASONS_MS);
    if (name === "thanks") timer = setTimeout(reset, THANKS_MS);
  }

  function reset() {
    pending = null;
    document.querySelectorAll(".reason").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    show("rate");
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function isoNow() {
    var d = new Date(), off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    var local = new Date(d.getTime() + off * 60000).toISOString().slice(0, 19);
    off = Math.abs(off);
    return local + sign + String(Math.floor(off / 60)).padStart(2, "0") + ":" + String(off % 60).padStart(2, "0");
  }

  function send(rating) {
    rating.sent_at = isoNow();
    return fetch(body.dataset.api, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
      body: JSON.stringify(rating),
    });
  }

  function finish() {
    if (!pending) return;
    var chosen = Array.prototype.filter.call(document.querySelectorAll(".reason"), function (b) {
      return b.getAttribute("aria-pressed") === "true";
    }).map(function (b) { return b.dataset.reason; });
    if (chosen.length) pending.reasons = chosen;
    var rating = pending;
    show("thanks");
    pending = null;
    send(rating).catch(function () { /* the offline queue retries (see the kiosk issue) */ });
  }

  document.querySelectorAll(".face").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!screens.rate.hidden && !pending) {
        pending = {id: uuid(), level: button.dataset.level, tapped_at: isoNow()};
        if (body.dataset.official) pending.official = body.dataset.official;
        if (pending.level === "dissatisfied") show("reasons"); else finish();
      }
    });
  });
  document.querySelectorAll(".reason").forEach(function (button) {
    button.addEventListener("click", function () {
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
      clearTimeout(timer);
      timer = setTimeout(finish, REASONS_MS);
    });
  });
  byId("reasons-done").addEventListener("click", finish);
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
})();
