// The agent's presence (workforce/views/presence.py): a heartbeat every 30 s with the seconds since the last
// keyboard, mouse or touch input, so an idle agent becomes away (小休) and an agent whose pages are all gone
// offline. When the heartbeat changed the status, the top-bar control is fetched again.
(function () {
  "use strict";
  var BEAT_MS = 30000;
  var lastInput = Date.now();

  function control() { return document.getElementById("presence-control"); }
  if (!control()) return;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function touched() { lastInput = Date.now(); }
  ["keydown", "mousemove", "pointerdown", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, touched, { passive: true, capture: true });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { touched(); beat(); }
  });

  function refresh() {
    var el = control();
    if (!el || !window.htmx) return;
    if (el.querySelector("details[open]")) return;  // the agent is choosing: leave the menu alone
    window.htmx.ajax("GET", el.getAttribute("data-url"), { target: "#presence-control", swap: "outerHTML" });
  }

  function beat() {
    var el = control();
    if (!el) return;
    var idle = Math.max(0, Math.round((Date.now() - lastInput) / 1000));
    var body = new URLSearchParams();
    body.set("idle_seconds", String(idle));
    fetch(el.getAttribute("data-heartbeat-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      var current = control();
      if (data && current && data.status !== current.getAttribute("data-status")) refresh();
    }).catch(function () { /* offline for a moment: the next beat tries again */ });
  }

  // A chosen status closes the menu (the control is replaced); a click elsewhere closes it too.
  document.addEventListener("click", function (event) {
    var menu = document.querySelector("#presence-control details[open]");
    if (menu && !menu.contains(event.target)) menu.removeAttribute("open");
  });

  beat();
  setInterval(beat, BEAT_MS);
})();
