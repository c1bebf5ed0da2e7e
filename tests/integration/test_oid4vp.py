"""OID4VP 1.0 end to end: a wallet that took its diploma over OID4VCI (@openid4vc/openid4vci)
answers the verifier service's request with @openid4vc/openid4vp (request by reference, a request
object signed by the service's did:key, DCQL, direct_post), presenting a VP signed by its did:key
with Digital Bazaar's libraries; the service verifies it as ``POST /presentations/verify`` does
(status of the credential included). A presentation for another nonce and a second answer to the
same request are refused. The verifier service's page (ar, fr, en) and the university example
(examples/university/oid4vp.py) are driven in chromium: their QR code is read back with zxing-cpp
and handed to the wallet, and the page shows the verdict once the wallet has answered."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from examples.university.oid4vp import university_oid4vp_app
from shahada.common.wsgi import WaitressServer
from shahada.services import verifier_settings
from shahada.verifier.scan import read_qr_texts
from shahada.verifier.web import Records, VerifierService, VerifierSettings, create_app
from shahada.verifier.web.oid4vp import Oid4vpRequests
from tests.interop.test_reference_verifier import pinned_contexts
from tests.support.browser import phone_page, screenshot_dir
from tests.support.sessions import admitted, issue_with_status
from tests.support.wallet_issuer import Holder, client, new_holder, oid4vci_wallet, serve_issuer

pytestmark = pytest.mark.agent
YEAR = 2013  # a session no other test issues into the shared archive


@dataclass
class Held:
    holder: Holder
    diploma: dict[str, Any]


@pytest.fixture(scope="module")
def held(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Held:
    """A graduate's wallet, holding the diploma it took over OID4VCI."""
    by_massar = issue_with_status(ministry, tmp_path_factory.mktemp("oid4vp-session"), rows=4, seed=313, year=YEAR)
    massar = admitted(by_massar)[0]
    diploma = [c for c in by_massar[massar] if c.kind == "diploma"]
    holder = new_holder()
    with serve_issuer(ministry, tmp_path_factory.mktemp("oid4vp-issuer")) as issuer:
        made = issuer.claim(diploma)
        got = oid4vci_wallet(issuer.claims.offer_link(made.id), issuer.tx_code(massar), holder)
    assert got["ok"], got
    return Held(holder, got["credentials"]["BaccalaureateDiploma_ldp_vc"][0])


def patient_settings(ministry: Any) -> VerifierSettings:
    """The installation's verifier settings, with time for a cold worker pool on a loaded machine
    (a wallet's direct_post is answered once: a 503 cannot be retried by the test)."""
    return dataclasses.replace(verifier_settings(ministry.settings, ministry.identity.did), work_timeout=60.0, request_timeout=120.0)


@pytest.fixture(scope="module")
def verifier(ministry: Any) -> Iterator[str]:
    oid4vp = Oid4vpRequests(secrets.token_bytes(32), "http://placeholder")
    settings = patient_settings(ministry)
    app = create_app(settings, records=Records(ministry.identity.did, lambda _id: None), loader=ministry.loader, oid4vp=oid4vp)
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-verifier").start()
    oid4vp.base_url = server.url.rstrip("/")
    try:
        yield oid4vp.base_url
    finally:
        server.stop()


def present(request: str, held: Held, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = client("oid4vp-present.mjs", {
        "request": request, "seed": held.holder.seed.hex(), "credentials": [held.diploma], "contexts": pinned_contexts(), **extra,
    })
    return result


def test_a_wallet_presents_its_diploma_and_the_verifier_accepts_it(verifier: str, held: Held) -> None:
    made = requests.post(f"{verifier}/oid4vp/requests", json={}, timeout=10).json()
    assert made["request"].startswith("openid4vp://?client_id=decentralized_identifier%3Adid%3Akey%3Az6Mk")

    answered = present(made["request"], held)

    assert answered["ok"], answered
    assert answered["client"]["prefix"] == "decentralized_identifier"  # the library checked the request object's signature
    assert answered["query"]["credentials"][0]["format"] == "ldp_vc" and answered["status"] == 200
    outcome = requests.get(made["result"], timeout=10).json()
    assert outcome["state"] == "answered" and outcome["result"]["verified"], outcome
    again = present(made["request"], held)  # the same request answered a second time
    assert again["ok"] and again["status"] == 400 and again["body"]["error"] == "invalid_request"


def test_a_presentation_for_another_nonce_is_refused(verifier: str, held: Held) -> None:
    made = requests.post(f"{verifier}/oid4vp/requests", json={}, timeout=10).json()
    answered = present(made["request"], held, tamper="nonce")
    assert answered["ok"] and answered["status"] == 200
    outcome = requests.get(made["result"], timeout=10).json()
    assert outcome["state"] == "answered" and not outcome["result"]["verified"]
    assert "challenge.mismatch" in {e["code"] for e in outcome["result"]["errors"]}, outcome


def test_unknown_requests_and_pending_results(verifier: str) -> None:
    unknown = requests.get(f"{verifier}/oid4vp/requests/nope/object", headers={"Accept": "application/json"}, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["code"] == "oid4vp.unknown"
    made = requests.post(f"{verifier}/oid4vp/requests", json={}, timeout=10).json()
    assert requests.get(made["result"], timeout=10).json() == {"state": "pending"}
    wrong_state = requests.post(f"{verifier}/oid4vp/responses/{made['id']}", data={"state": "x", "vp_token": "{}"}, timeout=10)
    assert wrong_state.status_code == 400 and wrong_state.json()["error"] == "invalid_request"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory.mktemp("oid4vp-shots"))


def qr_of(element: Any) -> str:
    """The text of the QR code drawn in ``element``, read from its screenshot (zxing-cpp)."""
    texts = read_qr_texts(element.screenshot())
    assert len(texts) == 1, texts
    return texts[0]


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_verifier_page_shows_the_qr_code_then_the_verdict(verifier: str, held: Held, browser: Any, shots: Path, lang: str) -> None:
    page = phone_page(browser, lang)
    page.goto(f"{verifier}/oid4vp/ask?lang={lang}")
    page.click("form.oid4vp button[type=submit]")
    qr = page.wait_for_selector("img.oid4vp-qr")
    link = qr_of(qr)
    assert link == page.get_attribute("[data-link]", "href") and link.startswith("openid4vp://?client_id=")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    page.screenshot(path=str(shots / f"oid4vp-ask-{lang}.png"), full_page=True)

    answered = present(link, held)

    assert answered["ok"] and answered["status"] == 200, answered
    page.wait_for_selector('[data-verdict="valid"]', timeout=15_000)  # the page polled, then reloaded
    assert page.query_selector("img.oid4vp-qr") is None
    page.screenshot(path=str(shots / f"oid4vp-verdict-{lang}.png"), full_page=True)
    page.context.close()


@pytest.fixture(scope="module")
def university(ministry: Any) -> Iterator[str]:
    """The university example's OpenID4VP verifier, at its own origin with its own request key,
    verifying in its process (no worker processes)."""
    oid4vp = Oid4vpRequests(secrets.token_bytes(32), "http://placeholder")
    settings = dataclasses.replace(patient_settings(ministry), work_processes=0)
    service = VerifierService(settings, loader=ministry.loader)
    server = WaitressServer(university_oid4vp_app(service, oid4vp), host="127.0.0.1", port=0, ident="university").start()
    oid4vp.base_url = server.url.rstrip("/")
    try:
        yield oid4vp.base_url
    finally:
        server.stop()
        service.close()


def test_the_university_asks_by_oid4vp_and_verifies_the_diploma(university: str, held: Held, browser: Any, shots: Path) -> None:
    page = phone_page(browser, "fr")
    page.goto(f"{university}/")
    link = qr_of(page.wait_for_selector("#qr"))
    assert link == page.get_attribute("#link", "href")
    page.screenshot(path=str(shots / "university-oid4vp-ask.png"), full_page=True)

    answered = present(link, held)

    assert answered["ok"] and answered["status"] == 200, answered
    assert answered["client"]["prefix"] == "decentralized_identifier"
    page.wait_for_selector('#verdict[data-verified="true"]', timeout=15_000)
    assert "accepted" in page.inner_text("#verdict")
    replay = present(link, held)  # the same request answered again
    assert replay["status"] == 400 and replay["body"]["error"] == "invalid_request"
    page.context.close()


def test_the_university_refuses_a_presentation_for_another_nonce(university: str, held: Held, browser: Any) -> None:
    page = phone_page(browser, "en")
    page.goto(f"{university}/")
    answered = present(page.get_attribute("#link", "href"), held, tamper="nonce")
    assert answered["ok"] and answered["status"] == 200, answered
    page.wait_for_selector('#verdict[data-verified="false"]', timeout=15_000)
    assert "challenge.mismatch" in page.inner_text("#verdict")
    page.context.close()


def test_two_processes_share_requests_in_the_database(ministry: Any, held: Held, postgres_url: str) -> None:
    """As with shahada serve verifier --processes N and the archive's database: the request is
    made by one service, the wallet talks to the other, the first one shows the verdict (its
    page verifies the stored presentation again), and a replay to either is refused."""
    from shahada.database import open_archive
    from shahada.verifier.web.oid4vp_store import DatabaseRequests

    archive = open_archive(postgres_url)  # upgraded to the newest migration: oid4vp_requests
    seed = secrets.token_bytes(32)
    settings = patient_settings(ministry)
    servers, stores = [], []
    try:
        for _ in range(2):
            oid4vp = Oid4vpRequests(seed, "http://placeholder", store=DatabaseRequests(archive.engine))
            app = create_app(settings, records=Records(ministry.identity.did, lambda _id: None), loader=ministry.loader, oid4vp=oid4vp)
            servers.append(WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-verifier").start())
            stores.append(oid4vp)
        first, second = (s.url.rstrip("/") for s in servers)
        for oid4vp in stores:
            oid4vp.base_url = second  # the wallet's calls reach the second process
        made = requests.post(f"{first}/oid4vp/requests", json={}, timeout=10).json()
        assert made["request_uri"].startswith(second)

        answered = present(made["request"], held)

        assert answered["ok"] and answered["status"] == 200, answered
        outcome = requests.get(f"{first}/oid4vp/requests/{made['id']}/result", timeout=10).json()
        assert outcome["state"] == "answered" and outcome["result"]["verified"], outcome
        page = requests.get(f"{first}/oid4vp/ask/{made['id']}?lang=fr", timeout=30)
        assert page.status_code == 200 and 'data-verdict="valid"' in page.text
        again = present(made["request"], held)
        assert again["status"] == 400 and again["body"]["error"] == "invalid_request"
    finally:
        for server in servers:
            server.stop()
        archive.close()
