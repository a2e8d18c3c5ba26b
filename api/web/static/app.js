// langnghe staff pages: progressive enhancement only; every page works without JavaScript.
(function () {
  "use strict";
  // A "select all" checkbox ticks every case checkbox of the same form.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      var form = all.form;
      if (!form) { return; }
      form.querySelectorAll("input[name=keys]").forEach(function (box) { box.checked = all.checked; });
    });
  });
  // Buttons with data-confirm ask before an action that is hard to undo (merge).
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
