// A printed QR code whose verifier URL ends with "#": the seal is in the fragment, which the
// browser never sends. Move it into the query string, where the server verifies it.
(function () {
  var seal = window.location.hash.slice(1);
  if (/^[A-Za-z2-7]{16,}$/.test(seal)) {
    window.location.replace(window.location.pathname + "?seal=" + encodeURIComponent(seal));
  }
})();
