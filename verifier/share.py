"""Share links of the graduate portal, verifier side: fetch a link the graduate gave, check what the
portal answers and every credential in it.

The portal's contract (``issuer/portal``): ``GET <link>`` with ``Accept: application/json`` answers

- 200 ``application/json`` ``{"type": "ShahadaShare", "id": "<the link>", "recipient": "<name the
  graduate typed>", "expires": "<ISO 8601 UTC>", "verifiableCredential": [<archived credentials>]}``;
- 410 ``application/problem+json`` (RFC 9457) with ``"code": "share.expired"`` or ``"share.revoked"``;
- 404 with ``"code": "share.unknown"``.

The share document itself is not signed: what it asserts is only as good as the origin it came
from, so a link is fetched only when its origin (RFC 6454 §4: scheme, host, port) is on the
verifier's allow-list — never otherwise, whatever the link says (no server-side request forgery).
The fetch follows no redirect, has a timeout for each step and for the whole body, reads at most
``max_bytes``, and takes no proxy from the environment. The credentials inside are verified like
any other (signature, trusted issuer, status…): the portal cannot forge them, only withhold them.

Checks, in order, with their stable failure codes:

===========  =====================================================================================
origin       ``share.untrusted`` (not an http(s) link on an allowed origin: nothing was fetched)
link         ``share.expired``, ``share.revoked`` (410), ``share.unknown`` (404),
             ``share.unavailable`` (unreachable, timeout, too large, a redirect, another status)
share        ``share.malformed`` (the answer is not the contract's ``application/json`` object, or
             its ``id`` is not the link)
expiry       ``share.expired`` (``expires`` is past, even if the portal still served it: its
             credentials are then neither verified nor shown)
credentials  ``credential.invalid`` (a credential failed; its own result says which check)
===========  =====================================================================================

:func:`verify_share` is pure apart from the passed fetcher and credential verifier.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

import requests

from shahada.verifier.result import OK, SKIPPED, Check, Checked, VerificationResult

__all__ = [
    "SHARE_CHECKS",
    "SHARE_TYPE",
    "VISIT_HEADER",
    "VISIT_PATTERN",
    "Answer",
    "ShareDocument",
    "ShareFetcher",
    "ShareResult",
    "VisitFetcher",
    "check_origin",
    "origin_of",
    "parse_answer",
    "parse_share",
    "verify_share",
]

SHARE_TYPE: Final = "ShahadaShare"
VISIT_HEADER: Final = "Shahada-Visit"
VISIT_PATTERN: Final = re.compile(r"[0-9]{1,12}\.[A-Za-z0-9_-]{22}")
SHARE_CHECKS: Final = ("origin", "link", "share", "expiry", "credentials")
GONE_CODES: Final = frozenset({"share.expired", "share.revoked"})
MAX_URL_CHARS: Final = 2048
MAX_RECIPIENT_CHARS: Final = 200
_PROBLEM_BYTES: Final = 16 * 1024
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_UTC_DATE_TIME: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|\+00:00)$")


def origin_of(url: str) -> str | None:
    """The origin ``scheme://host[:port]`` of an absolute http(s) URL (RFC 6454 §4), scheme and host
    in lower case and a default port left out; None for anything else (another scheme, no host,
    user information, a bad port, spaces or control characters)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS or not url.isprintable() or " " in url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or not host or parts.username is not None or "@" in parts.netloc:
        return None
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" if port in (None, _DEFAULT_PORTS[scheme]) else f"{scheme}://{shown}:{port}"


def _passed(name: str, message: str) -> Check:
    return Check(name, "passed", OK, message)


def _failed(name: str, code: str, message: str) -> Check:
    return Check(name, "failed", code, message)


def check_origin(url: str, allowed: frozenset[str]) -> Check:
    """The link's origin is allowed (code ``share.untrusted``); decided without any request."""
    origin = origin_of(url)
    if origin is None:
        return _failed("origin", "share.untrusted", "this is not an http(s) share link")
    if origin not in allowed:
        return _failed("origin", "share.untrusted", f"{origin} is not a portal this verifier trusts: the link was not opened")
    return _passed("origin", f"a link of the trusted portal {origin}")


@dataclass(frozen=True, slots=True)
class ShareDocument:
    """What the portal answered, once checked against the contract."""

    url: str
    recipient: str
    expires: datetime
    expires_text: str  # as the portal wrote it
    credentials: tuple[Mapping[str, Any], ...]


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _UTC_DATE_TIME.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def parse_share(body: Any, url: str, *, max_credentials: int) -> tuple[Check, ShareDocument | None]:
    """The ``share`` check of a 200 answer (code ``share.malformed``) and the document it holds."""
    def bad(message: str) -> tuple[Check, ShareDocument | None]:
        return _failed("share", "share.malformed", f"the portal's answer is not a share: {message}"), None

    if not isinstance(body, Mapping):
        return bad("not a JSON object")
    if body.get("type") != SHARE_TYPE:
        return bad(f"type must be {SHARE_TYPE}")
    if body.get("id") != url:
        return bad("its id is not the link it was fetched from")
    recipient = body.get("recipient")
    if not isinstance(recipient, str) or not recipient.strip() or len(recipient) > MAX_RECIPIENT_CHARS:
        return bad(f"recipient must be a name of 1 to {MAX_RECIPIENT_CHARS} characters")
    expires = _utc(body.get("expires"))
    if expires is None:
        return bad("expires must be an ISO 8601 date-time in UTC")
    held = body.get("verifiableCredential")
    if not isinstance(held, list) or not held or not all(isinstance(c, Mapping) for c in held):
        return bad("verifiableCredential must be a non-empty list of credential objects")
    if len(held) > max_credentials:
        return bad(f"it holds {len(held)} credentials; at most {max_credentials} are verified")
    document = ShareDocument(url, recipient.strip(), expires, str(body["expires"]), tuple(held))
    return _passed("share", f"a share for {document.recipient} holding {len(held)} credential(s)"), document


@dataclass(frozen=True, slots=True)
class Answer:
    """A portal's 200 answer: its media type and body."""

    media_type: str
    body: bytes


def parse_answer(answer: Answer, url: str, *, max_credentials: int) -> tuple[Check, ShareDocument | None]:
    """The ``share`` check of a 200 answer: ``application/json`` (RFC 8259), then
    :func:`parse_share` (code ``share.malformed``)."""
    if answer.media_type.split(";")[0].strip().lower() != "application/json":
        shown = answer.media_type[:80] or "no media type"
        return _failed("share", "share.malformed", f"the portal answered {shown}, not application/json"), None
    try:
        body = json.loads(answer.body)
    except (ValueError, RecursionError):
        return _failed("share", "share.malformed", "the portal's answer is not JSON"), None
    return parse_share(body, url, max_credentials=max_credentials)


def check_expiry(document: ShareDocument, now: datetime) -> Check:
    """``now`` is before the link's ``expires`` (code ``share.expired``; the portal too holds a
    link expired from that instant on)."""
    if now >= document.expires:
        return _failed("expiry", "share.expired", f"the link expired at {document.expires_text}")
    return _passed("expiry", f"the link is valid until {document.expires_text}")


class Fetcher(Protocol):
    """Fetches a share link: a 200 :class:`Answer`, or a failed ``link`` check."""

    def fetch(self, url: str) -> Answer | Check: ...


@dataclass
class ShareFetcher:
    """Fetches share links over HTTP(S) with ``requests`` (see the module docstring).

    Args:
        timeout: seconds for connecting, for each read, and for the whole body.
        max_bytes: the largest answer read.
        verify_tls: ``True`` for the system CA store, or a CA bundle path (the local setup).
        clock: monotonic seconds.
    """

    timeout: float = 5.0
    max_bytes: int = 512 * 1024
    verify_tls: bool | str = True
    clock: Callable[[], float] = time.monotonic
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.trust_env = False  # no proxy, no .netrc credentials from the environment

    def close(self) -> None:
        self.session.close()

    def fetch(self, url: str, *, visit: str | None = None) -> Answer | Check:
        """``visit``: the token the portal gave the browser it sent here (header ``Shahada-Visit``),
        so that the portal logs this fetch as that visit rather than as a second access."""
        headers = {"Accept": "application/json", **({VISIT_HEADER: visit} if visit else {})}
        try:
            with self.session.get(
                url, timeout=self.timeout, allow_redirects=False, stream=True, verify=self.verify_tls, headers=headers,
            ) as response:
                limit = self.max_bytes if response.status_code == 200 else _PROBLEM_BYTES
                body = self._read(response, limit)
                status, mimetype = response.status_code, response.headers.get("Content-Type", "")
        except requests.RequestException as err:
            return _failed("link", "share.unavailable", f"the portal could not be reached ({type(err).__name__})")
        if status != 200:  # a refusal's problem details, when too long or slow, are left unread
            return _refusal(status, body if isinstance(body, bytes) else b"")
        if isinstance(body, Check):
            return body
        return Answer(mimetype, body)

    def _read(self, response: requests.Response, limit: int) -> bytes | Check:
        deadline = self.clock() + self.timeout
        body = b""
        for chunk in response.iter_content(16384):
            body += chunk
            if len(body) > limit:
                return _failed("link", "share.unavailable", f"the portal's answer is larger than {limit} bytes: not read")
            if self.clock() > deadline:
                return _failed("link", "share.unavailable", f"the portal's answer took longer than {self.timeout} s")
        return body


@dataclass(frozen=True, slots=True)
class VisitFetcher:
    """A :class:`ShareFetcher` for one browser visit the portal sent here (its ``visit`` token)."""

    fetcher: ShareFetcher
    visit: str

    def fetch(self, url: str) -> Answer | Check:
        return self.fetcher.fetch(url, visit=self.visit)


def _problem_code(body: bytes) -> str | None:
    try:
        problem = json.loads(body)
    except (ValueError, RecursionError):
        return None
    code = problem.get("code") if isinstance(problem, Mapping) else None
    return code if isinstance(code, str) else None


def _refusal(status: int, body: bytes) -> Check:
    """The ``link`` check of a non-200 answer (the contract's 410 and 404, or anything else)."""
    if status == 404:
        return _failed("link", "share.unknown", "the portal knows no such link")
    if status == 410:
        code = _problem_code(body)
        if code in GONE_CODES:
            meaning = "has expired" if code == "share.expired" else "was revoked by the graduate"
            return _failed("link", code, f"the link {meaning}")
        return _failed("link", "share.expired", "the link is no longer available (HTTP 410, no reason given)")
    if 300 <= status < 400:
        return _failed("link", "share.unavailable", f"the portal answered HTTP {status}: redirects are not followed")
    return _failed("link", "share.unavailable", f"the portal answered HTTP {status}")


@dataclass(frozen=True, slots=True)
class ShareResult(Checked):
    """A share link's checks, in order, the result of each credential in it, and the document."""

    verified: bool
    checks: tuple[Check, ...]
    credentials: tuple[VerificationResult, ...] = ()
    document: ShareDocument | None = None


def _check_credentials(results: Sequence[VerificationResult]) -> Check:
    bad = [f"credential {i}: {', '.join(sorted({e.code for e in r.errors}))}" for i, r in enumerate(results) if not r.verified]
    if bad:
        return _failed("credentials", "credential.invalid", f"{len(bad)} of {len(results)} credential(s) failed: {'; '.join(bad)}")
    return _passed("credentials", f"all {len(results)} credential(s) verified")


def verify_share(
    url: str,
    *,
    allowed_origins: frozenset[str],
    fetcher: Fetcher,
    verify_credential: Callable[[Mapping[str, Any]], VerificationResult],
    now: datetime,
    max_credentials: int,
) -> ShareResult:
    """Verify the share link ``url`` (see the module docstring).

    Args:
        url: the link the graduate gave.
        allowed_origins: the portals' origins (``https://portal.example``); others are never fetched.
        fetcher: fetches the link (:class:`ShareFetcher`).
        verify_credential: the full verification of one credential (signature, status, records…).
        now: the verification time, timezone-aware.
        max_credentials: the most credentials one share may hold.

    Raises:
        ValueError: ``now`` is naive (a programming error).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    checks = [check_origin(url, allowed_origins)]
    document: ShareDocument | None = None
    results: tuple[VerificationResult, ...] = ()
    if checks[-1].outcome == "passed":
        fetched = fetcher.fetch(url)
        checks.append(fetched if isinstance(fetched, Check) else _passed("link", "the portal answered the link"))
        if not isinstance(fetched, Check):
            share_check, document = parse_answer(fetched, url, max_credentials=max_credentials)
            checks.append(share_check)
    if document is not None:
        checks.append(check_expiry(document, now))
        if checks[-1].outcome == "passed":  # past its expiry, what the graduate shared is not shown
            results = tuple(verify_credential(c) for c in document.credentials)
            checks.append(_check_credentials(results))
    blocker = next((c.name for c in checks if c.outcome == "failed"), None)
    done = {c.name: c for c in checks}
    ordered = tuple(
        done.get(name) or Check(name, "skipped", SKIPPED, f"not checked: the {blocker} check failed") for name in SHARE_CHECKS
    )
    return ShareResult(all(c.outcome == "passed" for c in ordered), ordered, results, document)
