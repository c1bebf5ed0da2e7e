"""Drive a holder agent through its admin API: the graduate's wallet operations.

- :meth:`Wallet.accept` takes an out-of-band invitation (URL, deep link or JSON). Attached
  credential offers (the ministry's portal) are answered with a request that binds the wallet's
  ``did:key`` (``holder_did``), and the call returns once the agent has checked and stored them.
  Attached presentation requests (a university) are returned for :meth:`Wallet.present`.
- :meth:`Wallet.credentials`, :meth:`Wallet.export`: what the wallet holds (W3C credentials).
- :meth:`Wallet.requests`, :meth:`Wallet.present`: answer a present-proof 2.0 request (DIF
  Presentation Exchange); the agent builds and signs the presentation with the key of the
  credentials' subject, the wallet's did:key.
- :meth:`Wallet.prove`: a VC API presentation (no DIDComm) of chosen credentials for a verifier's
  ``challenge`` and ``domain``, signed by the wallet's did:key (``authentication``).

Waiting polls ONE record at a time by id or thread (never whole lists), every ``poll`` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, TypeVar

import requests

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentRequestError
from shahada.issuer.delivery import decode_invitation
from shahada.wallet.errors import WalletError

__all__ = ["Accepted", "HeldCredential", "PresentationRequest", "Wallet"]

T = TypeVar("T")
CREDENTIAL_OFFER: Final = "issue-credential/2.0/offer-credential"
PRESENTATION_REQUEST: Final = "present-proof/2.0/request-presentation"
MAX_INVITATION_BYTES: Final = 256 * 1024


@dataclass(frozen=True, slots=True)
class HeldCredential:
    record_id: str  # the holder agent's record
    credential_id: str  # the credential's own id
    types: tuple[str, ...]
    issuer: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Accepted:
    """What an invitation brought: the credentials stored from its attached offer, the
    presentation requests it carried (unanswered), and the connection it opened."""

    credentials: list[HeldCredential]
    requests: list[PresentationRequest]
    connection_id: str | None


@dataclass(frozen=True, slots=True)
class PresentationRequest:
    pres_ex_id: str
    thread_id: str
    connection_id: str | None
    state: str
    definition: dict[str, Any]  # the DIF presentation definition
    challenge: str | None
    domain: str | None


class Wallet:
    def __init__(self, client: AdminClient, *, timeout: float = 30.0, poll: float = 0.25) -> None:
        self.client = client
        self.timeout = timeout
        self.poll = poll
        self._holder: str | None = None

    # --- identity -------------------------------------------------------------------------

    def holder_did(self) -> str:
        """The wallet's did:key (Ed25519), created on first use: credentials are bound to it.

        A wallet may hold other DIDs (connections' did:peer, keys made for other purposes); its
        holder DID is the one its credentials are bound to, else its first did:key."""
        if self._holder is not None:
            return self._holder
        keys = [d.did for d in self.client.list_dids(method="key") if d.key_type in ("ed25519", "")]
        bound = [c.document.get("credentialSubject", {}).get("id") for c in self.credentials()]
        counts = {did: bound.count(did) for did in keys if did in bound}
        if counts:
            self._holder = max(counts, key=lambda did: counts[did])
        elif keys:
            self._holder = keys[0]
        else:
            self._holder = self.client.create_did("key", {"key_type": "ed25519"}).did
        return self._holder

    # --- invitations ------------------------------------------------------------------------

    def accept(self, invitation_text: str) -> Accepted:
        """Accept an invitation: answer its attached credential offer (binding the wallet's
        did:key) and wait until the credential is stored; return it with the presentation
        requests the invitation carried and the connection it opened. Further offers on that
        connection (the ministry's other documents) are taken by :meth:`receive`.

        Raises:
            WalletError: ``wallet.invitation``, ``wallet.timeout``, ``wallet.refused``.
        """
        try:
            invitation = decode_invitation(self._expand(invitation_text))
        except (ValueError, UnicodeDecodeError) as err:
            raise WalletError(f"not a DIDComm invitation: {err}", code="wallet.invitation") from err
        attached = [_attached_message(a) for a in invitation.get("requests~attach") or []]
        offers = [m["@id"] for m in attached if str(m.get("@type", "")).endswith(CREDENTIAL_OFFER)]
        requests = [m["@id"] for m in attached if str(m.get("@type", "")).endswith(PRESENTATION_REQUEST)]
        try:
            oob = self.client.request_json("POST", "/out-of-band/receive-invitation", invitation, params={"auto_accept": "true"})
        except AgentRequestError as err:
            raise WalletError(f"the wallet agent refused the invitation: {err}", code="wallet.refused") from err
        connection_id = oob.get("connection_id") if isinstance(oob, dict) else None
        answered = [
            self._request_credential(self._wait(partial(self._record, "issue-credential-2.0", t, "offer-received"), f"the offer {t}"))
            for t in offers
        ]
        stored = [self._wait(partial(self._held, c), f"the credential {c}") for c in answered]
        pending = [
            _request(self._wait(partial(self._record, "present-proof-2.0", t, "request-received"), f"the request {t}"))
            for t in requests
        ]
        return Accepted(stored, pending, connection_id if isinstance(connection_id, str) else None)

    def _expand(self, text: str) -> str:
        """A shortened invitation URL (Aries RFC 0434 "URL shortening": an http(s) URL without
        ``oob=``, e.g. what the portal's QR code holds) fetched: its JSON, or where it redirects."""
        text = text.strip()
        if not text.lower().startswith(("http://", "https://")) or "oob=" in text:
            return text
        try:
            response = requests.get(text, headers={"Accept": "application/json"}, allow_redirects=False, timeout=(5, 15), stream=True)
            with response:
                body: bytes = response.raw.read(MAX_INVITATION_BYTES + 1, decode_content=True)
        except requests.RequestException as err:
            raise WalletError(f"the invitation link could not be opened: {err}", code="wallet.invitation") from err
        if response.is_redirect and "oob=" in response.headers.get("Location", ""):
            return str(response.headers["Location"])
        if response.status_code != 200 or len(body) > MAX_INVITATION_BYTES:
            raise WalletError(f"the invitation link answered {response.status_code}, not an invitation", code="wallet.invitation")
        return body.decode("utf-8", errors="replace")

    def receive(self, connection_id: str | None = None, *, count: int = 1) -> list[HeldCredential]:
        """Answer the credential offers waiting (on ``connection_id``, or any), until ``count``
        credentials are stored; returns them.

        Raises:
            WalletError: ``wallet.timeout``, ``wallet.refused``.
        """
        params = {"state": "offer-received", **({"connection_id": connection_id} if connection_id else {})}
        stored: list[HeldCredential] = []
        while len(stored) < count:

            def offered() -> list[dict[str, Any]] | None:
                results = self.client.request_json("GET", "/issue-credential-2.0/records", params=params).get("results") or []
                return list(results) or None

            for record in self._wait(offered, "a credential offer"):
                credential_id = self._request_credential(record)
                stored.append(self._wait(partial(self._held, credential_id), f"the credential {credential_id}"))
        return stored

    def _request_credential(self, record: dict[str, Any]) -> str:
        """Request the offered credential bound to the wallet's did:key; returns its id."""
        exchange = record["cred_ex_record"]
        offered = (((exchange.get("by_format") or {}).get("cred_offer") or {}).get("ld_proof") or {}).get("credential") or {}
        try:
            self.client.request_json(
                "POST", f"/issue-credential-2.0/records/{exchange['cred_ex_id']}/send-request", {"holder_did": self.holder_did()}
            )
        except AgentRequestError as err:
            raise WalletError(f"the wallet agent could not request the credential: {err}", code="wallet.refused") from err
        return str(offered.get("id", ""))

    # --- credentials ------------------------------------------------------------------------

    def credentials(self) -> list[HeldCredential]:
        data = self.client.request_json("POST", "/credentials/w3c", {})
        return [_held(r) for r in data.get("results") or []]

    def export(self, credential_id: str) -> dict[str, Any]:
        """The credential (by its own id or the agent's record id), as signed by its issuer.

        Raises:
            WalletError: ``wallet.not_found``.
        """
        for held in self.credentials():
            if credential_id in (held.credential_id, held.record_id):
                return held.document
        raise WalletError(f"the wallet holds no credential {credential_id!r}", code="wallet.not_found")

    def _held(self, credential_id: str) -> HeldCredential | None:
        data = self.client.request_json("POST", "/credentials/w3c", {"given_id": credential_id})
        results = data.get("results") or []
        return _held(results[0]) if results else None

    # --- presentations ----------------------------------------------------------------------

    def requests(self) -> list[PresentationRequest]:
        data = self.client.request_json("GET", "/present-proof-2.0/records", params={"state": "request-received"})
        return [_request(r) for r in data.get("results") or []]

    def present(self, pres_ex_id: str, *, record_ids: dict[str, list[str]] | None = None) -> str:
        """Answer a presentation request with the matching credentials; returns the final state
        (``presentation-sent`` or ``done``).

        Raises:
            WalletError: ``wallet.not_found`` (no such request), ``wallet.refused`` (nothing in the
                wallet matches, or the agent cannot sign), ``wallet.timeout``.
        """
        body: dict[str, Any] = {"dif": {"record_ids": record_ids} if record_ids else {}}
        try:
            self.client.request_json("POST", f"/present-proof-2.0/records/{pres_ex_id}/send-presentation", body)
        except AgentRequestError as err:
            code = "wallet.not_found" if err.status in (404, 422) else "wallet.refused"  # 422: not even a record id
            raise WalletError(f"the wallet could not answer the request: {err}", code=code) from err

        def sent() -> str | None:
            record = self.client.request_json("GET", f"/present-proof-2.0/records/{pres_ex_id}")
            state = str(record.get("state", ""))
            if state == "abandoned":
                raise WalletError(f"the exchange was abandoned: {record.get('error_msg')}", code="wallet.refused")
            return state if state in ("presentation-sent", "done") else None

        return self._wait(sent, f"the presentation {pres_ex_id}")

    def prove(
        self, credentials: Sequence[dict[str, Any]], *, challenge: str, domain: str | None = None, holder: str | None = None
    ) -> dict[str, Any]:
        """A VC API presentation of ``credentials``, signed by the wallet's did:key (or another
        DID of this wallet, ``holder``) for the verifier's ``challenge`` (and ``domain``): VC DM
        1.1, Ed25519Signature2020, proof purpose ``authentication``.

        Raises:
            WalletError: ``wallet.refused``.
        """
        holder = holder or self.holder_did()
        fragment = holder.removeprefix("did:key:")
        presentation = {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiablePresentation"],
            "holder": holder,
            "verifiableCredential": list(credentials),
        }
        options: dict[str, Any] = {
            "proofType": "Ed25519Signature2020",
            "proofPurpose": "authentication",
            "verificationMethod": f"{holder}#{fragment}",
            "challenge": challenge,
        }
        if domain:
            options["domain"] = domain
        try:
            answer = self.client.request_json("POST", "/vc/presentations/prove", {"presentation": presentation, "options": options})
        except AgentRequestError as err:
            raise WalletError(f"the wallet agent could not sign the presentation: {err}", code="wallet.refused") from err
        signed: dict[str, Any] = answer["verifiablePresentation"]
        return signed

    # --- plumbing ---------------------------------------------------------------------------

    def _record(self, protocol: str, thread_id: str, state: str) -> dict[str, Any] | None:
        data = self.client.request_json("GET", f"/{protocol}/records", params={"thread_id": thread_id})
        for result in data.get("results") or []:
            record = result.get("cred_ex_record", result)
            if record.get("state") == "abandoned":
                raise WalletError(f"the exchange {thread_id} was abandoned: {record.get('error_msg')}", code="wallet.refused")
            if record.get("state") == state:
                return dict(result)
        return None

    def _wait(self, probe: Callable[[], T | None], what: str) -> T:
        deadline = time.monotonic() + self.timeout
        while True:
            value = probe()
            if value is not None:
                return value
            if time.monotonic() > deadline:
                raise WalletError(f"gave up waiting for {what} after {self.timeout:.0f}s", code="wallet.timeout")
            time.sleep(self.poll)


def _attached_message(attachment: dict[str, Any]) -> dict[str, Any]:
    data = attachment.get("data") or {}
    message = data.get("json")
    if not isinstance(message, dict) or "@id" not in message:
        raise WalletError("an invitation attachment is not an inline DIDComm message", code="wallet.invitation")
    return message


def _held(record: dict[str, Any]) -> HeldCredential:
    value = record.get("cred_value") or {}
    issuer = value.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    types = value.get("type") or []
    return HeldCredential(
        record_id=str(record.get("record_id", "")),
        credential_id=str(record.get("given_id") or value.get("id") or ""),
        types=tuple(str(t) for t in (types if isinstance(types, list) else [types])),
        issuer=str(issuer_id or ""),
        document=dict(value),
    )


def _request(record: dict[str, Any]) -> PresentationRequest:
    dif = (((record.get("by_format") or {}).get("pres_request") or {}).get("dif")) or {}
    options = dif.get("options") or {}
    return PresentationRequest(
        pres_ex_id=str(record["pres_ex_id"]),
        thread_id=str(record.get("thread_id", "")),
        connection_id=record.get("connection_id"),
        state=str(record.get("state", "")),
        definition=dict(dif.get("presentation_definition") or {}),
        challenge=options.get("challenge"),
        domain=options.get("domain"),
    )
