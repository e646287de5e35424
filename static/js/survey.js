// The phone survey: one question per step, answers kept in localStorage so a reload or a
// dropped connection loses nothing, and a submit queued in HailongQueue (queue.js): retried
// until the server has it, or kept aside if the server refuses it.
// Without this script the form still works: every question shows and posts as a plain form.
(function () {
  "use strict";
  var form = document.getElementById("survey");
  if (!form) return;
  var Q = window.HailongQueue;
  var outbox = Q.localQueue("hailong.survey.outbox");
  var RETRY_MS = 4000, MAX_RETRY_MS = 60000;
  var key = form.dataset.storageKey;
  var preview = form.dataset.preview === "true";
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  var questions = steps.filter(function (s) { return s.classList.contains("question"); });
  var back = form.querySelector("[data-action=back]");
  var next = form.querySelector("[data-action=next]");
  var submit = form.querySelector("[data-action=submit]");
  var status = form.querySelector(".survey-status");
  var bar = form.querySelector(".survey-progress .bar span");
  var progressText = form.querySelector(".progress-text");
  var thanks = document.getElementById("thanks");
  var retryTimer = null, failures = 0;

  function load(name, fallback) {
    try { return JSON.parse(localStorage.getItem(name)) || fallback; } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode: keep going */ }
  }

  var draft = load(key, null) || { id: Q.uuid(), step: 0, answers: {} };

  function answerOf(fieldset) {
    var type = fieldset.dataset.type;
    var inputs = fieldset.querySelectorAll("input, textarea");
    if (type === "multiple") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    if (type === "short_text" || type === "long_text") return inputs[0].value.trim() || null;
    var checked = fieldset.querySelector("input:checked");
    if (!checked) return null;
    return type === "scale" ? parseInt(checked.value, 10) : checked.value;
  }
  function restore(fieldset, value) {
    if (value === undefined || value === null) return;
    var values = Array.isArray(value) ? value.map(String) : [String(value)];
    fieldset.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
      input.checked = values.indexOf(input.value) !== -1;
    });
    var text = fieldset.querySelector("input[type=text], textarea");
    if (text) text.value = value;
  }
  function collect() {
    questions.forEach(function (q) { draft.answers[q.dataset.key] = answerOf(q); });
    save(key, draft);
  }
  function empty(value) { return value === null || value === "" || (Array.isArray(value) && value.length === 0); }

  function showError(fieldset, message) {
    var error = fieldset.querySelector(".field-error");
    error.textContent = message || "";
    error.hidden = !message;
    fieldset.classList.toggle("invalid", !!message);
    // Screen readers hear which answer is wrong, and why (the fieldset points at the message).
    fieldset.querySelectorAll("input, textarea").forEach(function (input) {
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    });
  }
  function validStep(step) {
    if (!step.classList.contains("question")) return true;
    var missing = step.dataset.required === "true" && empty(answerOf(step));
    showError(step, missing ? form.dataset.msgRequired : "");
    return !missing;
  }

  function show(index) {
    draft.step = Math.max(0, Math.min(index, steps.length - 1));
    save(key, draft);
    steps.forEach(function (step, i) { step.classList.toggle("current", i === draft.step); });
    var last = draft.step === steps.length - 1;
    back.hidden = draft.step === 0;
    next.hidden = last;
    next.textContent = draft.step === 0 ? form.dataset.msgStart : form.dataset.msgNext;
    submit.hidden = !last;
    var number = draft.step;  // the intro is step 0, so question n is step n
    bar.style.width = (100 * number / questions.length) + "%";
    progressText.hidden = number === 0;
    progressText.textContent = form.dataset.msgStep.replace("{n}", number);
  }
  function go(offset) {
    if (offset > 0 && !validStep(steps[draft.step])) {
      focusFirst(steps[draft.step]);
      return;
    }
    collect();
    show(draft.step + offset);
    focusFirst(steps[draft.step]);
    window.scrollTo(0, 0);
  }
  function focusFirst(step) {
    var target = step.querySelector("input, textarea") || step;
    if (target.focus) target.focus({ preventScroll: true });
  }

  // --- sending: the outbox survives reloads; each item carries its own client id -------------
  function send(item) {
    return fetch(item.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(item.payload)
    }).then(function (response) {
      var verdict = Q.verdict(response.status);
      if (verdict === "delivered") { outbox.remove(item.id); return { ok: true }; }
      if (verdict === "retry") return { ok: false, retry: true };
      return response.json().catch(function () { return {}; }).then(function (body) {
        var error = body.error || {};
        // Refused answers stay on the phone, aside; a settled one (409) is already decided.
        if (verdict === "refused") outbox.refuse(item, error); else outbox.remove(item.id);
        return { ok: false, error: error };
      });
    }, function () { return { ok: false, retry: true }; });
  }
  function flush() {
    clearTimeout(retryTimer);
    var mine = null;
    var pending = outbox.all().map(function (item) {
      return send(item).then(function (result) {
        if (item.key === key) mine = result;
        return result;
      });
    });
    return Promise.all(pending).then(function (results) {
      failures = results.some(function (r) { return r.retry; }) ? failures + 1 : 0;
      if (failures) retryTimer = setTimeout(flush, Q.backoff(failures, RETRY_MS, MAX_RETRY_MS));
      if (mine) settle(mine);
    });
  }
  function settle(result) {
    if (result.ok) return done();
    if (result.retry) {
      status.textContent = form.dataset.msgOffline;
      status.className = "survey-status offline";
      return;
    }
    submit.disabled = false;
    status.textContent = result.error.message || form.dataset.msgFailed;
    status.className = "survey-status error";
    var fields = result.error.fields || {};
    var first = -1;
    questions.forEach(function (q) {
      showError(q, fields[q.dataset.key] || "");
      if (fields[q.dataset.key] && first === -1) first = steps.indexOf(q);
    });
    if (first !== -1) show(first);
  }
  function done() {
    try { localStorage.removeItem(key); } catch (e) { /* nothing to clear */ }
    form.hidden = true;
    thanks.hidden = false;
    thanks.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    collect();
    for (var i = 0; i < steps.length; i++) {
      if (!validStep(steps[i])) { show(i); focusFirst(steps[i]); return; }
    }
    if (preview) return done();
    var answers = {};
    Object.keys(draft.answers).forEach(function (k) { if (!empty(draft.answers[k])) answers[k] = draft.answers[k]; });
    var version = parseInt(form.elements.version.value, 10);
    submit.disabled = true;
    status.textContent = form.dataset.msgSending;
    status.className = "survey-status";
    // The page's signed token goes with the answers: it stays valid for days, so a queued answer still counts.
    var token = form.elements.token ? form.elements.token.value : null;
    outbox.put({ id: draft.id, key: key, url: form.action,
                 payload: { id: draft.id, version: version, answers: answers, token: token } });
    flush();
  });
  back.addEventListener("click", function () { go(-1); });
  next.addEventListener("click", function () { go(1); });
  form.addEventListener("change", collect);
  form.addEventListener("input", collect);
  window.addEventListener("online", function () { failures = 0; flush(); });

  form.classList.add("js");
  form.querySelector(".survey-progress").hidden = false;
  questions.forEach(function (q) {
    if (q.querySelector(".field-error").hidden) restore(q, draft.answers[q.dataset.key]);
  });
  var queued = outbox.all().some(function (o) { return o.key === key; });
  show(draft.step);
  if (queued) {
    submit.disabled = true;
    status.textContent = form.dataset.msgOffline;
    status.className = "survey-status offline";
  }
  if (outbox.all().length) flush();
})();
