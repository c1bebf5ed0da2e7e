"""The signed answer of the ministry's public registry: one record per issued credential.

A record says what the ministry recorded of one credential — the digest of its record from the PV
(``recordDigest``, :func:`shahada.verifier.registry.record_digest`), where its status bits are
(``credentialStatus``: its W3C Bitstring Status List 1.0 entries) and, once rectified, which
credential replaced it (``supersededBy``). It says nothing of the credential's current status: that
is read from the signed, fresh status lists the entries point to.

The record travels as a JWS (RFC 7515) in compact serialization, ``alg`` ``EdDSA`` (RFC 8037), ``typ``
:data:`JWS_TYPE`, ``kid`` the verification method of the ministry's DID that signed it; the
payload is the record as JSON. The agent's plugin signs records only (``POST /shahada/registry``),
checked by :func:`check_record` before signing, so the route cannot sign a credential or any
other message; the verifier checks the same shape after verifying the signature.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any, Final

RECORD_TYPE: Final = "ShahadaRegistryRecord"
JWS_TYPE: Final = "shahada-registry+jws"
_DIGEST: Final = re.compile(r"^[0-9a-f]{64}$")
_ENTRY_KEYS: Final = frozenset({"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"})
MAX_ID: Final = 200


class RecordError(ValueError):
    """Not a registry record (the message says why)."""


def check_record(record: Any) -> dict[str, Any]:
    """``record`` when it is a registry record, else RecordError: a JSON object with ``type``
    (:data:`RECORD_TYPE`), ``issuer``, ``id``, ``recordDigest`` (64 lowercase hex), ``credentialStatus``
    (0 to 4 ``BitstringStatusListEntry`` objects of strings) and optionally ``supersededBy``, nothing else."""
    if not isinstance(record, Mapping):
        raise RecordError("a record is a JSON object")
    allowed = {"type", "issuer", "id", "recordDigest", "credentialStatus", "supersededBy"}
    if set(record) - allowed or not {"type", "issuer", "id", "recordDigest", "credentialStatus"} <= set(record):
        raise RecordError(f"a record has exactly the members {sorted(allowed)} (supersededBy optional)")
    if record["type"] != RECORD_TYPE:
        raise RecordError(f"a record's type is {RECORD_TYPE}")
    for name in ("issuer", "id", "supersededBy"):
        value = record.get(name, "")
        if not isinstance(value, str) or len(value) > MAX_ID:
            raise RecordError(f"{name} must be a string of at most {MAX_ID} characters")
    if not isinstance(record["recordDigest"], str) or not _DIGEST.match(record["recordDigest"]):
        raise RecordError("recordDigest must be 64 lowercase hexadecimal digits")
    entries = record["credentialStatus"]
    if not isinstance(entries, list) or len(entries) > 4:
        raise RecordError("credentialStatus must be a list of at most 4 entries")
    for entry in entries:
        if (
            not isinstance(entry, Mapping) or set(entry) != _ENTRY_KEYS or entry.get("type") != "BitstringStatusListEntry"
            or not all(isinstance(v, str) and len(v) <= MAX_ID for v in entry.values())
        ):
            raise RecordError("each credentialStatus entry is a BitstringStatusListEntry of strings")
    return dict(record)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def signing_input(record: Mapping[str, Any], kid: str) -> bytes:
    """The JWS signing input ``BASE64URL(header) '.' BASE64URL(payload)`` of ``record`` (RFC 7515 §5.1)."""
    header = {"alg": "EdDSA", "kid": kid, "typ": JWS_TYPE}
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return (b64url(json.dumps(header, sort_keys=True, separators=(",", ":")).encode()) + "." + b64url(payload)).encode("ascii")


def compact(signing_input_bytes: bytes, signature: bytes) -> str:
    """The compact JWS of a signing input and its signature."""
    return signing_input_bytes.decode("ascii") + "." + b64url(signature)
