"""Wallets and presentations end to end, with three real ACA-Py agents talking DIDComm over
loopback HTTP: the ministry (issuer), a graduate's wallet (holder), a university (verifier) — and
the verifier service under waitress, and the ministry's HTTPS site serving the status lists."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from examples.university.agent import University
from examples.university.definition import DIPLOMA_DESCRIPTOR, baccalaureate_definition
from shahada.agent.process import AgentProcess
from shahada.common.wsgi import WaitressServer
from shahada.issuer.archive.store import StoredCredential
from shahada.issuer.delivery import WalletDelivery
from shahada.services import verifier_settings
from shahada.verifier.presentation import verify_presentation
from shahada.wallet.agent import holder_agent_config
from shahada.wallet.controller import Wallet
from tests.support.sessions import admitted, issue_with_status, revoke_and_publish

pytestmark = pytest.mark.agent
YEAR = 2020  # a session no other test issues into the shared archive


@dataclass
class Session:
    by_massar: dict[str, list[StoredCredential]]
    good: str  # a candidate whose credentials stand
    revoked: str  # a candidate whose diploma was revoked
    portal_user: str  # a candidate who claims through the portal itself

    def diploma(self, massar: str) -> StoredCredential:
        return next(c for c in self.by_massar[massar] if c.kind == "diploma")


@pytest.fixture(scope="module")
def session(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Session:
    by_massar = issue_with_status(ministry, tmp_path_factory.mktemp("wallet-session"), rows=8, seed=606, year=YEAR)
    candidates = admitted(by_massar)
    assert len(candidates) >= 3
    good, revoked, portal_user = candidates[:3]
    revoke_and_publish(ministry, next(c.id for c in by_massar[revoked] if c.kind == "diploma"))
    return Session(by_massar, good, revoked, portal_user)


def _agent(config: Any) -> Iterator[AgentProcess]:
    process = AgentProcess(config)
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def holder(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    work = tmp_path_factory.mktemp("graduate-wallet")
    yield from _agent(holder_agent_config(work, secrets.token_urlsafe(24), ca_file=ministry.tls.ca_cert))


@pytest.fixture(scope="module")
def service(ministry: Any) -> Iterator[str]:
    """The verifier service as the installation configures it (trust list, status lists)."""
    from shahada.verifier.web import Records, create_app

    settings = verifier_settings(ministry.settings, ministry.identity.did)
    app = create_app(settings, records=Records(ministry.identity.did, lambda _id: None), loader=ministry.loader)
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-verifier").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def delivery(ministry: Any) -> WalletDelivery:
    return WalletDelivery(ministry.client, ministry.archive, verification_method=ministry.identity.verification_method)


@pytest.fixture(scope="module")
def wallet(holder: AgentProcess) -> Wallet:
    return Wallet(holder.client, timeout=45)


@pytest.fixture(scope="module")
def claimed(session: Session, delivery: WalletDelivery, wallet: Wallet) -> dict[str, Any]:
    """Both candidates claim their documents into the same wallet (one invitation each)."""
    out = {}
    for massar in (session.good, session.revoked):
        invitation = delivery.invite(massar, session.by_massar[massar])
        accepted = wallet.accept(invitation.url)  # the first document comes with the invitation
        assert accepted.requests == [] and len(accepted.credentials) == 1
        assert delivery.refresh(invitation.delivery_id).state == "invited"  # offers the others on the new connection
        more = wallet.receive(accepted.connection_id, count=len(session.by_massar[massar]) - 1)
        out[massar] = (invitation, accepted.credentials + more)
    return out


@pytest.fixture(scope="module")
def university(ministry: Any, university_agent: AgentProcess, service: str) -> University:
    def verify(presentation: Any, *, challenge: str, now: dt.datetime) -> Any:
        verifier = ministry.verifier()  # trust list, did:web over HTTPS, status lists
        return verify_presentation(
            presentation, document_loader=verifier.loader, resolver=verifier.resolver, trusted_issuers=verifier.trusted_issuers,
            now=now, challenge=challenge, status=verifier.status,
        )

    return University(university_agent.client, verify=verify, service_url=service, timeout=45)


def test_the_graduate_claims_both_documents_through_the_portal_invitation(
    ministry: Any, session: Session, delivery: WalletDelivery, wallet: Wallet, claimed: dict[str, Any]
) -> None:
    invitation, stored = claimed[session.good]
    holder_did = wallet.holder_did()
    archived = {c.id: c for c in session.by_massar[session.good]}
    assert sorted(s.credential_id for s in stored) == sorted(archived)
    assert invitation.url.split("?")[0].startswith("http://127.0.0.1:") and "?oob=" in invitation.url
    assert invitation.deep_link.startswith("didcomm://invite?oob=")
    verifier = ministry.verifier()
    for held in stored:
        copy = wallet.export(held.credential_id)
        original = archived[held.credential_id].document
        assert copy["@context"][0] == "https://www.w3.org/2018/credentials/v1"
        assert copy["proof"]["type"] == "Ed25519Signature2020"
        assert copy["proof"]["verificationMethod"] == ministry.identity.verification_method
        assert copy["credentialSubject"]["id"] == holder_did  # bound to the wallet's DID
        assert {k: v for k, v in copy["credentialSubject"].items() if k != "id"} == original["credentialSubject"]
        assert copy["credentialStatus"] == original["credentialStatus"][0]  # the revocation entry
        result = verifier.verify(copy)  # the independent verifier, status lists included
        assert result.verified, result.to_dict()
    record = delivery.refresh(invitation.delivery_id)
    assert record.state == "delivered" and record.holder_did == holder_did
    assert sorted(record.credential_ids) == sorted(archived)
    assert [d.id for d in delivery.deliveries(session.good)] == [invitation.delivery_id]
    copies = delivery.delivered_copies(invitation.delivery_id)
    assert sorted(c["id"] for c in copies) == sorted(archived)


def test_the_revoked_diploma_reaches_the_wallet_but_does_not_verify(ministry: Any, session: Session, claimed: dict[str, Any], wallet: Wallet) -> None:
    copy = wallet.export(session.diploma(session.revoked).id)
    result = ministry.verifier().verify(copy)
    assert not result.verified
    assert result.check("status").code == "status.revoked"


def test_the_university_asks_the_wallet_presents_and_all_three_verifiers_agree(
    ministry: Any, session: Session, claimed: dict[str, Any], wallet: Wallet, university: University
) -> None:
    ask = university.ask(baccalaureate_definition([ministry.identity.did]), domain="admissions.example.ca")
    accepted = wallet.accept(ask.url)
    assert accepted.credentials == [] and len(accepted.requests) == 1
    request = accepted.requests[0]
    assert request.challenge == ask.challenge
    assert [d["id"] for d in request.definition["input_descriptors"]] == [DIPLOMA_DESCRIPTOR]
    diploma_record = next(c.record_id for c in wallet.credentials() if c.credential_id == session.diploma(session.good).id)
    wallet.present(request.pres_ex_id, record_ids={DIPLOMA_DESCRIPTOR: [diploma_record]})
    verdict = university.check(ask)
    assert verdict.accepted, (verdict.reasons, verdict.result.to_dict(), verdict.service)
    assert verdict.agent_verified
    assert verdict.result.holder == wallet.holder_did()
    [inner] = verdict.presentation["verifiableCredential"]
    assert inner["id"] == session.diploma(session.good).id
    assert verdict.service is not None and verdict.service["verified"] is True
    # a wallet copy is bound to the holder's DID: no holder.unbound warning (issue 17)
    assert inner["credentialSubject"]["id"] == wallet.holder_did()
    assert "holder.unbound" not in [w["code"] for w in verdict.service["warnings"]]

    # the same presentation a second time: the service's one-time challenge is spent
    replay = university.verify_with_service(verdict.presentation, ask.challenge)
    assert replay["verified"] is False
    assert [e["code"] for e in replay["errors"]] == ["challenge.replayed"]


def test_a_revoked_diploma_is_refused_for_its_status(
    ministry: Any, session: Session, claimed: dict[str, Any], wallet: Wallet, university: University
) -> None:
    ask = university.ask(baccalaureate_definition([ministry.identity.did]))
    [request] = wallet.accept(ask.url).requests
    revoked_record = next(c.record_id for c in wallet.credentials() if c.credential_id == session.diploma(session.revoked).id)
    wallet.present(request.pres_ex_id, record_ids={DIPLOMA_DESCRIPTOR: [revoked_record]})
    verdict = university.check(ask)
    assert not verdict.accepted
    assert verdict.agent_verified  # ACA-Py checks signatures only: the status is the project's check
    assert "status.revoked" in verdict.reasons
    assert verdict.service is not None and verdict.service["verified"] is False
    assert verdict.result.check("credentials").code == "credential.invalid"


def test_a_wrong_challenge_and_another_holders_credential_are_refused_through_the_vc_api(
    session: Session, claimed: dict[str, Any], wallet: Wallet, service: str
) -> None:
    diploma = wallet.export(session.diploma(session.good).id)

    challenge = requests.post(f"{service}/challenges", json={}, timeout=10).json()["challenge"]
    wrong = wallet.prove([diploma], challenge="not-" + challenge, domain="admissions.example.ca")
    answer = requests.post(
        f"{service}/presentations/verify",
        json={"verifiablePresentation": wrong, "options": {"challenge": challenge, "domain": "admissions.example.ca"}},
        timeout=30,
    ).json()
    assert answer["verified"] is False
    assert [e["code"] for e in answer["errors"]] == ["challenge.mismatch"]

    # a genuine credential, bound to the wallet's DID, presented by another DID of the same agent
    other = wallet.client.create_did("key", {"key_type": "ed25519"}).did
    challenge = requests.post(f"{service}/challenges", json={}, timeout=10).json()["challenge"]
    stolen = wallet.prove([diploma], challenge=challenge, domain="admissions.example.ca", holder=other)
    answer = requests.post(
        f"{service}/presentations/verify",
        json={"verifiablePresentation": stolen, "options": {"challenge": challenge, "domain": "admissions.example.ca"}},
        timeout=30,
    ).json()
    assert answer["verified"] is False
    assert [e["code"] for e in answer["errors"]] == ["holder.mismatch"]

    # and the rightful holder, same credential, fresh challenge: accepted
    challenge = requests.post(f"{service}/challenges", json={}, timeout=10).json()["challenge"]
    good = wallet.prove([diploma], challenge=challenge, domain="admissions.example.ca")
    answer = requests.post(
        f"{service}/presentations/verify",
        json={"verifiablePresentation": good, "options": {"challenge": challenge, "domain": "admissions.example.ca"}},
        timeout=30,
    ).json()
    assert answer["verified"] is True, answer
    assert "holder.unbound" not in [w["code"] for w in answer["warnings"]], answer


def test_an_invitation_that_is_not_one_is_refused_with_a_code(wallet: Wallet) -> None:
    from shahada.wallet.errors import WalletError

    for text in ("https://example.org/?x=1", "https://example.org/?oob=bm90IGpzb24", '{"@type": "something"}'):
        with pytest.raises(WalletError) as caught:
            wallet.accept(text)
        assert caught.value.code == "wallet.invitation"


def test_the_graduate_claims_through_the_portal_itself(
    ministry: Any, session: Session, delivery: WalletDelivery, wallet: Wallet, tmp_path: Path
) -> None:
    """Sign in to the served portal (Massar, birth date, one-time code), add to wallet, and let
    the wallet open the short link the QR code holds: both documents land in the wallet."""
    import re

    from shahada.portal import OutboxSender, create_app

    outbox = tmp_path / "outbox.jsonl"
    app = create_app(
        {"secret": secrets.token_urlsafe(32), "signin_min_seconds": 0.0},
        archive=ministry.archive, sender=OutboxSender(outbox), delivery=delivery, status=ministry.status,
    )
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-portal").start()
    try:
        browser = requests.Session()
        browser.trust_env = False

        def csrf(path: str) -> str:
            found = re.search(r'name="csrf" value="([^"]+)"', browser.get(server.url + path, timeout=10).text)
            assert found, path
            return found.group(1)

        massar = session.portal_user
        birth = session.by_massar[massar][0].document["credentialSubject"]["birthDate"]
        signin = browser.post(server.url + "/signin", data={"csrf": csrf("/"), "massar": massar, "birth_date": birth}, timeout=10)
        assert signin.status_code == 200 and signin.url.endswith("/signin/code")
        code = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()][-1]["code"]
        documents = browser.post(server.url + "/signin/code", data={"csrf": csrf("/signin/code"), "code": code}, timeout=10)
        assert documents.url.endswith("/documents")
        offer = browser.post(server.url + "/wallet", data={"csrf": csrf("/documents")}, timeout=30)
        assert offer.status_code == 200 and "/wallet/" in offer.url
        short = re.search(r'href="([^"]+)" dir="ltr" class="url" data-link="short"', offer.text)
        assert short and short.group(1).startswith(server.url + "/i/")
        state_url = offer.url.rsplit("/offer", 1)[0]
        assert browser.get(state_url, timeout=10).json()["state"] == "invited"

        accepted = wallet.accept(short.group(1))  # what the wallet app does with the scanned code
        assert len(accepted.credentials) == 1
        assert browser.get(state_url, timeout=30).json()["state"] == "invited"  # the page's poll offers the rest
        wallet.receive(accepted.connection_id, count=len(session.by_massar[massar]) - 1)
        final = browser.get(state_url, timeout=30).json()
        assert final["state"] == "delivered" and final["holder_did"] == wallet.holder_did()
    finally:
        server.stop()
    held = {c.credential_id for c in wallet.credentials()}
    assert {c.id for c in session.by_massar[massar]} <= held
    verifier = ministry.verifier()
    for stored in session.by_massar[massar]:
        assert verifier.verify(wallet.export(stored.id)).verified
