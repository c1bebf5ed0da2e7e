"""The ``status`` check: a credential's Bitstring Status List entries, read from signed lists
(W3C Bitstring Status List 1.0 §3.2 "Validate Algorithm").

For each ``BitstringStatusListEntry`` (§2.1) of the credential:

1. the ``statusListCredential`` URL must be on an origin the verifier trusts for that issuer (the
   issuer's own site): a list is never fetched from anywhere a credential points to;
2. the list credential is fetched (``requests``: HTTPS only, no redirects, timeout, size cap) and
   cached for its ``ttl`` (§2.2), at most ``max_cache_seconds``;
3. the list credential is verified with the same verifier as the credential (signature, issuer,
   validity) and must be a ``BitstringStatusListCredential`` of the same issuer and purpose (§3.2
   steps 5–7): a forged or altered list is rejected;
4. the list must be fresh: it states its validity window (``validFrom`` and ``validUntil``), the
   verification time lies inside it, and its ``validFrom`` is not older than that of the newest
   list already seen at the same URL (:class:`SeenLists`, remembered once the list's signature
   passed): an old list, validly signed but since replaced — the one from before a revocation —
   is refused when served again;
5. the bit at ``statusListIndex`` is read from the decoded ``encodedList`` (§3.1, §3.2 step 9).

Step 3's verification (an RDF canonicalization of the whole list credential) and the decoding of
step 5 are done once per fetched list, not once per credential: the outcome is remembered with the
very document object the fetcher returned (held, so that its identity cannot be reused), for at most
``VERIFIED_LIST_SECONDS`` (the DID documents' cache time: a key taken out is noticed as soon), and
only when the list verified. Steps 1, 2, 4 — trust of the origin, the ``ttl``, the validity window
and the newest list seen — run on every check.

Failure codes (stable): ``status.revoked``, ``status.suspended`` (a set bit), ``status.unavailable``
(a list could not be fetched: the check could not be completed, never "valid"), ``status.stale`` (no
fresh list: expired, without a validity window, or older than one already seen; like
``status.unavailable`` the check could not be completed), ``status.list_invalid`` (the list is not a
valid list credential of the issuer), ``status.untrusted`` (a list URL outside the trusted origins),
``status.malformed`` (an unusable entry).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from shahada.common.files import write_private
from shahada.status.bitstring import MIN_BITS, Bitstring
from shahada.status.errors import StatusError
from shahada.verifier.result import OK, Check

NAME = "status"
PURPOSE_CODES = {"revocation": "status.revoked", "suspension": "status.suspended"}
UNAVAILABLE = "status.unavailable"
STALE = "status.stale"
INCOMPLETE = frozenset({UNAVAILABLE, STALE})  # the check could not be completed: never "valid"


class StatusListUnavailable(Exception):
    """A list could not be fetched (network, HTTP status, size, not JSON)."""


class ListFetcher(Protocol):
    def fetch(self, url: str) -> Mapping[str, Any]: ...


@dataclass
class StatusListFetcher:
    """Fetches status list credentials over HTTPS with a ``ttl``-honouring cache.

    Args:
        verify_tls: ``True`` for the system CA store, or a CA bundle path (the local setup).
        timeout: seconds for connecting, each read, and the whole download.
        max_bytes: the largest list credential accepted.
        max_cache_seconds: an upper bound on the list's own ``ttl``.
        clock: monotonic seconds (tests pass their own).
    """

    verify_tls: bool | str = True
    timeout: float = 5.0
    max_bytes: int = 1024 * 1024
    max_cache_seconds: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    session: requests.Session = field(default_factory=requests.Session)
    _cache: dict[str, tuple[float, Mapping[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.session.trust_env = False  # no proxy from the environment: the list comes from the issuer

    def fetch(self, url: str) -> Mapping[str, Any]:
        """The parsed list credential at ``url``. Raises StatusListUnavailable."""
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and cached[0] > self.clock():
                return cached[1]
        document = self._download(url)
        subject = document.get("credentialSubject")
        ttl_ms = subject.get("ttl") if isinstance(subject, Mapping) else None
        seconds = min(ttl_ms / 1000, self.max_cache_seconds) if isinstance(ttl_ms, int) and ttl_ms > 0 else 0.0
        if seconds > 0:
            with self._lock:
                self._cache[url] = (self.clock() + seconds, document)
        return document

    def _download(self, url: str) -> Mapping[str, Any]:
        deadline = self.clock() + self.timeout
        try:
            with self.session.get(
                url, timeout=self.timeout, allow_redirects=False, stream=True, verify=self.verify_tls,
                headers={"Accept": "application/vc+ld+json, application/json"},
            ) as response:
                if response.status_code != 200:
                    raise StatusListUnavailable(f"{url}: HTTP {response.status_code}")
                body = b""
                for chunk in response.iter_content(65536):
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise StatusListUnavailable(f"{url}: the list exceeds {self.max_bytes} bytes")
                    if self.clock() > deadline:
                        raise StatusListUnavailable(f"{url}: download exceeded {self.timeout} s")
        except requests.RequestException as err:
            raise StatusListUnavailable(f"{url}: {type(err).__name__}") from err
        try:
            document = json.loads(body)
        except ValueError as err:
            raise StatusListUnavailable(f"{url}: not JSON") from err
        if not isinstance(document, Mapping):
            raise StatusListUnavailable(f"{url}: not a JSON object")
        return document


Seen = tuple[dt.datetime, str]  # (validFrom, SHA-256 of the encodedList) of the newest list seen


class SeenLists(Protocol):
    """What a verifier remembers of the lists it accepted: per list URL, the newest ``validFrom``."""

    def newest(self, url: str) -> Seen | None: ...

    def remember(self, url: str, seen: Seen) -> None: ...


@dataclass
class MemorySeenLists:
    """The newest list seen per URL, in memory: for one process (a verifier service)."""

    _seen: dict[str, Seen] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def newest(self, url: str) -> Seen | None:
        with self._lock:
            return self._seen.get(url)

    def remember(self, url: str, seen: Seen) -> None:
        with self._lock:
            known = self._seen.get(url)
            if known is None or seen[0] > known[0]:
                self._seen[url] = seen


@dataclass
class FileSeenLists:
    """The newest list seen per URL, in memory and in a 0600 JSON file, so that successive
    processes (``shahada verify`` runs) share what they saw. Each write merges with the file (the
    newest per URL wins), replacing it atomically; an unreadable file counts as empty."""

    path: Path
    _memory: MemorySeenLists = field(default_factory=MemorySeenLists)

    def __post_init__(self) -> None:
        for url, seen in self._read().items():
            self._memory.remember(url, seen)

    def _read(self) -> dict[str, Seen]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(url): (dt.datetime.fromisoformat(v[0]), str(v[1])) for url, v in raw.items()}
        except (OSError, ValueError, TypeError, AttributeError, IndexError, KeyError):
            return {}

    def newest(self, url: str) -> Seen | None:
        return self._memory.newest(url)

    def remember(self, url: str, seen: Seen) -> None:
        known = self._memory.newest(url)
        self._memory.remember(url, seen)
        if known is not None and known[0] >= seen[0]:
            return
        merged = self._read()
        for key in {*merged, url}:
            newest = self._memory.newest(key)
            if newest is not None and (key not in merged or newest[0] > merged[key][0]):
                merged[key] = newest
        try:
            write_private(self.path, json.dumps({k: [v[0].isoformat(), v[1]] for k, v in sorted(merged.items())}, indent=1).encode())
        except OSError:
            pass  # remembered in memory for this process; the file is an addition, not a condition


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


ListVerifier = Callable[[Mapping[str, Any]], tuple[bool, str]]  # list credential → (verified, why not)
VERIFIED_LIST_SECONDS = 300.0  # how long a verified list object's outcome is remembered (see the module docstring)
_VERIFIED_LISTS = 256  # at most that many lists remembered


@dataclass(frozen=True, slots=True)
class _VerifiedList:
    document: Mapping[str, Any]  # held: its id() cannot be given to another object meanwhile
    bits: Bitstring
    until: float  # time.monotonic()


@dataclass(frozen=True)
class StatusChecker:
    """Checks the status entries of credentials.

    Args:
        fetcher: fetches list credentials (a :class:`StatusListFetcher`).
        trusted_origins: issuer id → the origins (``https://host``) its lists may come from.
        verify_list: verifies a fetched list credential (signature, issuer, validity), typically
            :func:`shahada.verifier.verify.verify_credential` without a status check.
        clock: the verification time (timezone-aware), for the lists' validity windows.
        seen: the newest list seen per URL (in memory by default: one process).
    """

    fetcher: ListFetcher
    trusted_origins: Mapping[str, frozenset[str]]
    verify_list: ListVerifier
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    seen: SeenLists = field(default_factory=MemorySeenLists)
    _verified: dict[int, _VerifiedList] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def _remembered(self, document: Mapping[str, Any]) -> Bitstring | None:
        with self._lock:
            known = self._verified.get(id(document))
            if known is not None and known.document is document and known.until > time.monotonic():
                return known.bits
        return None

    def _remember(self, document: Mapping[str, Any], bits: Bitstring) -> None:
        with self._lock:
            now = time.monotonic()
            for key in [k for k, v in self._verified.items() if v.until <= now]:
                del self._verified[key]
            if len(self._verified) >= _VERIFIED_LISTS:
                del self._verified[next(iter(self._verified))]
            self._verified[id(document)] = _VerifiedList(document, bits, now + VERIFIED_LIST_SECONDS)

    def check(self, credential: Mapping[str, Any], issuer: str) -> Check:
        """The ``status`` check of one credential whose signature already passed."""
        entries = credential.get("credentialStatus")
        if entries is None:
            return Check(NAME, "passed", OK, "no status entry")
        entries = entries if isinstance(entries, list) else [entries]
        said: list[str] = []
        incomplete: Check | None = None
        for entry in entries:
            outcome = self._entry(entry, issuer)
            if outcome.outcome == "failed" and outcome.code not in INCOMPLETE:
                return outcome
            if outcome.outcome == "failed":
                incomplete = incomplete or outcome
            else:
                said.append(outcome.message)
        if incomplete is not None:
            return incomplete
        return Check(NAME, "passed", OK, "; ".join(said))

    def _entry(self, entry: Any, issuer: str) -> Check:
        if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
            return Check(NAME, "failed", "status.malformed", "a credentialStatus entry is not a BitstringStatusListEntry")
        purpose, url, index_text = entry.get("statusPurpose"), entry.get("statusListCredential"), entry.get("statusListIndex")
        if not isinstance(purpose, str) or not isinstance(url, str) or not isinstance(index_text, str) or not index_text.isdigit():
            return Check(NAME, "failed", "status.malformed", "a status entry lacks statusPurpose, statusListCredential or a numeric statusListIndex")
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme != "https" or origin not in self.trusted_origins.get(issuer, frozenset()):
            return Check(NAME, "failed", "status.untrusted", f"the status list {url} is not on a site trusted for {issuer}")
        try:
            document = self.fetcher.fetch(url)
        except StatusListUnavailable as err:
            return Check(NAME, "failed", UNAVAILABLE, f"the {purpose} list could not be fetched ({err}): status not checked")
        problem = self._list_problem(document, url, issuer, purpose)
        if problem is not None:
            return Check(NAME, "failed", "status.list_invalid", f"the {purpose} list {url} is rejected: {problem}")
        fresh = self._freshness(document, url, purpose)
        if isinstance(fresh, Check):
            return fresh
        bits = self._remembered(document)
        if bits is None:
            verified, why = self.verify_list(document)
            if not verified:
                return Check(NAME, "failed", "status.list_invalid", f"the {purpose} list {url} is rejected: {why}")
        known = self.seen.newest(url)  # compared once the list is known to be the issuer's
        if known is not None and (fresh[0] < known[0] or (fresh[0] == known[0] and fresh[1] != known[1])):
            return Check(
                NAME, "failed", STALE,
                f"the {purpose} list {url} served (validFrom {document['validFrom']}) is older than the one already seen "
                f"(validFrom {known[0].isoformat()}): an outdated list, status not checked",
            )
        self.seen.remember(url, fresh)
        try:
            if bits is None:
                bits = Bitstring.decode(document["credentialSubject"]["encodedList"], min_bits=MIN_BITS)
                self._remember(document, bits)
            value = bits.get(int(index_text))
        except StatusError as err:
            return Check(NAME, "failed", "status.list_invalid", f"the {purpose} list {url}: {err.message}")
        if value:
            code = PURPOSE_CODES.get(purpose, "status.set")
            return Check(NAME, "failed", code, f"{purpose} bit {index_text} of {url} is set: {code.split('.')[1]}")
        state = {"revocation": "not revoked", "suspension": "not suspended"}.get(purpose, f"{purpose} bit not set")
        return Check(NAME, "passed", OK, state)

    def _list_problem(self, document: Mapping[str, Any], url: str, issuer: str, purpose: str) -> str | None:
        types = document.get("type")
        if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
            return "not a BitstringStatusListCredential"
        if document.get("id") != url:
            return "its id is not the URL it was fetched from"
        list_issuer = document.get("issuer")
        list_issuer = list_issuer.get("id") if isinstance(list_issuer, Mapping) else list_issuer
        if list_issuer != issuer:
            return f"issued by {list_issuer!r}, not by the credential's issuer"
        subject = document.get("credentialSubject")
        if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
            return "its credentialSubject is not a BitstringStatusList"
        if subject.get("statusPurpose") != purpose:
            return f"its statusPurpose is {subject.get('statusPurpose')!r}, not {purpose!r}"
        return None

    def _freshness(self, document: Mapping[str, Any], url: str, purpose: str) -> Check | Seen:
        """``(validFrom, digest of the encodedList)`` of a list whose window holds now, else a
        ``status.stale`` check. (Checked before the signature: an expired list is stale whoever made it.)"""
        valid_from, valid_until = _moment(document.get("validFrom")), _moment(document.get("validUntil"))
        if valid_from is None or valid_until is None:
            why = "it states no validity window (validFrom and validUntil), so an old copy could be replayed forever"
            return Check(NAME, "failed", STALE, f"the {purpose} list {url} cannot be trusted as current: {why}: status not checked")
        now = self.clock()
        if now >= valid_until:
            return Check(NAME, "failed", STALE, f"the {purpose} list {url} expired at {document['validUntil']}: status not checked")
        if now < valid_from:
            return Check(NAME, "failed", STALE, f"the {purpose} list {url} is valid only from {document['validFrom']}: status not checked")
        digest = hashlib.sha256(str(document["credentialSubject"].get("encodedList")).encode()).hexdigest()
        return valid_from, digest
