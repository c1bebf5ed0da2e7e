"""DID documents: the ministry's own, and a typed, validated model of any we resolve.

W3C DID Core 1.0 §5 "Core Properties" (§5.2 verification methods, §5.3 verification
relationships) with the key formats of Controlled Identifiers v1.0 §2.2.2 (``Multikey``) and Data
Integrity EdDSA Cryptosuites v1.0 Appendix A.1.1.1 (``Ed25519VerificationKey2020``). Only those two
Ed25519 formats, both carrying ``publicKeyMultibase``, are modelled; methods of any other type are
left out of the model, so a proof that names one is simply "not found".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, cast, get_args

from shahada.did.errors import InvalidDIDError
from shahada.did.key import DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT, multikey_from_public_key, public_key_from_multikey

VerificationMethodType = Literal["Multikey", "Ed25519VerificationKey2020"]
SUPPORTED_VM_TYPES: frozenset[str] = frozenset(get_args(VerificationMethodType))
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)
_DID = re.compile(r"^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$")
_FRAGMENT = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/?%-]+$")


def is_did(value: object) -> bool:
    """Whether ``value`` is a bare DID (DID Core §3.1 ABNF: no path, query or fragment)."""
    return isinstance(value, str) and _DID.match(value) is not None


def split_did_url(did_url: str) -> tuple[str, str | None]:
    """``did:x:y#frag`` → (``did:x:y``, ``frag``); ``did:x:y`` → (``did:x:y``, None).

    Raises:
        InvalidDIDError (did.invalid): the part before ``#`` is not a DID (paths and queries are
            not supported), or the fragment is empty or has illegal characters.
    """
    if not isinstance(did_url, str):
        raise InvalidDIDError("a DID URL must be a string")
    did, sep, fragment = did_url.partition("#")
    if not is_did(did):
        raise InvalidDIDError(f"not a DID URL we accept: {did_url!r}")
    if not sep:
        return did, None
    if not _FRAGMENT.match(fragment):
        raise InvalidDIDError(f"invalid fragment in {did_url!r}")
    return did, fragment


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    """An Ed25519 verification method (DID Core §5.2) with its decoded 32-byte public key."""

    id: str
    type: VerificationMethodType
    controller: str
    public_key: bytes

    @classmethod
    def from_dict(cls, data: object, *, document_id: str) -> VerificationMethod:
        """Parse one method; a relative id (``#key-1``) is resolved against ``document_id``.

        Raises:
            InvalidDIDError (did.invalid): missing or malformed id, type, controller or key, or an
                id that does not belong to the document.
        """
        if not isinstance(data, Mapping):
            raise InvalidDIDError("a verification method must be an object")
        vm_id = _absolute(data.get("id"), document_id)
        vm_type = data.get("type")
        if vm_type not in SUPPORTED_VM_TYPES:
            raise InvalidDIDError(f"unsupported verification method type {vm_type!r} for {vm_id}")
        controller = data.get("controller")
        if not is_did(controller):
            raise InvalidDIDError(f"verification method {vm_id} has no valid controller DID")
        multibase = data.get("publicKeyMultibase")
        if not isinstance(multibase, str):
            raise InvalidDIDError(f"verification method {vm_id} has no publicKeyMultibase")
        return cls(
            id=vm_id,
            type=cast(VerificationMethodType, vm_type),
            controller=cast(str, controller),
            public_key=public_key_from_multikey(multibase),
        )


def _absolute(vm_id: object, document_id: str) -> str:
    if not isinstance(vm_id, str) or not vm_id:
        raise InvalidDIDError("a verification method id must be a non-empty string")
    absolute = document_id + vm_id if vm_id.startswith("#") else vm_id
    did, fragment = split_did_url(absolute)
    if did != document_id or fragment is None:
        raise InvalidDIDError(f"verification method id {vm_id!r} is not a fragment of {document_id}")
    return absolute


@dataclass(frozen=True, slots=True)
class DIDDocument:
    """A parsed DID document: its id, its Ed25519 methods and its verification relationships."""

    id: str
    verification_methods: tuple[VerificationMethod, ...]
    relationships: Mapping[str, frozenset[str]] = field(hash=False)

    @classmethod
    def from_dict(cls, data: object) -> DIDDocument:
        """Parse and validate a DID document given as JSON data.

        Methods of an unsupported type are skipped; relationship entries may be references
        (absolute or ``#relative``) or embedded methods.

        Raises:
            InvalidDIDError (did.invalid): not an object, no valid ``id``, or a malformed method or
                relationship.
        """
        if not isinstance(data, Mapping):
            raise InvalidDIDError("a DID document must be a JSON object")
        doc_id = data.get("id")
        if not is_did(doc_id):
            raise InvalidDIDError(f"DID document id {doc_id!r} is not a DID")
        document_id = cast(str, doc_id)
        methods = [m for m in _list(data.get("verificationMethod"), "verificationMethod") if _supported(m)]
        parsed = [VerificationMethod.from_dict(m, document_id=document_id) for m in methods]
        relationships: dict[str, frozenset[str]] = {}
        for name in RELATIONSHIPS:
            ids: set[str] = set()
            for entry in _list(data.get(name), name):
                if isinstance(entry, str):
                    reference = document_id + entry if entry.startswith("#") else entry
                    split_did_url(reference)  # validates
                    ids.add(reference)
                elif isinstance(entry, Mapping):
                    if _supported(entry):
                        method = VerificationMethod.from_dict(entry, document_id=document_id)
                        parsed.append(method)
                        ids.add(method.id)
                else:
                    raise InvalidDIDError(f"{name} entries must be strings or objects")
            relationships[name] = frozenset(ids)
        if len({m.id for m in parsed}) != len(parsed):
            raise InvalidDIDError(f"DID document {document_id} defines a verification method twice")
        return cls(
            id=document_id,
            verification_methods=tuple(parsed),
            relationships=MappingProxyType(relationships),
        )

    def _absolute(self, vm_id: str) -> str:
        return self.id + vm_id if vm_id.startswith("#") else vm_id

    def verification_method(self, vm_id: str) -> VerificationMethod | None:
        """The method with id ``vm_id`` (absolute, or relative ``#key-1``), or None."""
        absolute = self._absolute(vm_id)
        return next((m for m in self.verification_methods if m.id == absolute), None)

    def is_authorized(self, vm_id: str, relationship: str = "assertionMethod") -> bool:
        """Whether ``vm_id`` is listed under ``relationship`` (DID Core §5.3)."""
        return self._absolute(vm_id) in self.relationships.get(relationship, frozenset())


def _list(value: object, name: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidDIDError(f"{name} must be a list")
    return value


def _supported(method: object) -> bool:
    return isinstance(method, Mapping) and method.get("type") in SUPPORTED_VM_TYPES


def build_did_document(
    did: str,
    public_key: bytes,
    *,
    fragment: str = "key-1",
    key_format: VerificationMethodType = "Multikey",
) -> dict[str, Any]:
    """The ministry's DID document: one Ed25519 key for ``assertionMethod`` and ``authentication``.

    Args:
        did: the ministry's DID (usually a did:web).
        public_key: the raw 32-byte Ed25519 public key held by the agent.
        fragment: the method's fragment; its id is ``f"{did}#{fragment}"``.
        key_format: ``Multikey`` (Multikey v1 context) or the legacy ``Ed25519VerificationKey2020``
            (Ed25519 2020 suite context).

    Raises:
        InvalidDIDError (did.invalid): bad DID, fragment, key format or key length.
    """
    if not is_did(did):
        raise InvalidDIDError(f"not a DID: {did!r}")
    if not _FRAGMENT.match(fragment):
        raise InvalidDIDError(f"invalid fragment {fragment!r}")
    if key_format not in SUPPORTED_VM_TYPES:
        raise InvalidDIDError(f"unsupported key format {key_format!r}")
    suite_context = MULTIKEY_V1_CONTEXT if key_format == "Multikey" else ED25519_2020_CONTEXT
    vm_id = f"{did}#{fragment}"
    return {
        "@context": [DID_V1_CONTEXT, suite_context],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": key_format,
                "controller": did,
                "publicKeyMultibase": multikey_from_public_key(public_key),
            }
        ],
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
    }
