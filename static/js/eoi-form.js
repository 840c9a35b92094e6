// The EOI form while typing: live word counts, and autosave that never blocks the page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = form.querySelector("[data-save-status]");
  var lang = document.documentElement.lang;
  var text = lang === "fr"
    ? { words: " / {limit} mots", over: "Trop long de {n} mots", saving: "Enregistrement…", offline: "Pas encore enregistré : nouvel essai dans un instant" }
    : { words: " / {limit} words", over: "{n} words too many", saving: "Saving…", offline: "Not saved yet: trying again shortly" };

  function countWords(value) {
    var trimmed = value.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  form.querySelectorAll("[data-word-limit]").forEach(function (field) {
    var limit = parseInt(field.getAttribute("data-word-limit"), 10);
    var counter = document.createElement("div");
    counter.className = "word-count small";
    counter.id = field.id + "-count";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var words = countWords(field.value);
      counter.textContent = words + text.words.replace("{limit}", limit);
      if (words > limit) counter.textContent += " · " + text.over.replace("{n}", words - limit);
      counter.classList.toggle("text-danger", words > limit);
      field.classList.toggle("is-invalid", words > limit);
    }
    field.addEventListener("input", update);
    update();
  });

  var timer = null;
  var inFlight = false;
  var pending = false;
  var submitter = null;  // a button pressed while a save was on its way

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function save() {
    if (inFlight) { pending = true; return; }
    inFlight = true;
    pending = false;
    status.textContent = text.saving;
    var data = new FormData(form);
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      inFlight = false;
      if (result.ok) {
        form.querySelector("input[name=version]").value = result.body.version;
        status.textContent = result.body.message;
        // Answers the server refused (too long, not a number…) are not saved yet: say so.
        status.classList.toggle("text-danger", Object.keys(result.body.errors).length > 0);
        if (submitter) { var button = submitter; submitter = null; form.requestSubmit(button); }
        else if (pending) schedule(500);
      } else {
        // A conflict or a closed deadline: say so, keep the text, stop saving.
        status.textContent = result.body.error;
        status.classList.add("text-danger");
      }
    }).catch(function () {
      inFlight = false;
      status.textContent = text.offline;
      schedule(10000);
    });
  }

  form.addEventListener("input", function () { schedule(1500); });
  form.addEventListener("change", function () { schedule(800); });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {
      // Send the page once the save on its way has answered, with the version it returned.
      event.preventDefault();
      submitter = event.submitter || null;
    }
  });
})();
