"""The session's life in a real browser: Playwright driving Debian's chromium against the console
served by waitress on 127.0.0.1, credentials signed by the ministry's real ACA-Py agent (session
fixture ``ministry``) into an archive with its status lists, PDFs sealed by the agent and rendered
by ``shahada print``'s ``print_session``.

In Arabic and in French, with two accounts (a national operator and an approver) in two browser
contexts: upload a PV with an error and read its report; upload the corrected PV, read its summary,
submit; the approver approves, issuance runs with its progress; print an academy's batch and
download it; the operator asks for a revocation, the approver approves it (four eyes); results
day is opened. Desktop for one account, phone for the other.

Screenshots go to a temporary directory, or to ``$SHAHADA_SCREENSHOTS``.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest

from shahada.common.wsgi import WaitressServer
from shahada.console import Accounts, Ministry, create_app
from shahada.issuer.archive.publication import results_open
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import ISSUED, Archive
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.seal import AgentSealer
from shahada.print_session import print_session
from shahada.schemas.reference import bundled_reference
from shahada.status_setup import status_store
from tests.console.conftest import ACADEMIES, PASSWORD
from tests.support.archives import fresh_archive
from tests.support.browser import LOCALES, PHONE

pytestmark = pytest.mark.agent
DESKTOP = {"width": 1280, "height": 900}
WORDS = {
    "ar": {"dashboard": "لوحة القيادة", "issued": "صادر", "revoked": "مسحوبة", "open": "النتائج مفتوحة"},
    "fr": {"dashboard": "Tableau de bord", "issued": "Délivré", "revoked": "Révoquée", "open": "Résultats ouverts"},
}


@dataclass
class RunningConsole:
    server: WaitressServer
    archive: Archive
    status: StatusStore
    accounts: Accounts
    work: Path

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def running_console(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningConsole]:
    work = tmp_path_factory.mktemp("console-browser")
    archive = fresh_archive(work / "archive.sqlite3")
    status = status_store(ministry.settings, archive)
    assert status is not None
    s = ministry.settings
    sealer = AgentSealer(ministry.client, ministry.identity.verification_method)

    def printer(*, year: int, academy: str, out: Path, progress: Any) -> Any:
        return print_session(archive, sealer, out, year=year, base_url=s.verify_base_url, academy=academy, progress=progress, settings=s.printing)

    parts = Ministry(
        archive=archive, status=status, signer=ministry.signer, issuer_did=ministry.identity.did, secret=s.id_secret, proof_type=s.proof_type,
        academies=ACADEMIES, printer=printer, concurrency=s.sign_concurrency,
    )
    app = create_app({"secret": secrets.token_urlsafe(32), "work_dir": str(work / "console"), "secure_cookies": False}, ministry=parts)
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-console").start()
    try:
        yield RunningConsole(server, archive, status, app.config["SHAHADA_CONSOLE"].accounts, work)
    finally:
        server.stop()
        archive.close()


def sign_in(context: Any, console: RunningConsole, name: str, role: str, lang: str) -> Any:
    created = console.accounts.create(name, role, PASSWORD, academy=None, by="test", now=dt.datetime.now(dt.UTC), academies=ACADEMIES)
    page = context.new_page()
    page.goto(f"{console.url}/signin?lang={lang}")
    assert page.get_attribute("html", "lang") == lang and page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    page.fill("#account", name)
    page.fill("#password", PASSWORD)
    page.fill("#code", pyotp.TOTP(created.totp_secret).now())
    page.click("form button[type=submit]")
    page.wait_for_url(f"{console.url}/")
    return page


def pv_files(work: Path, lang: str) -> tuple[Path, Path]:
    """A PV of this language's run (its own candidates), and a copy with a broken Code Massar."""
    good = work / f"pv-{lang}.csv"
    write_csv(generate_records(6, seed={"ar": 801, "fr": 802}[lang], reference=bundled_reference(), year=2025, rattrapage_share=0), good)
    text = good.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    lines[3] = "X12" + lines[3][10:]
    bad = work / f"pv-{lang}-bad.csv"
    bad.write_bytes("\r\n".join(lines).encode("utf-8"))
    return good, bad


def fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page is wider than the screen"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_a_session_from_pv_to_results_day_with_two_accounts(browser: Any, running_console: RunningConsole, shots: Path, lang: str) -> None:
    console, words = running_console, WORDS[lang]
    good, bad = pv_files(console.work, lang)
    desk = browser.new_context(locale=LOCALES[lang], viewport=DESKTOP, device_scale_factor=1)
    phone = browser.new_context(locale=LOCALES[lang], viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    try:
        operator = sign_in(desk, console, f"nabil-{lang}", "national_operator", lang)
        assert words["dashboard"] in operator.locator("h1").inner_text()
        approver = sign_in(phone, console, f"aya-{lang}", "approver", lang)

        # a PV with an error: the report, by row and column, filterable
        operator.click("[data-nav=sessions]")
        operator.fill("#year", "2025")
        operator.set_input_files("#pv", str(bad))
        operator.click("[data-action=upload]")
        operator.wait_for_selector("[data-problems]")
        assert "pv.massar" in operator.locator("table.problems").inner_text()
        operator.fill("#filter", "massar")
        operator.click("form.filter button")
        operator.wait_for_url("**filter=massar*")  # a GET form: the filtered page, not the one before it
        rows = operator.locator("table.problems tbody tr")
        assert rows.count() >= 1 and all("massar" in rows.nth(i).inner_text().lower() for i in range(rows.count()))
        with operator.expect_download() as download:
            operator.click("[data-action=report-csv]")
        assert download.value.suggested_filename.startswith("report-")
        operator.screenshot(path=str(shots / f"console-report-{lang}.png"), full_page=True)

        # the corrected PV: its summary, then submitted
        operator.click("[data-nav=sessions]")
        operator.fill("#year", "2025")
        operator.set_input_files("#pv", str(good))
        operator.click("[data-action=upload]")
        operator.wait_for_selector("[data-summary]")
        assert operator.locator('[data-by="academy"] tbody tr').count() >= 1
        operator.screenshot(path=str(shots / f"console-summary-{lang}.png"), full_page=True)
        operator.click("[data-action=submit]")
        operator.wait_for_selector('[data-state="submitted"]')
        assert operator.locator("[data-action=approve]").count() == 0  # an operator cannot approve
        submission_url = operator.url

        # the approver (phone) approves; issuance runs through the agent, its progress shown
        approver.goto(submission_url)
        approver.click("[data-action=approve]")
        approver.wait_for_selector('[data-state="issued"]', timeout=180_000)
        assert console.archive.count(status=ISSUED, session_year=2025) > 0
        fits(approver, PHONE["width"])
        approver.screenshot(path=str(shots / f"console-issued-phone-{lang}.png"), full_page=True)

        # print batches per academy: one printed and downloaded
        operator.goto(submission_url)
        operator.click("[data-action=prints]")
        first = operator.locator("[data-academy]").first
        academy = first.get_attribute("data-academy")
        first.locator("[data-action=print]").click()
        operator.wait_for_selector(f'[data-academy="{academy}"] [data-action=download]', timeout=420_000)  # printing took 260 s at load 16 (other work on the machine)
        operator.screenshot(path=str(shots / f"console-prints-{lang}.png"), full_page=True)
        href = operator.locator(f'[data-academy="{academy}"] [data-action=download]').get_attribute("href")
        archive_zip = operator.request.get(console.url + href)
        assert archive_zip.status == 200
        names = zipfile.ZipFile(io.BytesIO(archive_zip.body())).namelist()
        assert any(n.endswith(".pdf") for n in names) and any(n.startswith("print-index-") for n in names), names

        # revocation with four eyes: the operator asks, the approver approves
        diploma = next(c for c in console.archive.credentials(status=ISSUED, kind="diploma") if c.document["credentialSubject"]["massarCode"] in good.read_text(encoding="utf-8-sig"))
        operator.click("[data-nav=documents]")
        operator.fill("#q", diploma.document_number.lower())
        operator.click("form.card button")
        card = operator.locator(f'[data-document="{diploma.document_number}"]')
        assert card.get_attribute("data-document") == diploma.document_number
        card.locator("input[name=reason]").fill("fraude avérée" if lang == "fr" else "غش ثابت")
        card.locator("[data-action=request-revocation]").click()
        operator.wait_for_url("**/requests?created=*")
        assert operator.locator("[data-action=approve-revocation]").count() == 0
        assert not console.status.status_of(diploma.id)["revocation"]
        approver.click("[data-nav=requests]")
        pending = approver.locator("[data-request]").first
        assert diploma.document_number in pending.inner_text()
        approver.screenshot(path=str(shots / f"console-request-phone-{lang}.png"), full_page=True)
        pending.locator("[data-action=approve-revocation]").click()
        approver.wait_for_selector('[data-request] [data-state="approved"]')
        assert console.status.status_of(diploma.id)["revocation"] is True
        operator.goto(f"{console.url}/documents?q={diploma.document_number}")
        assert operator.locator(f'[data-document="{diploma.document_number}"] [data-state]').get_attribute("data-state") == "revoked"
        assert words["revoked"] in operator.locator(f'[data-document="{diploma.document_number}"]').inner_text()
        operator.screenshot(path=str(shots / f"console-revoked-{lang}.png"), full_page=True)

        # results day, then the dashboard
        approver.click("[data-nav=dashboard]")
        approver.wait_for_selector("[data-results]")  # the dashboard, not the page before it (under load it was counted first)
        if approver.locator("[data-action=open-results]").count():
            approver.click("[data-action=open-results]")
        approver.wait_for_selector('[data-results="open"]')
        assert results_open(console.archive.engine, 2025)
        operator.goto(f"{console.url}/?year=2025")
        assert operator.locator("[data-chart=academy] svg rect").count() > 0
        assert operator.locator('[data-results="open"]').inner_text().startswith(words["open"])
        fits(operator, DESKTOP["width"])
        operator.screenshot(path=str(shots / f"console-dashboard-{lang}.png"), full_page=True)
        approver.screenshot(path=str(shots / f"console-dashboard-phone-{lang}.png"), full_page=True)
        fits(approver, PHONE["width"])
    finally:
        desk.close()
        phone.close()
