"""The verifier service's OpenID4VP routes against openapi.json, and its request page in the three
languages (without a browser: tests/integration/test_oid4vp.py drives it in chromium with a
wallet). Every route is documented, and every refusal provoked here is listed with its code."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient

from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.web import create_app
from shahada.verifier.web.oid4vp import Oid4vpRequests
from tests.verifier.web.conftest import MINISTRY_DID, assert_documented, shared_workers

BASE = "https://verify.univ.example"


def oid4vp_app(loader: PinnedDocumentLoader, *, unavailable: str | None = None, **settings: Any) -> Flask:
    values: dict[str, Any] = {"trusted_issuers": frozenset({MINISTRY_DID}), "ministry_did": MINISTRY_DID, "public_url": BASE}
    values.update(settings)
    oid4vp = Oid4vpRequests(secrets.token_bytes(32), BASE, unavailable=unavailable)
    return create_app(values, loader=loader, workers=shared_workers(), oid4vp=oid4vp)


@pytest.fixture
def client(loader: PinnedDocumentLoader) -> FlaskClient:
    return oid4vp_app(loader).test_client()


def test_every_oid4vp_route_is_in_openapi(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    routes = [r for r in client.application.url_map.iter_rules() if r.endpoint.startswith("oid4vp.")]
    assert len(routes) == 4
    for rule in routes:
        path = rule.rule.replace("<request_id>", "{id}")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, rule
    made = client.post("/oid4vp/requests", json={}).get_json()
    assert set(made) == set(document["components"]["schemas"]["Oid4vpRequest"]["required"])
    pending = client.get(f"/oid4vp/requests/{made['id']}/result").get_json()
    assert pending == {"state": "pending"} and pending["state"] in document["components"]["schemas"]["Oid4vpResult"]["properties"]["state"]["enum"]
    obj = client.get(f"/oid4vp/requests/{made['id']}/object")
    assert obj.status_code == 200 and obj.mimetype in document["paths"]["/oid4vp/requests/{id}/object"]["get"]["responses"]["200"]["content"]


def test_every_refusal_is_documented_with_its_code(loader: PinnedDocumentLoader) -> None:
    client = oid4vp_app(loader, challenges_per_client=2).test_client()
    document = client.get("/openapi.json").get_json()
    problems = [
        ("POST", "/oid4vp/requests", client.post("/oid4vp/requests", data=b"[1]", content_type="application/json")),
        ("POST", "/oid4vp/requests", client.post("/oid4vp/requests", data=b"x" * 200_000, content_type="application/json")),
        ("GET", "/oid4vp/requests/{id}/object", client.get("/oid4vp/requests/nope/object", headers={"Accept": "application/json"})),
        ("GET", "/oid4vp/requests/{id}/result", client.get("/oid4vp/requests/nope/result")),
        ("POST", "/oid4vp/responses/{id}", client.post("/oid4vp/responses/nope", data={"state": "s", "vp_token": "{}"})),
    ]
    made = client.post("/oid4vp/requests", json={}).get_json()
    client.post("/oid4vp/requests", json={})
    problems.append(("POST", "/oid4vp/requests", client.post("/oid4vp/requests", json={})))
    assert [p[2].status_code for p in problems] == [400, 413, 404, 404, 404, 429]
    for method, path, answer in problems:
        assert answer.mimetype == "application/problem+json", (path, answer.data)
        assert_documented(document, method, path, answer.status_code, answer.get_json()["code"])
    responses = document["paths"]["/oid4vp/responses/{id}"]["post"]["responses"]
    state = client.application.config["SHAHADA_OID4VP"].get(made["id"]).state
    for form in ({"state": "wrong", "vp_token": "{}"}, {"state": state, "vp_token": "not json"}, {"state": state, "vp_token": '{"other": []}'}):
        answer = client.post(f"/oid4vp/responses/{made['id']}", data=form)
        assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_request", answer.data
        assert "invalid_request" in responses["400"]["description"]
    assert client.get(f"/oid4vp/requests/{made['id']}/result").get_json() == {"state": "pending"}  # refusals answer nothing


@pytest.mark.parametrize(("lang", "title"), [("ar", "طلب شهادة من محفظة رقمية"), ("fr", "Demander un diplôme"), ("en", "Ask a digital wallet")])
def test_the_request_page_works_without_javascript(client: FlaskClient, lang: str, title: str) -> None:
    form = client.get(f"/oid4vp/ask?lang={lang}")
    assert form.status_code == 200 and title in form.text and 'data-nav="oid4vp"' in form.text
    started = client.post(f"/oid4vp/ask?lang={lang}", data={"transcript": "1"})
    assert started.status_code == 303
    page = client.get(started.headers["Location"])
    assert page.status_code == 200 and 'src="data:image/svg+xml;base64,' in page.text
    assert 'href="openid4vp://?client_id=decentralized_identifier%3Adid%3Akey%3Az6Mk' in page.text
    request_id = started.headers["Location"].split("/oid4vp/ask/")[1].split("?")[0]
    assert client.application.config["SHAHADA_OID4VP"].get(request_id).transcript
    gone = client.get(f"/oid4vp/ask/nope?lang={lang}")
    assert gone.status_code == 404 and "oid4vp.unknown" in gone.text


def test_without_a_public_url_there_is_no_oid4vp(loader: PinnedDocumentLoader) -> None:
    client = create_app({"trusted_issuers": frozenset({MINISTRY_DID})}, loader=loader, workers=shared_workers()).test_client()
    assert client.post("/oid4vp/requests", json={}).status_code == 404
    assert 'data-nav="oid4vp"' not in client.get("/").text


def test_a_verifier_of_several_processes_refuses_oid4vp_clearly(loader: PinnedDocumentLoader, tmp_path: Path) -> None:
    """As shahada serve verifier --processes N builds it (shahada.services.oid4vp_requests) when
    the archive's database is not reachable (tests/integration/test_oid4vp.py: when it is)."""
    from shahada.config import load_settings
    from shahada.services import oid4vp_requests
    from shahada.verifier.web.settings import VerifierSettings

    service = VerifierSettings.from_mapping({"trusted_issuers": frozenset({MINISTRY_DID}), "public_url": BASE})
    env = {"SHAHADA_HOME": str(tmp_path), "SHAHADA_VERIFIER_OID4VP_SECRET": "s"}
    settings = load_settings(env)
    built = oid4vp_requests(settings, service, env, processes=3)
    assert built is not None and built.unavailable is not None and "3 processes" in built.unavailable
    single = oid4vp_requests(settings, service, env)
    assert single is not None and single.unavailable is None and single.client_id == built.client_id
    shared = oid4vp_requests(settings, service, env, processes=3, database=sqlalchemy.create_engine("sqlite://"))
    assert shared is not None and shared.unavailable is None and shared.store.shared  # with the archive's database: shared
    client = create_app({"trusted_issuers": frozenset({MINISTRY_DID}), "public_url": BASE}, loader=loader, workers=shared_workers(), oid4vp=built).test_client()
    document = client.get("/openapi.json").get_json()
    answers = [
        ("POST", "/oid4vp/requests", client.post("/oid4vp/requests", json={})),
        ("GET", "/oid4vp/requests/{id}/object", client.get("/oid4vp/requests/x/object")),
        ("POST", "/oid4vp/responses/{id}", client.post("/oid4vp/responses/x", data={"state": "s", "vp_token": "{}"})),
        ("GET", "/oid4vp/requests/{id}/result", client.get("/oid4vp/requests/x/result")),
    ]
    for method, path, answer in answers:
        assert answer.status_code == 503 and answer.get_json()["code"] == "oid4vp.unavailable", (path, answer.data)
        assert "--processes 1" in answer.get_json()["detail"]
        assert_documented(document, method, path, 503, "oid4vp.unavailable")
    shown = client.get("/oid4vp/ask?lang=fr")
    assert shown.status_code == 503 and "oid4vp.unavailable" in shown.text and "--processes 1" in shown.text
    assert 'data-nav="oid4vp"' not in client.get("/").text
