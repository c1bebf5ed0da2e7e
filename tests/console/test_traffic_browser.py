"""Verification traffic on the dashboard, in a real browser, after real verifications: the
verifier service (its real checks, served by waitress on 127.0.0.1) counts into the archive through
the batched sink the public service uses, graduates' share links are opened at the portal (its
access log), and an approver reads the dashboard in French on a desktop and in Arabic on a phone.
Screenshots go to a temporary directory, or to ``$SHAHADA_SCREENSHOTS``."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import secrets
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
from PIL import Image
from sqlalchemy.orm import Session

from shahada.common.wsgi import WaitressServer
from shahada.console import Ministry, create_app
from shahada.issuer.archive.status import StatusStore
from shahada.portal.store import ShareAccessRow, ShareRow
from shahada.printing.qr import make_qr
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.text import seal_text
from shahada.verifier.traffic import Traffic, database_sink
from shahada.verifier.web import SERVICE_KEY
from tests.console.conftest import ACADEMIES, PASSWORD
from tests.support.archives import fresh_archive
from tests.support.browser import LOCALES, PHONE
from tests.support.local_sealer import LocalSealer
from tests.support.local_signer import LocalKey, sign_credential
from tests.verifier.verifier_support import NOW, make_credential
from tests.verifier.web.conftest import CASES, SEAL_BASE, make_app

DESKTOP = {"width": 1280, "height": 900}


def verify_for_real(url: str, key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader) -> int:
    """Verifications over HTTP, of every kind and outcome; how many were made."""
    credential = sign_credential(make_credential(key.did_key, "eddsa-rdfc-2022"), suite="eddsa-rdfc-2022", key=key,
                                 verification_method=key.did_key_vm, created=NOW, loader=loader)
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["name"] = "Someone Else"
    diploma = json.loads((CASES / "option-fr" / "diploma.json").read_text(encoding="utf-8"))
    [cose] = sealer.seal([SealContent.from_credential(diploma)])
    seal = seal_text(cose, SEAL_BASE)
    blank = io.BytesIO()
    Image.new("L", (200, 120), 255).save(blank, format="PNG")
    http = requests.Session()
    http.trust_env = False
    made = 0
    for _ in range(3):
        made += 1
        assert http.post(f"{url}/credentials/verify", json={"verifiableCredential": credential}, timeout=60).status_code == 200
    made += 2
    assert http.post(f"{url}/credentials/verify", json={"verifiableCredential": tampered}, timeout=60).status_code == 400
    assert http.post(f"{url}/seals/verify", json={"seal": seal}, timeout=60).json()["verified"] is True
    made += 2
    assert http.get(f"{url}/V/{seal.rsplit('/', 1)[1]}", timeout=60).status_code == 200  # the printed QR code's page
    assert http.post(f"{url}/documents/verify", data=make_qr(seal).png(scale=4), headers={"Content-Type": "image/png"}, timeout=60).json()["verified"]
    made += 3
    assert http.post(f"{url}/documents/verify", data=blank.getvalue(), headers={"Content-Type": "image/png"}, timeout=60).status_code == 422
    assert http.post(f"{url}/documents/verify", data=b"%PDF-1.7\n%no code here\n", headers={"Content-Type": "application/pdf"}, timeout=60).status_code == 422
    assert http.get(f"{url}/shares", params={"url": "https://elsewhere.example/s/abcdefghijklmnopqrstuv"}, timeout=60).status_code == 200
    made += 1
    assert http.post(f"{url}/documents/status", json={"documentNumber": "BAC-2025-D-7K3M-9QXP-2F4C", "birthDate": "2007-03-01"}, timeout=60).status_code in (400, 503)
    return made


def log_share_use(archive: Any) -> None:
    """A graduate's link opened three times and refused once after it expired (the portal's log)."""
    now = dt.datetime.now(dt.UTC)
    with Session(archive.engine) as session, session.begin():
        share = ShareRow(token_sha256=secrets.token_hex(32), massar="C273878287", recipient="Université", credential_ids="[]", created_at=now, expires_at=now)
        session.add(share)
        session.flush()
        for days, outcome in ((2, "served"), (1, "served"), (0, "served"), (0, "expired")):
            session.add(ShareAccessRow(share_id=share.id, at=now - dt.timedelta(days=days), outcome=outcome, channel="browser", client="127.0.0.0/24", user_agent=""))


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_dashboard_shows_real_verification_traffic(browser: Any, shots: Path, tmp_path: Path, lang: str) -> None:
    archive = fresh_archive(tmp_path / "archive.sqlite3")
    key, sealer, loader = LocalKey.generate(), LocalSealer(), PinnedDocumentLoader()
    verifier = make_app(key, sealer, loader)
    service = verifier.config[SERVICE_KEY]
    service.traffic = Traffic(sink=database_sink(archive.engine))  # as `shahada serve public` does
    server = WaitressServer(verifier, host="127.0.0.1", port=0, ident="shahada-verifier").start()
    try:
        made = verify_for_real(server.url, key, sealer, loader)
    finally:
        server.stop()
        service.traffic.close()  # the last batch written
    log_share_use(archive)
    status = StatusStore(archive.engine, secret=b"c" * 32, origin="https://diplomes.men.gov.ma")
    parts = Ministry(archive=archive, status=status, signer=lambda: None, issuer_did=key.did_key, secret=b"c" * 32, proof_type="eddsa-rdfc-2022",  # type: ignore[arg-type, return-value]
                     academies=ACADEMIES)
    app = create_app({"secret": secrets.token_urlsafe(32), "work_dir": str(tmp_path / "console"), "secure_cookies": False}, ministry=parts)
    console = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-console").start()
    phone = lang == "ar"
    context = browser.new_context(locale=LOCALES[lang], viewport=PHONE if phone else DESKTOP, device_scale_factor=1, is_mobile=phone, has_touch=phone)
    try:
        created = app.config["SHAHADA_CONSOLE"].accounts.create("aya", "approver", PASSWORD, academy=None, by="test", now=dt.datetime.now(dt.UTC), academies=ACADEMIES)
        page = context.new_page()
        page.goto(f"{console.url}/signin?lang={lang}")
        page.fill("#account", "aya")
        page.fill("#password", PASSWORD)
        page.fill("#code", pyotp.TOTP(created.totp_secret).now())
        page.click("form button[type=submit]")
        page.wait_for_url(f"{console.url}/")
        section = page.locator("[data-section=traffic]")
        assert section.locator("[data-total]").get_attribute("data-total") == str(made)
        assert section.locator("[data-chart=verifications] svg rect").count() >= 1
        codes = section.locator("[data-table=failures] tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
        assert {"signature.invalid", "scan.no_code"} <= set(codes), codes
        reasons = section.locator("[data-table=failures]")
        assert reasons.evaluate("t => t.getBoundingClientRect().right <= document.documentElement.clientWidth && t.getBoundingClientRect().left >= 0")
        assert section.locator("[data-table=failures] tr[data-code='scan.no_code'] td").first.inner_text().strip() != "scan.no_code"  # in words too
        kinds = dict(section.locator("[data-table=kinds] tbody tr").evaluate_all("rows => rows.map(r => [r.dataset.kind, r.querySelector('td').textContent])"))
        assert kinds["credential"] == "4" and kinds["seal"] == "2" and kinds["photo"] == "2" and kinds["pdf"] == "1" and kinds["share"] == "1", kinds
        assert section.locator("[data-chart=shares] svg rect").count() == 4  # served on three days, refused on one
        assert page.evaluate("document.documentElement.scrollWidth") <= (PHONE if phone else DESKTOP)["width"], "wider than the screen"
        section.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"console-traffic-{'phone-' if phone else ''}{lang}.png"), full_page=True)
    finally:
        context.close()
        console.stop()
        archive.close()
