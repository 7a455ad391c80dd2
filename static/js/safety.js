// Team entry: choosing a machine asks the server at once who may use it that day (the
// "Check who may use it" button, which the page keeps for those without JavaScript).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-machine-pick]");
    if (!box) return;
    var select = box.querySelector("select");
    var check = document.querySelector("[data-machine-check]");
    if (!select || !check) return;
    select.addEventListener("change", function () {
      if (select.value) check.click();
    });
  });
})();
