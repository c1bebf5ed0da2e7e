"""The ministry's one public origin in a real browser (issue 11): the URL printed in a diploma's
QR code (``HTTPS://<did_web_host>/V/…``) opened on the installation's own origin — the local HTTPS
site every command starts, and ``shahada serve public`` — with documents issued, sealed, revoked and
suspended by the real agent; and a verifier that cannot reach the ministry's registry.

- a genuine printed diploma → valid, the issuer named;
- a revoked one → "ملغاة / Révoqué / Revoked" with the day, never "valid"; a suspended one likewise;
- a verifier that cannot reach the ministry → "Impossible de vérifier", the cause in words, never
  "Non valide".

Screenshots go to ``$SHAHADA_SCREENSHOTS`` when set (``docs/verifier`` keeps the reference ones).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from shahada.common.wsgi import WaitressServer
from shahada.issuer.seal import AgentSealer, seal_credentials
from shahada.issuer.usecases import change_status
from shahada.printing.pdf import Renderer
from shahada.services import verifier_settings
from shahada.verifier.registry import RegistryChecker
from shahada.verifier.scan import read_qr_texts
from shahada.verifier.web import create_app
from tests.support.sessions import admitted, issue_with_status, revoke_and_publish
from tests.verifier.web.test_browser import LOCALES, PHONE

pytestmark = pytest.mark.agent
YEAR = 2033  # no other module issues this session
WORDS = {
    "revoked": {"ar": "ملغاة", "fr": "Révoqué", "en": "Revoked"},
    "suspended": {"ar": "موقوفة", "fr": "Suspendu", "en": "Suspended"},
    "incomplete": {"ar": "تعذّر التحقق الآن", "fr": "Impossible de vérifier", "en": "Cannot verify now"},
}
INVALID = {"ar": "غير صالحة", "fr": "Non valide", "en": "Invalid"}
MONTH_OF_TODAY = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"),
}


@dataclass
class Printed:
    genuine_pdf: Path
    urls: dict[str, str]  # "valid", "revoked", "suspended" → the URL printed in the QR code


@pytest.fixture(scope="module")
def printed(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    work = tmp_path_factory.mktemp("public-origin")
    by_massar = issue_with_status(ministry, work, rows=10, seed=1133, year=YEAR)
    names = admitted(by_massar)
    assert len(names) >= 3
    diplomas = [next(c for c in by_massar[m] if c.kind == "diploma") for m in names[:3]]
    sealer = AgentSealer(ministry.client, ministry.identity.verification_method)
    base = ministry.settings.verify_base_url  # as printed: HTTPS://LOCALHOST:<site port>/V/
    texts = seal_credentials([d.document for d in diplomas], sealer, base_url=base)
    revoke_and_publish(ministry, diplomas[1].id)
    s = ministry.settings
    change_status(
        diplomas[2].id, "suspension", True, archive=ministry.archive, status=ministry.status, signer=ministry.signer(),
        issuer_did=ministry.identity.did, proof_type=s.proof_type, operator=s.operator, reason="test: inquiry",
    )
    pdf = work / "genuine.pdf"
    pdf.write_bytes(Renderer().pdf(diplomas[0].document, texts[0]))
    return Printed(pdf, dict(zip(("valid", "revoked", "suspended"), texts, strict=True)))


def open_page(browser: Any, lang: str, url: str) -> Any:
    # the local site's certificate is the installation's own CA: not in chromium's store
    context = browser.new_context(locale=LOCALES[lang], viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, ignore_https_errors=True)
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return page


def test_the_printed_url_opens_the_verdict_on_the_ministry_origin(browser: Any, ministry: Any, printed: Printed, shots: Path) -> None:
    [url] = read_qr_texts(printed.genuine_pdf.read_bytes())  # what a phone camera reads from the paper
    assert url.upper().startswith(f"HTTPS://{ministry.settings.did_web_host.upper()}/V/")
    page = open_page(browser, "fr", url)
    try:
        assert page.locator("[data-verdict]").get_attribute("data-verdict") == "valid"
        assert "Ministère de l'Éducation nationale" in page.locator("[data-issuer]").inner_text()
        assert page.locator('[data-field="generalAverage"] dd').inner_text().endswith("/ 20")
        outcomes = page.locator("[data-check]")
        assert {outcomes.nth(i).get_attribute("data-check"): outcomes.nth(i).get_attribute("data-outcome") for i in range(outcomes.count())} == dict.fromkeys(
            ("decode", "key", "signature", "archive", "status"), "passed"
        )
        page.screenshot(path=str(shots / "public-origin-valid-fr.png"), full_page=True)
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
@pytest.mark.parametrize("state", ["revoked", "suspended"])
def test_a_revoked_or_suspended_printed_diploma_is_never_valid(browser: Any, printed: Printed, shots: Path, state: str, lang: str) -> None:
    page = open_page(browser, lang, printed.urls[state])
    try:
        assert page.locator("[data-verdict]").get_attribute("data-verdict") == state
        headline = page.locator("#verdict").inner_text()
        assert WORDS[state][lang] in headline
        today = dt.datetime.now(dt.UTC).date()
        assert f"{MONTH_OF_TODAY[lang][today.month - 1]} {today.year}" in page.locator("[data-since]").inner_text()
        assert page.locator("[data-issuer]").count() == 1
        assert "test:" not in page.content()  # the operator's reason is private
        page.screenshot(path=str(shots / f"seal-{state}-{lang}.png"), full_page=True)
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def cut_off_verifier(ministry: Any) -> Iterator[str]:
    """The installation's verifier with the ministry's registry out of reach (a closed port)."""
    did = ministry.identity.did
    settings = verifier_settings(ministry.settings, did, did_documents={did: ministry.identity.did_document()})
    unreachable = RegistryChecker({did: frozenset({"https://127.0.0.1:9"})}, verify_tls=settings.did_verify_tls, timeout=2.0)
    server = WaitressServer(create_app(settings, loader=ministry.loader, registry=unreachable), port=0, ident="cut-off").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_a_verifier_that_cannot_reach_the_ministry_says_it_cannot_verify(browser: Any, printed: Printed, cut_off_verifier: str, shots: Path, lang: str) -> None:
    path = printed.urls["valid"].split("/", 3)[3]
    page = open_page(browser, lang, f"{cut_off_verifier}/{path}?lang={lang}")
    try:
        assert page.locator("[data-verdict]").get_attribute("data-verdict") == "incomplete"
        assert WORDS["incomplete"][lang] in page.locator("#verdict").inner_text()
        assert INVALID[lang] not in page.locator("#verdict").inner_text()
        cause = page.locator("[data-cause]").inner_text()
        assert cause and "Error" not in cause and "Traceback" not in page.content()
        page.screenshot(path=str(shots / f"seal-incomplete-{lang}.png"), full_page=True)
    finally:
        page.context.close()


def _wait_for(process: subprocess.Popen[str], pattern: str) -> str:
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    seen = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.5)
        if ready:
            line = process.stderr.readline()
            seen += line
            found = re.search(pattern, line)
            if found:
                return found.group(1)
        if process.poll() is not None:
            break
    raise AssertionError(f"not started: {seen}")


def test_shahada_serve_public_is_the_site_and_the_verifier(ministry: Any, printed: Printed) -> None:
    """The production service: one origin for the DID document, status lists, registry and the
    verifier, with the printed path working as printed (in capitals)."""
    env = {**os.environ, "SHAHADA_HOME": str(ministry.settings.home), "PYTHONUNBUFFERED": "1"}
    shahada = Path(sys.executable).parent / "shahada"
    process = subprocess.Popen([str(shahada), "serve", "public", "--port", "0"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = _wait_for(process, r"served at (http://127\.0\.0\.1:\d+)/")
        assert requests.get(url + "/.well-known/did.json", timeout=10).json() == ministry.identity.did_document()
        assert requests.get(url + "/contexts/baccalaureate/v1", timeout=10).status_code == 200
        for state in ("valid", "revoked", "suspended"):
            path = printed.urls[state].split("/", 3)[3]
            page = requests.get(f"{url}/{path}", headers={"Accept-Language": "fr"}, timeout=30)
            assert page.status_code == 200 and f'data-verdict="{state}"' in page.text, state
        body = requests.post(url + "/seals/verify", json={"seal": printed.urls["revoked"]}, timeout=30).json()
        assert body["verdict"] == "revoked" and body["verified"] is False
        assert "/credentials/verify" in requests.get(url + "/openapi.json", timeout=10).json()["paths"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err


def test_a_taken_port_is_one_line_naming_it(ministry: Any) -> None:
    import socket

    env = {**os.environ, "SHAHADA_HOME": str(ministry.settings.home)}
    shahada = Path(sys.executable).parent / "shahada"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run([str(shahada), "serve", "verifier", "--port", str(port)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error [serve.bind]") and f"127.0.0.1:{port}" in lines[0] and "--port" in lines[0], done.stderr
