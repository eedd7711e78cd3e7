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
