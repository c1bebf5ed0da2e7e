"""Who may sign with which key: the issuer must control the verification method.

VC Data Model 2.0 §4.7 ("Issuer") and VC Data Integrity 1.0 §4.2 ("Verify Proof", which requires
the verification method to be controlled by the expected controller): a verifier accepts a
credential only when the proof's verification method belongs to the credential's issuer. The agent
checks it before signing, so that it never produces a credential that claims one issuer and is
signed with another's key (ACA-Py's own ``/vc/di/add-proof`` signs any JSON with any wallet key).

A verification method is controlled by the document it is published in: ``<controller>#<key>``
(Controlled Identifiers 1.0 §2.2). For ``did:key`` the only key is the DID's own multikey
(``did:key:<mb>#<mb>``, The did:key Method v0.7 §3.1.2). Pure: the wallet side is ``keys.py``.
"""

from __future__ import annotations

from shahada.agent.plugin.data_integrity.errors import KeyRelationshipError, ProofRequestError
from shahada.did.document import split_did_url
from shahada.did.errors import InvalidDIDError

DID_KEY_PREFIX = "did:key:"


def controller_of(verification_method: str) -> str:
    """The controller of ``<controller>#<fragment>``.

    Raises:
        ProofRequestError (di.request): no fragment, or a malformed did:key URL.
        KeyRelationshipError (di.key_relationship): a did:key URL whose fragment is not its key.
    """
    base, sep, fragment = verification_method.partition("#")
    if not base or not sep or not fragment:
        raise ProofRequestError(f"verification method {verification_method!r} is not <controller>#<key-id>")
    if base.startswith(DID_KEY_PREFIX):
        try:
            did, fragment_ = split_did_url(verification_method)
        except InvalidDIDError as err:
            raise ProofRequestError(f"verification method: {err.message}") from err
        if fragment_ != did.removeprefix(DID_KEY_PREFIX):
            raise KeyRelationshipError(f"{verification_method} is not the key of {did} (did:key:<mb>#<mb>)")
    return base


def require_issuer_controls(issuer: str | None, verification_method: str) -> str:
    """Check that ``issuer`` (None: the document is not a credential) controls the method.

    Returns:
        The method's controller.

    Raises:
        ProofRequestError (di.request): a malformed verification method.
        KeyRelationshipError (di.key_relationship): the method is controlled by someone else.
    """
    controller = controller_of(verification_method)
    if issuer is not None and controller != issuer:
        raise KeyRelationshipError(
            f"the issuer {issuer} does not control {verification_method} (its controller is {controller})"
        )
    return controller
