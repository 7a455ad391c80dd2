// Progressive enhancement for the time pages: "select all" pupils (leaving out those
// already busy in the slot), custom times shown only when the "Other times" slot is
// chosen, and the busy notes of the team entry kept to the chosen slot. Every page works
// without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picks]").forEach(function (box) {
      var all = box.querySelector("[data-select-all]");
      if (!all) return;
      var boxes = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]:not([data-select-all])"));
      var free = function () { return boxes.filter(function (b) { return !b.hasAttribute("data-busy"); }); };
      var sync = function () {
        var pick = free();
        all.checked = pick.length > 0 && pick.every(function (b) { return b.checked; });
      };
      all.addEventListener("change", function () { free().forEach(function (b) { b.checked = all.checked; }); });
      boxes.forEach(function (b) { b.addEventListener("change", sync); });
      box.addEventListener("busy-changed", sync);
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
    busyNotes();
  });

  // The server wrote each pupil's activities of the day (data-from/data-to, minutes);
  // when the slot changes, show those that overlap it and mark who is busy then.
  function busyNotes() {
    var slots = document.querySelector("[data-slots]");
    var picks = document.querySelector("[data-picks]");
    var date = document.querySelector("input[name=date]");
    if (!slots || !picks) return;
    var minutes = function (text) {
      var m = /^(\d{1,2}):(\d{2})/.exec(text || "");
      return m ? Number(m[1]) * 60 + Number(m[2]) : null;
    };
    var span = function (text) {
      var parts = (text || "").split("-");
      return parts.length === 2 ? [Number(parts[0]), Number(parts[1])] : null;
    };
    var current = function () {
      if (date && slots.dataset.day && date.value !== slots.dataset.day) return null;
      var chosen = document.querySelector("input[name=slot]:checked");
      if (!chosen) return null;
      if (chosen.value === "custom") {
        var a = minutes((document.querySelector("input[name=start_time]") || {}).value);
        var b = minutes((document.querySelector("input[name=end_time]") || {}).value);
        return a !== null && b !== null && b > a ? [a, b] : null;
      }
      return span(slots.dataset[chosen.value]);
    };
    var refresh = function () {
      var slot = current();
      picks.querySelectorAll(".pick").forEach(function (label) {
        var input = label.querySelector("input[type=checkbox]");
        var notes = label.querySelectorAll(".busy-note");
        if (!input || input.hasAttribute("data-select-all")) return;
        var busy = false;
        notes.forEach(function (note) {
          var now = slot !== null && Number(note.dataset.from) < slot[1] && slot[0] < Number(note.dataset.to);
          note.hidden = !now;
          busy = busy || now;
        });
        if (busy) input.setAttribute("data-busy", "1"); else input.removeAttribute("data-busy");
        label.classList.toggle("is-busy", busy);
      });
      picks.dispatchEvent(new Event("busy-changed"));
    };
    document.querySelectorAll("input[name=slot], input[name=start_time], input[name=end_time], input[name=date]").forEach(function (input) {
      input.addEventListener("change", refresh);
    });
  }
})();
