"""The claim flow in a real browser: Playwright driving Debian's chromium (headless, phone-sized)
against the portal served by waitress on 127.0.0.1, over credentials really issued through the
ministry's agent (session fixture ``ministry``) into an archive with its status entries, PDFs
sealed by the agent, and the real ``shahada.issuer.delivery.WalletDelivery`` creating the wallet
invitation through the agent's DIDComm.

In Arabic and in French: sign in with the Code Massar and the date of birth, read the one-time
code from the outbox, enter it, see the documents, add them to the wallet (QR code that decodes
to the invitation, deep link), make a share link and see it listed, then see its use logged.

Screenshots go to a temporary directory, or to ``$SHAHADA_SCREENSHOTS``
(``docs/portal`` keeps reference ones).
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
from shahada.issuer.archive.store import Archive
from shahada.issuer.delivery import WalletDelivery, decode_invitation
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.seal import AgentSealer
from shahada.issuer.usecases import issue_pv
from shahada.portal import OutboxSender, SealedPrinter, create_app
from shahada.schemas.reference import bundled_reference
from shahada.status_setup import status_store
from shahada.verifier.scan import read_qr_texts
from tests.issuer.portal.conftest import Candidate, candidates, last_code
from tests.support.archives import fresh_archive

pytestmark = pytest.mark.agent
PHONE = {"width": 412, "height": 915}
LOCALES = {"ar": "ar-MA", "fr": "fr-FR"}
WORDS = {
    "ar": {"docs": "وثائقي", "valid": "صالحة", "diploma": "شهادة البكالوريا", "waiting": "في انتظار محفظتك…", "active": "نشِط", "served": "قرأ الرابطَ برنامجُ تحقق (admissions-bot/1.0)، فتسلّم وثائقك."},
    "fr": {"docs": "Mes documents", "valid": "Valide", "diploma": "Diplôme du baccalauréat", "waiting": "En attente de votre portefeuille…", "active": "Actif", "served": "Lien lu par un logiciel de vérification (admissions-bot/1.0) : vos documents lui ont été transmis."},
}
# the horizontal extent of an element's text (not of its box, which spans the line)
TEXT_EXTENT = "(el) => { const r = document.createRange(); r.selectNodeContents(el); const b = r.getBoundingClientRect(); return [b.left, b.right]; }"
RECIPIENTS = {"ar": "جامعة محمد الخامس – التسجيل", "fr": "Université de Montréal – admissions"}


@dataclass
class RunningPortal:
    server: WaitressServer
    archive: Archive
    outbox: Path
    graduate: Candidate
    seal_base: str  # the installation's verify_base_url, before each seal

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def running_portal(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPortal]:
    work = tmp_path_factory.mktemp("portal-browser")
    pv = work / "pv.csv"
    write_csv(generate_records(6, seed=707, reference=bundled_reference(), year=2025, rattrapage_share=0), pv)
    archive = fresh_archive(work / "archive.sqlite3")
    status = status_store(ministry.settings, archive)
    assert status is not None
    issue_pv(
        pv, archive=archive, year=2025, signer=ministry.signer(), issuer_did=ministry.identity.did, secret=ministry.settings.id_secret,
        proof_type=ministry.settings.proof_type, status=status, operator="test", batch_size=16,
    )
    method = ministry.identity.verification_method
    graduate = next(c for c in candidates(archive) if {x.kind for x in c.credentials} == {"diploma", "transcript"})
    outbox = work / "portal" / "outbox.jsonl"
    app = create_app(
        {"secret": secrets.token_urlsafe(32), "signin_min_seconds": 0.2, "verifier_url": "https://verify.example"},
        archive=archive,
        sender=OutboxSender(outbox),
        printer=SealedPrinter(AgentSealer(ministry.client, method), base_url=ministry.settings.verify_base_url),
        delivery=WalletDelivery(ministry.client, archive, verification_method=method),
        status=status,
    )
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-portal").start()
    try:
        yield RunningPortal(server, archive, outbox, graduate, ministry.settings.verify_base_url)
    finally:
        server.stop()
        archive.close()


def anonymous() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_claim_flow_in_a_browser(browser: Any, running_portal: RunningPortal, shots: Path, lang: str) -> None:
    portal, graduate, words = running_portal, running_portal.graduate, WORDS[lang]
    context = browser.new_context(locale=LOCALES[lang], viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        # step one: Code Massar and date of birth
        page.goto(portal.url + "/")
        assert page.get_attribute("html", "lang") == lang and page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        page.fill("#massar", graduate.massar.lower())
        page.fill("#birth_date", graduate.birth_date)
        page.click("form[data-form=signin] button[type=submit]")
        page.wait_for_url("**/signin/code")
        assert page.locator("[data-message=code-sent]").is_visible()
        if lang == "ar":
            page.screenshot(path=str(shots / "code-ar.png"), full_page=True)
        # step two: the code, read from the development outbox
        page.fill("#code", last_code(portal.outbox, graduate.massar))
        page.click("form[data-form=code] button[type=submit]")
        page.wait_for_url("**/documents")

        # the documents, with their status
        assert page.locator("h1").inner_text() == words["docs"]
        cards = page.locator("[data-document]")
        numbers = {cards.nth(i).get_attribute("data-document"): cards.nth(i).get_attribute("data-status") for i in range(cards.count())}
        assert numbers == {c.document_number: "valid" for c in graduate.credentials}
        diploma = page.locator('[data-kind="diploma"]')
        assert words["diploma"] in diploma.inner_text() and words["valid"] in diploma.inner_text()
        if lang == "ar":
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            # laid out from the right: the text of a heading and of a field's name ends at the right edge
            for element in (diploma.locator("h2"), diploma.locator("dt").first, page.locator("h1")):
                left, right = page.evaluate(TEXT_EXTENT, element.element_handle())
                assert right > PHONE["width"] - 50 and left > 40, (left, right)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone
        page.screenshot(path=str(shots / f"documents-{lang}.png"), full_page=True)
        pdf = page.request.get(portal.url + diploma.locator("[data-download=pdf]").get_attribute("href"))
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
        assert read_qr_texts(pdf.body())[0].startswith(portal.seal_base)  # sealed by the agent, as printed

        # add to wallet: an invitation made by the agent, as a QR code and a deep link
        page.click("[data-action=wallet]")
        page.wait_for_url("**/wallet/*/offer")
        qr = page.locator("img.qr")
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 100", qr.element_handle())
        png = page.request.get(portal.url + qr.get_attribute("src"))
        [scanned] = read_qr_texts(png.body())  # the short link: the invitation, with its offer, is kilobytes
        assert scanned == page.locator("[data-link=short]").get_attribute("href") and scanned.startswith(portal.url + "/i/")
        invitation_url = page.locator("[data-link=url]").get_attribute("href")
        invitation = decode_invitation(invitation_url)
        assert "out-of-band" in invitation["@type"] and invitation["requests~attach"]
        wallet_app = anonymous().get(scanned, headers={"Accept": "application/json"}, timeout=30)  # no session
        assert wallet_app.status_code == 200 and wallet_app.json() == invitation
        follow = anonymous().get(scanned, allow_redirects=False, timeout=30)
        assert follow.status_code == 302 and follow.headers["Location"] == invitation_url
        deep = page.locator("[data-link=deep]").get_attribute("href")
        assert deep is not None and deep.startswith("didcomm://invite?oob=") and decode_invitation(deep) == invitation
        page.wait_for_timeout(500)  # the page polls its state once at least
        assert page.locator("[data-poll] .state-label").inner_text() == words["waiting"]
        page.screenshot(path=str(shots / f"wallet-{lang}.png"), full_page=True)

        # a share link, listed, then used by a university's software
        page.click("[data-nav=shares]")
        page.wait_for_url("**/shares")
        page.fill("#recipient", RECIPIENTS[lang])
        page.select_option("#days", "30")
        page.click("form[data-form=share] button[type=submit]")
        link = page.locator("[data-link=created]").input_value()
        assert link.startswith(portal.url + "/s/")
        listed = page.locator("[data-share]").first
        assert listed.get_attribute("data-state") == "active" and RECIPIENTS[lang] in listed.inner_text() and words["active"] in listed.inner_text()
        answer = anonymous().get(link, headers={"Accept": "application/json", "User-Agent": "admissions-bot/1.0"}, timeout=30)
        assert answer.status_code == 200
        shared = answer.json()
        assert shared["type"] == "ShahadaShare" and shared["recipient"] == RECIPIENTS[lang]
        assert sorted(c["id"] for c in shared["verifiableCredential"]) == sorted(c.id for c in graduate.credentials)
        assert all(c["proof"]["cryptosuite"] == "eddsa-rdfc-2022" for c in shared["verifiableCredential"])
        page.reload()
        log = page.locator("[data-share]").first.locator("[data-access]")
        assert log.count() == 1 and log.first.get_attribute("data-outcome") == "served"
        logged = log.first.inner_text()
        assert "127.0.0.0/24" in logged and "admissions-bot/1.0" in logged and words["served"] in logged
        page.screenshot(path=str(shots / f"shares-{lang}.png"), full_page=True)

        page.click("[data-action=signout]")
        page.wait_for_url(portal.url + "/")
        assert page.goto(portal.url + "/documents") is not None and page.url == portal.url + "/"
    finally:
        context.close()



@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_a_revoked_document_is_shown_revoked_and_never_offered(browser: Any, ministry: Any, running_portal: RunningPortal, shots: Path, lang: str) -> None:
    """Another graduate, whose diploma the ministry revoked: the page says so and whom to contact,
    offers no PDF, and the PDF's address answers with that page, not a clean copy (issue 11)."""
    import datetime as dt

    portal = running_portal
    other = next(c for c in candidates(portal.archive) if c.massar != portal.graduate.massar and any(x.kind == "diploma" for x in c.credentials))
    diploma = other.of_kind("diploma")
    status = status_store(ministry.settings, portal.archive)
    assert status is not None
    status.set_status(diploma.id, "revocation", True, reason="test: fraud", at=dt.datetime.now(dt.UTC))
    context = browser.new_context(locale=LOCALES[lang], viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(portal.url + "/")
        page.fill("#massar", other.massar)
        page.fill("#birth_date", other.birth_date)
        page.click("form[data-form=signin] button[type=submit]")
        page.wait_for_url("**/signin/code")
        page.fill("#code", last_code(portal.outbox, other.massar))
        page.click("form[data-form=code] button[type=submit]")
        page.wait_for_url("**/documents")
        card = page.locator(f'[data-document="{diploma.document_number}"]')
        assert card.get_attribute("data-status") == "revoked"
        assert card.locator("[data-download]").count() == 0 and card.locator("[data-withdrawn=revoked]").is_visible()
        assert "fraud" not in page.content()
        page.screenshot(path=str(shots / f"portal-revoked-{lang}.png"), full_page=True)
        refused = page.request.get(f"{portal.url}/documents/{diploma.document_number}.pdf")
        assert refused.status == 409 and not refused.body().startswith(b"%PDF")
    finally:
        context.close()
