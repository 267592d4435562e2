// The reply box (issue 16): Ctrl+Enter (⌘+Enter on a Mac) sends the pane being written in, and what is
// written survives a reload. Drafts live in localStorage under the user, the ticket and the pane, so one is
// never restored into another ticket or for another person on a shared computer. A draft is dropped when the
// page after the send says that pane's message went out (data-sent, one-shot from the server); a refused send
// re-renders the form with its text, which wins over the stored draft. Drafts older than a week are ignored.
(function () {
  "use strict";
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;
  var root = document.querySelector("[data-composer]");
  if (!root) return;
  var ticket = root.getAttribute("data-ticket");
  var user = root.getAttribute("data-user");
  var sent = root.getAttribute("data-sent") || "";

  function key(pane) { return "helpdesk:draft:u" + user + ":t" + ticket + ":" + pane; }

  // localStorage may be missing or full (private windows, quotas): a draft is a convenience, never an error.
  function load(pane) {
    try {
      var raw = window.localStorage.getItem(key(pane));
      if (!raw) return "";
      var draft = JSON.parse(raw);
      if (!draft || typeof draft.text !== "string" || Date.now() - (draft.at || 0) > MAX_AGE_MS) return "";
      return draft.text;
    } catch (error) { return ""; }
  }
  function save(pane, text) {
    try {
      if (text.trim()) window.localStorage.setItem(key(pane), JSON.stringify({ text: text, at: Date.now() }));
      else window.localStorage.removeItem(key(pane));
    } catch (error) { /* no storage: nothing kept */ }
  }

  function send(form) {
    var body = form.querySelector("textarea[name=body]");
    var files = form.querySelector("input[type=file]");
    var hasFiles = !!(files && files.files && files.files.length);
    // Nothing to send: neither text nor a file (a photo alone is a message, as the buttons allow).
    if (body && !body.value.trim() && !hasFiles) { body.focus(); return; }
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  Array.prototype.forEach.call(root.querySelectorAll("form.pane"), function (form) {
    var pane = form.id;
    var body = form.querySelector("textarea[name=body]");
    if (!body) return;
    if (sent === pane) save(pane, "");
    if (body.value.trim()) {
      save(pane, body.value); // the server kept the text of a refused send: that is the draft now
    } else {
      var draft = load(pane);
      if (draft) {
        body.value = draft;
        body.setAttribute("data-draft-restored", "");
        // Tools that follow the text (the wording check) hear about it as if it had been typed.
        body.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    body.addEventListener("input", function () { save(pane, body.value); });
    // Only Ctrl/⌘+Enter, only inside this form: every other key is left to the page and the tools.
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      if (event.isComposing) return; // an IME (拼音) is still composing: Enter belongs to it
      event.preventDefault();
      send(form);
    });
  });
})();
