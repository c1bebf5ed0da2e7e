"""The ministry's "wallet profile": the VC Data Model 1.1 copy of a baccalaureate credential that
DIDComm wallets hold, and its normalisation back to the canonical VC 2.0 form the ministry archives.

Why a 1.1 copy: ACA-Py's present-proof 2.0 (DIF Presentation Exchange) builds VC 1.1 presentations
(``https://www.w3.org/2018/credentials/v1`` first), and a VC 2.0 credential cannot be embedded in
one: the 2.0 context redefines terms the 1.1 context protects (JSON-LD 1.1 §4.1.11 "Protected Term
Definitions"), so expansion fails. The copy states the same things in VC 1.1 terms:

- ``@context``: ``https://www.w3.org/2018/credentials/v1`` first (1.1 §4.1), then the
  baccalaureate context, the ministry's ``wallet-vcdm1`` context (``JsonSchema`` and
  ``BitstringStatusListEntry`` with their VC 2.0 IRIs) and the Ed25519Signature2020 suite context;
- ``issuanceDate`` for ``validFrom`` (1.1 §4.6), ``expirationDate`` for ``validUntil`` (§4.8);
- ``credentialStatus``: one object, the revocation entry (§4.9; ACA-Py holders refuse a list);
- ``credentialSubject``: the same, plus ``id``, the holder's DID (§4.4), which a presentation
  binds to its signer;
- the proof: Ed25519Signature2020 by the ministry's key.

``id``, ``type``, ``issuer``, ``name``, ``description`` and ``credentialSchema`` are the same
(``name`` and ``description`` are defined for VC 1.1 by the baccalaureate context).

:func:`canonical_vc2` maps a 1.1 copy back to the 2.0 form so that the bundled JSON Schema
(VC DM 2.0 §5.4 "Data Schemas") checks exactly what it checks on the archived credential, and so
that a copy can be compared with the ministry's records. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shahada.schemas.credential import CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, WALLET_VCDM1_CONTEXT

__all__ = [
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "WALLET_CONTEXT",
    "canonical_vc2",
    "is_vc1",
    "signed_content",
]

# one definition of each URL, shared with the builder of wallet copies (shahada.schemas.credential)
VC_V1_CONTEXT: Final = CREDENTIALS_V1_CONTEXT
VC_V2_CONTEXT: Final = CREDENTIALS_V2_CONTEXT
WALLET_CONTEXT: Final = WALLET_VCDM1_CONTEXT
_RENAMED: Final = {"issuanceDate": "validFrom", "expirationDate": "validUntil"}
_CONTENT: Final = ("id", "type", "issuer", "name", "description", "credentialSchema", "credentialSubject", "validFrom", "validUntil")


def is_vc1(credential: Mapping[str, Any]) -> bool:
    """Whether ``credential``'s first ``@context`` is the VC 1.1 one."""
    contexts = credential.get("@context")
    return isinstance(contexts, list) and bool(contexts) and contexts[0] == VC_V1_CONTEXT


def canonical_vc2(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical VC 2.0 form of a credential (a new dict; the input is not changed).

    A VC 1.1 credential (first ``@context`` the 1.1 one) is normalised:

    1. ``@context``: the first entry becomes the VC 2.0 context and the ``wallet-vcdm1`` context is
       dropped (VC 2.0 defines its terms); the other entries keep their order;
    2. ``issuanceDate`` → ``validFrom`` and ``expirationDate`` → ``validUntil`` (same values);
    3. a single ``credentialStatus`` object → a one-element list;
    4. ``credentialSubject.id`` is removed (the holder binding is a presentation's business, and
       the archived credential names no holder DID).

    Everything else, ``proof`` included, is carried over as it is. Anything else — a VC 2.0
    credential, or no VC at all — is returned as a shallow copy, unchanged.
    """
    if not is_vc1(credential):
        return dict(credential)
    contexts = [c for c in credential["@context"][1:] if c != WALLET_CONTEXT]
    normalised: dict[str, Any] = {"@context": [VC_V2_CONTEXT, *contexts]}
    for key, value in credential.items():
        if key == "@context":
            continue
        if key == "credentialStatus" and isinstance(value, Mapping):
            value = [value]
        elif key == "credentialSubject" and isinstance(value, Mapping):
            value = {k: v for k, v in value.items() if k != "id"}
        normalised[_RENAMED.get(key, key)] = value
    return normalised


def signed_content(credential: Mapping[str, Any]) -> dict[str, Any]:
    """What a credential says, whatever its version or proof: the members of the canonical VC 2.0
    form that state facts (``id``, ``type``, ``issuer``, ``name``, ``description``,
    ``credentialSchema``, ``credentialSubject`` without its ``id``, ``validFrom``, ``validUntil``).

    A wallet copy and the archived credential it was made from have equal ``signed_content``;
    ``@context``, ``credentialStatus`` and ``proof`` are left out (they differ by construction).
    """
    canonical = canonical_vc2(credential)
    subject = canonical.get("credentialSubject")
    if isinstance(subject, Mapping):
        canonical["credentialSubject"] = {k: v for k, v in subject.items() if k != "id"}
    return {key: canonical[key] for key in _CONTENT if key in canonical}
