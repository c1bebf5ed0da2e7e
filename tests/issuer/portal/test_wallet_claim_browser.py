""""Add to wallet" with one QR code for any wallet, in a real browser (Playwright driving Debian's
chromium, phone-sized) against the portal served by waitress with the wallet endpoints mounted at
its origin (as ``shahada serve portal`` does), over credentials issued through the ministry's
agent: the graduate chooses the diploma only, the page shows the claim's Interaction URL as a QR
code (decoded with zxing-cpp), whose ``protocols`` offer a VC API exchange, OID4VCI and the DIDComm
invitation; a
wallet-side client the project did not write (@openid4vc/openid4vci) takes the offer with the
transaction code sent to the graduate, and the page then says the documents are in the wallet.

Screenshots go to a temporary directory, or to ``$SHAHADA_SCREENSHOTS``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from shahada.common.wsgi import WaitressServer
from shahada.issuer.delivery import WalletDelivery
from shahada.portal import OutboxSender, create_app
from shahada.verifier.scan import read_qr_texts
from shahada.wallet.claims import AgentCopySigner, Claims
from shahada.wallet.exchanges import Exchanges, did_authenticator
from shahada.wallet.web import create_app as create_wallet_app
from shahada.wallet.web import mounted
from tests.issuer.portal.conftest import last_code
from tests.issuer.portal.test_browser import LOCALES, PHONE, WORDS
from tests.support.sessions import issue_with_status
from tests.support.wallet_issuer import new_holder, oid4vci_wallet

pytestmark = pytest.mark.agent
YEAR = 2015  # a session no other test issues into the shared archive
DELIVERED = {"fr": "Vos documents sont dans votre portefeuille.", "ar": "وصلت وثائقك إلى محفظتك."}


@dataclass
class Running:
    url: str
    outbox: Path
    massar: str
    birth_date: str
    diploma: str
    transcripts: list[str]


@pytest.fixture(scope="module")
def running(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    work = tmp_path_factory.mktemp("claim-browser")
    by_massar = issue_with_status(ministry, work, rows=6, seed=515, year=YEAR)
    massar, credentials = next((m, c) for m, c in by_massar.items() if {x.kind for x in c} == {"diploma", "transcript"})
    birth_date = credentials[0].document["credentialSubject"]["birthDate"]
    outbox = work / "outbox.jsonl"
    sender = OutboxSender(outbox)
    method = ministry.identity.verification_method
    claims = Claims(ministry.archive, AgentCopySigner(ministry.client, method), sender, key=secrets.token_bytes(32), issuer="http://placeholder", ttl=900)
    app = create_app(
        {"secret": secrets.token_urlsafe(32), "signin_min_seconds": 0},
        archive=ministry.archive, sender=sender, status=ministry.status, claims=claims,
        delivery=WalletDelivery(ministry.client, ministry.archive, verification_method=method),
    )
    verifier = ministry.verifier()
    exchanges = Exchanges(claims, did_authenticator(verifier.loader, verifier.resolver, clock=verifier.clock))
    app.wsgi_app = mounted(create_wallet_app(claims, exchanges), app.wsgi_app)  # type: ignore[method-assign]
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-portal").start()
    claims.issuer = server.url.rstrip("/")
    try:
        yield Running(
            claims.issuer, outbox, massar, birth_date, next(c.id for c in credentials if c.kind == "diploma"),
            [c.id for c in credentials if c.kind == "transcript"],
        )
    finally:
        server.stop()


def sign_in(page: Any, running: Running) -> None:
    page.goto(running.url + "/")
    page.fill("#massar", running.massar)
    page.fill("#birth_date", running.birth_date)
    page.click("form[data-form=signin] button[type=submit]")
    page.wait_for_url("**/signin/code")
    page.fill("#code", last_code(running.outbox, running.massar))
    page.click("form[data-form=code] button[type=submit]")
    page.wait_for_url("**/documents")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_one_qr_code_offers_every_protocol_and_a_wallet_takes_the_chosen_diploma(
    ministry: Any, browser: Any, running: Running, shots: Path, lang: str
) -> None:
    context = browser.new_context(locale=LOCALES[lang], viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, running)
        assert page.locator("h1").inner_text() == WORDS[lang]["docs"]
        boxes = page.locator("input[name=credential]")
        assert sorted(boxes.nth(i).get_attribute("value") for i in range(boxes.count())) == sorted([running.diploma, *running.transcripts])
        for transcript in running.transcripts:
            page.uncheck(f'input[name=credential][value="{transcript}"]')  # the graduate sends the diploma only
        page.screenshot(path=str(shots / f"choose-{lang}.png"), full_page=True)
        page.click("[data-action=wallet]")
        page.wait_for_url("**/wallet/claims/*")

        qr = page.locator("img.qr")
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 100", qr.element_handle())
        [scanned] = read_qr_texts(page.request.get(running.url + qr.get_attribute("src")).body())
        assert scanned == page.locator("[data-link=interaction]").get_attribute("href")
        assert scanned.startswith(running.url + "/interactions/") and scanned.endswith("?iuv=1")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("details").evaluate("(d) => d.open = true")
        page.screenshot(path=str(shots / f"claim-{lang}.png"), full_page=True)

        anonymous = requests.Session()
        anonymous.trust_env = False
        protocols = anonymous.get(scanned, headers={"Accept": "application/json"}, timeout=30).json()["protocols"]
        assert set(protocols) == {"vcapi", "OID4VCI", "didcomm"}
        assert protocols["vcapi"] == running.url + "/exchanges/" + scanned.split("/interactions/")[1].split("?")[0]
        assert protocols["OID4VCI"] == page.locator("[data-link=oid4vci]").get_attribute("href")
        assert protocols["didcomm"].startswith(running.url + "/i/")  # the DIDComm invitation's short link
        fallback = anonymous.get(scanned, timeout=30)  # a phone's camera app: a page, not JSON
        assert fallback.status_code == 200 and "openid-credential-offer://" in fallback.text
        assert fallback.headers["Content-Security-Policy"].startswith("default-src 'none'") and fallback.headers["Cache-Control"] == "no-store"

        holder = new_holder()
        held = oid4vci_wallet(protocols["OID4VCI"], last_code(running.outbox, running.massar), holder)  # the code sent with the claim
        assert held["ok"], held
        assert held["configurations"] == ["BaccalaureateDiploma_ldp_vc"]
        [copy] = held["credentials"]["BaccalaureateDiploma_ldp_vc"]
        assert copy["id"] == running.diploma and copy["credentialSubject"]["id"] == holder.did_key
        assert ministry.verifier().verify(copy).verified
        page.locator('[data-poll][data-state=delivered]').wait_for(timeout=15_000)  # the page polls the claim's state
        assert page.locator("[data-poll] .state-label").inner_text() == DELIVERED[lang]
        assert anonymous.get(scanned, headers={"Accept": "application/json"}, timeout=30).status_code == 410  # single use
        page.screenshot(path=str(shots / f"claimed-{lang}.png"), full_page=True)
    finally:
        context.close()

