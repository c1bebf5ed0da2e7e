"""Verify the seal of a printed document (``docs/seal.md``), offline, and against the archive.

Pure apart from what the passed resolver and archive lookup do. A bad seal never raises: every
problem is a failed :class:`~shahada.verifier.result.Check`, as for credentials. Checks, in order, with
their stable failure codes:

=========  =======================================================================================
decode     ``seal.malformed``, ``seal.truncated``, ``seal.oversized``, ``seal.version`` (unusable
           input: not a seal of this format)
key        ``seal.untrusted`` (the kid is no ``assertionMethod`` key of a trusted issuer),
           ``did.resolution`` (a trusted issuer's DID document could not be had)
signature  ``signature.invalid`` (the content or header changed after signing, or another key)
holder     ``holder.mismatch`` (only when a Code Massar is given to check)
archive    ``archive.unknown`` (no such credential), ``archive.mismatch`` (fields differ, named);
           skipped when no archive is reachable: the seal then stands on its signature alone
=========  =======================================================================================

The key is found by its ``kid`` (8 bytes of the RFC 9679 thumbprint) among the assertionMethod
keys of the trusted issuers' DID documents: a seal of any other issuer fails as untrusted. When
the signature fails and the archive is reachable, the archive check still runs, to name the
fields that were changed.

The archive check compares the seal with the seal content of the archived credential, whose holder
binding is a scrypt (7 ms, ``docs/seal.md`` §5). The archive stores that binding when it issues a
credential: a lookup that returns an :class:`ArchivedDocument` with it gives the check for no scrypt.
For a credential archived before bindings were stored (or a lookup of documents only), a service
passes :class:`ArchivedSeals`, which remembers the content by the SHA-256 of the archived document:
a key made of what the archive holds, never of what a request says, so a request can only have the
content of an issued credential computed, once per process, and a changed archived document is a
new key. The stored binding comes from the archive too, never from the request: the seal's binding
is compared with it, as with a computed one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from shahada.did.document import DIDDocument
from shahada.did.errors import DIDError
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.cose import Sign1, decode_sign1, key_id
from shahada.schemas.seal.errors import SealError
from shahada.schemas.seal.text import seal_bytes
from shahada.verifier.checks import Resolver
from shahada.verifier.result import Check, Checked

__all__ = ["DECODE_CODES", "ArchiveLookup", "ArchivedDocument", "ArchivedSeals", "SealArchiveLookup", "SealStatus", "SealVerification", "StaticResolver", "verify_seal", "with_status"]

SEAL_CHECKS: Final = ("decode", "key", "signature", "holder", "archive")
DECODE_CODES: Final = frozenset({"seal.malformed", "seal.truncated", "seal.oversized", "seal.version"})
ArchiveLookup = Callable[[str], Mapping[str, Any] | None]  # credential id → the archived signed credential


@dataclass(frozen=True, slots=True)
class ArchivedDocument:
    """An archived signed credential and its seal's holder binding as the archive stored it at
    issuance (None: archived before the archive stored bindings)."""

    document: Mapping[str, Any]
    holder_binding: bytes | None


SealArchiveLookup = Callable[[str], Mapping[str, Any] | ArchivedDocument | None]  # an ArchiveLookup, or one with bindings


@dataclass(frozen=True, slots=True)
class SealVerification(Checked):
    """All checks, in order; the decoded content (even when the signature fails) and the signer."""

    verified: bool
    checks: tuple[Check, ...]
    content: SealContent | None
    signer: str | None  # the verification method id that signed, when the key was found

    def to_dict(self) -> dict[str, object]:
        return {
            "verified": self.verified,
            "checks": [c.to_dict() for c in self.checks],
            "errors": [c.to_dict() for c in self.errors],
            "signer": self.signer,
        }


class SealStatus(Protocol):
    """The registry of the seal's signer (:meth:`shahada.verifier.registry.RegistryChecker.seal_status`)."""

    def seal_status(self, credential_id: str, issuer: str) -> Check | None: ...


def with_status(result: SealVerification, registry: SealStatus | None) -> SealVerification:
    """``result`` with a ``status`` check from the signer's registry appended (``docs/seal.md`` §6
    step 5: the status reference 0 is the credential id), once the seal's signature passed and
    when its issuer has a registry. Revoked, suspended or superseded fail it; a registry that
    cannot be reached fails it with ``registry.unavailable``: the seal is then neither valid nor
    invalid but "cannot verify now" (:func:`shahada.verifier.verdict.verdict`)."""
    if registry is None or result.content is None or result.signer is None:
        return result
    signature = next((c for c in result.checks if c.name == "signature"), None)
    if signature is None or signature.outcome != "passed":
        return result
    check = registry.seal_status(result.content.credential_id, str(result.signer).split("#", 1)[0])
    if check is None:
        return result
    return dataclasses.replace(result, checks=(*result.checks, check), verified=result.verified and check.outcome != "failed")


class ArchivedSeals:
    """The seal content of archived credentials, remembered (see the module docstring): at most
    ``max_entries``, the least recently used forgotten first. Thread-safe."""

    def __init__(self, max_entries: int = 200_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._contents: OrderedDict[bytes, SealContent] = OrderedDict()
        self._lock = threading.Lock()

    def content(self, archived: Mapping[str, Any]) -> SealContent:
        """``SealContent.from_credential(archived)``, computed once per archived document.

        Raises:
            SealFormatError: ``seal.malformed``, the archived credential cannot be sealed.
        """
        try:
            text = json.dumps(archived, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):  # not JSON: computed, not remembered
            return SealContent.from_credential(archived)
        key = hashlib.sha256(text.encode()).digest()
        with self._lock:
            known = self._contents.get(key)
            if known is not None:
                self._contents.move_to_end(key)
                return known
        content = SealContent.from_credential(archived)  # outside the lock: the scrypt takes 7 ms
        with self._lock:
            self._contents[key] = content
            while len(self._contents) > self.max_entries:
                self._contents.popitem(last=False)
        return content

    def __len__(self) -> int:
        return len(self._contents)


class StaticResolver:
    """DID documents known in advance (the ministry's published ``did.json``), then a fallback."""

    def __init__(self, documents: Mapping[str, DIDDocument], fallback: Resolver | None = None) -> None:
        self.documents = dict(documents)
        self.fallback = fallback

    def resolve(self, did: str) -> DIDDocument:
        if did in self.documents:
            return self.documents[did]
        if self.fallback is None:
            from shahada.did.errors import DIDResolutionError

            raise DIDResolutionError(f"no DID document for {did} is available offline")
        return self.fallback.resolve(did)


def verify_seal(
    text: str,
    *,
    trusted_issuers: frozenset[str],
    resolver: Resolver,
    archive: SealArchiveLookup | None = None,
    massar: str | None = None,
    archived_seals: ArchivedSeals | None = None,
) -> SealVerification:
    """Verify a seal given as the text of its QR code (or the URL it is).

    Args:
        text: the QR code's text: the verifier URL and the Base32 payload, or the payload alone.
        trusted_issuers: DIDs whose keys may sign seals; no other DID is ever resolved.
        resolver: resolves a trusted issuer's DID to its DID document.
        archive: looks a credential id up in the ministry's archive (its document, or an
            :class:`ArchivedDocument` with the stored holder binding); None when it is not reachable.
        massar: a Code Massar to check against the seal's holder binding (typed from the paper).
        archived_seals: remembers the archived credentials' seal content (a service's); None
            computes it for this call.

    Returns:
        A :class:`SealVerification`; ``verified`` only if no check failed and the key, signature
        (and, when given, holder and archive) checks passed.
    """
    checks: dict[str, Check] = {}
    content: SealContent | None = None
    signer: str | None = None
    sign1: Sign1 | None = None
    try:
        sign1 = decode_sign1(seal_bytes(text))
        content = SealContent.from_cbor(sign1.payload)
        checks["decode"] = Check("decode", "passed", "ok", f"a {content.kind} seal of {len(sign1.encode())} bytes, format 1")
    except SealError as err:
        checks["decode"] = Check("decode", "failed", err.code, err.message)
    if sign1 is not None and content is not None:
        key_check, public_key, signer = _find_key(sign1.kid, trusted_issuers, resolver)
        checks["key"] = key_check
        if public_key is not None:
            if sign1.verify(public_key):
                checks["signature"] = Check("signature", "passed", "ok", f"Ed25519 signature by {signer}")
            else:
                checks["signature"] = Check(
                    "signature", "failed", "signature.invalid",
                    f"the seal was changed after signing, or was not signed with {signer}",
                )
        if massar is not None:
            checks["holder"] = (
                Check("holder", "passed", "ok", "the Code Massar given is the one the seal binds")
                if content.matches_holder(massar)
                else Check("holder", "failed", "holder.mismatch", "the Code Massar given is not the one the seal binds")
            )
        if archive is not None:
            checks["archive"] = _check_archive(content, archive, archived_seals)
    ordered = tuple(checks.get(name) or _skipped(name, checks, archive is not None) for name in SEAL_CHECKS)
    required = {"decode", "key", "signature"}
    verified = all(c.outcome != "failed" for c in ordered) and all(checks.get(n, _SKIP).outcome == "passed" for n in required)
    return SealVerification(verified=verified, checks=ordered, content=content, signer=signer)


_SKIP: Final = Check("-", "skipped", "skipped", "")


def _skipped(name: str, done: Mapping[str, Check], archive_given: bool) -> Check:
    if name == "holder":
        return Check(name, "skipped", "skipped", "no Code Massar given to check (--massar)")
    if name == "archive" and not archive_given and "decode" in done and done["decode"].outcome == "passed":
        return Check(name, "skipped", "skipped", "the archive is not reachable: offline check of the signature only")
    blocker = next((c.name for c in done.values() if c.outcome == "failed"), "decode")
    return Check(name, "skipped", "skipped", f"not checked: the {blocker} check failed")


def _find_key(kid: bytes, trusted: frozenset[str], resolver: Resolver) -> tuple[Check, bytes | None, str | None]:
    """The trusted assertionMethod key whose thumbprint starts with ``kid``."""
    unresolved: list[str] = []
    for did in sorted(trusted):
        try:
            document = resolver.resolve(did)
        except DIDError as err:
            unresolved.append(f"{did}: {err.message} [{err.code}]")
            continue
        if document.id != did:
            continue
        for method in document.verification_methods:
            if method.controller == did and document.is_authorized(method.id, "assertionMethod") and key_id(method.public_key) == kid:
                return Check("key", "passed", "ok", f"kid {kid.hex()} is {method.id}, an assertionMethod of a trusted issuer"), method.public_key, method.id
    if unresolved:
        return Check("key", "failed", "did.resolution", f"kid {kid.hex()} not found; could not resolve {'; '.join(unresolved)}"), None, None
    return (
        Check("key", "failed", "seal.untrusted", f"signed by key {kid.hex()}, which is not a key of any trusted issuer: not a ministry seal"),
        None,
        None,
    )


def _check_archive(content: SealContent, archive: SealArchiveLookup, archived_seals: ArchivedSeals | None) -> Check:
    try:
        archived = archive(content.credential_id)
    except Exception as err:
        return Check("archive", "skipped", "skipped", f"the archive could not be read: {err}")
    if archived is None:
        return Check("archive", "failed", "archive.unknown", f"no issued credential {content.credential_id} in the archive")
    document, holder = (archived.document, archived.holder_binding) if isinstance(archived, ArchivedDocument) else (archived, None)
    try:
        if holder is not None:
            expected = SealContent.from_credential(document, holder=holder)
        else:
            expected = archived_seals.content(document) if archived_seals is not None else SealContent.from_credential(document)
    except SealError as err:
        return Check("archive", "failed", "archive.mismatch", f"the archived credential cannot be compared: {err.message}")
    differences = expected.differences(content)
    if differences:
        return Check("archive", "failed", "archive.mismatch", f"differs from the archived credential in: {', '.join(differences)}")
    return Check("archive", "passed", "ok", f"matches the archived credential {content.credential_id} field by field")
