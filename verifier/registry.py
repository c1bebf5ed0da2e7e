"""The ``registry`` check: does the credential match the ministry's records?

The issuer's site answers ``GET <origin>/registry/<credential id>`` with the credential's status and
the digest of its record from the deliberation (PV) — nothing personal (``shahada/status_site.py``).
The verifier recomputes the digest from the credential it holds (SHA-256 of the RFC 8785 canonical
``{type, credentialSubject}``, as :func:`shahada.issuer.issuance.record_digest`) and compares. The
subject's ``id`` is left out: it is the holder's DID in a wallet copy (:mod:`shahada.verifier.wallet_profile`),
a binding the PV never recorded, so a wallet copy matches the record of the credential it copies.

Codes: ``ok`` ("matches the ministry's records"), ``registry.mismatch`` (the ministry recorded other
content), ``registry.unknown`` (the ministry has no such issued credential), ``registry.revoked`` /
``registry.suspended`` (the records say so), ``registry.superseded`` (replaced after a rectification:
the message names the replacement), ``registry.unavailable`` (the registry could not be
reached: not checked), ``registry.untrusted`` (no trusted origin for this issuer).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
import rfc8785

from shahada.verifier.result import OK, Check

NAME = "registry"


def _without_id(subject: Any) -> Any:
    if isinstance(subject, list):
        return [_without_id(s) for s in subject]
    if isinstance(subject, Mapping):
        return {k: v for k, v in subject.items() if k != "id"}
    return subject


def record_digest(credential: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the JCS form of ``{type, credentialSubject}``, the subject without its
    ``id``: what the ministry records of a credential's content."""
    payload = {"type": credential.get("type"), "credentialSubject": _without_id(credential.get("credentialSubject"))}
    return hashlib.sha256(rfc8785.dumps(payload)).hexdigest()


@dataclass(frozen=True)
class RegistryChecker:
    """Asks the issuer's own site (``trusted_origins[issuer]``, the first one) about a credential;
    or, with ``lookup``, the ministry's records directly (credential id → the registry's answer,
    None when unknown): a verifier running beside the archive, or a test's records."""

    trusted_origins: Mapping[str, frozenset[str]]
    verify_tls: bool | str = True
    timeout: float = 5.0
    max_bytes: int = 16 * 1024
    lookup: Callable[[str], Mapping[str, Any] | None] | None = None

    def check(self, credential: Mapping[str, Any], issuer: str) -> Check:
        cid = credential.get("id")
        origins = sorted(self.trusted_origins.get(issuer, frozenset()))
        if not origins or not isinstance(cid, str):
            return Check(NAME, "failed", "registry.untrusted", f"no registry is known for {issuer}")
        found = self._entry(origins[0], cid)
        if isinstance(found, Check):
            return found
        recorded, state, replacement, since = found
        if recorded != record_digest(credential):
            return Check(NAME, "failed", "registry.mismatch", "does not match the ministry's records: the recorded content differs")
        return _state_check(NAME, state, replacement, since, "matches the ministry's records")

    def seal_status(self, credential_id: str, issuer: str) -> Check | None:
        """The ``status`` check of a printed document's seal, by its credential id (``docs/seal.md``:
        the status reference 0 means "the credential id, looked up in the registry"). None when
        the issuer has no registry (a did:key development ministry); failed with
        ``registry.unavailable`` when it cannot be reached: whether the document was revoked is then
        unknown, and the verdict is "cannot verify now" (:mod:`shahada.verifier.verdict`), never "valid"."""
        origins = sorted(self.trusted_origins.get(issuer, frozenset()))
        if not origins:
            return None
        found = self._entry(origins[0], credential_id)
        if isinstance(found, Check):
            return Check("status", found.outcome, found.code, found.message)
        _, state, replacement, since = found
        return _state_check("status", state, replacement, since, "valid according to the ministry's registry")

    def _entry(self, origin: str, credential_id: str) -> Check | tuple[str, str, str | None, str | None]:
        if self.lookup is not None:
            known = self.lookup(credential_id)
            if known is None:
                return Check(NAME, "failed", "registry.unknown", "the ministry has no record of this credential")
            return _parsed(json.dumps(known).encode())
        url = f"{origin}/registry/{quote(credential_id, safe=':')}"
        try:
            with requests.Session() as session:
                session.trust_env = False
                response = session.get(url, timeout=self.timeout, allow_redirects=False, verify=self.verify_tls, stream=True)
                body = response.raw.read(self.max_bytes + 1, decode_content=True)
        except requests.RequestException as err:
            return Check(NAME, "failed", "registry.unavailable", f"the ministry's registry could not be reached ({type(err).__name__}): not checked")
        if response.status_code == 404:
            return Check(NAME, "failed", "registry.unknown", "the ministry has no record of this credential")
        if response.status_code != 200 or len(body) > self.max_bytes:
            return Check(NAME, "failed", "registry.unavailable", f"the ministry's registry answered HTTP {response.status_code}: not checked")
        return _parsed(body)


def _parsed(body: bytes) -> Check | tuple[str, str, str | None, str | None]:
    """The registry's answer: (record digest, state, replacement, since)."""
    try:
        entry = json.loads(body)
        recorded, state = str(entry["recordDigest"]), str(entry["status"])
        replacement = entry.get("supersededBy")
        since = entry.get("since")
    except (ValueError, KeyError, TypeError, AttributeError):
        return Check(NAME, "failed", "registry.unavailable", "the ministry's registry answered something unreadable: not checked")
    return (
        recorded,
        state,
        replacement if isinstance(replacement, str) else None,
        since if isinstance(since, str) and _DATE.fullmatch(since) else None,
    )


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _state_check(name: str, state: str, replacement: str | None, since: str | None, ok_message: str) -> Check:
    if replacement is not None:
        return Check(name, "failed", "registry.superseded", f"superseded by {replacement} (the ministry's records were rectified)")
    if state in ("revoked", "suspended"):
        when = f" since {since}" if since else ""
        return Check(name, "failed", f"registry.{state}", f"the ministry's records say it is {state}{when}", since=since)
    return Check(name, "passed", OK, ok_message)
