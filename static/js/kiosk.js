// The kiosk: one tap, optional follow-ups, thanks, back to idle. Offline first:
// a tap is written to IndexedDB the moment it happens and sent later through the batch
// API; the server keeps it exactly once by its client id, so resending is always safe.
// What each answer of the server means, the backoff and the ids come from queue.js.
(function () {
  "use strict";
  var Q = window.HailongQueue;
  var body = document.body;
  var token = body.dataset.token;
  var strings = JSON.parse(byId("kiosk-strings").textContent);
  var serving = JSON.parse(byId("kiosk-serving").textContent);
  var screens = {};
  ["idle", "reasons", "area", "criteria", "thanks", "unpaired"].forEach(function (id) { screens[id] = byId(id); });
  // Milliseconds, from the server (app config KIOSK_TIMEOUTS): idle, thanks, held, poll, retry, maxRetry, batch.
  var cfg = JSON.parse(body.dataset.timeouts);
  // The kiosk's own language (Vietnamese unless opened with ?lang=en): every reset returns to it.
  var home = document.documentElement.lang;

  var lang = home, current = null, steps = [], timer = null, revoked = false, held = false, downOn = null;
  var sending = false, failures = 0, retryTimer = null, queued = 0;

  function byId(id) { return document.getElementById(id); }
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // --- screens -------------------------------------------------------------------------
  function show(name) {
    Object.keys(screens).forEach(function (key) { screens[key].hidden = key !== name; });
    byId("toolbar").hidden = name === "thanks" || name === "unpaired";
    body.dataset.screen = name;
    held = false;
    byId("hold-hint").hidden = true;
    arm();
  }

  // One clock for every screen, restarted by every touch: a citizen who walks away is given
  // up on, so the next one always starts at the faces and never joins the last one's rating.
  function arm() {
    clearTimeout(timer);
    var name = body.dataset.screen;
    if (name === "unpaired") return;
    timer = setTimeout(abandon, held ? cfg.held : name === "thanks" ? cfg.thanks : cfg.idle);
  }

  function abandon() {
    if (current) finish(false);  // the face was tapped: keep it with what was chosen, no thanks
    toIdle();
  }

  function toIdle() {
    current = null;
    clearChoices();
    setLang(home);
    setLarge(false);
    show("idle");
  }

  function clearChoices() {
    all("[aria-pressed]").forEach(function (b) { if (b.id !== "large") b.setAttribute("aria-pressed", "false"); });
  }

  function setLang(next) {
    lang = next;
    document.documentElement.lang = next;
    all("[data-t]").forEach(function (el) { el.textContent = strings[next][el.dataset.t]; });
    all("[data-area]").forEach(function (el) { el.textContent = el.dataset[next]; });
    byId("lang").lang = next === "vi" ? "en" : "vi";
    var qr = document.querySelector(".qr");
    if (qr) qr.setAttribute("aria-label", strings[next].qr_caption);
    showPending();
  }

  function setLarge(on) {
    body.classList.toggle("large", on);
    byId("large").setAttribute("aria-pressed", on ? "true" : "false");
  }

  function showServing(official) {
    serving = official;
    byId("serving").hidden = !official;
    if (!official) return;
    byId("serving-name").textContent = official.name;
    byId("serving-title").textContent = official.title || "";
    var avatar = byId("serving-avatar");
    avatar.textContent = "";
    if (official.photo) {
      var img = document.createElement("img");
      img.src = official.photo; img.alt = "";
      avatar.appendChild(img);
    } else {
      avatar.textContent = official.initials;
    }
  }

  // --- the flow ------------------------------------------------------------------------
  function tapFace(level) {
    if (current || revoked || screens.idle.hidden) return;  // ignores presses during thanks and follow-ups
    current = {id: Q.uuid(), level: level, tapped_at: isoNow()};
    body.dataset.taps = (+body.dataset.taps || 0) + 1;
    if (serving) current.official = serving.code;
    save(current, false);
    steps = [];
    if (level === "dissatisfied") steps.push("reasons");
    if (body.dataset.askArea === "true") steps.push("area");
    if (body.dataset.criteria === "true") steps.push("criteria");
    next();
  }

  function next() {
    if (!current) return;
    var step = steps.shift();
    if (step) show(step); else finish(true);
  }

  function pressed(sel) {
    return all(sel + '[aria-pressed="true"]');
  }

  // The rating leaves with its follow-ups: when the last one ends (thanks) or is abandoned.
  function finish(thank) {
    var tap = current;
    current = null;
    var reasons = pressed("[data-reason]").map(function (b) { return b.dataset.reason; });
    if (reasons.length && tap.level === "dissatisfied") tap.reasons = reasons;
    var area = pressed("[data-area]")[0];
    if (area) tap.service_area = area.dataset.area;
    var criteria = {};
    pressed("[data-criterion]").forEach(function (b) {
      var v = b.dataset.value;
      criteria[b.dataset.criterion] = v === "true" ? true : v === "false" ? false : /^\d+$/.test(v) ? +v : v;
    });
    if (Object.keys(criteria).length) tap.criteria = criteria;
    if (thank) show("thanks");
    save(tap, true).then(flush, function () {
      // No durable storage (a locked-down or private profile): still try to deliver the tap now.
      fetch(body.dataset.batch, {method: "POST", headers: headers(), body: JSON.stringify([tap])}).catch(function () {});
    });
  }

  // "Làm lại": the citizen changed their mind; the unfinished rating is dropped, not sent.
  function startAgain() {
    var tap = current;
    current = null;
    clearChoices();
    show("idle");
    if (tap) store(["taps"], "readwrite", function (tx) { tx.objectStore("taps").delete(tap.id); }).then(countPending);
  }

  // The QR needs time to scan: a touch on the thanks screen holds it, the next touch lets go.
  function touchThanks() {
    if (held) { toIdle(); return; }
    held = true;
    byId("hold-hint").hidden = false;
    arm();
  }

  function toggle(button, single) {
    var on = button.getAttribute("aria-pressed") !== "true";
    if (single) all("[aria-pressed]", button.parentNode).forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  // --- durable queue (IndexedDB) -------------------------------------------------------
  var dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open("hailong-kiosk", 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("taps", {keyPath: "id"});
      request.result.createObjectStore("rejected", {keyPath: "id"});
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(names, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode), result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
        result = work(tx);
      });
    });
  }

  function save(tap, ready) {
    var copy = JSON.parse(JSON.stringify(tap));
    return store(["taps"], "readwrite", function (tx) {
      tx.objectStore("taps").put({id: copy.id, body: copy, ready: ready, at: Date.now()});
    }).then(countPending);
  }

  function loadAll() {
    return store(["taps"], "readonly", function (tx) {
      var out = [];
      tx.objectStore("taps").openCursor().onsuccess = function (e) {
        var cursor = e.target.result;
        if (cursor) { out.push(cursor.value); cursor.continue(); }
      };
      return out;
    });
  }

  function countPending() {
    return loadAll().then(function (taps) {
      queued = taps.length;
      body.dataset.pending = queued;
      showPending();
      return queued;
    });
  }

  // For staff only: citizens see the counter only when taps wait because the network is down.
  function showPending() {
    var words = strings[lang][queued === 1 ? "pending_one" : "pending_other"];
    byId("pending").textContent = words.replace("{n}", queued);
    byId("pending").hidden = !(queued > 0 && (failures > 0 || !navigator.onLine));
  }

  // A tap whose follow-ups were cut short by a reload is kept as it was.
  function readyLeftovers() {
    return store(["taps"], "readwrite", function (tx) {
      var taps = tx.objectStore("taps");
      taps.openCursor().onsuccess = function (e) {
        var cursor = e.target.result;
        if (!cursor) return;
        if (!cursor.value.ready) { cursor.value.ready = true; cursor.update(cursor.value); }
        cursor.continue();
      };
    });
  }

  // --- sending -------------------------------------------------------------------------
  function flush() {
    if (sending || revoked) return;
    clearTimeout(retryTimer);
    sending = true;
    loadAll().then(function (taps) {
      var batch = taps.filter(function (t) { return t.ready; }).slice(0, cfg.batch);
      if (!batch.length) { sending = false; failures = 0; return countPending(); }
      var now = isoNow();
      return fetch(body.dataset.batch, {
        method: "POST", headers: headers(),
        body: JSON.stringify(batch.map(function (t) { return Object.assign({}, t.body, {sent_at: now}); })),
      }).then(function (response) {
        if (response.status === 401) { unpaired(); throw new Error("revoked"); }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (data) { return settle(batch, data.results); }).then(function () {
        sending = false; failures = 0;
        showPending();
        flush();
      });
    }).catch(function () {
      sending = false;
      if (revoked) return;
      failures += 1;
      showPending();
      retryTimer = setTimeout(flush, Q.backoff(failures, cfg.retry, cfg.maxRetry));
    });
  }

  // Delivered (201), replays (200) and settled ids (409) leave the queue; a tap the server
  // will never accept is moved aside, still in the browser for staff, instead of blocking the
  // queue; the rest wait for the next send.
  function settle(batch, results) {
    return store(["taps", "rejected"], "readwrite", function (tx) {
      results.forEach(function (result, i) {
        var tap = batch[i], verdict = tap && Q.verdict(result.status);
        if (!tap || verdict === "retry") return;
        if (verdict === "refused") tx.objectStore("rejected").put({id: tap.id, body: tap.body, error: result.error});
        tx.objectStore("taps").delete(tap.id);
      });
    }).then(countPending);
  }

  function headers() {
    return {"Content-Type": "application/json", "Authorization": "Bearer " + token};
  }

  function unpaired() {
    revoked = true;
    clearTimeout(retryTimer);
    show("unpaired");
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("unpaired");  // drop the cached page
    }
  }

  // --- heartbeat: who serves now, what to ask, and how the queue stands ----------------
  function poll() {
    countPending().then(function (queued) {
      var url = body.dataset.state + "?queue=" + queued + "&version=" + encodeURIComponent(body.dataset.version);
      return fetch(url, {headers: headers(), cache: "no-store"});
    }).then(function (response) {
      if (response.status === 401) { unpaired(); return null; }
      return response.ok ? response.json() : null;
    }).then(function (state) {
      if (!state) return;
      if (JSON.stringify(state.serving) !== JSON.stringify(serving)) showServing(state.serving);
      body.dataset.criteria = state.criteria ? "true" : "false";
      if (failures) flush();  // the server is back: do not wait for the backoff
    }).catch(function () { /* offline: the next beat will tell */ }).then(function () {
      if (!revoked) setTimeout(poll, cfg.poll);
    });
  }

  // --- helpers -------------------------------------------------------------------------
  function isoNow() {
    var d = new Date(), off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    var local = new Date(d.getTime() + off * 60000).toISOString().slice(0, 23);
    off = Math.abs(off);
    return local + sign + String(Math.floor(off / 60)).padStart(2, "0") + ":" + String(off % 60).padStart(2, "0");
  }

  // --- wiring --------------------------------------------------------------------------
  all(".face").forEach(function (b) { b.addEventListener("click", function () { tapFace(b.dataset.level); }); });
  all("[data-reason]").forEach(function (b) { b.addEventListener("click", function () { toggle(b, false); }); });
  all("[data-area]").forEach(function (b) { b.addEventListener("click", function () { toggle(b, true); next(); }); });
  all("[data-criterion]").forEach(function (b) { b.addEventListener("click", function () { toggle(b, true); }); });
  all(".next").forEach(function (b) { b.addEventListener("click", next); });
  all(".restart").forEach(function (b) { b.addEventListener("click", startAgain); });
  byId("lang").addEventListener("click", function () { setLang(lang === "vi" ? "en" : "vi"); });
  byId("large").addEventListener("click", function () { setLarge(!body.classList.contains("large")); });
  // Any touch restarts the screen's clock. The screen is remembered at the touch's start so
  // that the click which brought up the thanks screen is not taken for a touch on it.
  document.addEventListener("pointerdown", function () { downOn = body.dataset.screen; arm(); }, true);
  document.addEventListener("click", function () {
    if (downOn === "thanks" && body.dataset.screen === "thanks") touchThanks();
  });
  // A kiosk is not a browser: no context menu, no pinch zoom, no way back or away.
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
  document.addEventListener("touchmove", function (e) { if (e.touches.length > 1) e.preventDefault(); }, {passive: false});
  document.addEventListener("dblclick", function (e) { e.preventDefault(); });
  document.addEventListener("keydown", function (e) { if ((e.ctrlKey || e.metaKey) && /^[+\-=0]$/.test(e.key)) e.preventDefault(); });
  history.pushState(null, "", location.href);
  window.addEventListener("popstate", function () { history.pushState(null, "", location.href); });
  window.addEventListener("online", function () { failures = 0; flush(); });
  window.addEventListener("offline", showPending);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.sw, {scope: "/kiosk"}).catch(function () { /* still works online */ });
  }
  showServing(serving);
  toIdle();
  readyLeftovers().then(flush);
  poll();
})();
