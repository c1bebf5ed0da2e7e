"""The ``registry`` check: does the credential match the ministry's records?

The issuer's site answers ``GET <origin>/registry/<credential id>`` with the credential's signed
record (``record``: a compact JWS by the ministry's key, :mod:`shahada.schemas.registry`): the digest
of its record from the deliberation (PV), its status entries and, once rectified, its replacement —
nothing personal (``issuer/site/status.py``). Only the signed record is believed: its ``kid`` must be
an ``assertionMethod`` key of the issuer's DID (resolved like a credential's), its signature must
hold (``jwcrypto``), and it must name the credential. The verifier then recomputes the digest from
the credential it holds (SHA-256 of the RFC 8785 canonical ``{type, credentialSubject}``, as
:func:`shahada.issuer.issuance.record_digest`) and compares, and reads the credential's state from
the signed, fresh status lists the record's entries point to (:mod:`shahada.verifier.status`), never
from an unsigned answer. The subject's ``id`` is left out of the digest: it is the holder's DID in a
wallet copy (:mod:`shahada.verifier.wallet_profile`), a binding the PV never recorded, so a wallet
copy matches the record of the credential it copies.

Codes: ``ok`` ("matches the ministry's records"), ``registry.mismatch`` (the ministry recorded other
content), ``registry.unknown`` (the ministry has no such issued credential), ``registry.revoked`` /
``registry.suspended`` (its status lists say so), ``registry.superseded`` (replaced after a
rectification: the message names the replacement), ``registry.invalid`` (an answer not signed by
the issuer's key, or signed for another credential: a forged answer), ``registry.unavailable`` (the
registry could not be reached, its answer is not signed yet, or no fresh status list: not
checked), ``registry.untrusted`` (no trusted origin for this issuer).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
import rfc8785
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from shahada.schemas.registry import JWS_TYPE, RecordError, b64url, check_record
from shahada.verifier.checks import Resolver, check_key
from shahada.verifier.result import OK, Check
from shahada.verifier.status import INCOMPLETE, StatusChecker

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


Found = tuple[str, list[Any], str | None]  # (recordDigest, credentialStatus entries, supersededBy) of a signed record
Resolved = tuple[str, Check]  # (recordDigest, the state check) of a record that could be read


@dataclass(frozen=True)
class RegistryChecker:
    """Asks the issuer's own site (``trusted_origins[issuer]``, the first one) about a credential;
    or, with ``lookup``, the ministry's records directly (credential id → the registry's answer,
    None when unknown): a verifier running beside the archive, or a test's records.

    Args:
        trusted_origins: issuer id → the origins of its site.
        resolver: resolves the issuer's DID, for the key that signed the record (needed to ask a site).
        status: reads the record's status entries from the issuer's signed, fresh lists (idem).
        lookup: the ministry's own records, believed as they are (no site, no signature).
    """

    trusted_origins: Mapping[str, frozenset[str]]
    resolver: Resolver | None = None
    status: StatusChecker | None = None
    verify_tls: bool | str = True
    timeout: float = 5.0
    max_bytes: int = 16 * 1024
    lookup: Callable[[str], Mapping[str, Any] | None] | None = None
    # one keep-alive session per thread: a seal check no longer opens a TLS connection to the site
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False
            self._local.session = session
        return session

    def check(self, credential: Mapping[str, Any], issuer: str) -> Check:
        cid = credential.get("id")
        origins = sorted(self.trusted_origins.get(issuer, frozenset()))
        if not origins or not isinstance(cid, str):
            return Check(NAME, "failed", "registry.untrusted", f"no registry is known for {issuer}")
        found = self._resolve(origins[0], cid, issuer, NAME, "matches the ministry's records")
        if isinstance(found, Check):
            return found
        recorded, state = found
        if recorded != record_digest(credential):
            return Check(NAME, "failed", "registry.mismatch", "does not match the ministry's records: the recorded content differs")
        return state

    def seal_status(self, credential_id: str, issuer: str) -> Check | None:
        """The ``status`` check of a printed document's seal, by its credential id (``docs/seal.md``:
        the status reference 0 means "the credential id, looked up in the registry"). None when
        the issuer has no registry (a did:key development ministry); failed with
        ``registry.unavailable`` when it cannot be reached, its answer is not signed yet or no fresh
        list says the status: whether the document was revoked is then unknown, and the verdict is
        "cannot verify now" (:mod:`shahada.verifier.verdict`), never "valid"."""
        origins = sorted(self.trusted_origins.get(issuer, frozenset()))
        if not origins:
            return None
        found = self._resolve(origins[0], credential_id, issuer, "status", "valid according to the ministry's registry")
        check = found if isinstance(found, Check) else found[1]
        return Check("status", check.outcome, check.code, check.message, since=check.since)

    def _resolve(self, origin: str, credential_id: str, issuer: str, name: str, ok_message: str) -> Check | Resolved:
        """(record digest, state check) from the ministry's records or its site's signed record."""
        if self.lookup is not None:
            known = self.lookup(credential_id)
            if known is None:
                return Check(NAME, "failed", "registry.unknown", "the ministry has no record of this credential")
            return _summary(known, name, ok_message)
        found = self._entry(f"{origin}/registry/{quote(credential_id, safe=':')}", credential_id, issuer)
        if isinstance(found, Check):
            return found
        recorded, entries, replacement, since = found
        return recorded, self._state_check(name, entries, replacement, issuer, ok_message, since)

    def _entry(self, url: str, credential_id: str, issuer: str) -> Check | tuple[str, list[Any], str | None, str | None]:
        try:
            with self._session().get(url, timeout=self.timeout, allow_redirects=False, verify=self.verify_tls, stream=True) as response:
                body = response.raw.read(self.max_bytes + 1, decode_content=True)
        except requests.RequestException as err:
            return Check(NAME, "failed", "registry.unavailable", f"the ministry's registry could not be reached ({type(err).__name__}): not checked")
        if response.status_code == 404:
            return Check(NAME, "failed", "registry.unknown", "the ministry has no record of this credential")
        if response.status_code != 200 or len(body) > self.max_bytes:
            return Check(NAME, "failed", "registry.unavailable", f"the ministry's registry answered HTTP {response.status_code}: not checked")
        try:
            answer = json.loads(body)
            signed = answer.get("record")
            since = answer.get("since")  # unsigned, shown only: the state itself comes from the signed lists
        except (ValueError, AttributeError):
            return Check(NAME, "failed", "registry.unavailable", "the ministry's registry answered something unreadable: not checked")
        if not isinstance(signed, str):
            return Check(NAME, "failed", "registry.unavailable", "the ministry's registry answered without a signed record: not checked")
        record = self._signed_record(signed, credential_id, issuer)
        if isinstance(record, Check):
            return record
        return (*record, since if isinstance(since, str) and _DATE.fullmatch(since) else None)

    def _signed_record(self, token: str, credential_id: str, issuer: str) -> Check | Found:
        """The record of a compact JWS by an assertionMethod key of ``issuer``, for ``credential_id``."""

        def forged(why: str) -> Check:
            return Check(NAME, "failed", "registry.invalid", f"the registry's answer is not the ministry's signed record: {why}")

        try:
            envelope = jws.JWS()
            envelope.deserialize(token)
            header = envelope.jose_header
        except (JWException, ValueError, TypeError):
            return forged("not a JWS")
        if not isinstance(header, dict) or header.get("typ") != JWS_TYPE or header.get("alg") != "EdDSA" or not isinstance(header.get("kid"), str):
            return forged(f"not a {JWS_TYPE} signed with EdDSA")
        if self.resolver is None:
            return Check(NAME, "failed", "registry.unavailable", "no DID resolver to check the registry's signature: not checked")
        key_check, public_key = check_key({"proofPurpose": "assertionMethod", "verificationMethod": header["kid"]}, issuer, self.resolver)
        if public_key is None:
            if key_check.code == "did.resolution":
                return Check(NAME, "failed", "registry.unavailable", f"{key_check.message}: not checked")
            return forged(key_check.message)
        try:
            envelope.verify(jwk.JWK(kty="OKP", crv="Ed25519", x=b64url(public_key)), alg="EdDSA")
            record = check_record(json.loads(envelope.payload))
        except (JWException, ValueError, TypeError, RecordError) as err:
            return forged(f"{type(err).__name__}: {err}")
        if record["id"] != credential_id or record["issuer"] != issuer:
            return forged(f"the signed record is that of {record['id']} by {record['issuer']}")
        replacement = record.get("supersededBy")
        return str(record["recordDigest"]), list(record["credentialStatus"]), replacement if isinstance(replacement, str) else None

    def _state_check(self, name: str, entries: list[Any], replacement: str | None, issuer: str, ok_message: str, since: str | None = None) -> Check:
        """Superseded (the signed record says so), else the state the signed, fresh status lists say."""
        if replacement is not None:
            return Check(name, "failed", "registry.superseded", f"superseded by {replacement} (the ministry's records were rectified)")
        if self.status is None:
            return Check(name, "failed", "registry.unavailable", "no status checker to read the record's lists: not checked")
        state = self.status.check({"credentialStatus": entries}, issuer)
        if state.code in ("status.revoked", "status.suspended"):
            word = state.code.split(".", 1)[1]
            when = f" since {since}" if since else ""
            return Check(name, "failed", f"registry.{word}", f"the ministry's records say it is {word}{when} ({state.message})", since=since)
        if state.code in INCOMPLETE:
            return Check(name, "failed", "registry.unavailable", state.message)
        if state.outcome == "failed":
            return Check(name, "failed", "registry.invalid", state.message)
        return Check(name, "passed", OK, ok_message)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _summary(entry: Mapping[str, Any], name: str, ok_message: str) -> Check | Resolved:
    """The ministry's own record of a credential (``lookup``): (record digest, state check)."""
    try:
        recorded, state = str(entry["recordDigest"]), str(entry["status"])
    except (KeyError, TypeError):
        return Check(NAME, "failed", "registry.unavailable", "the ministry's records answered something unreadable: not checked")
    replacement = entry.get("supersededBy")
    since = entry.get("since")
    since = since if isinstance(since, str) and _DATE.fullmatch(since) else None
    if isinstance(replacement, str):
        return recorded, Check(name, "failed", "registry.superseded", f"superseded by {replacement} (the ministry's records were rectified)")
    if state in ("revoked", "suspended"):
        when = f" since {since}" if since else ""
        return recorded, Check(name, "failed", f"registry.{state}", f"the ministry's records say it is {state}{when}", since=since)
    return recorded, Check(name, "passed", OK, ok_message)
