// Small enhancements on every page; each page works without them.
(function () {
  "use strict";
  // After a refused submission, start where the problems are listed (each links to its field).
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Keep "12 days, 5 hours left" current while the page stays open; the server wrote the first one.
  var clocks = document.querySelectorAll("[data-countdown]");
  if (!clocks.length) return;
  // Count on the server's clock: how far the visitor's is off was known when the page came.
  var loadedAt = Date.now();
  function serverNow(clock) {
    var sent = Date.parse(clock.getAttribute("data-now"));
    return isNaN(sent) ? Date.now() : sent + (Date.now() - loadedAt);
  }

  // The same words as the server's (submissions/templatetags/call_text.py), from the JavaScript
  // catalogue, whose plural rule is the language's: French puts 0 and 1 in the singular.
  function timeLeft(deadline, now) {
    var seconds = Math.max(0, Math.floor((deadline - now) / 1000));
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var text = {
      days: interpolate(ngettext("%(count)s day", "%(count)s days", days), { count: days }, true),
      hours: interpolate(ngettext("%(count)s hour", "%(count)s hours", hours), { count: hours }, true),
      minutes: interpolate(
        ngettext("%(count)s minute", "%(count)s minutes", minutes), { count: minutes }, true)
    };
    if (days) return hours ? interpolate(gettext("%(days)s, %(hours)s"), text, true) : text.days;
    if (hours) return minutes ? interpolate(gettext("%(hours)s, %(minutes)s"), text, true) : text.hours;
    return text.minutes;
  }

  function update() {
    clocks.forEach(function (clock) {
      var deadline = Date.parse(clock.getAttribute("data-countdown"));
      if (!isNaN(deadline)) clock.textContent = timeLeft(deadline, serverNow(clock));
    });
  }
  setInterval(update, 30000);
})();
