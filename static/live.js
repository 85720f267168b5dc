// Live refresh: every 60 s while the tab is visible, fetch this page again and swap in the parts
// marked `data-live` (status, chart, tables, lists). Forms are never touched, so nothing typed is
// lost. Without JavaScript the page is complete; it is just not refreshed.
(function () {
  "use strict";
  var PERIOD_MS = 60000;
  // Notices after a form (thank-you notes) belong to one view, not to the refreshed page.
  var ONCE = ["reported", "counted", "commented"];

  function refresh() {
    var url = new URL(window.location.href);
    ONCE.forEach(function (p) { url.searchParams.delete(p); });
    url.hash = "";
    // no-cache: revalidate with the page's ETag, so an unchanged page costs a bodiless 304.
    return fetch(url.toString(), { cache: "no-cache", credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (!html) return 0;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var changed = 0;
        document.querySelectorAll("[data-live]").forEach(function (old) {
          var next = fresh.getElementById(old.id);
          if (next && next.innerHTML !== old.innerHTML) {
            old.innerHTML = next.innerHTML;
            old.className = next.className;
            changed += 1;
          }
        });
        return changed;
      })
      .catch(function () { return 0; });
  }

  function tick() {
    if (document.visibilityState === "visible") refresh();
  }

  if (!document.querySelector("[data-live]") || !window.fetch || !window.DOMParser) return;
  setInterval(tick, PERIOD_MS);
  document.addEventListener("visibilitychange", tick);
  // For tests and for the curious: `downtallyRefresh()` resolves to the number of parts updated.
  window.downtallyRefresh = refresh;
})();
