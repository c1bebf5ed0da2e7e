"""Agreement of a presented credential with the ministry's records (the archive of what it issued).

The mission asks that anyone can check a document's conformity with the deliberation records: a
credential that verifies on its own may still have been superseded, or never recorded. When the
archive is reachable, the credential must be the very document the ministry archived when it
signed it; the comparison is on the JSON Canonicalization Scheme (RFC 8785) of both, so member
order and insignificant whitespace do not matter. Pure apart from the passed lookup.

A VC 1.1 wallet copy (:mod:`shahada.verifier.wallet_profile`) is not the archived document byte for byte:
it must state what the archived credential states (:func:`~shahada.verifier.wallet_profile.signed_content`:
id, type, issuer, names, schema, subject without its holder ``id``, validity dates), and each of
its status entries must be one of the archived credential's.

Codes (the same as the paper seal's ``archive`` check, :mod:`shahada.verifier.seal`):
``archive.unknown`` (no issued credential with this id), ``archive.mismatch`` (the documents
differ; the differing members are named). Skipped when no archive is reachable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import rfc8785

from shahada.verifier.result import SKIPPED, Check
from shahada.verifier.seal import ArchiveLookup
from shahada.verifier.wallet_profile import is_vc1, signed_content

__all__ = ["check_records"]

NAME = "archive"


def _jcs(value: Any) -> bytes | None:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError):
        return None


_SAFE_INTEGER = 2**53 - 1  # RFC 8785 §3.2.2.3: integers past it have no I-JSON form


def _same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same JSON value, strictly enough that their JCS forms are equal
    (a boolean is not a number, a number is compared by value as JCS writes it): a quick yes for
    the common case; False sends the comparison to JCS (:func:`_jcs`), which then decides."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b) is str and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b and abs(a) <= _SAFE_INTEGER and abs(b) <= _SAFE_INTEGER  # NaN is never equal
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return len(a) == len(b) and all(isinstance(k, str) and k in b and _same(v, b[k]) for k, v in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return False


def _differences(archived: Mapping[str, Any], presented: Mapping[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for key in sorted(set(archived) | set(presented)):
        a, p = archived.get(key), presented.get(key)
        if isinstance(a, Mapping) and isinstance(p, Mapping) and prefix.count(".") < 1:
            out.extend(_differences(a, p, f"{prefix}{key}."))
        elif _jcs(a) != _jcs(p):
            out.append(f"{prefix}{key}")
    return out


def check_records(credential: Mapping[str, Any], archive: ArchiveLookup | None) -> Check:
    """The presented credential is the one the ministry archived (see the module docstring).

    Args:
        credential: a credential that passed the structure check.
        archive: credential id → the archived signed credential, or None when none is reachable.

    Returns:
        A check named ``archive``: passed, failed (``archive.unknown``, ``archive.mismatch``) or
        skipped (no archive, or it could not be read).
    """
    if archive is None:
        return Check(NAME, "skipped", SKIPPED, "the ministry's records are not reachable from this verifier")
    credential_id = credential.get("id")
    if not isinstance(credential_id, str):
        return Check(NAME, "failed", "archive.unknown", "the credential has no id to look up in the ministry's records")
    try:
        archived = archive(credential_id)
    except Exception as err:
        return Check(NAME, "skipped", SKIPPED, f"the ministry's records could not be read: {type(err).__name__}")
    if archived is None:
        return Check(NAME, "failed", "archive.unknown", f"no issued credential {credential_id} in the ministry's records")
    if is_vc1(credential) and not is_vc1(archived):
        return _check_wallet_copy(credential, archived, credential_id)
    if _same(archived, credential) or _jcs(archived) == _jcs(credential):
        return Check(NAME, "passed", "ok", f"identical to the credential {credential_id} in the ministry's records")
    differences = _differences(archived, credential) or ["the document"]
    return Check(NAME, "failed", "archive.mismatch", f"differs from the ministry's records in: {', '.join(differences)}")


def _status_entries(credential: Mapping[str, Any]) -> list[Any]:
    entries = credential.get("credentialStatus")
    return [] if entries is None else entries if isinstance(entries, list) else [entries]


def _check_wallet_copy(copy: Mapping[str, Any], archived: Mapping[str, Any], credential_id: str) -> Check:
    """A VC 1.1 wallet copy against the archived VC 2.0 credential (see the module docstring)."""
    differences = _differences(signed_content(archived), signed_content(copy))
    recorded = [_jcs(e) for e in _status_entries(archived)]
    if any(_jcs(e) not in recorded for e in _status_entries(copy)):
        differences.append("credentialStatus")
    if differences:
        return Check(NAME, "failed", "archive.mismatch", f"the wallet copy differs from the ministry's records in: {', '.join(differences)}")
    return Check(NAME, "passed", "ok", f"a wallet copy stating what the credential {credential_id} in the ministry's records states")
