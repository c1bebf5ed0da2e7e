"""Look-up by document number and date of birth, over the ministry's real archive and status
store (the agent-signed session of ``issued_session``, one diploma revoked): only the status is
answered, a number with another date of birth is as unknown as a number never issued, typing
errors are caught by the check symbol, and each address has so many look-ups."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from shahada.public import archive_status_by_number
from shahada.services import verifier_settings
from shahada.verifier.web import create_app
from tests.verifier.conftest import IssuedSession

pytestmark = pytest.mark.agent


def _client(ministry: Any, *, wired: bool = True, **settings: Any) -> FlaskClient:
    base = verifier_settings(ministry.settings, ministry.identity.did)
    lookup = archive_status_by_number(ministry.archive, ministry.status) if wired else None
    app = create_app(dataclasses.replace(base, work_processes=0, **settings), loader=ministry.loader, status_by_number=lookup)
    return app.test_client()


def _diploma(ministry: Any, session: IssuedSession, massar: str) -> tuple[str, str, dict[str, Any]]:
    stored = next(c for c in session.by_massar[massar] if c.kind == "diploma")
    subject = stored.document["credentialSubject"]
    return ministry.archive.get(stored.id).document_number, subject["birthDate"], subject


def _ask(client: FlaskClient, number: str, born: str, address: str = "198.51.100.7") -> Any:
    return client.post("/documents/status", json={"documentNumber": number, "birthDate": born}, environ_base={"REMOTE_ADDR": address})


def test_the_status_and_nothing_else(ministry: Any, issued_session: IssuedSession) -> None:
    client = _client(ministry)
    number, born, subject = _diploma(ministry, issued_session, issued_session.good)
    answer = _ask(client, number, born)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.get_json() == {"documentNumber": number, "status": "valid"}
    assert answer.headers["Cache-Control"] == "no-store"
    text = answer.get_data(as_text=True)
    assert all(str(v["@value"]) not in text for v in subject["familyName"]) and subject["massarCode"] not in text
    # as typed from paper: lower case, no hyphens, O for 0 and I for 1 forgiven (Crockford)
    typed = number.lower().replace("-", " ").replace("0", "o").replace("1", "i")
    assert _ask(client, typed, born).get_json() == {"documentNumber": number, "status": "valid"}
    revoked_number, revoked_born, _ = _diploma(ministry, issued_session, issued_session.revoked)
    assert _ask(client, revoked_number, revoked_born).get_json()["status"] == "revoked"


def test_another_birth_date_is_unknown_like_a_number_never_issued(ministry: Any, issued_session: IssuedSession) -> None:
    client = _client(ministry)
    number, born, _ = _diploma(ministry, issued_session, issued_session.good)
    other_day = (dt.date.fromisoformat(born) + dt.timedelta(days=1)).isoformat()
    assert _ask(client, number, other_day).get_json() == {"documentNumber": number, "status": "unknown"}
    never = "BAC-2018-D-0000-0000-000" + next(c for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" if _valid(f"BAC-2018-D-0000-0000-000{c}"))
    assert _ask(client, never, born).get_json() == {"documentNumber": never, "status": "unknown"}


def _valid(number: str) -> bool:
    from shahada.schemas.identifiers import normalize_document_number

    return normalize_document_number(number) == number


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"documentNumber": "BAC-2018-D-XXXX", "birthDate": "2000-01-01"}, "lookup.number_invalid"),
        ({"documentNumber": None, "birthDate": "2000-01-01"}, "lookup.number_invalid"),
        ({"documentNumber": "{number}", "birthDate": "01/02/2000"}, "lookup.birth_date_invalid"),
        ({"documentNumber": "{number}", "birthDate": "2999-01-01"}, "lookup.birth_date_invalid"),
        ({"documentNumber": "{number}", "birthDate": "2000-02-30"}, "lookup.birth_date_invalid"),
        ({"documentNumber": "{number}", "birthDate": "2000-01-01", "name": "x"}, "request.invalid"),
        ([], "request.invalid"),
    ],
)
def test_bad_requests_have_stable_codes(ministry: Any, issued_session: IssuedSession, body: Any, code: str) -> None:
    number, _, _ = _diploma(ministry, issued_session, issued_session.good)
    if isinstance(body, dict):
        body = {k: (v.format(number=number) if isinstance(v, str) else v) for k, v in body.items()}
    answer = _client(ministry).post("/documents/status", json=body)
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["code"] == code


def test_a_mistyped_symbol_is_caught_by_the_check_symbol(ministry: Any, issued_session: IssuedSession) -> None:
    number, born, _ = _diploma(ministry, issued_session, issued_session.good)
    a, b = number[-4], number[-3]  # two adjacent symbols of the last group, transposed (or one changed)
    swapped = number[:-4] + (b + a if a != b else ("Z" if a != "Z" else "Y") + b) + number[-2:]
    assert swapped != number
    answer = _ask(_client(ministry), swapped, born)
    assert answer.status_code == 400 and answer.get_json()["code"] == "lookup.number_invalid"


def test_each_address_has_so_many_look_ups(ministry: Any, issued_session: IssuedSession) -> None:
    client = _client(ministry, lookup_per_client=3, lookup_window=600.0)
    number, born, _ = _diploma(ministry, issued_session, issued_session.good)
    assert [_ask(client, number, born).status_code for _ in range(3)] == [200, 200, 200]
    refused = _ask(client, number, born)
    assert refused.status_code == 429 and refused.get_json()["code"] == "lookup.rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    assert _ask(client, number, born, address="203.0.113.9").status_code == 200  # another address
    page = client.get("/lookup", query_string={"number": number, "birthDate": born, "lang": "en"}, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert page.status_code == 429 and 'data-code="lookup.rate_limited"' in page.get_data(as_text=True)


def test_a_verifier_without_the_records_says_so(ministry: Any, issued_session: IssuedSession) -> None:
    number, born, _ = _diploma(ministry, issued_session, issued_session.good)
    answer = _ask(_client(ministry, wired=False), number, born)
    assert answer.status_code == 503 and answer.get_json()["code"] == "lookup.unavailable"


@pytest.mark.parametrize(("lang", "word"), [("ar", "ملغاة"), ("fr", "Révoqué"), ("en", "Revoked")])
def test_the_page_answers_in_words(ministry: Any, issued_session: IssuedSession, lang: str, word: str) -> None:
    client = _client(ministry)
    number, born, subject = _diploma(ministry, issued_session, issued_session.revoked)
    empty = client.get(f"/lookup?lang={lang}").get_data(as_text=True)
    assert 'name="number"' in empty and 'name="birthDate"' in empty and "data-lookup" not in empty
    page = client.get("/lookup", query_string={"number": number.lower(), "birthDate": born, "lang": lang})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-lookup="revoked"' in html and word in html and number in html
    assert all(str(v["@value"]) not in html for v in subject["familyName"] + subject["givenName"])
    wrong = client.get("/lookup", query_string={"number": "BAC-1", "birthDate": born, "lang": lang})
    assert wrong.status_code == 400 and 'data-code="lookup.number_invalid"' in wrong.get_data(as_text=True)
    assert json.loads(json.dumps(page.headers.get("Cache-Control"))) == "no-store"
