// Soft "one rating per phone per visit": a marker per QR code kept a few hours in this browser.
// The server checks a cookie too; neither is a login and neither identifies anyone.
(function () {
  var VISIT_MS = 4 * 3600 * 1000;
  var root = document.querySelector("[data-qr-code]");
  if (!root) return;
  var key = "hailong-rated-" + root.getAttribute("data-qr-code");
  try {
    if (root.hasAttribute("data-rated-now")) {
      localStorage.setItem(key, String(Date.now()));
      return;
    }
    var at = Number(localStorage.getItem(key) || 0);
    if (at && Date.now() - at < VISIT_MS) {
      var form = root.querySelector("form.faces-form");
      var note = root.querySelector("[data-already]");
      if (form) form.hidden = true;
      if (note) note.hidden = false;
    }
  } catch (e) { /* private mode: the server's check still applies */ }
})();
