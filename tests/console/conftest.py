"""Fixtures for the staff console: a real SQLite archive (schema by the migrations) with its
status store, credentials signed by a local Ed25519 key (``tests.support.local_signer``: the
browser test signs through the real agent instead), the real Flask app over them, and a clock
the tests move (TOTP codes are computed for that clock)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from shahada.console import Accounts, Ministry, accounts, create_app
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.schemas.reference import bundled_reference
from tests.support.archives import fresh_archive
from tests.support.local_signer import LocalKey, sign_credential

SECRET = "console-test-secret-" + "x" * 32
# Argon2id at its smallest costs for the console's tests (time 1, 1 MiB, 1 lane): at the production
# cost (RFC 9106's low-memory profile: time 3, 64 MiB, 4 lanes, ~0.1 s of CPU a hash) the hashing of
# their sign-ins was half of their CPU. A test marked production_password_hash keeps the real cost.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("production_password_hash") is None:
        monkeypatch.setattr(accounts, "_HASHER", FAST_HASHER)
        monkeypatch.setattr(accounts, "_DUMMY_HASH", FAST_HASHER.hash("an account that does not exist"))
ID_SECRET = b"c" * 32
NOW = dt.datetime(2025, 7, 1, 8, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ACADEMIES = frozenset(bundled_reference().academies)


class Clock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class LocalSigner:
    """Signs as the agent does (eddsa-rdfc-2022), with a local key."""

    def __init__(self, key: LocalKey) -> None:
        self.key = key
        self.loader = PinnedDocumentLoader()

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        return sign_credential(credential, suite="eddsa-rdfc-2022", key=self.key, verification_method=self.key.did_key_vm, created=NOW, loader=self.loader)


@dataclass
class Staff:
    name: str
    secret: str  # TOTP


@dataclass
class Setup:
    app: Flask
    archive: Archive
    status: StatusStore
    clock: Clock
    work: Path

    @property
    def accounts(self) -> Accounts:
        found: Accounts = self.app.config["SHAHADA_CONSOLE"].accounts
        return found

    def account(self, name: str, role: str, academy: str | None = None) -> Staff:
        created = self.accounts.create(name, role, PASSWORD, academy=academy, by="test", now=self.clock(), academies=ACADEMIES)
        return Staff(name, created.totp_secret)

    def client(self, staff: Staff | None = None, *, lang: str = "fr") -> FlaskClient:
        client = self.app.test_client()
        client.get(f"/signin?lang={lang}")
        if staff is not None:
            self.clock.advance(seconds=31)  # a new TOTP step: a code is never accepted twice
            response = post(client, "/signin", account=staff.name, password=PASSWORD, code=code(staff, self.clock))
            assert response.status_code == 303, response.get_data(as_text=True)
        return client

    def pv(self, rows: int = 6, *, seed: int = 11, academy: str | None = None) -> bytes:
        records = list(generate_records(rows, seed=seed, reference=bundled_reference(), year=2025, rattrapage_share=0))
        if academy is not None:
            records = [{**r, "academie": academy} for r in records]
        path = self.work / f"pv-{seed}-{rows}.csv"
        write_csv(records, path)
        return path.read_bytes()


def code(staff: Staff, clock: Clock) -> str:
    return pyotp.TOTP(staff.secret).at(clock())


def csrf(client: FlaskClient) -> str:
    page = client.get("/signin").get_data(as_text=True)
    found = CSRF.search(page)
    assert found, page
    return found.group(1)


def post(client: FlaskClient, url: str, *, data: dict[str, Any] | None = None, **fields: Any) -> Any:
    """A form POST with this session's anti-forgery token."""
    token = csrf(client)
    return client.post(url, data={"csrf": token, **fields, **(data or {})}, content_type="multipart/form-data")


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    archive = fresh_archive(tmp_path / "archive.sqlite3")
    status = StatusStore(archive.engine, secret=ID_SECRET, origin="https://diplomes.men.gov.ma")
    key = LocalKey.from_seed(b"k" * 32)
    clock = Clock()
    signer = LocalSigner(key)
    ministry = Ministry(
        archive=archive, status=status, signer=lambda: signer, issuer_did=key.did_key, secret=ID_SECRET, proof_type="eddsa-rdfc-2022",
        academies=ACADEMIES, clock=clock,
    )
    app = create_app({"secret": SECRET, "work_dir": str(tmp_path / "console"), "secure_cookies": False}, ministry=ministry, clock=clock)
    try:
        yield Setup(app, archive, status, clock, tmp_path)
    finally:
        archive.close()
