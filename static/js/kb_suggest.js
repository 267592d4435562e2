// Suggested articles on the ticket page: "Insert link" puts the article's title and public address into the
// reply box at the cursor (or at its end).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-insert]");
    if (!button) return;
    var box = document.querySelector("[data-testid=reply-body]");
    if (!box) return;
    var text = button.getAttribute("data-kb-title") + " " + button.getAttribute("data-kb-insert");
    var start = typeof box.selectionStart === "number" ? box.selectionStart : box.value.length;
    var end = typeof box.selectionEnd === "number" ? box.selectionEnd : box.value.length;
    if (document.activeElement !== box) start = end = box.value.length;
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    var lead = before && !/\s$/.test(before) ? " " : "";
    // A space after the address: what is typed or inserted next must not run into it (a chat app would take
    // "…/shipping-time/王小明您好" as one link).
    var tail = /^\s/.test(after) ? "" : " ";
    box.value = before + lead + text + tail + after;
    var caret = (before + lead + text + tail).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
