"""The graduate's wallet side: the ministry's wallet-facing issuer, and a holder agent.

Issuing to any wallet (served at the portal's origin by :mod:`shahada.wallet.web`):

- :mod:`shahada.wallet.claims`: a claim of the documents a graduate chose, its Interaction URL
  and its protocols, the OID4VCI pre-authorized code and transaction code, the token endpoint;
- :mod:`shahada.wallet.oid4vci`: OID4VCI 1.0 messages (metadata, offer, key proof check, errors);
- :mod:`shahada.wallet.credential_endpoint`: the OID4VCI nonce and credential endpoints;
- :mod:`shahada.wallet.sd_jwt_vc`: the diploma's SD-JWT VC copy, signed in the agent;
- :mod:`shahada.wallet.exchanges`: VC API exchanges (VCALM) with DID authentication.

A holder (ACA-Py as a cloud wallet):

- :mod:`shahada.wallet.agent`: the holder agent profile (DIDComm flags, the pinned contexts plugin);
- :mod:`shahada.wallet.controller`: accept an invitation, list and export credentials, answer a
  presentation request, build a VC API presentation for a challenge and a domain;
- :mod:`shahada.wallet.cli`: ``shahada wallet …``, the same operations from a terminal.
"""
