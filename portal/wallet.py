"""Sending a graduate's documents to their wallet: the portal's side of ``shahada.issuer.delivery``.

The delivery itself (an out-of-band invitation, then DIDComm issue-credential 2.0 from the
ministry's agent) belongs to :class:`shahada.issuer.delivery.WalletDelivery`; the portal asks it for an
invitation, remembers which graduate it was made for (``portal_wallet_offers``: only that
graduate may see it or poll it), shows it as a QR code rendered here (no third-party service
ever sees the invitation) and a deep link, and reports the delivery's state.

An invitation carrying its first credential offer is several kilobytes: more than a QR code
holds (2,331 bytes at level M, version 40). The QR code therefore holds a short link,
``<portal>/i/<token>`` (Aries RFC 0434, "URL Shortening"): it answers a wallet asking for JSON
with the invitation itself and anything else with a redirect (302) to the full invitation URL.
Its token is derived from the delivery id with a key of the portal (so the page can show it
again) and stored as its SHA-256; it works for ``invitation_ttl`` seconds.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from shahada.issuer.archive.store import StoredCredential
from shahada.portal.errors import GoneError, NotFoundError
from shahada.portal.store import PortalStore, WalletOfferRow

_SHORT_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{30}")


class Invitation(Protocol):
    """What the portal reads of ``shahada.issuer.delivery.WalletInvitation``."""

    @property
    def delivery_id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def deep_link(self) -> str: ...


class DeliveryState(Protocol):
    """What the portal reads of ``shahada.issuer.delivery.Delivery``."""

    @property
    def state(self) -> str: ...  # "invited" | "delivered" | "failed"
    @property
    def holder_did(self) -> str | None: ...


class WalletDeliveryService(Protocol):
    """What the portal needs of ``shahada.issuer.delivery.WalletDelivery``."""

    def invite(self, massar: str, credentials: Sequence[StoredCredential]) -> Invitation: ...

    def refresh(self, delivery_id: str) -> DeliveryState: ...


class WalletClaim(Protocol):
    """What the portal reads of ``shahada.wallet.claims.Claim``."""

    @property
    def id(self) -> str: ...
    @property
    def massar(self) -> str: ...
    @property
    def expires_at(self) -> dt.datetime: ...
    @property
    def state(self) -> str: ...  # "waiting" | "delivered"
    @property
    def holder_did(self) -> str | None: ...


class WalletClaimService(Protocol):
    """What the portal needs of ``shahada.wallet.claims.Claims``: one claim per "add to wallet",
    whose Interaction URL (one QR code) offers every protocol the ministry speaks."""

    def create(self, massar: str, credentials: Sequence[StoredCredential], *, didcomm: str | None = None) -> WalletClaim: ...

    def get(self, claim_id: str) -> WalletClaim: ...

    def interaction_url(self, claim_id: str) -> str: ...

    def offer_link(self, claim_id: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Offer:
    delivery_id: str
    url: str
    deep_link: str
    created_at: dt.datetime

    def invitation(self) -> dict[str, Any]:
        """The out-of-band invitation the URL carries (``?oob=``, base64url JSON)."""
        encoded = parse_qs(urlsplit(self.url).query).get("oob", [""])[0]
        value = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        if not isinstance(value, dict):
            raise ValueError("the invitation URL carries no JSON object")
        return value


class Offers:
    """The invitations made for each graduate, and their short links.

    Args:
        store: the portal's tables.
        key: derives each short link's token from its delivery id.
        ttl: seconds a short link works.
    """

    def __init__(self, store: PortalStore, key: bytes, *, ttl: int) -> None:
        self.store = store
        self._key = key
        self.ttl = ttl

    def short_token(self, delivery_id: str) -> str:
        digest = hmac.new(self._key, delivery_id.encode(), hashlib.sha256).digest()[:22]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def record(self, massar: str, invitation: Invitation, *, now: dt.datetime) -> Offer:
        offer = Offer(invitation.delivery_id, invitation.url, invitation.deep_link, now)
        short = hashlib.sha256(self.short_token(offer.delivery_id).encode()).hexdigest()
        with self.store.transaction() as session:
            session.add(WalletOfferRow(delivery_id=offer.delivery_id, massar=massar, short_sha256=short, url=offer.url, deep_link=offer.deep_link, created_at=now))
        return offer

    def get(self, massar: str, delivery_id: str) -> Offer:
        """One of ``massar``'s invitations.

        Raises:
            NotFoundError (delivery.unknown): none with this id for this graduate.
        """
        with self.store.reading() as session:
            row = session.get(WalletOfferRow, delivery_id)
        if row is None or row.massar != massar:
            raise NotFoundError("no wallet delivery with this id for this graduate", code="delivery.unknown")
        return _offer(row)

    def by_short_token(self, token: str, *, now: dt.datetime) -> Offer:
        """The invitation of a short link, while it works.

        Raises:
            NotFoundError (invitation.unknown, 404); GoneError (invitation.expired, 410).
        """
        if not _SHORT_TOKEN.fullmatch(token):
            raise NotFoundError("no wallet invitation has this link", code="invitation.unknown")
        with self.store.reading() as session:
            row = session.scalar(select(WalletOfferRow).where(WalletOfferRow.short_sha256 == hashlib.sha256(token.encode()).hexdigest()))
        if row is None:
            raise NotFoundError("no wallet invitation has this link", code="invitation.unknown")
        if now >= row.created_at + dt.timedelta(seconds=self.ttl):
            raise GoneError("this wallet invitation has expired: ask for a new one from the portal", code="invitation.expired")
        return _offer(row)


def _offer(row: WalletOfferRow) -> Offer:
    return Offer(row.delivery_id, row.url, row.deep_link, row.created_at)


def qr_png(text: str) -> bytes:
    """The QR code of ``text`` as a 1-bit PNG (error correction M: read from a screen, not paper)."""
    import qrcode  # type: ignore[import-untyped]
    from qrcode.image.pil import PilImage  # type: ignore[import-untyped]

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(image_factory=PilImage).save(out)
    return out.getvalue()
