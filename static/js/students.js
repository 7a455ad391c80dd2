// Pupils' pages, progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // "Add another guardian": clone the formset's empty form (Django's __prefix__ trick).
  var addButton = document.getElementById("add-guardian");
  var template = document.getElementById("guardian-empty-form");
  var container = document.getElementById("guardian-forms");
  var total = document.getElementById("id_guardians-TOTAL_FORMS");
  if (addButton && template && container && total) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      container.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = container.lastElementChild.querySelector("select, input");
      if (first) { first.focus(); }
    });
  }

  // A contract type only goes with employment: show it only then.
  function bindContract(destinationId, contractId) {
    var destination = document.getElementById(destinationId);
    var contract = document.getElementById(contractId);
    if (!destination || !contract) { return; }
    var field = contract.closest(".field");
    function update() {
      var employed = destination.value === "employment";
      if (field) { field.hidden = !employed; }
      if (!employed) { contract.value = ""; }
    }
    destination.addEventListener("change", update);
    update();
  }
  bindContract("id_destination_6m", "id_contract_6m");
  bindContract("id_destination_12m", "id_contract_12m");

  // The programme's title is required for "other": say so as soon as it is chosen.
  var programme = document.getElementById("id_programme");
  var title = document.getElementById("id_programme_title");
  if (programme && title) {
    var syncTitle = function () { title.required = programme.value === "other"; };
    programme.addEventListener("change", syncTitle);
    syncTitle();
  }

  // The indicators' year picker shows the chosen year at once.
  var year = document.querySelector(".year-picker select");
  if (year) {
    year.addEventListener("change", function () { year.form.submit(); });
  }
})();
