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
// record, even when the first attempt did arrive and only its answer was lost.

var OUTBOX = "ronda-outbox";

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

function rememberReceipt(receipt) {
  var kept = JSON.parse(localStorage.getItem("ronda.receipts") || "[]");
  if (!kept.some(function (r) { return r.receipt === receipt; })) {
    kept.unshift({ receipt: receipt, at: new Date().toISOString() });
    localStorage.setItem("ronda.receipts", JSON.stringify(kept));
  }
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

// The answer to a sent form: follow its redirect, or show the page it answered with.
function land(response) {
  if (response.redirected) {
    window.location.assign(response.url);
    return Promise.resolve();
  }
  return response.text().then(function (html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var receipt = page.querySelector("[data-receipt]");
    if (receipt) rememberReceipt(receipt.getAttribute("data-receipt"));
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
  });
}

function flush() {
  if (!navigator.onLine) return Promise.resolve();
  return waiting().then(function (items) {
    return items.reduce(function (chain, item) {
      return chain.then(function () {
        return post(item).then(function (response) {
          if (response.status >= 500) return;  // the server is down: try again later
          return forget(item.key).then(function () {
            return response.text().then(function (html) {
              var receipt = new DOMParser().parseFromString(html, "text/html")
                .querySelector("[data-receipt]");
              if (receipt) rememberReceipt(receipt.getAttribute("data-receipt"));
            });
          });
        }, function () { /* still no signal */ });
      });
    }, Promise.resolve());
  }).then(function () {
    return waiting().then(function (left) {
      if (!left.length) showPending("");
    });
  });
}

function position(form) {
  if (!form.hasAttribute("data-checkin") || !navigator.geolocation) return Promise.resolve();
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
  if (form.elements.captured_at) form.elements.captured_at.value = new Date().toISOString();
  var button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  position(form).then(function () {
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
    var key = form.elements.idempotency_key ? form.elements.idempotency_key.value : String(Date.now());
    var item = { key: key, action: form.action, fields: fields, at: Date.now() };
    return post(item).then(function (response) {
      if (response.status >= 500) throw new Error("server");
      return land(response);
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

document.addEventListener("DOMContentLoaded", function () {
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
  if (window.indexedDB) {
    waiting().then(function (items) {
      var box = document.querySelector("[data-pending]");
      if (items.length && box) showPending(box.getAttribute("data-waiting") + " " + items.length);
      flush();
    });
  }
});
