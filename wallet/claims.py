"""Claims: what one graduate may take into one wallet, and the OID4VCI 1.0 pre-authorized code flow
that takes it (the issuer's state; the messages are :mod:`shahada.wallet.oid4vci`).

A claim is made for a signed-in graduate and the documents they chose. It carries:

- a **pre-authorized code**, HMAC of the claim id with the service's key (so the offer, fetched by
  reference at ``/oid4vci/offers/<claim id>``, can be rebuilt; only its SHA-256 is stored);
- a **transaction code** (six digits) sent to the graduate the way the portal sends its one-time
  codes (an :class:`CodeSender`: the ministry's SMS or e-mail gateway); stored as an HMAC bound to
  the claim; five wrong codes end the claim;
- once the code is redeemed, an **access token** (SHA-256 stored) that works for ten minutes;
- the wallet's ``did:key`` once a credential was issued: a claim serves one wallet.

Every step is single use and short-lived: the code is redeemed once, the claim expires after
``ttl`` seconds, each ``c_nonce`` (:mod:`shahada.wallet.credential_endpoint`) is taken once. The credential is the archived
credential's wallet copy (VC DM 1.1, :func:`shahada.schemas.credential.wallet_profile`) with
``credentialSubject.id`` = the wallet's DID, signed ``Ed25519Signature2020`` by the ministry's key
inside the agent (:class:`AgentCopySigner`); every issued copy is recorded in the audit trail
(action ``deliver``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentError
from shahada.common.db import Base, UTCDateTime
from shahada.issuer.archive.audit import AuditLog, document_sha256
from shahada.issuer.archive.store import Archive, StoredCredential
from shahada.schemas.credential import wallet_profile
from shahada.wallet.errors import WalletError
from shahada.wallet.oid4vci import (
    PRE_AUTHORIZED_GRANT,
    SD_JWT_DIPLOMA,
    OID4VCIError,
    configuration_of,
    credential_offer,
    offer_link,
)

__all__ = ["AgentCopySigner", "Claim", "ClaimError", "Claims", "CodeSender", "CopySigner"]

TX_CODE_DIGITS: Final = 6
TX_CODE_TRIES: Final = 5
TOKEN_TTL: Final = 600
WALLET_PROOF_TYPE: Final = "Ed25519Signature2020"


class ClaimError(WalletError):
    """Codes: ``claim.empty`` (no document chosen), ``claim.unknown`` (no such claim or offer, 404),
    ``claim.expired`` (410), ``claim.signing`` (the agent refused or is unreachable, 502)."""

    code = "claim.error"

    def __init__(self, message: str, *, code: str, status: int = 400) -> None:
        super().__init__(message, code=code)
        self.http_status = status


class CodeSender(Protocol):
    """Sends a code to the holder of a Code Massar (the portal's one-time code sender)."""

    def send(self, massar: str, code: str, *, at: dt.datetime) -> None: ...


class CopySigner(Protocol):
    """Signs a wallet copy with the ministry's key (in the agent)."""

    def sign_copy(self, copy: Mapping[str, Any]) -> dict[str, Any]: ...


class SDJWTSigner(Protocol):
    """Signs an SD-JWT VC with the ministry's key (in the agent): :class:`shahada.wallet.sd_jwt_vc.AgentSDJWTSigner`."""

    def sign_sd_jwt(self, payload: Mapping[str, Any], non_sd_list: list[str]) -> str: ...


class StatusSource(Protocol):
    """The status store (:class:`shahada.issuer.archive.status.StatusStore`): purpose → bit."""

    def status_of(self, credential_id: str) -> dict[str, bool]: ...


class AgentCopySigner:
    """``/vc/credentials/issue`` of the ministry's agent, ``Ed25519Signature2020`` with its key."""

    def __init__(self, client: AdminClient, verification_method: str) -> None:
        self.client = client
        self.verification_method = verification_method

    def sign_copy(self, copy: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return self.client.issue_credential(copy, proof_type=WALLET_PROOF_TYPE, verification_method=self.verification_method)
        except AgentError as err:
            raise ClaimError(f"the ministry's agent did not sign the wallet copy: {err.message}", code="claim.signing", status=502) from err


class ClaimRow(Base):
    __tablename__ = "wallet_claims"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    massar: Mapped[str] = mapped_column(String(10), index=True)
    credential_ids: Mapped[str] = mapped_column(Text)  # JSON list
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    tx_digest: Mapped[str] = mapped_column(String(64))
    tx_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    redeemed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    token_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    token_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    holder_did: Mapped[str | None] = mapped_column(String(200), nullable=True)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    didcomm: Mapped[str | None] = mapped_column(Text, nullable=True)  # the DIDComm invitation's link, offered beside


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    massar: str
    credential_ids: tuple[str, ...]
    created_at: dt.datetime
    expires_at: dt.datetime
    holder_did: str | None
    issued: int
    didcomm: str | None

    @property
    def state(self) -> str:
        """``waiting`` (nothing taken yet), ``delivered`` (a wallet took its documents)."""
        return "delivered" if self.issued else "waiting"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Claims:
    """Create claims and serve the pre-authorized code flow. Thread-safe (one engine).

    Args:
        archive: the signed credentials (its database holds ``wallet_claims``).
        signer: signs the wallet copies inside the agent.
        sender: sends the transaction code to the graduate.
        key: the service's secret (pre-authorized codes, transaction code digests).
        issuer: the credential issuer identifier (the public https origin of these endpoints).
        ttl: seconds a claim works.
        clock: the current time (UTC, aware).
        sd_jwt: signs the diploma's SD-JWT VC copy; None: only ``ldp_vc`` is offered.
        status: the status store: a document revoked or suspended since the claim was made is
            not delivered; None: no status lists (did:key installations).
    """

    def __init__(
        self,
        archive: Archive,
        signer: CopySigner,
        sender: CodeSender,
        *,
        key: bytes,
        issuer: str,
        ttl: int = 900,
        operator: str = "wallet",
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        sd_jwt: SDJWTSigner | None = None,
        status: StatusSource | None = None,
    ) -> None:
        self.archive = archive
        self.signer = signer
        self.sd_jwt = sd_jwt
        self.status = status
        self.sender = sender
        self.issuer = issuer.rstrip("/")
        self.ttl = ttl
        self.operator = operator
        self.clock = clock
        self._key = key
        self._sessions = sessionmaker(archive.engine, expire_on_commit=False)
        self._audit = AuditLog(archive.engine)

    # --- the graduate's side ----------------------------------------------------------------

    def create(self, massar: str, credentials: Sequence[StoredCredential], *, didcomm: str | None = None) -> Claim:
        """A claim of ``credentials`` (the signed-in graduate's own, chosen by them); the
        transaction code goes to the graduate through the sender. ``didcomm``: the link of a
        DIDComm invitation for the same documents, offered in the interaction's protocols.

        Raises:
            ClaimError (claim.empty): nothing chosen, or a credential of another graduate.
        """
        if not credentials:
            raise ClaimError("choose at least one document", code="claim.empty")
        if any(c.document.get("credentialSubject", {}).get("massarCode") != massar for c in credentials):
            raise ClaimError("a claim holds only the graduate's own documents", code="claim.empty")
        now = self.clock()
        claim_id = secrets.token_urlsafe(24)
        tx_code = f"{secrets.randbelow(10**TX_CODE_DIGITS):0{TX_CODE_DIGITS}d}"
        row = ClaimRow(
            id=claim_id, massar=massar, credential_ids=json.dumps([c.id for c in credentials]),
            code_sha256=_sha256(self._pre_authorized_code(claim_id)), tx_digest=self._tx_digest(claim_id, tx_code),
            tx_attempts=0, created_at=now, expires_at=now + dt.timedelta(seconds=self.ttl), issued=0, didcomm=didcomm,
        )
        with self._sessions.begin() as session:
            session.add(row)
        self.sender.send(massar, tx_code, at=now)
        return _claim(row)

    def get(self, claim_id: str) -> Claim:
        """Raises: ClaimError (claim.unknown)."""
        with self._sessions() as session:
            row = session.get(ClaimRow, claim_id)
        if row is None:
            raise ClaimError("no such claim", code="claim.unknown", status=404)
        return _claim(row)

    def offer_uri(self, claim_id: str) -> str:
        return f"{self.issuer}/oid4vci/offers/{claim_id}"

    def offer_link(self, claim_id: str) -> str:
        """``openid-credential-offer://?credential_offer_uri=…`` of the claim."""
        return offer_link(self.offer_uri(claim_id))

    def interaction_url(self, claim_id: str) -> str:
        """The claim's Interaction URL (VCALM §3.7, ``iuv=1``): what the portal's QR code holds."""
        return f"{self.issuer}/interactions/{claim_id}?iuv=1"

    def open(self, claim_id: str) -> Claim:
        """A claim no wallet has taken yet, before its expiry.

        Raises:
            ClaimError: ``claim.unknown`` (404), ``claim.expired`` (410: expired or taken).
        """
        return _claim(self._open(claim_id))

    def protocols(self, claim_id: str) -> dict[str, str]:
        """The ``protocols`` a wallet reads at the Interaction URL: ``OID4VCI`` (the credential
        offer), ``didcomm`` (the DIDComm invitation, when there is one).

        Raises:
            ClaimError: ``claim.unknown`` (404), ``claim.expired`` (410: expired or taken).
        """
        row = self._open(claim_id)
        found = {"OID4VCI": self.offer_link(row.id)}
        if row.didcomm:
            found["didcomm"] = row.didcomm
        return found

    def offer(self, claim_id: str) -> dict[str, Any]:
        """The credential offer of a claim that still works (fetched by the wallet by reference).

        Raises:
            ClaimError: ``claim.unknown`` (404), ``claim.expired`` (410, or already redeemed).
        """
        row = self._open(claim_id)
        kinds = {c.kind for c in self._credentials(row)}
        ids = [configuration_of(kind).id for kind in ("diploma", "transcript") if kind in kinds]
        if "diploma" in kinds and self.sd_jwt is not None:
            ids.append(SD_JWT_DIPLOMA.id)
        return credential_offer(self.issuer, self._pre_authorized_code(claim_id), ids, tx_code_length=TX_CODE_DIGITS)

    # --- the wallet's side: the token endpoint (the nonce and credential endpoints: credential_endpoint.py)

    def token(self, form: Mapping[str, str]) -> dict[str, Any]:
        """The token endpoint (§6): a pre-authorized code and its transaction code for an access token.

        Raises:
            OID4VCIError: ``unsupported_grant_type``, ``invalid_request`` (no code),
                ``invalid_grant`` (unknown, expired or redeemed code; wrong or missing tx_code).
        """
        if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
            raise OID4VCIError("unsupported_grant_type", f"only the grant {PRE_AUTHORIZED_GRANT} is supported")
        code = form.get("pre-authorized_code", "")
        if not code:
            raise OID4VCIError("invalid_request", "pre-authorized_code is missing")
        now = self.clock()
        with self._sessions.begin() as session:
            row = session.query(ClaimRow).filter_by(code_sha256=_sha256(code)).with_for_update().one_or_none()
            if row is None:
                raise OID4VCIError("invalid_grant", "unknown pre-authorized code")
            if row.redeemed_at is not None:
                raise OID4VCIError("invalid_grant", "this pre-authorized code was already used")
            if now >= row.expires_at or row.tx_attempts >= TX_CODE_TRIES:
                raise OID4VCIError("invalid_grant", "this pre-authorized code has expired: ask the portal for a new one")
            tx_code = form.get("tx_code", "")
            if not tx_code or not hmac.compare_digest(self._tx_digest(row.id, tx_code), row.tx_digest):
                row.tx_attempts += 1
                left = TX_CODE_TRIES - row.tx_attempts
                raise OID4VCIError("invalid_grant", f"wrong or missing transaction code ({left} tries left)" if left else "wrong transaction code: this offer is closed")
            token = secrets.token_urlsafe(32)
            row.redeemed_at = now
            row.token_sha256 = _sha256(token)
            row.token_expires_at = now + dt.timedelta(seconds=TOKEN_TTL)
        return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL}

    def deliver(
        self, claim_id: str, credentials: Sequence[StoredCredential], holder_did: str, *, protocol: str,
        sign: Callable[[StoredCredential], Any] | None = None,
    ) -> list[Any]:
        """Sign the wallet copies of ``credentials`` bound to ``holder_did`` (in the agent; ``sign``
        another form of copy), record the holder on the claim and each copy in the audit trail
        (``deliver``, with ``protocol``).

        Raises:
            ClaimError (claim.signing): the agent did not sign.
        """
        issued = [(sign or (lambda c: self._sign(c, holder_did)))(c) for c in credentials]
        now = self.clock()
        with self._sessions.begin() as session:
            stored = session.get(ClaimRow, claim_id)
            assert stored is not None
            stored.holder_did = holder_did
            stored.issued += len(issued)
            stored.redeemed_at = stored.redeemed_at or now
            for original, copy in zip(credentials, issued, strict=True):
                self._audit.append(
                    session, operator=self.operator, action="deliver", subject=original.id, reason="wallet", at=now,
                    details={"protocol": protocol, "claim": claim_id, "holder": holder_did, "sha256": _digest(copy)},
                )
        return issued

    def credentials_of(self, claim_id: str) -> list[StoredCredential]:
        """The archived credentials a claim holds that may still be delivered: in the archive, and
        neither revoked nor suspended since the claim was made."""
        with self._sessions() as session:
            row = session.get(ClaimRow, claim_id)
        found = self._credentials(row) if row is not None else []
        status = self.status
        return found if status is None else [c for c in found if not any(status.status_of(c.id).values())]

    # --- helpers -----------------------------------------------------------------------------

    def _open(self, claim_id: str) -> ClaimRow:
        """A claim no wallet has taken yet, before its expiry."""
        with self._sessions() as session:
            row = session.get(ClaimRow, claim_id) if isinstance(claim_id, str) and len(claim_id) <= 64 else None
        if row is None:
            raise ClaimError("no credential offer has this address", code="claim.unknown", status=404)
        if row.redeemed_at is not None or self.clock() >= row.expires_at:
            raise ClaimError("this offer has expired or was taken by a wallet: ask the portal for a new one", code="claim.expired", status=410)
        return row

    def by_token(self, access_token: str | None) -> Claim:
        """The claim an access token was issued for, while the token works.

        Raises:
            OID4VCIError (invalid_token, 401).
        """
        if not access_token:
            raise OID4VCIError("invalid_token", "a Bearer access token is required", status=401)
        with self._sessions() as session:
            row = session.query(ClaimRow).filter_by(token_sha256=_sha256(access_token)).one_or_none()
        if row is None or row.token_expires_at is None or self.clock() >= row.token_expires_at:
            raise OID4VCIError("invalid_token", "the access token is unknown or has expired", status=401)
        return _claim(row)

    def _credentials(self, row: ClaimRow) -> list[StoredCredential]:
        found = [self.archive.get(i) for i in json.loads(row.credential_ids)]
        return [c for c in found if c is not None]

    def _sign(self, credential: StoredCredential, holder_did: str) -> dict[str, Any]:
        copy = wallet_profile(credential.document)
        copy["credentialSubject"] = {"id": holder_did, **copy["credentialSubject"]}
        return self.signer.sign_copy(copy)

    def _pre_authorized_code(self, claim_id: str) -> str:
        return hmac.new(self._key, f"pre-authorized|{claim_id}".encode(), hashlib.sha256).hexdigest()

    def _tx_digest(self, claim_id: str, code: str) -> str:
        return hmac.new(self._key, f"tx|{claim_id}|{code}".encode(), hashlib.sha256).hexdigest()


def _digest(copy: Any) -> str:
    """SHA-256 of a delivered copy: of its JCS form (JSON), of its text (an SD-JWT)."""
    return hashlib.sha256(copy.encode()).hexdigest() if isinstance(copy, str) else document_sha256(copy)


def _claim(row: ClaimRow) -> Claim:
    return Claim(row.id, row.massar, tuple(json.loads(row.credential_ids)), row.created_at, row.expires_at, row.holder_did, row.issued, row.didcomm)
