"""Deliver a graduate's credentials into their DIDComm wallet (Aries issue-credential 2.0).

One delivery is one out-of-band invitation (Aries RFC 0434) that a wallet scans: it asks for a
DID Exchange connection (RFC 0023) and carries the first document's credential offer (RFC 0453
issue-credential 2.0, RFC 0593 ``ld_proof`` format); the other documents are offered over that
connection once it exists (:meth:`WalletDelivery.refresh`, which the portal calls while the
graduate's page waits and from its background pump), because wallets (ACA-Py's among them)
process only the first message attached to an invitation. Each offer holds the archived credential's
wallet profile (:func:`shahada.schemas.credential.wallet_profile`: VC DM 1.1, the same id, claims and
revocation entry) and asks for an ``Ed25519Signature2020`` proof by the ministry's key, which
every Aries wallet accepts. The offer names no ``credentialSubject.id``: the wallet's request
binds its DID (ACA-Py binds a ``did:key`` given as ``holder_did``), and the ministry's agent signs
what was offered plus that binding (``--auto-respond-credential-request``), nothing else.

The key never leaves the agent: this module only asks the agent's admin API to create offers and
the invitation, and later reads the exchange records (kept with ``--preserve-exchange-records``)
to tell the graduate what reached their wallet. Deliveries and their items are stored in the
archive's database; a delivered copy is recorded in the audit trail (action ``deliver``).

States: ``invited`` (the invitation exists, nothing issued yet), ``delivered`` (every offered
credential was issued to the wallet), ``failed`` (the wallet or the agent abandoned an exchange).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentRequestError
from shahada.common.db import Base, UTCDateTime
from shahada.issuer.archive.audit import AuditLog, document_sha256
from shahada.issuer.archive.store import Archive, StoredCredential
from shahada.issuer.errors import IssuerError
from shahada.schemas.credential import wallet_profile

__all__ = ["Delivery", "DeliveryError", "WalletDelivery", "WalletInvitation", "WALLET_PROOF_TYPE"]

WALLET_PROOF_TYPE: Final = "Ed25519Signature2020"
DIDEXCHANGE: Final = "https://didcomm.org/didexchange/1.1"
INVITED, DELIVERED, FAILED = "invited", "delivered", "failed"
QUEUED: Final = "queued"  # an item waiting for the connection the first offer opens
ISSUED_STATES: Final = frozenset({"credential-issued", "done"})
_FAILED_STATES: Final = frozenset({"abandoned", "deleted"})
DEFAULT_LABEL: Final = "Ministère de l'Éducation nationale — وزارة التربية الوطنية"


class DeliveryError(IssuerError):
    """A delivery could not be created or read. Codes: ``delivery.empty`` (nothing to offer),
    ``delivery.unknown`` (no such delivery), ``delivery.agent`` (the agent refused)."""

    code = "delivery.error"


class DeliveryRow(Base):
    __tablename__ = "wallet_deliveries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    massar: Mapped[str] = mapped_column(String(10), index=True)
    oob_id: Mapped[str] = mapped_column(String(80))
    invitation_msg_id: Mapped[str] = mapped_column(String(80))
    invitation: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))
    holder_did: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DeliveryItemRow(Base):
    __tablename__ = "wallet_delivery_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("wallet_deliveries.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 0: the offer attached to the invitation
    credential_id: Mapped[str] = mapped_column(String(80))
    cred_ex_id: Mapped[str | None] = mapped_column(String(80), nullable=True)  # None: queued for the connection
    state: Mapped[str] = mapped_column(String(30))
    document: Mapped[str | None] = mapped_column(Text, nullable=True)  # the wallet copy, once issued


@dataclass(frozen=True, slots=True)
class WalletInvitation:
    delivery_id: str
    url: str  # what a phone camera opens: <endpoint>?oob=<base64url invitation>
    deep_link: str  # didcomm://invite?oob=… for wallets registered for the scheme
    invitation: dict[str, Any]
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    massar: str
    state: str
    credential_ids: tuple[str, ...]
    holder_did: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None


def encode_invitation(invitation: Mapping[str, Any]) -> str:
    """RFC 0434 URL encoding: base64url of the invitation's JSON, without padding."""
    raw = json.dumps(invitation, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_invitation(text: str) -> dict[str, Any]:
    """The invitation in an invitation URL (``?oob=``), a deep link, or its JSON itself.

    Raises:
        ValueError: not an out-of-band invitation.
    """
    from urllib.parse import parse_qs, urlsplit

    text = text.strip()
    if text.startswith("{"):
        value = json.loads(text)
    else:
        query = parse_qs(urlsplit(text).query)
        if "oob" not in query:
            raise ValueError("no oob= parameter in the invitation URL")
        encoded = query["oob"][0]
        value = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    if not isinstance(value, dict) or "out-of-band" not in str(value.get("@type", "")):
        raise ValueError("not a DIDComm out-of-band invitation")
    return value


class WalletDelivery:
    """Create deliveries and follow them. Thread-safe (one pooled admin client, one engine)."""

    def __init__(
        self,
        client: AdminClient,
        archive: Archive,
        *,
        verification_method: str,
        label: str = DEFAULT_LABEL,
        invitation_base: str | None = None,
        operator: str = "portal",
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.client = client
        self.archive = archive
        self.verification_method = verification_method
        self.label = label
        self.invitation_base = invitation_base
        self.operator = operator
        self.clock = clock
        engine: Engine = archive.engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._audit = AuditLog(engine)

    # --- creating ---------------------------------------------------------------------------

    def offer_detail(self, credential: Mapping[str, Any]) -> dict[str, Any]:
        """The ``ld_proof`` offer for one archived credential (RFC 0593 detail)."""
        copy = wallet_profile(credential)
        options: dict[str, Any] = {"proofType": WALLET_PROOF_TYPE, "verificationMethod": self.verification_method}
        if "credentialStatus" in copy:
            options["credentialStatus"] = {"type": copy["credentialStatus"]["type"]}
        return {"credential": copy, "options": options}

    def invite(self, massar: str, credentials: Sequence[StoredCredential]) -> WalletInvitation:
        """One invitation offering ``credentials`` (the graduate's own, issued) to a wallet.

        Raises:
            DeliveryError: ``delivery.empty``; ``delivery.agent`` when the agent refuses an offer.
        """
        if not credentials:
            raise DeliveryError("there is no issued credential to deliver", code="delivery.empty")
        first = credentials[0]
        try:
            record = self.client.request_json(
                "POST",
                "/issue-credential-2.0/create-offer",
                {
                    "auto_issue": True,
                    "auto_remove": False,
                    "comment": first.document_number,
                    "filter": {"ld_proof": self.offer_detail(first.document)},
                },
            )
            created = self.client.request_json(
                "POST",
                "/out-of-band/create-invitation",
                {
                    "handshake_protocols": [DIDEXCHANGE],
                    "attachments": [{"id": record["cred_ex_id"], "type": "credential-offer"}],
                    "my_label": self.label,
                    "goal_code": "aries.vc.issue",
                    "goal": "Baccalaureate diploma and transcript",
                    "use_public_did": False,
                },
            )
        except AgentRequestError as err:
            raise DeliveryError(f"the agent refused the wallet offer: {err}", code="delivery.agent") from err
        invitation = dict(created["invitation"])
        encoded = encode_invitation(invitation)
        base = self.invitation_base or str(created.get("invitation_url", "")).split("?", 1)[0]
        now = self.clock()
        delivery_id = secrets.token_hex(16)
        with self._sessions.begin() as session:
            session.add(
                DeliveryRow(
                    id=delivery_id, massar=massar, oob_id=str(created["oob_id"]),
                    invitation_msg_id=str(created["invi_msg_id"]), invitation=json.dumps(invitation),
                    state=INVITED, holder_did=None, created_at=now, delivered_at=None,
                )
            )
            session.flush()  # the delivery before its items (no ORM relationship orders them)
            for position, stored in enumerate(credentials):
                session.add(
                    DeliveryItemRow(
                        delivery_id=delivery_id, position=position, credential_id=stored.id,
                        cred_ex_id=str(record["cred_ex_id"]) if position == 0 else None,
                        state="offer-sent" if position == 0 else QUEUED,
                    )
                )
        return WalletInvitation(
            delivery_id=delivery_id,
            url=f"{base}?oob={encoded}",
            deep_link=f"didcomm://invite?oob={encoded}",
            invitation=invitation,
            created_at=now,
        )

    # --- following --------------------------------------------------------------------------

    def refresh(self, delivery_id: str) -> Delivery:
        """Ask the agent how each offer went, record what was issued, and return the delivery.

        Raises:
            DeliveryError: ``delivery.unknown``.
        """
        with self._sessions() as session:
            row = session.get(DeliveryRow, delivery_id)
            if row is None:
                raise DeliveryError(f"no delivery {delivery_id!r}", code="delivery.unknown")
            items = list(session.scalars(select(DeliveryItemRow).where(DeliveryItemRow.delivery_id == delivery_id)))
        if row.state != INVITED:
            return _delivery(row, items)
        changed = False
        connection: str | None = None
        items.sort(key=lambda i: i.position)
        for item in items:
            if item.state in ISSUED_STATES or item.state in _FAILED_STATES:
                continue
            if item.cred_ex_id is None:
                if connection is None:
                    continue  # the wallet has not connected yet
                item.cred_ex_id = self._offer_over(connection, item.credential_id)
                item.state = "offer-sent"
                changed = True
                continue
            state, document, connection_id = self._exchange(item.cred_ex_id)
            connection = connection or connection_id
            if state != item.state:
                item.state, item.document = state, json.dumps(document) if document else None
                changed = True
        if not changed:
            return _delivery(row, items)
        now = self.clock()
        holder = next((_subject_id(i.document) for i in items if i.document), None)
        if any(i.state in _FAILED_STATES for i in items):
            new_state = FAILED
        elif all(i.state in ISSUED_STATES for i in items):
            new_state = DELIVERED
        else:
            new_state = INVITED
        with self._sessions.begin() as session:
            for item in items:
                session.merge(item)  # rows read in another session: merge writes their changes
            stored = session.get(DeliveryRow, delivery_id)
            assert stored is not None
            if stored.state == INVITED:  # another refresh may have finished it meanwhile
                stored.state = new_state
                stored.holder_did = holder
                if new_state == DELIVERED:
                    stored.delivered_at = now
                    for item in items:
                        self._audit.append(
                            session, operator=self.operator, action="deliver", subject=item.credential_id,
                            reason="wallet", at=now,
                            details={"delivery": delivery_id, "holder": holder, "sha256": document_sha256(json.loads(item.document or "{}"))},
                        )
            row = stored
        return _delivery(row, items)

    def pump(self, *, max_age: dt.timedelta = dt.timedelta(hours=2)) -> int:
        """Refresh every delivery still ``invited`` and younger than ``max_age`` (the portal's
        background thread); returns how many changed state."""
        since = self.clock() - max_age
        with self._sessions() as session:
            ids = list(session.scalars(select(DeliveryRow.id).where(DeliveryRow.state == INVITED, DeliveryRow.created_at >= since)))
        return sum(1 for delivery_id in ids if self.refresh(delivery_id).state != INVITED)

    def _offer_over(self, connection_id: str, credential_id: str) -> str:
        stored = self.archive.get(credential_id)
        if stored is None:
            raise DeliveryError(f"the archive lost {credential_id}", code="delivery.unknown")
        try:
            record = self.client.request_json(
                "POST",
                "/issue-credential-2.0/send-offer",
                {
                    "connection_id": connection_id,
                    "auto_issue": True,
                    "auto_remove": False,
                    "comment": stored.document_number,
                    "filter": {"ld_proof": self.offer_detail(stored.document)},
                },
            )
        except AgentRequestError as err:
            raise DeliveryError(f"the agent refused the wallet offer: {err}", code="delivery.agent") from err
        return str(record["cred_ex_id"])

    def _exchange(self, cred_ex_id: str) -> tuple[str, dict[str, Any] | None, str | None]:
        """(state, the issued wallet copy once issued, the connection once the wallet connected)."""
        try:
            record = self.client.request_json("GET", f"/issue-credential-2.0/records/{cred_ex_id}")
        except AgentRequestError as err:
            if err.status == 404:
                return "deleted", None, None
            raise DeliveryError(f"the agent could not say how the delivery went: {err}", code="delivery.agent") from err
        exchange = record.get("cred_ex_record", record)
        state = str(exchange.get("state", ""))
        issued = (((exchange.get("by_format") or {}).get("cred_issue") or {}).get("ld_proof")) if state in ISSUED_STATES else None
        connection = exchange.get("connection_id")
        return state, issued if isinstance(issued, dict) else None, connection if isinstance(connection, str) else None

    def deliveries(self, massar: str) -> list[Delivery]:
        """The candidate's deliveries, newest first (as last refreshed)."""
        with self._sessions() as session:
            rows = list(session.scalars(select(DeliveryRow).where(DeliveryRow.massar == massar).order_by(DeliveryRow.created_at.desc())))
            result = []
            for row in rows:
                items = list(session.scalars(select(DeliveryItemRow).where(DeliveryItemRow.delivery_id == row.id)))
                result.append(_delivery(row, items))
        return result

    def delivered_copies(self, delivery_id: str) -> list[dict[str, Any]]:
        """The wallet copies the agent issued for a delivery (as recorded)."""
        with self._sessions() as session:
            items = session.scalars(select(DeliveryItemRow).where(DeliveryItemRow.delivery_id == delivery_id))
            return [json.loads(i.document) for i in items if i.document]


def _subject_id(document: str | None) -> str | None:
    if not document:
        return None
    subject = json.loads(document).get("credentialSubject")
    value = subject.get("id") if isinstance(subject, dict) else None
    return value if isinstance(value, str) else None


def _delivery(row: DeliveryRow, items: Sequence[DeliveryItemRow]) -> Delivery:
    return Delivery(
        id=row.id,
        massar=row.massar,
        state=row.state,
        credential_ids=tuple(i.credential_id for i in items),
        holder_did=row.holder_did,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )
