// Live notifications: the bell's unread count and a short message for each new notification, without a
// reload. An EventSource follows /notifications/stream/ (the server ends it every minute or so and the
// browser reconnects, resuming after the last event id). Where EventSource is missing or keeps failing, the
// summary endpoint is polled every 20 s instead. Texts come translated from the server; labels from the page.
(function () {
  "use strict";
  var POLL_MS = 20000;          // the polling fallback
  var RETRY_STREAM_MS = 300000; // while polling, try the stream again now and then
  var MAX_FAILURES = 3;         // connection errors in a row, without a message between, before polling
  var HIDDEN_CLOSE_MS = 30000;  // a hidden tab lets its connection go (browsers allow few per server)
  var TOAST_MS = 12000;
  var MAX_TOASTS = 3;

  var bell, region, lastId = 0, source = null, failures = 0;
  var pollTimer = null, retryTimer = null, hiddenTimer = null;

  function setState(state) { bell.setAttribute("data-live", state); }

  function setCount(unread) {
    var badge = bell.querySelector(".bell-count");
    if (unread > 0) {
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "bell-count";
        badge.setAttribute("data-testid", "unread-count");
        bell.appendChild(badge);
      }
      badge.textContent = String(unread);
    } else if (badge) {
      badge.parentNode.removeChild(badge);
    }
  }

  function removeToast(toast) {
    if (toast.parentNode) toast.parentNode.removeChild(toast);
  }

  function showToast(item) {
    var toast = document.createElement("div");
    toast.className = "toast" + (/^[\w-]+$/.test(item.verb || "") ? " toast-" + item.verb : "");
    toast.setAttribute("data-testid", "notification-toast");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", region.getAttribute("data-dismiss-label") || "Dismiss");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { removeToast(toast); });
    toast.appendChild(link);
    toast.appendChild(close);
    region.appendChild(toast);
    while (region.children.length > MAX_TOASTS) removeToast(region.firstElementChild);
    // Stays while pointed at or focused, so it can be read and followed at one's own pace.
    var timer = setTimeout(function () { removeToast(toast); }, TOAST_MS);
    function hold() { clearTimeout(timer); }
    function release() { timer = setTimeout(function () { removeToast(toast); }, TOAST_MS / 2); }
    toast.addEventListener("mouseenter", hold);
    toast.addEventListener("focusin", hold);
    toast.addEventListener("mouseleave", release);
    toast.addEventListener("focusout", release);
  }

  function apply(payload) {
    if (!payload || typeof payload.unread !== "number") return;
    if (typeof payload.last_id === "number" && payload.last_id > lastId) lastId = payload.last_id;
    setCount(payload.unread);
    (payload.items || []).slice(-MAX_TOASTS).forEach(showToast);
  }

  // --- polling fallback -------------------------------------------------------------------------------
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", bell.getAttribute("data-summary-url") + "?after=" + lastId);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status === 401 || request.status === 403) { stop(); setState("off"); return; }
      if (request.status === 200) {
        try { apply(JSON.parse(request.responseText)); } catch (error) { /* a broken answer: next poll */ }
      }
    };
    request.send();
  }

  function startPolling() {
    setState("polling");
    if (!pollTimer) { poll(); pollTimer = setInterval(poll, POLL_MS); }
    if (window.EventSource && !retryTimer) {
      retryTimer = setTimeout(function () { retryTimer = null; connect(); }, RETRY_STREAM_MS);
    }
  }

  // --- the stream -------------------------------------------------------------------------------------
  function connect() {
    if (!window.EventSource) { startPolling(); return; }
    if (source) return;
    failures = 0;
    source = new EventSource(bell.getAttribute("data-stream-url") + "?after=" + lastId);
    source.onmessage = function (event) {
      failures = 0;
      if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
      setState("stream");
      try { apply(JSON.parse(event.data)); } catch (error) { /* ignore one bad event */ }
    };
    source.onerror = function () {
      // The server ends every stream after a while and EventSource reconnects by itself; only errors with
      // no message in between (or a refused connection, which closes it) mean the stream does not work.
      failures += 1;
      if (source && (source.readyState === EventSource.CLOSED || failures >= MAX_FAILURES)) {
        source.close();
        source = null;
        startPolling();
      }
    };
  }

  function stop() {
    if (source) { source.close(); source = null; }
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
  }

  function onVisibility() {
    if (document.hidden) {
      if (!hiddenTimer) hiddenTimer = setTimeout(function () { hiddenTimer = null; stop(); setState("paused"); }, HIDDEN_CLOSE_MS);
    } else {
      if (hiddenTimer) { clearTimeout(hiddenTimer); hiddenTimer = null; }
      if (!source && !pollTimer) connect();  // resumes after lastId: what came meanwhile is shown now
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    bell = document.querySelector(".bell[data-stream-url]");
    region = document.querySelector(".toasts");
    if (!bell || !region) return;
    lastId = parseInt(bell.getAttribute("data-after") || "0", 10) || 0;
    document.addEventListener("visibilitychange", onVisibility);
    if (document.hidden) setState("paused"); else connect();
  });
})();
