"""The graduate's side: a holder agent (ACA-Py as a cloud wallet) and its controller.

- :mod:`shahada.wallet.agent`: the holder agent profile (DIDComm flags, the pinned contexts plugin);
- :mod:`shahada.wallet.controller`: accept an invitation, list and export credentials, answer a
  presentation request, build a VC API presentation for a challenge and a domain;
- :mod:`shahada.wallet.cli`: ``shahada wallet …``, the same operations from a terminal.
"""
