// Takedown: live countdowns to data-due-at, and revealing blurred evidence on request. No dependencies.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return h > 0 ? h + "h" + pad(m) : m + ":" + pad(s % 60);
  }
  function tick() {
    var left = document.body.dataset.left || "{0} left", overdue = document.body.dataset.overdue || "overdue by {0}";
    document.querySelectorAll("[data-due-at]").forEach(function (el) {
      var ms = Date.parse(el.dataset.dueAt) - Date.now();
      el.textContent = (ms > 0 ? left : overdue).replace("{0}", span(ms));
      el.classList.toggle("overdue", ms <= 0);
    });
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("button[data-print]")) { window.print(); return; }
    var button = e.target.closest && e.target.closest("button.reveal");
    if (!button) return;
    var figure = button.closest(".evidence");
    var blurred = figure.classList.toggle("blurred");
    button.setAttribute("aria-pressed", blurred ? "false" : "true");
    button.textContent = blurred ? button.dataset.show : button.dataset.hide;
  });
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();
