// Search-as-you-type for the pickers of ecoles/pickers.py. Without this file the search
// box is a plain GET form that reloads the page; with it, typing refills the select.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.querySelectorAll("form.picker-search").forEach(function (box) {
    var select = document.getElementById(box.dataset.pickerFor);
    var input = box.querySelector("input[type=search]");
    var hint = document.getElementById(box.dataset.pickerFor + "_hint");
    if (!select || !input || !select.dataset.pickerUrl) return;
    var timer = null;
    var asked = 0;
    function refill(results) {
      var keep = select.value;
      var kept = keep ? select.querySelector("option[value='" + CSS.escape(keep) + "']") : null;
      var empty = select.querySelector("option[value='']");
      select.innerHTML = "";
      if (empty) select.appendChild(empty);
      if (kept) select.appendChild(kept);
      results.forEach(function (r) {
        if (String(r.id) === keep) return;
        var option = document.createElement("option");
        option.value = r.id;
        option.textContent = r.label;
        select.appendChild(option);
      });
      if (!kept && results.length === 1) select.value = String(results[0].id);
      if (hint) hint.textContent = results.length ? select.dataset.pickerFound.replace("%s", results.length) : select.dataset.pickerNone;
    }
    function ask() {
      var n = ++asked;
      fetch(select.dataset.pickerUrl + "?q=" + encodeURIComponent(input.value), {
        headers: { "Accept": "application/json" }, credentials: "same-origin",
      })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (n === asked) refill(data.results); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      ask();
      select.focus();
    });
  });
})();
