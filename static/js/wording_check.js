// Wording checks in the reply box (issue 16 point 6). While the agent types, the reply is sent (debounced) to
// the server's check, which runs every reply check (wording rules, and any other app's); each problem shows
// with its explanation and better wording. A blocking one (a forbidden rule) shows the "reason for sending
// anyway" field and holds a send without a reason. A blocking problem no reason passes (an unfilled canned-reply
// variable: "overridable" false) is labelled "change before sending", hides that field (a reason would not help)
// and holds the send. The server checks again on send: this is only a guide.
(function () {
  "use strict";
  var DEBOUNCE_MS = 400;
  var box = document.querySelector("[data-wording-check]");
  if (!box) return;
  var form = box.closest("form");
  if (!form) return;
  var body = form.querySelector("textarea[name=body]");
  var list = box.querySelector(".wording-problems");
  var override = form.querySelector("[data-composer-override]");
  var reason = override && override.querySelector("input[name=override_reason]");
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var timer = null, sequence = 0, blocking = false, mustChange = null, lastText = null;

  function show(result) {
    var problems = (result && result.problems) || [];
    mustChange = null;
    problems.forEach(function (problem) {
      if (problem.blocking && problem.overridable === false && !mustChange) mustChange = problem.message;
    });
    blocking = !mustChange && !!(result && result.blocking);
    list.textContent = "";
    problems.forEach(function (problem) {
      var fixed = problem.blocking && problem.overridable === false;
      var item = document.createElement("li");
      item.className = problem.blocking ? "wording-blocking" : "wording-warning";
      item.setAttribute("data-testid", fixed ? "reply-must-change" : problem.blocking ? "wording-blocking" : "wording-warning");
      var label = document.createElement("strong");
      label.textContent = box.getAttribute(
        fixed ? "data-label-must-change" : problem.blocking ? "data-label-blocking" : "data-label-warning"
      ) + " ";
      item.appendChild(label);
      item.appendChild(document.createTextNode(problem.message));
      list.appendChild(item);
    });
    list.classList.toggle("hidden", problems.length === 0);
    if (override) {
      // Shown for a blocking problem, or while a reason typed earlier is still there (the server ignores it then).
      override.classList.toggle("hidden", !blocking && !(reason && reason.value.trim()));
    }
  }

  function check() {
    var text = body.value.trim();
    if (text === lastText) return;
    lastText = text;
    if (!text) { show(null); return; }
    var mine = ++sequence;
    var data = new URLSearchParams();
    data.append("body", text);
    fetch(box.getAttribute("data-check-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString(),
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (mine === sequence && result) show(result); // an older answer never replaces a newer one
    }).catch(function () { /* offline: the server checks on send */ });
  }

  body.addEventListener("input", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  });
  form.addEventListener("submit", function (event) {
    // A reply the page knows no reason passes is held (the canned-reply picker marks its own markers too).
    if (mustChange) {
      event.preventDefault();
      body.setCustomValidity(mustChange);
      body.reportValidity();
      body.focus();
      return;
    }
    // A reply the page knows is blocked goes out only with a reason (the server would refuse it anyway).
    if (blocking && reason && !reason.value.trim()) {
      event.preventDefault();
      override.classList.remove("hidden");
      reason.setCustomValidity(box.getAttribute("data-need-reason"));
      reason.reportValidity();
      reason.focus();
    }
  });
  if (reason) reason.addEventListener("input", function () { reason.setCustomValidity(""); });
  body.addEventListener("input", function () { body.setCustomValidity(""); mustChange = null; });
  if (body.value.trim()) check(); // a restored draft or a refused send's text
})();
