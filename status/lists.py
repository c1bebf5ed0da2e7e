"""Status entries and status list credentials (W3C Bitstring Status List 1.0).

Pure builders, no I/O:

- :func:`status_entry` — a ``BitstringStatusListEntry`` (§2.1 "BitstringStatusListEntry"): the
  credential's ``statusPurpose``, its ``statusListIndex`` (a decimal string) and the URL of the
  ``statusListCredential`` that holds its bit;
- :func:`list_credential` — an unsigned ``BitstringStatusListCredential`` (§2.2
  "BitstringStatusListCredential") whose ``credentialSubject`` is a ``BitstringStatusList`` with the
  GZIP'd, base64url (multibase ``u``) ``encodedList`` (§3.1 "Bitstring Generation Algorithm") and
  its ``ttl`` in milliseconds, valid from ``validFrom`` until ``validUntil`` (VC Data Model 2.0
  §4.9): a short window, so that a verifier can tell a current list from an old one replayed;
- :func:`list_url` / :func:`parse_list_url` — the stable URL scheme ``<origin>/status/<purpose>/<n>``.

One list holds :data:`LIST_SIZE` = 131,072 entries, the minimum the spec recommends for group
privacy (§6.1 "Minimum Bitstring Length" and §7.3 "Group Privacy").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from shahada.status.bitstring import MIN_BITS, Bitstring

Purpose = Literal["revocation", "suspension"]
PURPOSES: Final[tuple[Purpose, ...]] = ("revocation", "suspension")
LIST_SIZE: Final = MIN_BITS
DEFAULT_TTL_MS: Final = 300_000  # five minutes: how long a verifier may reuse a fetched list (§2.2 ttl)
# How long a signed list stays valid (its validUntil - validFrom): the longest an old list replayed to a
# verifier that never saw a newer one can hide a revocation. `shahada status publish` re-signs lists
# whose window is half gone, so a publication that fails for a while still leaves lists valid.
DEFAULT_VALIDITY: Final = timedelta(hours=24)
CREDENTIALS_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
_PATH: Final = re.compile(r"^/status/(revocation|suspension)/(0|[1-9][0-9]{0,8})$")


def list_url(origin: str, purpose: Purpose, number: int) -> str:
    """The stable URL of list ``number`` of ``purpose`` under ``origin`` (``https://host``)."""
    return f"{origin.rstrip('/')}/status/{purpose}/{number}"


def parse_list_path(path: str) -> tuple[Purpose, int] | None:
    """``(purpose, number)`` for a site path ``/status/<purpose>/<n>``, else None."""
    match = _PATH.match(path)
    if match is None:
        return None
    purpose: Purpose = "revocation" if match.group(1) == "revocation" else "suspension"
    return purpose, int(match.group(2))


def status_entry(origin: str, purpose: Purpose, number: int, index: int) -> dict[str, str]:
    """A ``BitstringStatusListEntry`` (§2.1) for bit ``index`` of list ``number``."""
    if not 0 <= index < LIST_SIZE:
        raise ValueError(f"index {index} outside [0, {LIST_SIZE})")
    url = list_url(origin, purpose, number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def list_credential(
    *,
    url: str,
    issuer: str,
    purpose: Purpose,
    bits: Bitstring,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int = DEFAULT_TTL_MS,
    extra_contexts: tuple[str, ...] = (),
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (§2.2) publishing ``bits``.

    Args:
        url: the list's stable URL, also its ``id``.
        issuer: the ministry's DID (the same issuer as the credentials it covers, §3.2 step 5).
        purpose: ``revocation`` or ``suspension``.
        bits: the list's bits, at least :data:`LIST_SIZE` of them.
        valid_from: the publication time (timezone-aware).
        valid_until: the end of the list's validity (timezone-aware); none: no ``validUntil``.
        ttl_ms: the ``ttl``, in milliseconds, a verifier may cache the list for.
        extra_contexts: contexts the proof suite needs (Ed25519Signature2020).
    """
    if valid_from.tzinfo is None or (valid_until is not None and valid_until.tzinfo is None):
        raise ValueError("valid_from and valid_until must be timezone-aware")
    if valid_until is not None and valid_until <= valid_from:
        raise ValueError("valid_until must come after valid_from")
    window = {"validFrom": timestamp(valid_from)}
    if valid_until is not None:
        window["validUntil"] = timestamp(valid_until)
    return {
        "@context": [CREDENTIALS_V2_CONTEXT, *extra_contexts],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        **window,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bits.encode(),
            "ttl": ttl_ms,
        },
    }


def timestamp(moment: datetime) -> str:
    """``moment`` as an XML Schema dateTimeStamp in UTC, to the millisecond when it has a fraction
    (``2025-07-01T00:00:00Z``, ``2025-07-01T00:00:00.250Z``): two publications of a list within one
    second still have distinct, ordered ``validFrom``."""
    utc = moment.astimezone(UTC)
    millis = utc.microsecond // 1000
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + (f".{millis:03d}" if millis else "") + "Z"
