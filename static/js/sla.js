// Live SLA countdowns: every badge with data-due ticks without a reload. Labels come from the page
// (translated by Django), so the countdown speaks the user's language.
(function () {
  "use strict";
  function fmt(template, values) {
    return template.replace(/\{(\w)\}/g, function (_, key) { return values[key]; });
  }
  // The same wording as core.formatting.human_duration: 2d 3h, 1h 05m, 8m 05s, 8m, 45s.
  function duration(seconds, body) {
    seconds = Math.abs(Math.trunc(seconds));
    var d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600);
    var m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    if (d) return fmt(body.dataset.fmtDays, { d: d, h: h });
    if (h) return fmt(body.dataset.fmtHours, { h: h, m: (m < 10 ? "0" : "") + m });
    if (m && s) return fmt(body.dataset.fmtMinutesSeconds, { m: m, s: (s < 10 ? "0" : "") + s });
    if (m) return fmt(body.dataset.fmtMinutes, { m: m });
    return fmt(body.dataset.fmtSeconds, { s: s });
  }
  function tick() {
    var body = document.body, now = Date.now();
    document.querySelectorAll(".sla-badge[data-due]").forEach(function (badge) {
      var due = Date.parse(badge.dataset.due);
      if (isNaN(due)) return;
      var left = (due - now) / 1000, close = parseInt(badge.dataset.closeSeconds || "0", 10);
      var state = left <= 0 ? "overdue" : left <= close ? "close" : "on_time";
      badge.classList.remove("sla-on_time", "sla-close", "sla-overdue");
      badge.classList.add("sla-" + state);
      var t = duration(left, body);
      badge.textContent = fmt(state === "overdue" ? body.dataset.fmtOverdue : body.dataset.fmtLeft, { t: t });
    });
  }
  function tabs() {
    document.querySelectorAll(".composer-tabs .tab-btn").forEach(function (button) {
      button.addEventListener("click", function () {
        document.querySelectorAll(".composer-tabs .tab-btn").forEach(function (b) { b.classList.remove("active"); });
        document.querySelectorAll(".composer .pane").forEach(function (p) { p.classList.add("hidden"); });
        button.classList.add("active");
        document.getElementById(button.dataset.target).classList.remove("hidden");
      });
    });
  }
  function canonical() {
    // A refused form is shown at its action URL; show the page's own address so reload and links behave.
    var path = document.body.dataset.canonicalPath;
    if (path && window.history && history.replaceState) history.replaceState(null, "", path);
  }
  document.addEventListener("DOMContentLoaded", function () { canonical(); tabs(); tick(); setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSwap", tick);
})();
