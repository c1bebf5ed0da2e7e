"""Sealing printed documents: the ministry's agent signs each document's seal content.

A seal (``docs/seal.md``) is made from the *signed, archived* credential, so the paper says what the
ministry signed: ``SealContent.from_credential`` takes the printed fields, the agent's
``POST /shahada/seal`` (``shahada.agent.plugin.seal``) wraps them in a COSE_Sign1 signed with the
wallet key, and ``seal_text`` puts the verifier's base URL in front. Seals are deterministic
(Ed25519 signatures are, RFC 8032 §5.1.6), so sealing a document again gives the same QR code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Protocol

from shahada.agent.admin import AdminClient
from shahada.schemas.seal import credential_holder_binding
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.text import seal_text

MAX_BATCH: Final = 500  # the plugin's limit per request


class Sealer(Protocol):
    """Signs seal contents into COSE_Sign1 messages (the agent in production, a local key in tests)."""

    def seal(self, contents: Sequence[SealContent]) -> list[bytes]: ...


class AgentSealer:
    """Seals through the ministry's agent; the key stays in the agent's wallet."""

    def __init__(self, client: AdminClient, verification_method: str) -> None:
        self.client = client
        self.verification_method = verification_method

    def seal(self, contents: Sequence[SealContent]) -> list[bytes]:
        """COSE_Sign1 messages, in order.

        Raises:
            AgentRequestError, AgentUnavailableError: the agent refused or could not be reached.
        """
        out: list[bytes] = []
        for start in range(0, len(contents), MAX_BATCH):
            chunk = [c.to_cbor() for c in contents[start : start + MAX_BATCH]]
            out.extend(self.client.seal(chunk, verification_method=self.verification_method))
        return out


def seal_credentials(
    credentials: Sequence[Mapping[str, Any]], sealer: Sealer, *, base_url: str, holders: Mapping[str, bytes] | None = None
) -> list[str]:
    """The QR text of each credential (base URL + Base32 COSE_Sign1), in order.

    ``holders``: the holder bindings the archive stored at issuance, by credential id; a credential
    not in it has its binding computed (the scrypt, ~7 ms). The seal is the same either way.

    Raises:
        SealFormatError: ``seal.malformed``, a credential lacks a printed field.
        AgentError: the agent could not sign.
    """
    known = holders or {}
    contents = [SealContent.from_credential(c, holder=known.get(str(c.get("id")))) for c in credentials]
    return [seal_text(cose, base_url) for cose in sealer.seal(contents)]


def seal_archived(
    archived: Sequence[tuple[Mapping[str, Any], bytes | None]],
    sealer: Sealer,
    *,
    base_url: str,
    store: Callable[[Mapping[str, bytes]], object],
) -> list[str]:
    """The QR texts of archived credentials, each given with the holder binding the archive holds
    for it (None: not stored yet — issued before bindings were stored, or its binding is still
    being computed after signing). A missing binding is computed here and handed to ``store``
    (``Archive.store_holder_bindings``, which never replaces one) before anything is sealed, so no
    document is printed without its binding in the archive.

    Raises:
        SealFormatError: ``seal.malformed``, a credential lacks a printed field.
        AgentError: the agent could not sign.
    """
    known = {str(c["id"]): binding for c, binding in archived if binding is not None}
    computed: dict[str, bytes] = {}
    for credential, binding in archived:
        if binding is None:
            try:
                computed[str(credential["id"])] = credential_holder_binding(credential)
            except (KeyError, TypeError, UnicodeEncodeError):
                continue  # no Code Massar: seal_credentials refuses it (seal.malformed)
    if computed:
        store(computed)
        known.update(computed)
    return seal_credentials([c for c, _ in archived], sealer, base_url=base_url, holders=known)
