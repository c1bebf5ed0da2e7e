"""Share links: a graduate lets a named recipient (a university's admissions office, an employer)
fetch chosen documents, for a chosen time, until the graduate revokes the link.

The link is ``<portal>/s/<token>``; the token has 176 bits from ``secrets`` and only its SHA-256
is stored, so the link is shown once, when it is made. Every access on a known token is logged
for the graduate to see (time, outcome, channel, the client's address truncated to its /24 or
/48, the user agent), refused ones included; the verifier's fetch for a browser's visit
(:func:`visit_token`) is that visit, not a second access.

What a recipient's software gets (the contract the verifier service relies on)::

    GET /s/<token>   Accept: application/json
    200 {"type": "ShahadaShare", "id": "<the link>", "recipient": "<name>",
         "expires": "<ISO 8601 UTC, Z>", "verifiableCredential": [<the archived credentials, as signed>]}
    410 problem+json  share.expired | share.revoked        404 problem+json  share.unknown
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

from sqlalchemy import select

from shahada.portal.errors import GoneError, NotFoundError
from shahada.portal.store import PortalStore, ShareAccessRow, ShareRow

TOKEN_BYTES: Final = 22  # 176 bits
_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{22,86}")
SHARE_TYPE: Final = "ShahadaShare"
USER_AGENT_CHARS: Final = 300
VISIT_SECONDS: Final = 120  # a browser sent to the verifier: how long the verifier's fetch counts as that same visit
VISIT_HEADER: Final = "Shahada-Visit"
_VISIT: Final = re.compile(r"([0-9]{1,12})\.([A-Za-z0-9_-]{22})")

State = Literal["active", "expired", "revoked"]
Outcome = Literal["served", "expired", "revoked"]
Channel = Literal["api", "browser"]


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def truncate_address(address: str | None) -> str:
    """The network a client address belongs to, as the graduate's log shows it: /24 for IPv4,
    /48 for IPv6 (an IPv4-mapped IPv6 address is shown as IPv4); "" when there is none."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def utc_text(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _visit_mac(key: bytes, token: str, until: int) -> str:
    digest = hmac.new(key, f"{token_sha256(token)}|{until}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def visit_token(key: bytes, token: str, now: dt.datetime) -> str:
    """What the portal gives a browser it sends to the verifier, for the verifier's fetch of the
    link that follows: ``<until>.<HMAC>``, good for :data:`VISIT_SECONDS`, for this link only, so
    that one visit is one entry of the graduate's log (the browser's), not two."""
    until = int(now.timestamp()) + VISIT_SECONDS
    return f"{until}.{_visit_mac(key, token, until)}"


def is_visit(key: bytes, token: str, visit: str, now: dt.datetime) -> bool:
    """Whether ``visit`` is a current :func:`visit_token` of this link."""
    found = _VISIT.fullmatch(visit)
    if found is None:
        return False
    until = int(found.group(1))
    return now.timestamp() <= until and hmac.compare_digest(found.group(2), _visit_mac(key, token, until))


@dataclass(frozen=True, slots=True)
class Share:
    id: int
    recipient: str
    credential_ids: tuple[str, ...]
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    def state(self, now: dt.datetime) -> State:
        """Revoked first (a revoked link stays revoked), then expired, else active."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"


@dataclass(frozen=True, slots=True)
class Access:
    at: dt.datetime
    outcome: Outcome
    channel: Channel
    client: str
    user_agent: str


_BROWSERS: Final = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS: Final = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
_PRODUCT: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,59}(?:/[A-Za-z0-9._+-]{1,20})?")


def software_of(user_agent: str) -> str:
    """A user agent in a few words for the graduate's log: "Chrome on Android", "Firefox on
    Windows", or a program's own name and version ("python-requests/2.32.3"); "" when unknown."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), None)
    if browser is not None and user_agent.startswith("Mozilla/"):
        system = next((name for token, name in _SYSTEMS if token in user_agent), None)
        return f"{browser} · {system}" if system else browser
    found = _PRODUCT.match(user_agent.strip())
    return found.group(0) if found else ""


def share_document(share: Share, link: str, credentials: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON a recipient's software gets from an active link."""
    return {
        "type": SHARE_TYPE,
        "id": link,
        "recipient": share.recipient,
        "expires": utc_text(share.expires_at),
        "verifiableCredential": list(credentials),
    }


class Shares:
    """The share links of every graduate, and their access logs."""

    def __init__(self, store: PortalStore) -> None:
        self.store = store

    def create(self, massar: str, *, recipient: str, credential_ids: Sequence[str], days: int, now: dt.datetime) -> tuple[str, Share]:
        """A new link; returns its token (shown once, never stored) and the share."""
        token = new_token()
        row = ShareRow(
            token_sha256=token_sha256(token),
            massar=massar,
            recipient=recipient,
            credential_ids=json.dumps(list(credential_ids)),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
            revoked_at=None,
        )
        with self.store.transaction() as session:
            session.add(row)
            session.flush()
            return token, _share(row)

    def of(self, massar: str) -> list[Share]:
        """A graduate's links, the newest first."""
        with self.store.reading() as session:
            rows = session.scalars(select(ShareRow).where(ShareRow.massar == massar).order_by(ShareRow.id.desc())).all()
        return [_share(r) for r in rows]

    def accesses(self, share_ids: Iterable[int]) -> dict[int, list[Access]]:
        """Each link's log, the newest first."""
        ids = list(share_ids)
        found: dict[int, list[Access]] = {i: [] for i in ids}
        if not ids:
            return found
        with self.store.reading() as session:
            rows = session.scalars(select(ShareAccessRow).where(ShareAccessRow.share_id.in_(ids)).order_by(ShareAccessRow.id.desc())).all()
        for r in rows:
            found[r.share_id].append(Access(r.at, cast(Outcome, r.outcome), cast(Channel, r.channel), r.client, r.user_agent))
        return found

    def revoke(self, massar: str, share_id: int, *, now: dt.datetime) -> Share:
        """Revoke one of ``massar``'s links (revoking twice keeps the first time).

        Raises:
            NotFoundError (link.unknown): not a link of this graduate.
        """
        with self.store.transaction() as session:
            row = session.get(ShareRow, share_id)
            if row is None or row.massar != massar:
                raise NotFoundError(f"no share link {share_id} for this graduate", code="link.unknown")
            if row.revoked_at is None:
                row.revoked_at = now
            return _share(row)

    def open(self, token: str, *, channel: Channel, client: str, user_agent: str, now: dt.datetime, log: bool = True) -> Share:
        """A request on a link: logged when the token is known (unless ``log`` is false: the
        verifier's fetch for a visit already logged), then answered.

        Raises:
            NotFoundError (share.unknown, 404): no link has this token.
            GoneError (share.revoked | share.expired, 410): the link no longer gives access.
        """
        if not _TOKEN.fullmatch(token):
            raise NotFoundError("no share link has this token", code="share.unknown")
        with self.store.transaction() as session:
            row = session.scalar(select(ShareRow).where(ShareRow.token_sha256 == token_sha256(token)))
            if row is None:
                raise NotFoundError("no share link has this token", code="share.unknown")
            share = _share(row)
            state = share.state(now)
            outcome: Outcome = "served" if state == "active" else state
            if log:
                session.add(ShareAccessRow(share_id=row.id, at=now, outcome=outcome, channel=channel, client=client, user_agent=user_agent[:USER_AGENT_CHARS]))
        if state == "revoked":
            raise GoneError(f"this share link was revoked by its holder on {utc_text(share.revoked_at or now)}", code="share.revoked")
        if state == "expired":
            raise GoneError(f"this share link expired on {utc_text(share.expires_at)}", code="share.expired")
        return share


def _share(row: ShareRow) -> Share:
    return Share(row.id, row.recipient, tuple(json.loads(row.credential_ids)), row.created_at, row.expires_at, row.revoked_at)
