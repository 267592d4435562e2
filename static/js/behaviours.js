// Small behaviours declared in the markup, in place of inline handlers (onchange=, onclick=), which the
// Content-Security-Policy forbids:
//   <select data-autosubmit>        submits its form when the choice changes (a <noscript> button stays as fallback);
//   <input data-select-on-click>    selects its whole text on a click, ready to copy (tracking and survey links).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    var field = event.target;
    if (field.matches && field.matches("input[data-select-on-click]")) field.select();
  });
})();
