"""VC API exchanges (W3C VCALM 1.0, "Workflows and Exchanges"): the issuer's side of the flow the
Learner Credential Wallet follows, over the same claims as OID4VCI (:mod:`shahada.wallet.claims`).

At the exchange URL (``protocols.vcapi`` of the claim's Interaction URL):

1. the wallet POSTs ``{}``; the answer is a ``verifiablePresentationRequest`` asking for
   ``DIDAuthentication`` with a one-time ``challenge`` and the issuer's ``domain``;
2. the wallet POSTs ``{"verifiablePresentation": …}``, a presentation signed by its DID for that
   challenge and domain (``authentication`` proof; Ed25519Signature2020 or eddsa-rdfc-2022); it is
   checked by Shahada's verifier (:func:`shahada.verifier.presentation.verify_presentation`:
   proof, key of the holder's ``did:key``, challenge, domain);
3. the answer is ``{"verifiablePresentation": {"verifiableCredential": [...]}}``: the chosen
   documents' wallet copies bound to that DID, signed by the ministry's key inside the agent.

``GET`` on the exchange URL answers its state (``pending``, ``active``, ``complete``,
``invalid``). The exchange is single use: once complete it answers 409 ``exchange.complete``, and
its claim is taken for every protocol; three failed authentications make it ``invalid``; the
claim's expiry ends it (410 ``claim.expired``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from sqlalchemy import Integer, String, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from shahada.common.db import Base, UTCDateTime
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.presentation import verify_presentation
from shahada.wallet.claims import Claims
from shahada.wallet.errors import WalletError

__all__ = ["DIDAuthenticator", "ExchangeError", "Exchanges", "did_authenticator"]

PENDING, ACTIVE, COMPLETE, INVALID = "pending", "active", "complete", "invalid"
MAX_FAILURES: Final = 3
VC_V1: Final = "https://www.w3.org/2018/credentials/v1"
ACCEPTED_CRYPTOSUITES: Final = ("Ed25519Signature2020", "eddsa-rdfc-2022")


class ExchangeError(WalletError):
    """Codes: ``exchange.request`` (400: not a JSON object, or a presentation before the
    request), ``exchange.authentication`` (400: the DID authentication does not verify),
    ``exchange.withdrawn`` (409: every document was revoked or suspended since the claim),
    ``exchange.complete`` (409: already done), ``exchange.invalid`` (409: too many failures)."""

    code = "exchange.error"

    def __init__(self, message: str, *, code: str, status: int = 400, details: Any = None) -> None:
        super().__init__(message, code=code)
        self.http_status = status
        self.details = details


# (presentation, challenge, domain) → the holder's DID as proven; raises ExchangeError.
DIDAuthenticator = Callable[[Any, str, str], str]


def did_authenticator(loader: PinnedDocumentLoader, resolver: Any, *, clock: Callable[[], dt.datetime]) -> DIDAuthenticator:
    """A DID authentication check by Shahada's verifier: the presentation's proof by its holder's
    key (a ``did:key``, resolved locally), for ``challenge`` and ``domain``."""

    def authenticate(presentation: Any, challenge: str, domain: str) -> str:
        result = verify_presentation(
            presentation, document_loader=loader, resolver=resolver, trusted_issuers=frozenset(), now=clock(),
            challenge=challenge, domain=domain, max_credentials=0,
        )
        if not result.verified or result.holder is None:
            failed = [c.to_dict() for c in result.errors]
            raise ExchangeError("the DID authentication does not verify", code="exchange.authentication", details=failed)
        return result.holder

    return authenticate


class ExchangeRow(Base):
    __tablename__ = "wallet_exchanges"

    claim_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    challenge: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Exchanges:
    """The VC API exchanges of claims. Thread-safe (one engine)."""

    def __init__(self, claims: Claims, authenticate: DIDAuthenticator) -> None:
        self.claims = claims
        self.authenticate = authenticate
        self._sessions = sessionmaker(claims.archive.engine, expire_on_commit=False)

    @property
    def domain(self) -> str:
        return urlsplit(self.claims.issuer).netloc

    def url(self, claim_id: str) -> str:
        return f"{self.claims.issuer}/exchanges/{claim_id}"

    def state(self, claim_id: str) -> dict[str, Any]:
        """``{"exchange": {"id", "state", "expires"}}``.

        Raises:
            ClaimError (claim.unknown, 404).
        """
        claim = self.claims.get(claim_id)
        with self._sessions() as session:
            row = session.get(ExchangeRow, claim_id)
        state = row.state if row is not None else PENDING
        return {"exchange": {"id": self.url(claim_id), "state": state, "expires": claim.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")}}

    def participate(self, claim_id: str, body: object) -> dict[str, Any]:
        """One step of the exchange (see the module's docstring).

        Raises:
            ExchangeError: ``exchange.request``, ``exchange.authentication``, ``exchange.complete``,
                ``exchange.invalid``.
            ClaimError: ``claim.unknown`` (404), ``claim.expired`` (410), ``claim.signing`` (502).
        """
        if not isinstance(body, Mapping):
            raise ExchangeError("the exchange expects a JSON object", code="exchange.request")
        with self._sessions() as session:
            row = session.get(ExchangeRow, claim_id) if len(claim_id) <= 64 else None
        if row is not None and row.state == COMPLETE:
            raise ExchangeError("this exchange is complete: its documents were delivered", code="exchange.complete", status=409)
        if row is not None and row.state == INVALID:
            raise ExchangeError("this exchange failed too many times: ask the portal for a new code", code="exchange.invalid", status=409)
        claim = self.claims.open(claim_id)
        if "verifiablePresentation" not in body:
            return {"verifiablePresentationRequest": self._request(claim.id, row)}
        if row is None:
            raise ExchangeError("ask first: POST {} to receive the DID authentication request", code="exchange.request")
        try:
            holder = self.authenticate(body["verifiablePresentation"], row.challenge, self.domain)
        except ExchangeError:
            self._failed(claim.id)
            raise
        available = self.claims.credentials_of(claim.id)
        if not available:
            raise ExchangeError("the documents of this claim were revoked or suspended since it was made", code="exchange.withdrawn", status=409)
        if not self._complete(claim.id):  # another request completed it meanwhile
            raise ExchangeError("this exchange is complete: its documents were delivered", code="exchange.complete", status=409)
        try:
            copies = self.claims.deliver(claim.id, available, holder, protocol="vcapi")
        except Exception:
            self._set(claim.id, ACTIVE)
            raise
        return {"verifiablePresentation": {"@context": [VC_V1], "type": ["VerifiablePresentation"], "verifiableCredential": copies}}

    def _request(self, claim_id: str, row: ExchangeRow | None) -> dict[str, Any]:
        challenge = row.challenge if row is not None else secrets.token_urlsafe(24)
        if row is None:
            with self._sessions.begin() as session:
                session.merge(ExchangeRow(claim_id=claim_id, challenge=challenge, state=ACTIVE, failures=0, updated_at=self.claims.clock()))
        return {
            "query": [{
                "type": "DIDAuthentication",
                "acceptedMethods": [{"method": "key"}],
                "acceptedCryptosuites": [{"cryptosuite": c} for c in ACCEPTED_CRYPTOSUITES],
            }],
            "challenge": challenge,
            "domain": self.domain,
        }

    def _complete(self, claim_id: str) -> bool:
        with self._sessions.begin() as session:
            done = session.execute(
                update(ExchangeRow).where(ExchangeRow.claim_id == claim_id, ExchangeRow.state == ACTIVE).values(state=COMPLETE, updated_at=self.claims.clock())
            )
            return bool(getattr(done, "rowcount", 0) == 1)

    def _set(self, claim_id: str, state: str) -> None:
        with self._sessions.begin() as session:
            session.execute(update(ExchangeRow).where(ExchangeRow.claim_id == claim_id).values(state=state, updated_at=self.claims.clock()))

    def _failed(self, claim_id: str) -> None:
        with self._sessions.begin() as session:
            row = session.get(ExchangeRow, claim_id, with_for_update=True)
            if row is not None and row.state == ACTIVE:
                row.failures += 1
                row.updated_at = self.claims.clock()
                if row.failures >= MAX_FAILURES:
                    row.state = INVALID
