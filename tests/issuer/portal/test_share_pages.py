"""Share links through the real app: making one (shown once), the contract the verifier service
relies on (``GET /s/<token>``: JSON, 404/410 problems, a browser sent to the verifier), revoking,
and the access log the graduate sees — every request on a known token, refused ones included."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.issuer.portal.conftest import PUBLIC_URL, VERIFIER_URL, Candidate, Clock, html, post, sign_in

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SOFTWARE_UA = "UdeM-admissions-verifier/2.1"


def create(client: FlaskClient, recipient: str, days: str, documents: list[str], lang: str = "fr") -> Any:
    return post(client, "/shares", {"recipient": recipient, "days": days, "documents": documents}, page="/shares", headers={"Accept-Language": lang})


def new_link(client: FlaskClient, graduate: Candidate, kinds: tuple[str, ...] = ("diploma",), days: str = "30") -> str:
    response = create(client, "Université de Montréal – admissions", days, [graduate.of_kind(k).id for k in kinds])
    assert response.status_code == 303 and response.headers["Location"] == "/shares"
    found = re.search(r'value="([^"]+)" readonly dir="ltr" data-link="created"', html(client.get("/shares")))
    assert found
    return found.group(1)


def path_of(link: str) -> str:
    assert link.startswith(PUBLIC_URL + "/s/")
    return link.removeprefix(PUBLIC_URL)


def fetch(app: Flask, link: str, accept: str = "application/json", address: str = "203.0.113.77") -> Any:
    return app.test_client().get(path_of(link), headers={"Accept": accept, "User-Agent": SOFTWARE_UA}, environ_base={"REMOTE_ADDR": address})


def as_read(page: str) -> str:
    """A page's text as read: entities decoded, the markup round Latin names (programs, networks) dropped."""
    return re.sub(r'<span class="program">\(<bdi dir="ltr">([^<]*)</bdi>\)</span>', r"(\1)", re.sub(r'<bdi dir="ltr" class="program">([^<]*)</bdi>', r"\1", unescape(page)))


def log_rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<li data-access data-outcome="(\w+)" data-channel="(\w+)">', page)


@pytest.fixture
def signed_in(client: FlaskClient, graduate: Candidate, outbox: Path) -> FlaskClient:
    sign_in(client, graduate, outbox)
    return client


def test_a_link_is_shown_once_and_listed_as_active(signed_in: FlaskClient, graduate: Candidate) -> None:
    link = new_link(signed_in, graduate)
    assert re.fullmatch(re.escape(PUBLIC_URL) + r"/s/[A-Za-z0-9_-]{30}", link)
    again = html(signed_in.get("/shares"))
    assert link not in again  # only its hash is kept: it cannot be shown again
    assert 'data-state="active"' in again and "Université de Montréal – admissions" in again


def test_the_link_serves_the_chosen_credentials_as_archived(app: Flask, signed_in: FlaskClient, graduate: Candidate, clock: Clock) -> None:
    link = new_link(signed_in, graduate, kinds=("transcript", "diploma"), days="7")
    response = fetch(app, link)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = json.loads(response.data)
    assert body == {
        "type": "ShahadaShare",
        "id": link,
        "recipient": "Université de Montréal – admissions",
        "expires": "2025-07-17T09:00:00Z",
        "verifiableCredential": [graduate.of_kind("transcript").document, graduate.of_kind("diploma").document],
    }
    assert body["verifiableCredential"][0]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert response.headers["Cache-Control"] == "no-store" and "Accept" in response.headers["Vary"]
    assert fetch(app, link, accept="*/*").status_code == 200 and fetch(app, link, accept="").status_code == 200
    only_diploma = json.loads(fetch(app, new_link(signed_in, graduate, kinds=("diploma",))).data)
    assert only_diploma["verifiableCredential"] == [graduate.of_kind("diploma").document]


def visit_of(response: Any) -> str:
    found = re.fullmatch(r".*&visit=([0-9]+\.[A-Za-z0-9_-]{22})", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def test_a_browser_is_sent_to_the_verifiers_page(app: Flask, signed_in: FlaskClient, graduate: Candidate) -> None:
    link = new_link(signed_in, graduate)
    response = fetch(app, link, accept=BROWSER)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{VERIFIER_URL}/shares?url={quote(link, safe='')}&visit=")
    assert "%2Fs%2F" in response.headers["Location"]


def test_a_visit_and_the_verifiers_fetch_for_it_are_one_access(app: Flask, signed_in: FlaskClient, graduate: Candidate, clock: Clock) -> None:
    link, other = new_link(signed_in, graduate), new_link(signed_in, graduate)
    visit = visit_of(fetch(app, link, accept=BROWSER, address="198.51.100.9"))
    followed = app.test_client().get(path_of(link), headers={"Accept": "application/json", "Shahada-Visit": visit}, environ_base={"REMOTE_ADDR": "192.0.2.5"})
    assert followed.status_code == 200 and json.loads(followed.data)["type"] == "ShahadaShare"
    assert log_rows(html(signed_in.get("/shares")))[-1:] == [("served", "browser")]  # the oldest link is listed last
    # another link's visit token, a forged one, or one past its two minutes: a second access, logged
    other_visit = visit_of(fetch(app, other, accept=BROWSER))
    for header in (other_visit, visit[:-1] + ("A" if visit[-1] != "A" else "B"), "1.AAAAAAAAAAAAAAAAAAAAAA"):
        app.test_client().get(path_of(link), headers={"Accept": "application/json", "Shahada-Visit": header})
    clock.advance(seconds=121)
    app.test_client().get(path_of(link), headers={"Accept": "application/json", "Shahada-Visit": visit})
    rows = log_rows(html(signed_in.get("/shares")))
    assert rows[-5:] == [("served", "api")] * 4 + [("served", "browser")]


def test_without_a_verifier_a_browser_gets_the_json(make_app: Callable[..., Flask], graduate: Candidate, outbox: Path) -> None:
    app = make_app(verifier_url="")
    client = app.test_client()
    sign_in(client, graduate, outbox)
    response = fetch(app, new_link(client, graduate), accept=BROWSER)
    assert response.status_code == 200 and json.loads(response.data)["type"] == "ShahadaShare"


def test_revoked_expired_and_unknown_links_are_problems_with_their_codes(app: Flask, signed_in: FlaskClient, graduate: Candidate, clock: Clock) -> None:
    revoked = new_link(signed_in, graduate, days="1")
    expiring = new_link(signed_in, graduate, days="1")
    [revoke_path] = re.findall(r'action="(/shares/\d+/revoke)"', html(signed_in.get("/shares")))[-1:]
    assert post(signed_in, revoke_path, page="/shares").status_code == 303
    answer = fetch(app, revoked)
    assert answer.status_code == 410 and answer.mimetype == "application/problem+json"
    problem = json.loads(answer.data)
    assert (problem["code"], problem["status"], problem["title"]) == ("share.revoked", 410, "Gone")
    assert fetch(app, expiring).status_code == 200
    clock.advance(days=1)  # (the graduate's sign-in has long ended: links do not depend on it)
    answer = fetch(app, expiring)
    assert answer.status_code == 410 and json.loads(answer.data)["code"] == "share.expired"
    assert json.loads(fetch(app, revoked).data)["code"] == "share.revoked"  # revoked stays revoked
    unknown = app.test_client().get("/s/" + "A" * 30, headers={"Accept": "application/json"})
    assert unknown.status_code == 404 and json.loads(unknown.data)["code"] == "share.unknown"
    for odd in ("/s/x", "/s/" + "A" * 500, "/s/%00%ff", "/s/..%2F..%2Fetc"):
        answer = app.test_client().get(odd, headers={"Accept": "application/json"})
        assert answer.status_code == 404 and json.loads(answer.data)["code"] in ("share.unknown", "http.404"), odd


def test_every_use_is_in_the_graduates_log(app: Flask, signed_in: FlaskClient, graduate: Candidate, clock: Clock, outbox: Path) -> None:
    link = new_link(signed_in, graduate, days="1")
    fetch(app, link)
    fetch(app, link, accept=BROWSER, address="2001:db8:abcd:12::7")
    clock.advance(days=2)
    fetch(app, link, address="198.51.100.9")
    app.test_client().get("/s/" + "B" * 30, headers={"Accept": "application/json"})  # unknown: nobody's log
    sign_in(signed_in, graduate, outbox)  # two days later: a new sign-in
    page = as_read(html(signed_in.get("/shares?lang=fr")))
    assert log_rows(page) == [("expired", "api"), ("served", "browser"), ("served", "api")]
    assert "Journal des accès (3)" in page and 'data-state="expired"' in page
    for shown in ("198.51.100.0/24", "2001:db8:abcd::/48", "203.0.113.0/24", SOFTWARE_UA, "10 juillet 2025, 09:00", "11 juillet 2025, 09:00", "12 juillet 2025, 09:00"):
        assert shown in page, shown
    assert "203.0.113.77" not in page and "198.51.100.9" not in page  # addresses are truncated
    assert "Un logiciel de vérification (UdeM-admissions-verifier/2.1) a tenté de lire le lien après son expiration : rien n'a été transmis." in page
    assert "Lien ouvert dans un navigateur (UdeM-admissions-verifier/2.1) : le site de vérification a affiché vos documents." in page
    assert "Le 12 juillet 2025, 09:00 (UTC)" in page and "Réseau : 2001:db8:abcd::/48" in page
    arabic = as_read(html(signed_in.get("/shares?lang=ar")))
    assert "بعد انتهاء صلاحيته، فلم يُرسل شيء" in arabic and "سجل الاستعمال (3)" in arabic
    english = as_read(html(signed_in.get("/shares?lang=en")))
    assert "The link was read by verification software (UdeM-admissions-verifier/2.1): your documents were sent to it." in english


def test_a_user_agent_is_told_in_a_few_words() -> None:
    from shahada.portal.shares import software_of

    android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
    assert software_of(android) == "Chrome · Android"
    assert software_of("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0") == "Firefox · Windows"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    assert software_of(iphone) == "Safari · iPhone"
    assert software_of("python-requests/2.32.3") == "python-requests/2.32.3"
    assert software_of("") == "" and software_of("<script>") == ""


def test_revoking_refused_accesses_are_logged_too(app: Flask, signed_in: FlaskClient, graduate: Candidate) -> None:
    link = new_link(signed_in, graduate)
    revoke = re.findall(r'action="(/shares/\d+/revoke)"', html(signed_in.get("/shares")))[0]
    post(signed_in, revoke, page="/shares")
    fetch(app, link)
    fetch(app, link, accept=BROWSER)  # a browser is still sent to the verifier, which will say why
    page = html(signed_in.get("/shares"))
    assert log_rows(page) == [("revoked", "browser"), ("revoked", "api")] and 'data-state="revoked"' in page
    assert 'data-action="revoke"' not in page


def test_only_the_owner_sees_and_revokes_a_link(make_app: Callable[..., Flask], graduates: list[Candidate], outbox: Path) -> None:
    app = make_app()
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, graduates[0], outbox)
    sign_in(theirs, graduates[1], outbox)
    link = new_link(theirs, graduates[1])
    revoke = re.findall(r'action="(/shares/\d+/revoke)"', html(theirs.get("/shares")))[0]
    assert "data-share=" not in html(mine.get("/shares"))
    response = post(mine, revoke, page="/shares", headers={"Accept-Language": "fr"})
    assert response.status_code == 404 and 'data-code="link.unknown"' in html(response)
    assert fetch(app, link).status_code == 200


@pytest.mark.parametrize(
    ("recipient", "days", "which", "code", "message"),
    [
        ("", "30", "own", "form.recipient", "Indiquez le destinataire sur une ligne (200 caractères au plus)."),
        ("x" * 201, "30", "own", "form.recipient", "Indiquez le destinataire sur une ligne (200 caractères au plus)."),
        ("Employer", "181", "own", "form.duration", "Choisissez une durée de 1 à 180 jours."),
        ("Employer", "0", "own", "form.duration", "Choisissez une durée de 1 à 180 jours."),
        ("Employer", "thirty", "own", "form.duration", "Choisissez une durée de 1 à 180 jours."),
        ("Employer", "30", "none", "form.documents", "Choisissez au moins un de vos documents."),
        ("Employer", "30", "theirs", "form.documents", "Choisissez au moins un de vos documents."),
    ],
)
def test_malformed_links_are_refused_with_a_precise_message(
    signed_in: FlaskClient, graduates: list[Candidate], recipient: str, days: str, which: str, code: str, message: str
) -> None:
    chosen = {"own": [graduates[0].of_kind("diploma").id], "none": [], "theirs": [graduates[1].of_kind("diploma").id]}[which]
    response = create(signed_in, recipient, days, chosen)
    assert response.status_code == 400
    page = html(response)
    assert f'data-code="{code}">{message}</p>' in page
    assert 'aria-invalid="true"' in page and "data-share=" not in page  # nothing was made


def test_creating_needs_a_sign_in_and_the_form_token(client: FlaskClient, signed_in: FlaskClient, graduate: Candidate) -> None:
    response = signed_in.post("/shares", data={"recipient": "Employer", "days": "30", "documents": [graduate.of_kind("diploma").id]})
    assert response.status_code == 400 and 'data-code="form.csrf"' in html(response)
    anonymous = FlaskClient(client.application)
    assert anonymous.get("/shares").status_code == 303
