"""A university's side: ask a graduate's wallet for the baccalaureate and check the answer.

- :mod:`examples.university.definition`: the DIF Presentation Exchange definition (diploma, optionally the
  transcript, from a trusted ministry issuer, held by the presenter);
- :mod:`examples.university.agent`: the university's ACA-Py agent profile and controller: a present-proof
  2.0 request (out-of-band invitation with the request attached), and on receipt the checks of
  its own agent, of the project's verifier, and of a verifier service's VC API;
- :mod:`examples.university.oid4vp`: the same question asked with OpenID for Verifiable
  Presentations 1.0 (a QR code, request by reference, DCQL, direct_post), the answer verified in
  the university's process by the project's verifier library.
"""
