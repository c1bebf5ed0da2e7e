"""A share link from end to end in a real browser (issue 11): the graduate portal and the
installation's public origin (site and verifier, :func:`shahada.public.public_app`) under waitress
on 127.0.0.1, wired by the installation's own functions (``portal_settings``: the verifier's URL;
``verifier_settings``: the portal's origin as a share origin), over documents the ministry's agent
issued into its archive.

The graduate signs in, makes a link; the recipient opens it in a browser and gets a page — the
verdict, whom it was shared with, and each document laid out — not JSON, and not
``share.untrusted``; the graduate's log then shows that visit once, in words, and a university's
software reading the link as a second access.

Screenshots go to ``$SHAHADA_SCREENSHOTS`` when set (``docs/portal`` keeps reference ones).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from shahada.common.wsgi import WaitressServer
from shahada.ministry import archive_records
from shahada.portal import OutboxSender, create_app
from shahada.public import archive_status_by_number, public_app
from shahada.services import portal_settings
from tests.issuer.portal.conftest import last_code
from tests.support.browser import PHONE, phone_page
from tests.support.sessions import admitted, issue_with_status

pytestmark = pytest.mark.agent
YEAR = 2035  # no other module issues this session
VALID = {"ar": "صالحة", "fr": "Valide", "en": "Valid"}
RECIPIENT = "Université de Montréal – admissions"
SEEN_IN_A_BROWSER = "Lien ouvert dans un navigateur"
READ_BY_SOFTWARE = "Lien lu par un logiciel de vérification (admissions-bot/1.0)"


class LateApp:
    """A WSGI application given once the server's address is known (the portal and the verifier
    each need the other's URL)."""

    app: Callable[..., Iterable[bytes]] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        assert self.app is not None
        return self.app(environ, start_response)


@dataclass
class Stack:
    portal: str
    verifier: str
    outbox: Path
    massar: str
    birth_date: str
    documents: list[dict[str, Any]]


@pytest.fixture(scope="module")
def stack(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("share-browser")
    by_massar = issue_with_status(ministry, work, rows=6, seed=3535, year=YEAR)
    massar = next(m for m in admitted(by_massar) if {c.kind for c in by_massar[m]} == {"diploma", "transcript"})
    late = LateApp()
    portal_server = WaitressServer(late, host="127.0.0.1", port=0, ident="portal").start()
    settings = dataclasses.replace(ministry.settings, portal={"public_url": portal_server.url, "signin_min_seconds": 0.2})
    archive, status = ministry.archive, ministry.status
    verifier = public_app(
        settings, ministry.identity.did_document(), ministry.loader, status,
        records=archive_records(archive), status_by_number=archive_status_by_number(archive, status),
    )
    verifier_server = WaitressServer(verifier, host="127.0.0.1", port=0, ident="public").start()
    portal = portal_settings(dataclasses.replace(settings, verifier={"public_url": verifier_server.url}), {"SHAHADA_PORTAL_SECRET": secrets.token_urlsafe(32)})
    outbox = work / "outbox.jsonl"
    late.app = create_app(portal, archive=archive, sender=OutboxSender(outbox), status=status)
    try:
        subject = by_massar[massar][0].document["credentialSubject"]
        yield Stack(portal_server.url, verifier_server.url, outbox, massar, subject["birthDate"], [c.document for c in by_massar[massar]])
    finally:
        portal_server.stop()
        verifier_server.stop()


def signed_in(browser: Any, stack: Stack) -> Any:
    page = phone_page(browser, "fr")
    page.goto(stack.portal + "/?lang=fr")
    page.fill("#massar", stack.massar)
    page.fill("#birth_date", stack.birth_date)
    page.click("form[data-form=signin] button[type=submit]")
    page.wait_for_url("**/signin/code")
    page.fill("#code", last_code(stack.outbox, stack.massar))
    page.click("form[data-form=code] button[type=submit]")
    page.wait_for_url("**/documents")
    return page


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_a_share_link_opens_as_a_page_and_is_logged_once(browser: Any, stack: Stack, shots: Path, lang: str) -> None:
    graduate = signed_in(browser, stack)
    try:
        graduate.goto(stack.portal + "/shares")
        graduate.fill("#recipient", RECIPIENT)
        graduate.select_option("#days", "30")
        graduate.click("form[data-form=share] button[type=submit]")
        link = graduate.locator("[data-link=created]").input_value()
        assert link.startswith(stack.portal + "/s/")

        # the recipient opens the link in a browser: the installation's verifier, as a page
        recipient = phone_page(browser, lang)
        try:
            response = recipient.goto(link)
            assert response is not None and response.status == 200 and "text/html" in response.headers["content-type"]
            assert recipient.url.startswith(stack.verifier + "/shares?url=")
            verdict = recipient.locator("[data-verdict]").first
            assert verdict.get_attribute("data-verdict") == "valid", recipient.locator("[data-code]").all_inner_texts()
            assert VALID[lang] in recipient.locator("#verdict").inner_text()
            assert recipient.locator('[data-check="origin"]').get_attribute("data-outcome") == "passed"  # not share.untrusted
            assert RECIPIENT in recipient.locator('[data-share] [data-field="recipient"]').inner_text()
            documents = recipient.locator("[data-share] [data-document]")
            assert documents.count() == len(stack.documents)
            numbers = {documents.nth(i).locator('[data-field="documentNumber"] dd').inner_text() for i in range(documents.count())}
            assert numbers == {d["credentialSubject"]["documentNumber"] for d in stack.documents}
            transcripts = [d for d in stack.documents if "BaccalaureateTranscript" in d["type"]]
            assert transcripts and recipient.locator("[data-share] table.results").count() == len(transcripts)  # their marks
            assert recipient.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            recipient.screenshot(path=str(shots / f"share-link-{lang}.png"), full_page=True)
        finally:
            recipient.context.close()

        # the graduate's log: that visit once, in words
        graduate.reload()
        entries = graduate.locator("[data-share]").first.locator("[data-access]")
        assert entries.count() == 1
        assert (entries.first.get_attribute("data-channel"), entries.first.get_attribute("data-outcome")) == ("browser", "served")
        assert SEEN_IN_A_BROWSER in entries.first.inner_text() and "127.0.0.0/24" in entries.first.inner_text()

        # a university's software reads the link: JSON, a second access
        session = requests.Session()
        session.trust_env = False
        answer = session.get(link, headers={"Accept": "application/json", "User-Agent": "admissions-bot/1.0"}, timeout=30)
        assert answer.status_code == 200 and answer.json()["type"] == "ShahadaShare"
        graduate.reload()
        entries = graduate.locator("[data-share]").first.locator("[data-access]")
        assert entries.count() == 2 and READ_BY_SOFTWARE in entries.first.inner_text()
        if lang == "fr":
            graduate.screenshot(path=str(shots / "shares-log-fr.png"), full_page=True)
    finally:
        graduate.context.close()
