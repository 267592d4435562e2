// New-ticket form: show only the categories of the chosen kind. Categories are grouped by kind in the
// <select>; "Other" exists in every group, so the right group's option is selected after a re-render.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var kind = document.getElementById("id_kind"), category = document.getElementById("id_category");
    var labelsNode = document.getElementById("kind-labels");
    if (!kind || !category || !labelsNode) return;
    var labels = JSON.parse(labelsNode.textContent);
    function sync() {
      var wanted = labels[kind.value], keep = category.value, first = null, match = null;
      category.querySelectorAll("optgroup").forEach(function (group) {
        var show = group.label === wanted;
        group.hidden = !show;
        group.querySelectorAll("option").forEach(function (option) {
          option.disabled = !show;
          if (show && !first) first = option;
          if (show && option.value === keep) match = option;
        });
      });
      var chosen = match || first;
      if (chosen) chosen.selected = true;
    }
    kind.addEventListener("change", sync);
    sync();
  });
})();
