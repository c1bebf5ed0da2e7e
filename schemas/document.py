"""The shape every verifiable credential must have, whoever checks it: the issuer before signing,
the agent's plugin, the verifier. Pure functions over JSON; VC Data Model 1.1 §4 and 2.0 §4
("Basic Concepts": ``@context``, ``type``, ``issuer``, ``credentialSubject``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

from shahada.schemas.credential import CREDENTIALS_V1_CONTEXT as VC_V1_CONTEXT
from shahada.schemas.credential import CREDENTIALS_V2_CONTEXT as VC_V2_CONTEXT

MAX_DEPTH: Final = 64

Version = Literal["v1", "v2"]


def version_of(credential: Any) -> Version | None:
    """``v2``/``v1`` from the first ``@context`` entry, or None."""
    if not isinstance(credential, Mapping):
        return None
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else None
    return "v2" if first == VC_V2_CONTEXT else "v1" if first == VC_V1_CONTEXT else None


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def too_deep(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(node, Mapping):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


def structure_problem(credential: Any) -> str | None:
    """What keeps ``credential`` from having the shape of a VC (VC 2.0 §4 or VC 1.1 §4, the latter with
    its required ``issuanceDate``, §4.6; ``expirationDate``, §4.8, is optional), or None."""
    if not isinstance(credential, Mapping):
        return "the credential is not a JSON object"
    if too_deep(credential):
        return f"the credential is nested deeper than {MAX_DEPTH}"
    if version_of(credential) is None:
        return f"@context must be a list starting with {VC_V2_CONTEXT} or {VC_V1_CONTEXT}"
    types = credential.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        return "type must include VerifiableCredential"
    if issuer_id(credential) is None:
        return "issuer must be a URL or an object with an id"
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects or not all(isinstance(s, Mapping) and s for s in subjects):
        return "credentialSubject must be a non-empty object or list of them"
    if version_of(credential) == "v1" and not isinstance(credential.get("issuanceDate"), str):
        return "a VC 1.1 credential needs an issuanceDate (VC Data Model 1.1 §4.6)"
    return None


def _contexts(node: Any) -> list[Any]:
    found: list[Any] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Mapping):
            if "@context" in current:
                value = current["@context"]
                found.extend(value if isinstance(value, list) else [value])
            stack.extend(v for k, v in current.items() if k != "@context")
        elif isinstance(current, list):
            stack.extend(current)
    return found


def context_problem(
    credential: Mapping[str, Any], pinned: frozenset[str], *, embedded: bool = False
) -> tuple[str, str] | None:
    """(code, message) when an ``@context`` anywhere in the credential is not a pinned URL, else None.

    ``embedded``: accept embedded context objects too (they need no fetch; a URL they name is
    still refused by the pinned loader when the document is expanded). The first ``@context``
    entry is checked by the structure check: the VC 2.0 or 1.1 URL."""
    for context in _contexts(credential):
        if isinstance(context, Mapping):
            if embedded:
                continue
            return ("context.unknown", "embedded @context objects are not accepted")
        if not isinstance(context, str):
            return ("credential.malformed", f"invalid @context entry {context!r}")
        if context not in pinned:
            return ("context.unknown", f"JSON-LD context {context!r} is not in the pinned manifest")
    return None
