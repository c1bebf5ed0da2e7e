"""Whatever a client sends, the portal answers with a page or a problem carrying a stable code,
never a 500; and every page comes with its security headers and nothing from elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.issuer.portal.conftest import Candidate, csrf_of, html, sign_in


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/nowhere", 404, "http.404"),
        ("GET", "/signout", 405, "http.405"),
        ("PUT", "/shares", 405, "http.405"),
        ("GET", "/documents/..%2F..%2Fetc%2Fpasswd.pdf", 404, "http.404"),
        ("GET", "/static/../portal/__init__.py", 404, "http.404"),
        ("GET", "/wallet/%00/offer", 303, None),
        ("POST", "/shares/99999999999999999999999/revoke", 400, "form.csrf"),
    ],
)
def test_odd_requests_get_a_localized_page_with_a_code(client: FlaskClient, method: str, path: str, status: int, code: str | None) -> None:
    response = client.open(path, method=method, headers={"Accept-Language": "ar"})
    assert response.status_code == status
    if code is not None:
        assert f'data-code="{code}"' in html(response) and 'dir="rtl"' in html(response)


def test_json_clients_get_problems(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert json.loads(response.data)["code"] == "http.404"


def test_a_body_too_large_is_413(client: FlaskClient) -> None:
    response = client.post("/signin", data={"csrf": csrf_of(client), "massar": "R" * 200_000, "birth_date": "2007-01-01"})
    assert response.status_code == 413 and 'data-code="http.413"' in html(response)


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe\x00garbage", b"massar=%ZZ&birth_date=%", b"csrf&csrf&csrf", b"massar=" + b"%C3%28" * 10, b"=" * 1000],
)
def test_malformed_form_bodies_are_refused_cleanly(client: FlaskClient, body: bytes) -> None:
    for path in ("/signin", "/signin/code", "/shares", "/wallet", "/signout"):
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, (path, response.status_code)
        assert 'data-code="form.csrf"' in html(response)


def test_strange_field_values_after_the_token(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    for massar, birth in [("R130045678\x00", "2007-01-01"), ("<script>", "2007-01-01"), ("R130045678", "0000-00-00"), ("R130045678", "99999-01-01"), ("ر١٣٠٠٤٥٦٧٨", "١٤/٠٣/٢٠٠٧")]:
        response = client.post("/signin", data={"csrf": csrf_of(client), "massar": massar, "birth_date": birth})
        assert response.status_code == 400, (massar, birth)
        assert "<script>" not in html(response)  # echoed values are escaped
    sign_in(client, graduate, outbox)
    token = csrf_of(client, "/shares")
    for data in [{"csrf": token, "recipient": "A", "days": "30", "documents": "urn:uuid:" + "x" * 5000}, {"csrf": token, "recipient": "<b>A</b>", "days": "9" * 40, "documents": []}]:
        response = client.post("/shares", data=data)
        assert response.status_code == 400 and "<b>A</b>" not in html(response)


def test_security_headers_and_nothing_from_elsewhere(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    sign_in(client, graduate, outbox)
    for path in ("/", "/documents", "/shares", "/nowhere"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["X-Content-Type-Options"] == "nosniff"
        page = html(response)
        assert not re.search(r'(src|href)="(https?:)?//', page), path
    with client.get("/static/portal.css") as css:
        assert css.status_code == 200 and "url(" not in css.get_data(as_text=True)
    with client.get("/static/portal.js") as script:
        assert script.status_code == 200 and "fetch(" in script.get_data(as_text=True)


def test_language_links_take_no_url_options_from_the_query(client: FlaskClient) -> None:
    page = html(client.get("/?_external=1&_scheme=javascript&x=1"))
    assert "javascript" not in page and 'href="/?x=1&amp;lang=ar"' in page
