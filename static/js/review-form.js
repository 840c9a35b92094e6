// The weighted total follows the scores as the reviewer picks them (the server computes the same).
(function () {
  "use strict";
  var output = document.querySelector("[data-running-total]");
  if (!output) return;
  var scale = parseInt(output.getAttribute("data-scale"), 10);
  var form = output.closest("form");
  function update() {
    var total = 0, scored = 0;
    form.querySelectorAll("input[type=radio][data-weight]:checked").forEach(function (input) {
      total += parseInt(input.getAttribute("data-weight"), 10) * (parseInt(input.value, 10) - 1) / (scale - 1);
      scored += 1;
    });
    output.textContent = scored ? total.toFixed(2) : "—";
  }
  form.addEventListener("change", update);
  update();
})();
