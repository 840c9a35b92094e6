// Small enhancements on every page; each page works without them.
(function () {
  "use strict";
  // After a refused submission, start where the problems are listed (each links to its field).
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Keep "12 days, 5 hours left" current while the page stays open; the server wrote the first one.
  var clocks = document.querySelectorAll("[data-countdown]");
  if (!clocks.length) return;
  var fr = document.documentElement.lang === "fr";
  var units = fr
    ? { day: ["jour", "jours"], hour: ["heure", "heures"], minute: ["minute", "minutes"] }
    : { day: ["day", "days"], hour: ["hour", "hours"], minute: ["minute", "minutes"] };

  function amount(count, unit) {
    // French puts 0 and 1 in the singular, English only 1.
    var singular = fr ? count < 2 : count === 1;
    return count + " " + units[unit][singular ? 0 : 1];
  }

  // Count on the server's clock: how far the visitor's is off was known when the page came.
  var loadedAt = Date.now();
  function serverNow(clock) {
    var sent = Date.parse(clock.getAttribute("data-now"));
    return isNaN(sent) ? Date.now() : sent + (Date.now() - loadedAt);
  }

  function timeLeft(deadline, now) {
    var seconds = Math.max(0, Math.floor((deadline - now) / 1000));
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    if (days) return amount(days, "day") + (hours ? ", " + amount(hours, "hour") : "");
    if (hours) return amount(hours, "hour") + (minutes ? ", " + amount(minutes, "minute") : "");
    return amount(minutes, "minute");
  }

  function update() {
    clocks.forEach(function (clock) {
      var deadline = Date.parse(clock.getAttribute("data-countdown"));
      if (!isNaN(deadline)) clock.textContent = timeLeft(deadline, serverNow(clock));
    });
  }
  setInterval(update, 30000);
})();
