// The article editor's related-articles picker: "Add" puts the article's number into the related field.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-add]");
    if (!button) return;
    var field = document.querySelector(".kb-related");
    if (!field) return;
    var id = button.getAttribute("data-kb-add");
    var ids = field.value.split(/[,，\s]+/).filter(Boolean);
    if (ids.indexOf(id) === -1) ids.push(id);
    field.value = ids.join(", ");
    button.disabled = true;
  });
})();
