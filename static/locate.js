// "Use my location" for the report form: only when the browser can, and only on click. The form
// works without it; the server rounds the position and derives the region from it.
(function () {
  var button = document.getElementById("locate");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("lat").value = pos.coords.latitude.toFixed(2);
      document.getElementById("lon").value = pos.coords.longitude.toFixed(2);
      document.getElementById("locate-note").textContent = button.getAttribute("data-done");
      button.disabled = true;
    }, function () {}, { maximumAge: 600000, timeout: 10000 });
  });
})();
