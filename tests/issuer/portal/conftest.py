"""Fixtures for the graduate portal: a small synthetic session really imported into a real SQLite
archive with its status entries (W3C Bitstring Status List 1.0), the real Flask app over it, the
development outbox as the code sender, and a clock the tests move.

Credentials here carry a marker proof instead of the agent's signature: the portal never checks
signatures, it serves what the archive holds. The browser test (``test_browser.py``) and the
command's test (``test_serve.py``) issue through the real agent instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive, StoredCredential
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.usecases import issue_pv
from shahada.portal import OutboxSender, SealedPrinter, create_app
from shahada.schemas.reference import bundled_reference
from tests.support.archives import fresh_archive
from tests.support.local_sealer import MINISTRY_DID, LocalSealer

SECRET = "portal-test-secret-" + "x" * 32
ID_SECRET = b"i" * 32
NOW = dt.datetime(2025, 7, 10, 9, 0, tzinfo=dt.UTC)
PUBLIC_URL = "https://portal.test"
VERIFIER_URL = "https://verify.test"
SEAL_BASE = "HTTPS://VERIFY.TEST/V/"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class MarkerSigner:
    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        return {**credential, "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "zTest"}}


@dataclass
class FakeInvitation:
    delivery_id: str
    url: str
    deep_link: str
    invitation: dict[str, Any]
    created_at: dt.datetime


@dataclass
class FakeDelivery:
    """``shahada.issuer.delivery.WalletDelivery``'s interface, in memory (the wallet accepting is the
    lead's end-to-end test)."""

    invited: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    invite_documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    states: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def invite(self, massar: str, credentials: Any) -> FakeInvitation:
        delivery_id = str(uuid.uuid4())
        invitation = {
            "@type": "https://didcomm.org/out-of-band/1.1/invitation",
            "@id": delivery_id,
            "label": "Ministère",
            "requests~attach": [{"@id": "offer", "data": {"json": {"padding": "x" * 3000}}}],  # an offer inside: kilobytes
        }
        oob = base64.urlsafe_b64encode(json.dumps(invitation).encode()).decode().rstrip("=")
        self.invited[delivery_id] = (massar, [c.id for c in credentials])
        self.states[delivery_id] = ("invited", None)
        self.invite_documents[delivery_id] = invitation
        return FakeInvitation(delivery_id, f"http://127.0.0.1:8020?oob={oob}", f"didcomm://invite?oob={oob}", invitation, NOW)

    def refresh(self, delivery_id: str) -> Any:
        state, did = self.states[delivery_id]
        return type("Delivery", (), {"delivery_id": delivery_id, "state": state, "holder_did": did, "credential_ids": self.invited[delivery_id][1]})()

    def deliveries(self, massar: str) -> list[Any]:
        return [self.refresh(d) for d, (m, _) in self.invited.items() if m == massar]


@dataclass(frozen=True)
class Candidate:
    massar: str
    birth_date: str  # YYYY-MM-DD
    credentials: tuple[StoredCredential, ...]

    def of_kind(self, kind: str) -> StoredCredential:
        return next(c for c in self.credentials if c.kind == kind)


def issue_session(archive: Archive, *, rows: int, seed: int, work: Path, signer: Any, issuer_did: str = MINISTRY_DID, proof_type: str = "eddsa-rdfc-2022") -> StatusStore:
    """A synthetic PV imported, with status entries, and signed by ``signer``."""
    pv = work / f"pv-{seed}.csv"
    write_csv(generate_records(rows, seed=seed, reference=bundled_reference(), year=2025, rattrapage_share=0), pv)
    store = StatusStore(archive.engine, secret=ID_SECRET, origin="https://diplomes.men.gov.ma")
    issue_pv(
        pv, archive=archive, year=2025, signer=signer, issuer_did=issuer_did, secret=ID_SECRET, proof_type=proof_type, status=store,
        operator="test", batch_size=16, clock=lambda: NOW,
    )
    return store


def candidates(archive: Archive) -> list[Candidate]:
    by_massar: dict[str, list[StoredCredential]] = {}
    for c in archive.credentials():
        by_massar.setdefault(c.document["credentialSubject"]["massarCode"], []).append(c)
    return [Candidate(m, cs[0].document["credentialSubject"]["birthDate"], tuple(cs)) for m, cs in sorted(by_massar.items())]


@pytest.fixture(scope="session")
def archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive file with 8 candidates issued, built once and copied for each test."""
    work = tmp_path_factory.mktemp("portal-archive")
    archive = fresh_archive(work / "archive.sqlite3")
    issue_session(archive, rows=8, seed=606, work=work, signer=MarkerSigner())
    archive.close()
    return work / "archive.sqlite3"


@pytest.fixture
def archive(archive_template: Path, tmp_path: Path) -> Iterator[Archive]:
    path = tmp_path / "archive.sqlite3"
    shutil.copyfile(archive_template, path)
    opened = Archive(f"sqlite:///{path}")  # a copy of a template at the newest schema
    yield opened
    opened.close()


@pytest.fixture
def status(archive: Archive) -> StatusStore:
    return StatusStore(archive.engine, secret=ID_SECRET, origin="https://diplomes.men.gov.ma")


@pytest.fixture
def graduates(archive: Archive) -> list[Candidate]:
    """Candidates with a diploma and a transcript (admitted), at least two of them."""
    found = [c for c in candidates(archive) if {x.kind for x in c.credentials} == {"diploma", "transcript"}]
    assert len(found) >= 2
    return found


@pytest.fixture
def graduate(graduates: list[Candidate]) -> Candidate:
    return graduates[0]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "home" / "portal" / "outbox.jsonl"


@pytest.fixture
def delivery() -> FakeDelivery:
    return FakeDelivery()


@pytest.fixture(scope="session")
def sealer() -> LocalSealer:
    return LocalSealer()


@pytest.fixture(scope="session")
def printer(sealer: LocalSealer) -> Iterator[SealedPrinter]:
    """One printer for the session: its worker process (WeasyPrint loaded) is started once."""
    made = SealedPrinter(sealer, base_url=SEAL_BASE)
    yield made
    made.close()


@pytest.fixture
def make_app(archive: Archive, status: StatusStore, outbox: Path, clock: Clock, delivery: FakeDelivery, printer: SealedPrinter) -> Callable[..., Flask]:
    def _make(**overrides: Any) -> Flask:
        parts: dict[str, Any] = {
            "archive": archive,
            "sender": OutboxSender(outbox),
            "status": status,
            "delivery": delivery,
            "printer": printer,
            "clock": clock,
        }
        for name in list(overrides):
            if name in parts:
                parts[name] = overrides.pop(name)
        settings = {"secret": SECRET, "signin_min_seconds": 0, "public_url": PUBLIC_URL, "verifier_url": VERIFIER_URL, **overrides}
        return create_app(settings, **parts)

    return _make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- helpers -------------------------------------------------------------------------------------


def html(response: Any) -> str:
    text: str = response.get_data(as_text=True)
    return text


def csrf_of(client: FlaskClient, path: str = "/") -> str:
    found = CSRF.search(html(client.get(path)))
    assert found, path
    return found.group(1)


def codes(outbox: Path) -> list[dict[str, str]]:
    if not outbox.exists():
        return []
    return [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]


def last_code(outbox: Path, massar: str) -> str:
    return [c for c in codes(outbox) if c["massar"] == massar][-1]["code"]


def request_code(client: FlaskClient, massar: str, birth_date: str, **headers: str) -> Any:
    token = csrf_of(client)
    return client.post("/signin", data={"csrf": token, "massar": massar, "birth_date": birth_date}, headers=headers)


def enter_code(client: FlaskClient, code: str, **headers: str) -> Any:
    token = csrf_of(client, "/signin/code") if client.get("/signin/code").status_code == 200 else csrf_of(client)
    return client.post("/signin/code", data={"csrf": token, "code": code}, headers=headers)


def sign_in(client: FlaskClient, candidate: Candidate, outbox: Path) -> None:
    assert request_code(client, candidate.massar, candidate.birth_date).status_code == 303
    response = enter_code(client, last_code(outbox, candidate.massar))
    assert response.status_code == 303 and response.headers["Location"].endswith("/documents"), html(response)


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None, *, page: str = "/documents", **kwargs: Any) -> Any:
    """A form POST with the session's anti-forgery token, as a page of the portal sends it."""
    return client.post(path, data={"csrf": csrf_of(client, page), **(data or {})}, **kwargs)
