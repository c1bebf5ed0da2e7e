"""Signing in through the real app (Flask's test client): the two steps, answers that tell nothing
about who exists, refusals with their codes and localized messages, limits, the session cookie."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shahada.portal import OutboxSender
from tests.issuer.portal.conftest import Candidate, Clock, codes, csrf_of, enter_code, html, last_code, request_code, sign_in


def alert(page: str) -> tuple[str, str]:
    found = re.search(r'<p class="alert" role="alert" id="form-error" data-code="([^"]+)">([^<]*)</p>', page)
    assert found, page
    return found.group(1), found.group(2)


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrf" value="[^"]+"', 'name="csrf" value=""', page)


def step_one(app: Flask, massar: str, birth_date: str) -> tuple[Any, str]:
    """A fresh browser's step one: the answer, and the page it is sent to."""
    client = app.test_client()
    response = request_code(client, massar, birth_date, **{"Accept-Language": "fr"})
    following = client.get(response.headers["Location"], headers={"Accept-Language": "fr"}) if response.status_code == 303 else response
    return response, html(following)


def test_signing_in_shows_the_graduates_documents_only(client: FlaskClient, graduates: list[Candidate], outbox: Path) -> None:
    graduate, other = graduates[:2]
    assert client.get("/documents").status_code == 303  # nobody signed in yet
    sign_in(client, graduate, outbox)
    page = html(client.get("/documents"))
    assert re.findall(r'data-document="([^"]+)"', page) == [c.document_number for c in sorted(graduate.credentials, key=lambda c: c.kind)]
    assert not any(c.document_number in page for c in other.credentials)
    assert len(codes(outbox)) == 1


def test_unknown_candidate_and_wrong_birth_date_get_the_answer_of_a_match(app: Flask, graduate: Candidate, outbox: Path) -> None:
    year, rest = graduate.birth_date.split("-", 1)
    wrong_date = f"{int(year) - 1}-{rest}"
    answers = [step_one(app, "Z999999999", graduate.birth_date), step_one(app, graduate.massar, wrong_date), step_one(app, graduate.massar, graduate.birth_date)]
    assert [c["massar"] for c in codes(outbox)] == [graduate.massar]  # only the match got a code
    (first, first_page), *others = answers
    for response, page in others:
        assert (response.status_code, response.headers["Location"], response.get_data()) == (first.status_code, first.headers["Location"], first.get_data())
        assert without_csrf(page) == without_csrf(first_page)
    assert first.status_code == 303 and "Si ces informations correspondent à un candidat" in first_page


class SteppedClock:
    """The portal's monotonic clock and sleep: a sleep advances the clock by exactly what it asks,
    and the work in between takes no time, so durations are the waiting the code asked for."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_answers_take_the_same_time_whether_or_not_a_code_is_sent(
    make_app: Callable[..., Flask], graduate: Candidate, outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shahada.portal import web

    clock = SteppedClock()
    monkeypatch.setattr(web, "time", clock)

    class SlowGateway(OutboxSender):
        def send(self, massar: str, code: str, *, at: Any) -> None:
            clock.sleep(0.3)  # an SMS gateway answering slowly
            super().send(massar, code, at=at)

    app = make_app(sender=SlowGateway(outbox), signin_min_seconds=0.6, codes_per_hour=50)
    timings: dict[str, list[float]] = {"unknown": [], "known": []}
    for _ in range(3):
        for label, massar in (("unknown", "Z999999999"), ("known", graduate.massar)):
            started = clock.monotonic()
            response, _ = step_one(app, massar, graduate.birth_date)
            timings[label].append(clock.monotonic() - started)
            assert response.status_code == 303
    assert len(codes(outbox)) == 3
    # without the floor, the match would take the gateway's 0.3 s longer
    assert min(timings["unknown"]) >= 0.6 and min(timings["known"]) >= 0.6
    assert abs(sorted(timings["known"])[1] - sorted(timings["unknown"])[1]) < 0.2, timings
    assert timings["known"] == timings["unknown"] == [pytest.approx(0.6)] * 3, timings  # the floor tops each answer up exactly


def test_a_wrong_and_an_expired_code_get_one_message(client: FlaskClient, graduate: Candidate, outbox: Path, clock: Clock) -> None:
    request_code(client, graduate.massar, graduate.birth_date)
    code = last_code(outbox, graduate.massar)
    wrong = enter_code(client, "000000" if code != "000000" else "111111", **{"Accept-Language": "fr"})
    clock.advance(minutes=11)
    expired = enter_code(client, code, **{"Accept-Language": "fr"})
    assert wrong.status_code == expired.status_code == 422
    assert alert(html(wrong)) == alert(html(expired)) == ("signin.code_invalid", "Code incorrect ou expiré. Vérifiez-le ou demandez un nouveau code.")
    assert client.get("/documents").status_code == 303


def test_five_wrong_codes_lock_out_with_429_and_retry_after(client: FlaskClient, graduate: Candidate, outbox: Path, clock: Clock) -> None:
    request_code(client, graduate.massar, graduate.birth_date)
    code = last_code(outbox, graduate.massar)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert enter_code(client, wrong).status_code == 422
    locked = enter_code(client, code, **{"Accept-Language": "ar"})
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "900"
    assert alert(html(locked)) == ("rate.limited", "محاولات كثيرة. أعد المحاولة بعد 15 دقيقة.")
    assert 'dir="rtl"' in html(locked)
    # the same answer for step one of that Code Massar, from anywhere
    other = request_code(client, graduate.massar, graduate.birth_date, **{"Accept-Language": "en"})
    assert other.status_code == 429 and alert(html(other)) == ("rate.limited", "Too many attempts. Try again in 15 minute(s).")
    clock.advance(minutes=15)
    sign_in(client, graduate, outbox)


def test_an_unknown_code_massar_locks_out_the_same_way(client: FlaskClient, graduate: Candidate) -> None:
    request_code(client, "Z999999999", graduate.birth_date)
    for _ in range(5):
        assert enter_code(client, "123456").status_code == 422
    assert enter_code(client, "123456").status_code == 429


def test_codes_per_hour_are_limited(app: Flask, graduate: Candidate, outbox: Path) -> None:
    for _ in range(5):
        assert step_one(app, graduate.massar, graduate.birth_date)[0].status_code == 303
    sixth, page = step_one(app, graduate.massar, graduate.birth_date)
    assert sixth.status_code == 429 and 0 < int(sixth.headers["Retry-After"]) <= 3600
    assert alert(page)[0] == "rate.limited" and len(codes(outbox)) == 5


def test_one_address_is_limited_across_code_massars(make_app: Callable[..., Flask], graduates: list[Candidate]) -> None:
    app = make_app(ip_attempts=3)
    client = app.test_client()
    for g in graduates[:3]:
        assert request_code(client, g.massar, "2000-01-01").status_code == 303
    refused = request_code(client, graduates[0].massar, graduates[0].birth_date, **{"Accept-Language": "fr"})
    assert refused.status_code == 429 and alert(html(refused)) == ("rate.limited", "Trop de tentatives. Réessayez dans 15 minute(s).")
    other_address = app.test_client()
    response = other_address.post("/signin", data={"csrf": csrf_of(other_address), "massar": graduates[0].massar, "birth_date": graduates[0].birth_date}, environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert response.status_code == 303


def test_a_form_without_its_token_is_refused(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    csrf_of(client)  # the session exists, with its token
    for data in ({"massar": graduate.massar, "birth_date": graduate.birth_date}, {"csrf": "forged", "massar": graduate.massar, "birth_date": graduate.birth_date}):
        response = client.post("/signin", data=data, headers={"Accept-Language": "fr"})
        assert response.status_code == 400
        assert 'data-code="form.csrf"' in html(response) and "Ce formulaire a expiré" in html(response)
    assert codes(outbox) == []
    stranger = FlaskClient(client.application)  # a token from another session is no token
    response = stranger.post("/signin", data={"csrf": csrf_of(client), "massar": graduate.massar, "birth_date": graduate.birth_date})
    assert response.status_code == 400 and codes(outbox) == []


@pytest.mark.parametrize(
    ("massar", "birth", "code", "message"),
    [
        ("", "2007-03-14", "form.massar_missing", "Saisissez votre Code Massar."),
        ("R13004", "2007-03-14", "form.massar", "Un Code Massar est une lettre suivie de neuf chiffres (par exemple R130045678)."),
        ("R130045678", "", "form.birth_date_missing", "Saisissez votre date de naissance."),
        ("R130045678", "31/02/2007", "form.birth_date", "Date invalide : utilisez le format JJ/MM/AAAA (par exemple 14/03/2007)."),
        ("R130045678", "2099-01-01", "form.birth_date_range", "La date de naissance doit être comprise entre 1900 et aujourd'hui."),
    ],
)
def test_malformed_details_get_a_precise_message(client: FlaskClient, massar: str, birth: str, code: str, message: str) -> None:
    response = client.post("/signin", data={"csrf": csrf_of(client), "massar": massar, "birth_date": birth}, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    page = html(response)
    assert alert(page)[0] == code and alert(page)[1].replace("&#39;", "'") == message
    assert 'aria-invalid="true"' in page and f'value="{massar}"' in page  # the form comes back filled


def test_a_malformed_code_is_400_and_not_counted(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    request_code(client, graduate.massar, graduate.birth_date)
    for bad in ["12 34", "abcdef", "", "1234567"]:
        response = enter_code(client, bad, **{"Accept-Language": "en"})
        assert response.status_code == 400 and alert(html(response))[0] in ("form.code", "form.code_missing")
    response = enter_code(client, last_code(outbox, graduate.massar))
    assert response.status_code == 303  # the 4 malformed codes used none of the 5 tries


def test_entering_a_code_without_step_one_starts_again(client: FlaskClient) -> None:
    response = client.post("/signin/code", data={"csrf": csrf_of(client), "code": "123456"}, headers={"Accept-Language": "fr"})
    assert response.status_code == 400 and alert(html(response))[0] == "signin.restart"
    assert client.get("/signin/code").status_code == 303


def test_the_session_cookie(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    request_code(client, graduate.massar, graduate.birth_date)
    response = enter_code(client, last_code(outbox, graduate.massar))
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("shahada_portal=")
    assert {"HttpOnly", "Secure", "SameSite=Lax"} <= {part.strip() for part in cookie.split(";")}
    assert "Expires=" in cookie  # short-lived: the configured lifetime


def test_an_http_portal_sends_no_secure_cookie(make_app: Callable[..., Flask]) -> None:
    client = make_app(public_url="http://127.0.0.1:8082").test_client()
    response = client.get("/?lang=ar")
    assert "HttpOnly" in response.headers["Set-Cookie"] and "Secure" not in response.headers["Set-Cookie"]


def test_signing_out_ends_the_sign_in_on_the_server(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    sign_in(client, graduate, outbox)
    stolen = client.get_cookie("shahada_portal")
    assert stolen is not None
    response = client.post("/signout", data={"csrf": csrf_of(client, "/documents")})
    assert response.status_code == 303 and client.get("/documents").status_code == 303
    client.set_cookie("shahada_portal", stolen.value)  # the cookie from before signing out
    assert client.get("/documents").status_code == 303


def test_a_sign_in_lasts_the_configured_time(client: FlaskClient, graduate: Candidate, outbox: Path, clock: Clock) -> None:
    sign_in(client, graduate, outbox)
    clock.advance(minutes=29)
    assert client.get("/documents").status_code == 200
    clock.advance(minutes=1)
    assert client.get("/documents").status_code == 303


@pytest.mark.parametrize(
    ("accept", "lang", "direction", "word"),
    [("ar-MA,ar;q=0.9", "ar", "rtl", "أرسلوا إليّ رمزاً"), ("fr-FR,fr;q=0.9", "fr", "ltr", "Recevoir un code"), ("en-GB", "en", "ltr", "Send me a code"), ("de-DE", "fr", "ltr", "Recevoir un code")],
)
def test_the_language_follows_the_browser(client: FlaskClient, accept: str, lang: str, direction: str, word: str) -> None:
    page = html(client.get("/", headers={"Accept-Language": accept}))
    assert f'<html lang="{lang}" dir="{direction}">' in page and word in page


def test_the_language_link_is_remembered_in_the_session(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    assert '<html lang="ar" dir="rtl">' in html(client.get("/?lang=ar", headers={"Accept-Language": "en"}))
    assert '<html lang="ar" dir="rtl">' in html(client.get("/", headers={"Accept-Language": "en"}))
    sign_in(client, graduate, outbox)  # signing in starts a new session, and keeps the language
    assert '<html lang="ar" dir="rtl">' in html(client.get("/documents", headers={"Accept-Language": "en"}))
    assert '<html lang="fr" dir="ltr">' in html(client.get("/documents?lang=fr"))
    assert '<html lang="fr" dir="ltr">' in html(client.get("/shares", headers={"Accept-Language": "ar"}))
