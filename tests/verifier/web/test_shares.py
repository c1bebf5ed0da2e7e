"""Share links through the verifier service, with real parts: a tiny portal on loopback (Flask
under waitress) playing the graduate portal's contract with credentials the ministry's agent
signed, status lists and the registry on the ministry's HTTPS site, the archive as the records.
The portal records every request it gets, so a link the service must not open is seen unopened."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, Response, jsonify, redirect, request
from flask.testing import FlaskClient
from markupsafe import escape

from shahada.common.wsgi import WaitressServer
from shahada.services import verifier_settings
from tests.verifier.conftest import IssuedSession

pytestmark = pytest.mark.agent
RECIPIENT = "Université Mohammed V — admissions"
SLOW_SECONDS = 30.0  # how long the slow portal holds a request at most, unless the test releases it


class Portal:
    """The portal's side of the contract, by token; ``requests`` lists the paths asked for."""

    def __init__(self, session: IssuedSession) -> None:
        self.session = session
        self.requests: list[tuple[str, str]] = []
        self.visits: list[str | None] = []  # the Shahada-Visit header of each request
        self._lock = threading.Lock()
        self.slow_release = threading.Event()  # the slow link answers once this is set
        self.slow_done = threading.Event()
        self.app = Flask("test-portal")
        self.app.add_url_rule("/s/<token>", "share", self.share)
        self.server = WaitressServer(self.app, host="127.0.0.1", port=0, ident="test-portal").start()

    @property
    def origin(self) -> str:
        return self.server.url

    def link(self, token: str) -> str:
        return f"{self.origin}/s/{token}"

    def share(self, token: str) -> Any:
        with self._lock:
            self.requests.append((request.path, request.headers.get("Accept", "")))
            self.visits.append(request.headers.get("Shahada-Visit"))
        s = self.session
        expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        credentials = s.documents(s.good)
        match token:
            case "good" | "slow":
                if token == "slow":
                    self.slow_release.wait(SLOW_SECONDS)
                    self.slow_done.set()
                return self._share(token, credentials, expires)
            case "with-revoked":
                return self._share(token, [s.diploma(s.revoked)], expires)
            case "tampered":
                forged = copy.deepcopy(s.diploma(s.good))
                forged["credentialSubject"]["generalAverage"] = "19.99"
                return self._share(token, [forged, *credentials], expires)
            case "past":
                return self._share(token, credentials, "2020-01-01T00:00:00Z")
            case "wrong-id":
                return self._share("good", credentials, expires)
            case "huge":
                return self._share(token, credentials * 40, expires)
            case "html":
                return Response("<html>a login page</html>", mimetype="text/html")
            case "redirect":
                return redirect("/s/good", code=302)
            case "expired" | "revoked":
                return self._problem(410, f"share.{token}")
            case "gone":
                return Response("gone", status=410, mimetype="text/plain")
        return self._problem(404, "share.unknown")

    def _share(self, token: str, credentials: list[dict[str, Any]], expires: str) -> Response:
        return jsonify({"type": "ShahadaShare", "id": self.link(token), "recipient": RECIPIENT, "expires": expires, "verifiableCredential": credentials})

    @staticmethod
    def _problem(status: int, code: str) -> Response:
        body = {"type": f"urn:shahada:problem:{code}", "title": code, "status": status, "code": code, "detail": code}
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
        return response


@pytest.fixture(scope="module")
def portal(issued_session: IssuedSession) -> Iterator[Portal]:
    running = Portal(issued_session)
    try:
        yield running
    finally:
        running.server.stop()


def _verifier(ministry: Any, **settings: Any) -> FlaskClient:
    from shahada.issuer.archive.store import ISSUED
    from shahada.verifier.web import Records, create_app

    def lookup(credential_id: str) -> dict[str, Any] | None:
        stored = ministry.archive.get(credential_id)
        return stored.document if stored is not None and stored.status == ISSUED else None

    base = verifier_settings(ministry.settings, ministry.identity.did)
    app = create_app(dataclasses.replace(base, **settings), records=Records(ministry.identity.did, lookup), loader=ministry.loader)
    return app.test_client()


@pytest.fixture(scope="module")
def client(ministry: Any, portal: Portal) -> FlaskClient:
    return _verifier(ministry, share_origins=frozenset({portal.origin}), share_timeout=15.0, share_max_bytes=256 * 1024)


def verify(client: FlaskClient, url: str) -> dict[str, Any]:
    response = client.post("/shares/verify", json={"url": url})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    return [e["code"] for e in body["errors"]]


def outcomes(checks: list[dict[str, Any]]) -> dict[str, str]:
    return {c["name"]: c["outcome"] for c in checks}


def test_a_good_link(client: FlaskClient, portal: Portal, issued_session: IssuedSession) -> None:
    body = verify(client, portal.link("good"))
    assert body["verified"] is True, body
    assert outcomes(body["checks"]) == dict.fromkeys(("origin", "link", "share", "expiry", "credentials"), "passed")
    assert body["recipient"] == RECIPIENT and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", body["expires"])
    assert len(body["credentialResults"]) == len(issued_session.documents(issued_session.good))
    for result in body["credentialResults"]:
        assert result["verified"] is True
        assert outcomes(result["checks"]) == dict.fromkeys(
            ("structure", "context", "issuer", "proof", "key", "signature", "schema", "validity", "status", "archive"), "passed"
        )
    assert portal.requests[-1] == ("/s/good", "application/json")


@pytest.mark.parametrize(
    ("token", "code", "verdict"),
    [
        ("expired", "share.expired", "invalid"),
        ("revoked", "share.revoked", "invalid"),
        ("gone", "share.expired", "invalid"),
        ("no-such-token", "share.unknown", "invalid"),
        ("redirect", "share.unavailable", "incomplete"),
        ("huge", "share.unavailable", "incomplete"),
        ("html", "share.malformed", "invalid"),
        ("wrong-id", "share.malformed", "invalid"),
        ("past", "share.expired", "invalid"),
    ],
)
def test_what_the_portal_answers(client: FlaskClient, portal: Portal, token: str, code: str, verdict: str) -> None:
    body = verify(client, portal.link(token))
    assert body["verified"] is False and codes(body) == [code], body
    assert body["credentialResults"] == []  # nothing is verified, nor shown, of a link refused
    page = client.get("/shares", query_string={"url": portal.link(token)}, headers={"Accept-Language": "fr"})
    assert page.status_code == 200 and f'data-verdict="{verdict}"' in page.get_data(as_text=True)


def test_redirects_are_not_followed(client: FlaskClient, portal: Portal) -> None:
    before = len(portal.requests)
    verify(client, portal.link("redirect"))
    assert [path for path, _ in portal.requests[before:]] == ["/s/redirect"]


def test_a_slow_portal_times_out(ministry: Any, portal: Portal) -> None:
    impatient = _verifier(ministry, share_origins=frozenset({portal.origin}), share_timeout=0.5)
    body = verify(impatient, portal.link("slow"))
    # the portal is still holding the request: the verifier gave up without waiting for its answer
    assert codes(body) == ["share.unavailable"] and not portal.slow_done.is_set()
    portal.slow_release.set()
    assert portal.slow_done.wait(SLOW_SECONDS)  # let the portal finish before it is stopped


def test_credentials_in_the_link_are_verified_each(client: FlaskClient, portal: Portal) -> None:
    revoked = verify(client, portal.link("with-revoked"))
    assert revoked["verified"] is False and codes(revoked) == ["credential.invalid"]
    assert [e["code"] for e in revoked["credentialResults"][0]["errors"]] == ["status.revoked"]
    tampered = verify(client, portal.link("tampered"))
    assert codes(tampered) == ["credential.invalid"]
    assert [e["code"] for e in tampered["credentialResults"][0]["errors"]] == ["signature.invalid", "archive.mismatch"]
    assert all(r["verified"] for r in tampered["credentialResults"][1:])


def test_an_untrusted_link_is_never_opened(ministry: Any, portal: Portal) -> None:
    before = len(portal.requests)
    default = _verifier(ministry)  # share_origins defaults to none
    body = verify(default, portal.link("good"))
    assert codes(body) == ["share.untrusted"] and outcomes(body["checks"])["link"] == "skipped"
    host, port = "127.0.0.1", portal.server.port
    allowed = _verifier(ministry, share_origins=frozenset({f"http://{host}:{port + 1}"}))
    for link in (
        portal.link("good"),  # another port of the same host
        f"http://localhost:{port}/s/good",  # the same server under another name
        f"https://{host}:{port}/s/good",  # another scheme
        f"http://{host}:{port + 1}@{host}:{port}/s/good",  # an allowed origin as user information
        "file:///etc/passwd",
        "not a link",
    ):
        assert codes(verify(allowed, link)) == ["share.untrusted"], link
    assert len(portal.requests) == before


def test_an_unreachable_portal(ministry: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    client = _verifier(ministry, share_origins=frozenset({f"http://127.0.0.1:{port}"}), share_timeout=1.0)
    body = verify(client, f"http://127.0.0.1:{port}/s/good")
    assert codes(body) == ["share.unavailable"] and body["recipient"] is None
    page = client.get("/shares", query_string={"url": f"http://127.0.0.1:{port}/s/good"}, headers={"Accept-Language": "en"})
    assert 'data-verdict="incomplete"' in page.get_data(as_text=True) and "could not be reached" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "direction", "word", "recipient_label"),
    [("ar", "rtl", "صالحة", "مُشارَكة مع"), ("fr", "ltr", "Valide", "Partagé avec"), ("en", "ltr", "Valid", "Shared with")],
)
def test_the_page_of_a_link(client: FlaskClient, portal: Portal, issued_session: IssuedSession, lang: str, direction: str, word: str, recipient_label: str) -> None:
    response = client.get("/shares", query_string={"url": portal.link("good"), "lang": lang})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}" dir="{direction}">' in page
    assert 'data-verdict="valid"' in page and word in page and recipient_label in page
    assert RECIPIENT in page and re.search(r'data-field="expires"><dt>[^<]+</dt><dd dir="(ltr|rtl)">\d{1,2}(er)? \w+ \d{4}, \d{2}:\d{2} UTC<', page)
    documents = issued_session.documents(issued_session.good)
    assert len(re.findall(r'data-credential="\d+" data-verdict="valid"', page)) == len(documents)
    family = documents[0]["credentialSubject"]["familyName"]
    shown = next(v["@value"] for v in family if v["@language"] == ("ar" if lang == "ar" else "fr"))
    assert str(escape(shown)) in page  # as the template escapes it: some synthetic names hold an apostrophe
    assert dict(re.findall(r'data-check="(\w+)" data-outcome="(\w+)"', page)) == dict.fromkeys(("origin", "link", "share", "expiry", "credentials"), "passed")


def test_the_page_of_a_refused_credential_shows_only_what_holds(client: FlaskClient, portal: Portal) -> None:
    page = client.get("/shares", query_string={"url": portal.link("tampered"), "lang": "fr"}).get_data(as_text=True)
    assert 'data-verdict="invalid"' in page
    assert re.search(r'data-credential="0" data-verdict="invalid"', page) and 'data-code="signature.invalid"' in page
    assert "19,99" not in page and "19.99" not in page  # the forged content is not shown
    assert "modifié après sa signature" in page


def test_the_visit_the_portal_names_is_passed_back_on_the_fetch(client: FlaskClient, portal: Portal) -> None:
    """``/shares?url=…&visit=…`` (the portal's redirect of a browser): the fetch carries the visit,
    so that the portal logs one access; anything but a well-formed token is not passed on."""
    visit = "1765000000." + "A" * 22
    for given, sent in ((visit, visit), ("1.x", None), ("1." + "A" * 22 + "\r\nX: y", None), ("", None)):
        before = len(portal.visits)
        page = client.get("/shares", query_string={"url": portal.link("good"), "visit": given, "lang": "fr"})
        assert page.status_code == 200 and 'data-verdict="valid"' in page.get_data(as_text=True)
        assert portal.visits[before:] == [sent], given


def test_the_home_page_offers_the_field(client: FlaskClient) -> None:
    page = client.get("/?lang=en").get_data(as_text=True)
    assert 'action="/shares"' in page and 'name="url"' in page and "share link" in page


def test_requests_the_service_cannot_work_on(client: FlaskClient) -> None:
    for body, code in (({}, "request.url_missing"), ({"url": ""}, "request.url_missing"), ({"url": 5}, "request.invalid"),
                       ({"url": "https://x.example/s/1", "more": 1}, "request.invalid"), ([], "request.invalid")):
        response = client.post("/shares/verify", json=body)
        assert response.status_code == 400 and response.get_json()["code"] == code, body
    assert client.post("/shares/verify", data=b"{", content_type="application/json").get_json()["code"] == "request.json"
    page = client.get("/shares", headers={"Accept-Language": "en"})
    assert page.status_code == 400 and page.mimetype == "text/html" and "request.url_missing" in page.get_data(as_text=True)
