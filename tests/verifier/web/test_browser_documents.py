"""What a reader of the verifier's pages sees of a document, in a real browser (issue 11): the
installation's public origin (:func:`shahada.public.public_app`) under waitress, over documents the
real agent issued into the ministry's archive, with their status lists on its HTTPS site.

- a diploma's printed QR URL and a transcript's signed credential shown as a document (title,
  number, holder, fields, marks, average out of 20, honours), in Arabic, French and English, the
  English values marked as translations of the signed French and Arabic, dates with the month's name;
- a photo without a QR code: tips (closer, light, upload the PDF), not a bare error;
- the look-up by document number and date of birth: the status, nothing else.

Screenshots go to ``$SHAHADA_SCREENSHOTS`` when set (``docs/verifier`` keeps the reference ones).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from shahada.common.wsgi import WaitressServer
from shahada.issuer.seal import AgentSealer, seal_credentials
from shahada.ministry import archive_records
from shahada.public import archive_status_by_number, public_app
from tests.support.browser import PHONE, phone_page
from tests.support.sessions import admitted, issue_with_status

pytestmark = pytest.mark.agent
YEAR = 2034  # no other module issues this session
TITLES = {
    "diploma": {"ar": "شهادة البكالوريا", "fr": "Diplôme du Baccalauréat", "en": "Baccalaureate"},
    "transcript": {"ar": "كشف النقط", "fr": "Relevé de notes", "en": "Baccalaureate"},
}
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"),
}


@dataclass
class Site:
    url: str
    diploma_url: str  # the diploma's QR URL, on this server
    diploma: dict[str, Any]
    transcript: dict[str, Any]
    number: str  # the diploma's document number
    birth: str


@pytest.fixture(scope="module")
def site(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    by_massar = issue_with_status(ministry, tmp_path_factory.mktemp("documents"), rows=6, seed=3434, year=YEAR)
    massar = next(m for m in admitted(by_massar) if {c.kind for c in by_massar[m]} == {"diploma", "transcript"})
    diploma = next(c for c in by_massar[massar] if c.kind == "diploma")
    transcript = next(c for c in by_massar[massar] if c.kind == "transcript")
    [seal] = seal_credentials([diploma.document], AgentSealer(ministry.client, ministry.identity.verification_method), base_url=ministry.settings.verify_base_url)
    archive, status = ministry.archive, ministry.status
    did = ministry.identity.did
    app = public_app(
        ministry.settings, ministry.identity.did_document(), ministry.loader, status,
        records=archive_records(archive), status_by_number=archive_status_by_number(archive, status),
    )
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="documents").start()
    try:
        path = seal.split("/", 3)[3]  # as printed: HTTPS://LOCALHOST:<site port>/V/<seal>
        assert did
        yield Site(
            server.url, f"{server.url}/{path}", diploma.document, transcript.document,
            archive.get(diploma.id).document_number, diploma.document["credentialSubject"]["birthDate"],
        )
    finally:
        server.stop()


def signed(values: list[dict[str, str]], lang: str) -> str:
    return next(v["@value"] for v in values if v["@language"] == ("ar" if lang == "ar" else "fr"))


def field(page: Any, key: str) -> str:
    text: str = page.locator(f'[data-document] [data-field="{key}"] dd').first.inner_text()
    return text.strip()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_diploma_reads_as_a_diploma(browser: Any, site: Site, shots: Path, lang: str) -> None:
    page = phone_page(browser, lang)
    try:
        page.goto(site.diploma_url)
        assert page.locator("[data-verdict]").get_attribute("data-verdict") == "valid"
        document = page.locator("[data-document]")
        assert document.count() == 1
        subject = site.diploma["credentialSubject"]
        assert field(page, "documentNumber") == site.number
        assert field(page, "familyName") == signed(subject["familyName"], lang)
        assert field(page, "givenName") == signed(subject["givenName"], lang)
        born = subject["birthDate"]
        month = MONTHS[lang][int(born[5:7]) - 1]
        assert month in field(page, "birthDate") and born[:4] in field(page, "birthDate")  # never 03/04
        assert field(page, "generalAverage").endswith("/ 20")
        translated = page.locator('[data-document] [data-field="stream"] sup.translated')
        notes = page.locator("[data-document] [data-translation]")
        if lang == "en":
            assert translated.count() == 1 and notes.count() == 1 and "translations of the signed French and Arabic" in notes.inner_text()
            assert field(page, "stream") != signed(subject["stream"]["name"], "fr").strip()
        else:
            assert translated.count() == 0 and notes.count() == 0
            assert field(page, "stream").startswith(signed(subject["stream"]["name"], lang).strip())
        # laid out as a document: title centred above the holder's name, the name larger than the fields
        title = page.locator("[data-document] .document-kind dd").bounding_box()
        name = page.locator('[data-document] [data-field="familyName"] dd').bounding_box()
        assert title is not None and name is not None and title["y"] < name["y"]
        sizes = page.evaluate(
            "() => ['familyName', 'stream'].map(k => parseFloat(getComputedStyle(document.querySelector(`[data-document] [data-field=${k}] dd`)).fontSize))"
        )
        assert sizes[0] > sizes[1]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(shots / f"document-diploma-{lang}.png"), full_page=True)
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_transcript_shows_its_marks(browser: Any, site: Site, shots: Path, lang: str) -> None:
    page = phone_page(browser, lang)
    try:
        page.goto(f"{site.url}/?lang={lang}")
        page.fill("#text", json.dumps(site.transcript, ensure_ascii=False))
        page.click("form.verify button[type=submit]")
        page.wait_for_selector("[data-verdict]")
        assert page.locator("[data-verdict]").get_attribute("data-verdict") == "valid"
        rows = page.locator("[data-document] table.results tbody tr")
        results = site.transcript["credentialSubject"]["result"]
        assert rows.count() == len(results)
        first = rows.first.locator("td")
        mark = results[0]["mark"]
        assert first.nth(3).inner_text() == (mark if lang == "en" else mark.replace(".", ","))
        if lang == "en":
            assert first.nth(0).locator("sup.translated").count() == 1  # the subject's English name: a translation
        else:
            assert first.nth(0).inner_text().strip() == signed(results[0]["subjectName"], lang)
        table = page.locator("[data-document] table.results").bounding_box()
        average = page.locator('[data-document] [data-field="generalAverage"]').bounding_box()
        assert table is not None and average is not None and average["y"] > table["y"]  # after the marks, as on paper
        page.screenshot(path=str(shots / f"document-transcript-{lang}.png"), full_page=True)
    finally:
        page.context.close()


def _photo_without_code() -> bytes:
    picture = Image.new("RGB", (1200, 900), (236, 231, 220))
    pen = ImageDraw.Draw(picture)
    pen.rectangle((100, 100, 1100, 800), outline=(40, 40, 40), width=6)
    pen.text((150, 150), "ROYAUME DU MAROC - BACCALAUREAT", fill=(20, 20, 20))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_a_photo_without_a_code_gets_tips(browser: Any, site: Site, shots: Path, lang: str) -> None:
    page = phone_page(browser, lang)
    try:
        page.goto(f"{site.url}/?lang={lang}")
        page.set_input_files("#file", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": _photo_without_code()}])
        with page.expect_navigation():
            page.click("form.verify button[type=submit]")
        assert page.locator("[data-code]").first.get_attribute("data-code") == "scan.no_code"
        tips = page.locator("[data-tips] [data-tip]")
        assert [tips.nth(i).get_attribute("data-tip") for i in range(tips.count())] == ["closer", "light", "pdf", "lookup"]
        assert all(tips.nth(i).is_visible() for i in range(tips.count()))
        page.screenshot(path=str(shots / f"scan-tips-{lang}.png"), full_page=True)
        page.click('[data-tip="lookup"] a')
        assert page.locator("#number").is_visible() and page.locator("#birthDate").is_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_look_up_answers_the_status_only(browser: Any, site: Site, shots: Path, lang: str) -> None:
    page = phone_page(browser, lang)
    try:
        page.goto(f"{site.url}/lookup?lang={lang}")
        page.fill("#number", site.number.lower().replace("-", " "))  # as typed from paper
        page.fill("#birthDate", site.birth)
        page.click("form.lookup button[type=submit]")
        page.wait_for_selector("[data-lookup]")
        assert page.locator("[data-lookup]").get_attribute("data-lookup") == "valid"
        assert site.number in page.locator("[data-lookup]").inner_text()
        subject = site.diploma["credentialSubject"]
        content = page.content()
        assert all(v["@value"] not in content for v in subject["familyName"] + subject["givenName"])
        page.screenshot(path=str(shots / f"lookup-valid-{lang}.png"), full_page=True)
        page.fill("#birthDate", "2000-01-01" if site.birth != "2000-01-01" else "2000-01-02")
        page.click("form.lookup button[type=submit]")
        page.wait_for_selector('[data-lookup="unknown"]')
    finally:
        page.context.close()
