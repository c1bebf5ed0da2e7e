// The OpenID4VP request page: ask the service every two seconds whether the wallet answered,
// and reload the page (which then shows the verdict) when it has. Stops after ten minutes.
(function () {
  var waiting = document.querySelector("[data-result]");
  if (!waiting) { return; }
  var url = waiting.getAttribute("data-result");
  var tries = 0;
  function poll() {
    tries += 1;
    if (tries > 300) { return; }
    fetch(url, {headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : {state: "gone"}; })
      .then(function (body) {
        if (body.state === "answered" || body.state === "gone") { window.location.reload(); }
        else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 2000);
})();
