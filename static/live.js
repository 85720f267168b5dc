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

// The heatmap on a phone or with a keyboard: regions become focusable (all of them on a map of a
// few countries, those with reports on a map of Europe), and focusing or tapping one shows its
// title ("Lombardy: 12 reports") in the line under the map. Delegated, so a refreshed map works too.
(function () {
  "use strict";
  var MAX_ALL = 80;

  function enhance() {
    var paths = document.querySelectorAll(".map .heatmap path:not([tabindex])");
    var all = document.querySelectorAll(".map .heatmap g[class^='l'] path").length <= MAX_ALL;
    paths.forEach(function (p) {
      var group = p.parentNode && p.parentNode.getAttribute("class");
      if (!group || !/^l[0-4]$/.test(group)) return;
      if (all || group !== "l0") p.setAttribute("tabindex", "0");
    });
  }

  function show(path) {
    var out = document.getElementById("map-focus");
    var title = path.querySelector("title");
    if (!out || !title) return;
    document.querySelectorAll(".heatmap path.picked").forEach(function (p) { p.classList.remove("picked"); });
    path.classList.add("picked");
    out.textContent = title.textContent;
  }

  function picked(e) {
    var t = e.target;
    if (t && t.matches && t.matches(".map .heatmap path[tabindex]")) show(t);
  }

  enhance();
  document.addEventListener("focusin", picked);
  document.addEventListener("click", picked);
  // After a live refresh swapped the map in.
  new MutationObserver(enhance).observe(document.body, { childList: true, subtree: true });
})();
