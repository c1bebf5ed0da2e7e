// Shahada graduate portal. Without this script every page still works; with it, the wallet page
// follows the delivery's state, and a new share link is selected for copying.
(function () {
  "use strict";
  var FINAL = { delivered: true, failed: true };

  function follow(area) {
    var url = area.getAttribute("data-poll");
    var tries = 0;
    function show(state) {
      var label = area.getAttribute("data-label-" + state);
      if (!label) { return; }
      area.setAttribute("data-state", state);
      area.querySelector(".state-label").textContent = label;
    }
    function poll() {
      tries += 1;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body && typeof body.state === "string") { show(body.state); }
          if (!(body && FINAL[body.state]) && tries < 600) { window.setTimeout(poll, 3000); }
        })
        .catch(function () { if (tries < 600) { window.setTimeout(poll, 5000); } });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var area = document.querySelector("[data-poll]");
    if (area) { follow(area); }
    var created = document.getElementById("created-link");
    if (created) {
      created.addEventListener("focus", function () { created.select(); });
    }
  });
})();
