// The EOI form while typing: live word counts, and autosave that never blocks the page.
// Its words come from the JavaScript catalogue (gettext, ngettext, interpolate: base.html).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = form.querySelector("[data-save-status]");

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
      counter.textContent = interpolate(
        ngettext("%(count)s / %(limit)s word", "%(count)s / %(limit)s words", limit),
        { count: words, limit: limit }, true);
      if (words > limit) {
        counter.textContent += " · " + interpolate(
          ngettext("%(count)s word too many", "%(count)s words too many", words - limit),
          { count: words - limit }, true);
      }
      counter.classList.toggle("text-danger", words > limit);
      field.classList.toggle("is-invalid", words > limit);
    }
    field.addEventListener("input", update);
    update();
  });

  var timer = null;  // a save waiting for a pause in the typing
  var inFlight = false;
  var pending = false;
  var submitter = null;  // a button pressed while a save was on its way
  var leaveTo = null;  // a link followed before the typing was saved
  var leaveUnsaved = null;  // such a link whose save failed

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function stayWithTheText() {  // after a failed save, a link followed waits for a second click
    if (leaveTo) leaveUnsaved = leaveTo;
    leaveTo = null;
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (inFlight) { pending = true; return; }
    inFlight = true;
    pending = false;
    status.textContent = gettext("Saving…");
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
        else if (pending) schedule(leaveTo ? 0 : 500);
        else if (leaveTo) window.location.assign(leaveTo);
      } else {
        // A conflict or a closed deadline: say so, keep the text, stop saving.
        stayWithTheText();
        status.textContent = result.body.error;
        status.classList.add("text-danger");
      }
    }).catch(function () {
      inFlight = false;
      stayWithTheText();
      status.textContent = gettext("Not saved yet: trying again shortly");
      schedule(10000);
    });
  }

  // Typing not yet saved when the page goes away (the back button, the tab closed, another
  // address) or out of sight (the phone put to sleep, another app): sent at once. keepalive
  // lets the request outlive the page; its answer is only read if the page is still there.
  function saveNow() {
    if (timer === null || inFlight) return;
    clearTimeout(timer);
    timer = null;
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: true,
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) { return response.json(); }).then(function (body) {
      if (body.version) form.querySelector("input[name=version]").value = body.version;
      if (body.message) status.textContent = body.message;
    }).catch(function () { schedule(10000); });
  }
  window.addEventListener("pagehide", saveNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") saveNow();
  });

  form.addEventListener("input", function () { schedule(1500); });
  form.addEventListener("change", function () { schedule(800); });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    timer = null;
    if (inFlight) {
      // Send the page once the save on its way has answered, with the version it returned.
      event.preventDefault();
      submitter = event.submitter || null;
    }
  });
  // A link followed while typing waits for its save (a save the page never sends is text lost).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || (timer === null && !inFlight)) return;
    if (link.href === leaveUnsaved) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if (link.target || link.hasAttribute("download") || link.origin !== window.location.origin) return;
    if (link.pathname === window.location.pathname && link.hash) return;  // within the page
    event.preventDefault();
    leaveTo = link.href;
    if (!inFlight) save();
  });
})();
