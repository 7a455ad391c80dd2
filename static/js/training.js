// Progressive enhancement for the time pages: "select all" pupils, custom times shown
// only when the "Other times" slot is chosen. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picks]").forEach(function (box) {
      var all = box.querySelector("[data-select-all]");
      if (!all) return;
      var boxes = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]:not([data-select-all])"));
      var sync = function () { all.checked = boxes.length > 0 && boxes.every(function (b) { return b.checked; }); };
      all.addEventListener("change", function () { boxes.forEach(function (b) { b.checked = all.checked; }); });
      boxes.forEach(function (b) { b.addEventListener("change", sync); });
      sync();
    });
    var times = document.querySelector("[data-custom-times]");
    var radios = document.querySelectorAll("input[name=slot]");
    if (times && radios.length) {
      var update = function () {
        var custom = document.querySelector("input[name=slot][value=custom]");
        times.classList.toggle("is-hidden", !(custom && custom.checked));
      };
      radios.forEach(function (r) { r.addEventListener("change", update); });
      update();
    }
  });
})();
