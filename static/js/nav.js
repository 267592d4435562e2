// The top bar's menu on narrow screens: the button folds and unfolds it. Escape or a click outside folds it.
// Without script the menu is simply always open (the CSS folds it only under html.js).
(function () {
  "use strict";
  var bar = document.querySelector(".topbar");
  var toggle = bar && bar.querySelector(".nav-toggle");
  if (!toggle) return;
  function setOpen(open) {
    bar.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  toggle.addEventListener("click", function () { setOpen(!bar.classList.contains("nav-open")); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && bar.classList.contains("nav-open")) { setOpen(false); toggle.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!bar.contains(event.target)) setOpen(false);
  });
})();
