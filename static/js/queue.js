// The offline queue both audiences share: the kiosk's taps and the phone's survey answers.
// One policy for what the server's answer means, one backoff, one client id:
//   2xx            delivered: the item leaves the queue;
//   409            settled: the server already holds something under this id or page token,
//                  resending can never change that, so the item leaves the queue;
//   408, 429, 5xx  and no answer at all (offline): kept and retried, with a growing delay;
//   any other 4xx  refused: moved aside (still on the device for staff to see), never retried,
//                  so it neither blocks the queue nor is lost without a trace.
// Plain ES5 on purpose: the kiosks are old tablets, and there is no build step.
(function (root) {
  "use strict";

  function verdict(status) {
    if (status >= 200 && status < 300) return "delivered";
    if (status === 409) return "settled";
    if (!status || status === 408 || status === 429 || status >= 500) return "retry";
    return "refused";
  }

  // Exponential backoff with jitter, so a room of kiosks does not hammer a server coming back.
  function backoff(failures, base, max) {
    var delay = Math.min(max, base * Math.pow(2, Math.max(0, failures - 1)));
    return delay * (0.5 + Math.random() * 0.5);
  }

  // A random (version 4) UUID: the client id that makes every resend safe.
  function uuid() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function read(name) {
    try { return JSON.parse(root.localStorage.getItem(name)) || []; } catch (e) { return []; }
  }
  function write(name, items) {
    try { root.localStorage.setItem(name, JSON.stringify(items)); } catch (e) { /* private mode: keep going */ }
  }

  // A queue kept in localStorage (phones): it survives reloads; items are {id, ...} objects.
  // Refused items go to ``name + ".refused"``.
  function localQueue(name) {
    var aside = name + ".refused";
    function without(list, id) { return list.filter(function (o) { return o.id !== id; }); }
    return {
      all: function () { return read(name); },
      put: function (item) { write(name, without(read(name), item.id).concat([item])); },
      // Delivered or settled: out of the queue, and an earlier refusal of the same id is moot.
      remove: function (id) { write(name, without(read(name), id)); write(aside, without(read(aside), id)); },
      refuse: function (item, error) {
        write(aside, without(read(aside), item.id).concat([{id: item.id, item: item, error: error}]));
        write(name, without(read(name), item.id));
      },
      refused: function () { return read(aside); }
    };
  }

  root.HailongQueue = {verdict: verdict, backoff: backoff, uuid: uuid, localQueue: localQueue};
})(window);
