// Collision detection on the ticket page: "Also viewing: 李雷", "李雷 is typing…", and a banner with a fresh
// timeline when someone else replies, the buyer writes or the status changes, without touching the reply
// being written. An EventSource follows /tickets/<id>/live/ (resuming after the last event id it saw); a
// heartbeat POSTs /tickets/<id>/viewing/ every 10 s and, throttled, while a reply is typed; leaving the page
// sends a beacon. The forms' hidden seen_event_id follows the timeline the page shows, so the server can
// refuse a reply written against an out-of-date page (the stale-reply guard).
(function () {
  "use strict";
  var HEARTBEAT_MS = 10000;
  var TYPING_THROTTLE_MS = 3000;
  var MAX_NEWS = 3;

  var root = document.getElementById("ticket-live");
  if (!root) return;
  var lastId = parseInt(root.getAttribute("data-after"), 10) || 0;
  var viewingUrl = root.getAttribute("data-viewing-url");
  var csrf = root.getAttribute("data-csrf") || "";
  var viewingLine = root.querySelector(".live-viewing");
  var typingLine = root.querySelector(".live-typing");
  var news = root.querySelector(".live-news");
  var source = null, lastTypingSent = 0, heartbeatTimer = null, refreshing = false, refreshAgain = false;

  function format(name, names) {
    var text = root.getAttribute("data-fmt-" + name) || "{names}";
    return text.replace("{names}", names.join(root.getAttribute("data-list-separator") || ", "));
  }

  function showPresence(viewers, typing) {
    viewingLine.textContent = viewers.length ? format("viewing", viewers) : "";
    typingLine.textContent = typing.length ? format(typing.length > 1 ? "typing-many" : "typing", typing) : "";
  }

  function showNews(items) {
    if (!items.length) return;
    var list = document.createElement("ul");
    items.slice(-MAX_NEWS).forEach(function (item) {
      var line = document.createElement("li");
      line.setAttribute("data-event-type", item.type);
      line.textContent = item.excerpt ? item.text + ": \u201c" + item.excerpt + "\u201d" : item.text;
      list.appendChild(line);
    });
    news.textContent = "";
    news.appendChild(list);
    news.classList.remove("hidden");
  }

  // The forms the guard protects say which events the page has shown: the timeline's newest.
  function markSeen() {
    var timeline = document.getElementById("ticket-timeline");
    var seen = timeline && timeline.getAttribute("data-last-event-id");
    if (!seen) return;
    Array.prototype.forEach.call(document.querySelectorAll("input[name=seen_event_id]"), function (input) {
      input.value = seen;
    });
  }

  function refreshTimeline() {
    // Only the timeline is swapped: the reply box, its text and its focus stay as they are.
    if (refreshing) { refreshAgain = true; return; }
    refreshing = true;
    var done = function () {
      refreshing = false;
      markSeen();
      if (refreshAgain) { refreshAgain = false; refreshTimeline(); }
    };
    var url = root.getAttribute("data-timeline-url");
    if (window.htmx && window.htmx.ajax) {
      window.htmx.ajax("GET", url, { target: "#ticket-timeline", swap: "outerHTML" }).then(done, done);
      return;
    }
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.onload = function () {
      var timeline = document.getElementById("ticket-timeline");
      if (request.status === 200 && timeline) timeline.outerHTML = request.responseText;
      done();
    };
    request.onerror = done;
    request.send();
  }

  function apply(payload) {
    if (!payload || !Array.isArray(payload.viewers)) return;
    showPresence(payload.viewers, payload.typing || []);
    var events = payload.events || [];
    if (typeof payload.last_event_id === "number" && payload.last_event_id > lastId) lastId = payload.last_event_id;
    if (!events.length) return;
    var others = events.filter(function (item) { return !item.mine; });
    showNews(others);
    refreshTimeline();
  }

  function connect() {
    if (!window.EventSource || source) return;
    source = new EventSource(root.getAttribute("data-live-url") + "?after=" + lastId);
    source.onmessage = function (event) {
      try { apply(JSON.parse(event.data)); } catch (error) { /* ignore one bad event */ }
    };
    source.onerror = function () {
      // EventSource reconnects by itself (the server says when); a refused stream (logged out, no longer
      // allowed to see the ticket) closes it for good.
      if (source && source.readyState === EventSource.CLOSED) { source = null; }
    };
  }

  function post(fields) {
    var body = new URLSearchParams(fields);
    body.append("csrfmiddlewaretoken", csrf);
    var request = new XMLHttpRequest();
    request.open("POST", viewingUrl);
    request.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    request.setRequestHeader("X-CSRFToken", csrf);
    request.send(body.toString());
  }

  function heartbeat() { post({ typing: "0" }); }

  function typed() {
    var now = Date.now();
    if (now - lastTypingSent < TYPING_THROTTLE_MS) return;
    lastTypingSent = now;
    post({ typing: "1" });
  }

  function leave() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("leave", "1");
    if (navigator.sendBeacon) navigator.sendBeacon(viewingUrl, data);
  }

  var reply = document.querySelector("#reply-pane textarea[name=body]");
  if (reply) reply.addEventListener("input", typed);
  window.addEventListener("pagehide", function () {
    leave();
    if (source) { source.close(); source = null; }
    if (heartbeatTimer) { clearInterval(heartbeatTimer); heartbeatTimer = null; }
  });
  window.addEventListener("pageshow", function (event) {
    // Back from the browser's cache: this page is open again.
    if (event.persisted) { heartbeat(); connect(); if (!heartbeatTimer) heartbeatTimer = setInterval(heartbeat, HEARTBEAT_MS); }
  });

  markSeen();
  heartbeat();
  heartbeatTimer = setInterval(heartbeat, HEARTBEAT_MS);
  connect();
})();
