// Progressive enhancement: the server shows deadlines in the call's time zone and in UTC, and in
// the visitor's own zone once it knows it. Here the browser tells it, and fills in this page.
(function () {
  "use strict";
  var COOKIE = "kmf_tz";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  if (!document.cookie.split("; ").some(function (c) { return c.indexOf(COOKIE + "=") === 0; })) {
    document.cookie = COOKIE + "=" + zone + "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: "full", timeStyle: "short", timeZone: zone
    });
    document.querySelectorAll("[data-local-time]").forEach(function (element) {
      var moment = new Date(element.getAttribute("data-local-time"));
      if (!isNaN(moment)) element.textContent = format.format(moment) + " (" + zone + ")";
    });
  });
})();
