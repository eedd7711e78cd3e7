/* Ronda: a little JavaScript where it helps; every page works without it. */
"use strict";

// Copy buttons: data-copy="#id" copies that element's text.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (!source) return;
  var text = source.value !== undefined ? source.value : source.textContent;
  navigator.clipboard.writeText(text).then(function () {
    button.textContent = button.getAttribute("data-copied") || button.textContent;
  });
});

// Confirm before a step that cannot be undone.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = button && button.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});

// ---- Weak signal -------------------------------------------------------------------------
// Forms marked data-offline (check-in, the night's log, a report) are sent by fetch. If the
// phone has no signal, the form is kept in IndexedDB, files included, and sent again when
// the signal returns. Each carries its idempotency key, so a resend never makes a second
// record, even when the first attempt did arrive and only its answer was lost. A kept form
// belongs to whoever was signed in: it is sent only while they are signed in again.

var OUTBOX = "ronda-outbox";
var flushing = false;

function outbox() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open(OUTBOX, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("forms", { keyPath: "key" });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function store(mode, work) {
  return outbox().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction("forms", mode);
      var result = work(tx.objectStore("forms"));
      tx.oncomplete = function () { resolve(result && result.result); };
      tx.onerror = function () { reject(tx.error); };
    });
  });
}

function keep(item) { return store("readwrite", function (s) { return s.put(item); }); }
function forget(key) { return store("readwrite", function (s) { return s.delete(key); }); }
function waiting() { return store("readonly", function (s) { return s.getAll(); }); }
function me() { return document.body.getAttribute("data-user") || ""; }

function rememberReceipt(receipt) {
  var kept = JSON.parse(localStorage.getItem("ronda.receipts") || "[]");
  if (!kept.some(function (r) { return r.receipt === receipt; })) {
    kept.unshift({ receipt: receipt, at: new Date().toISOString() });
    localStorage.setItem("ronda.receipts", JSON.stringify(kept));
  }
}

// An anonymous report's receipt is made here and kept before the report is sent: whatever
// happens to the answer, the phone still holds the only key to the report.
function newReceipt() {
  var bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode.apply(null, bytes))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function showPending(text) {
  var box = document.querySelector("[data-pending]");
  if (!box) return;
  box.textContent = text;
  box.hidden = !text;
}

function post(item) {
  var body = new FormData();
  item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
  return fetch(item.action, { method: "POST", body: body, credentials: "same-origin" });
}

// Stored for good (2xx, after any redirect that is not to the sign-in page)? Worth sending
// again later (no signal, signed out, a stale form, too busy)? Or refused for good?
function outcome(response) {
  if (response.ok && response.url.indexOf("/masuk") === -1) return "done";
  if (response.ok || response.status === 403 || response.status === 429 || response.status >= 500) {
    return "later";
  }
  return "refused";
}

// Show the page the server answered with, without loading it a second time.
function land(response) {
  return response.text().then(function (html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    if (response.redirected) history.replaceState(null, "", response.url);
    window.scrollTo(0, 0);
    enhance();
  });
}

function flush() {
  if (flushing || !navigator.onLine || !window.indexedDB) return Promise.resolve();
  flushing = true;
  return waiting().then(function (items) {
    var mine = items.filter(function (item) { return item.user === me(); });
    return mine.reduce(function (chain, item) {
      return chain.then(function () {
        return post(item).then(function (response) {
          if (outcome(response) !== "later") return forget(item.key);
        }, function () { /* still no signal */ });
      });
    }, Promise.resolve());
  }).then(function () {
    return waiting().then(function (left) {
      var box = document.querySelector("[data-pending]");
      var count = left.filter(function (item) { return item.user === me(); }).length;
      showPending(count && box ? box.getAttribute("data-waiting") + " " + count : "");
    });
  }).then(function () { flushing = false; }, function () { flushing = false; });
}

function position(form) {
  if (!form.hasAttribute("data-checkin") || !navigator.geolocation) return Promise.resolve();
  if (form.elements.latitude.value) return Promise.resolve();
  return new Promise(function (resolve) {
    navigator.geolocation.getCurrentPosition(function (p) {
      form.elements.latitude.value = p.coords.latitude;
      form.elements.longitude.value = p.coords.longitude;
      form.elements.accuracy_m.value = Math.round(p.coords.accuracy);
      resolve();
    }, function () { resolve(); }, { timeout: 4000, maximumAge: 60000 });
  });
}

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-offline") || event.defaultPrevented) return;
  event.preventDefault();
  // Filled once per form: a second tap resends exactly the first request.
  if (form.elements.captured_at && !form.elements.captured_at.value) {
    form.elements.captured_at.value = new Date().toISOString();
  }
  var anonymous = form.querySelector("input[name=privacy][value=anonymous]:checked");
  if (form.elements.receipt) {
    if (anonymous && !form.elements.receipt.value) form.elements.receipt.value = newReceipt();
    if (!anonymous) form.elements.receipt.value = "";
    if (anonymous) rememberReceipt(form.elements.receipt.value);
  }
  var button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  position(form).then(function () {
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
    var key = form.elements.idempotency_key ? form.elements.idempotency_key.value : String(Date.now());
    var item = { key: key, action: form.action, fields: fields, user: me(), at: Date.now() };
    return post(item).then(function (response) {
      if (outcome(response) !== "later") return land(response);
      // Not stored yet: keep it, and show why (signed out: the sign-in page).
      return keep(item).then(function () {
        if (response.status >= 500) throw new Error("server");
        return land(response);
      });
    }).catch(function () {
      return keep(item).then(function () {
        showPending(form.getAttribute("data-pending-text") || "…");
        if (button) button.disabled = false;
      });
    });
  });
});

window.addEventListener("online", flush);
window.setInterval(flush, 20000);

// What the page needs from the phone: receipts kept here, and what waits to be sent.
function enhance() {
  var receipt = document.querySelector("[data-receipt]");
  if (receipt) rememberReceipt(receipt.getAttribute("data-receipt"));
  var list = document.querySelector("[data-receipts]");
  var template = document.getElementById("receipt-item");
  if (list && template) {
    var kept = JSON.parse(localStorage.getItem("ronda.receipts") || "[]");
    if (kept.length) list.innerHTML = "";
    kept.forEach(function (r) {
      var item = template.content.cloneNode(true);
      item.querySelector("input[name=receipt]").value = r.receipt;
      item.querySelector(".muted").textContent = new Date(r.at).toLocaleDateString();
      list.appendChild(item);
    });
  }
  flush();
}

document.addEventListener("DOMContentLoaded", enhance);
