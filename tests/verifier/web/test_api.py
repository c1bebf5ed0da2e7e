"""The VC API of verifier/web/api.py with the real app: each kind of input answers with its own
stable code; failed checks are 200 results, unusable requests 400/413/422 problem+json."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shahada.printing.qr import make_qr
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.web import SERVICE_KEY
from tests.support.canonicalization import counting_canonicalization
from tests.support.local_sealer import LocalSealer
from tests.support.local_signer import LocalKey
from tests.verifier.verifier_support import make_credential
from tests.verifier.web.conftest import SEAL_BASE, assert_documented, make_app

Sign = Callable[..., dict[str, Any]]


def codes(body: dict[str, Any]) -> list[str]:
    return [e["code"] for e in body["errors"]]


def verify(client: FlaskClient, credential: Any, **options: Any) -> dict[str, Any]:
    response = client.post("/credentials/verify", json={"verifiableCredential": credential, "options": options})
    body: dict[str, Any] = response.get_json()
    # a credential that does not verify is a 400 with the same result body (the W3C suites expect 400 or 422)
    assert response.status_code == (200 if body["verified"] else 400), response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return body


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["code"] == code and body["status"] == status and body["type"] == f"urn:shahada:problem:{code}"
    assert body["detail"]
    return body


# --- credentials -----------------------------------------------------------------------------


def test_genuine_credential(client: FlaskClient, genuine: dict[str, Any]) -> None:
    body = verify(client, genuine)
    assert body["verified"] is True and body["errors"] == [] and body["warnings"] == []
    outcomes = {c["name"]: c["outcome"] for c in body["checks"]}
    assert outcomes == {
        "structure": "passed", "context": "passed", "issuer": "passed", "proof": "passed", "key": "passed",
        "signature": "passed", "schema": "passed", "validity": "passed", "status": "passed", "archive": "skipped",
    }


def test_tampered_credential(client: FlaskClient, genuine: dict[str, Any]) -> None:
    tampered = copy.deepcopy(genuine)
    tampered["credentialSubject"]["name"] = "Amina El Idrissi-Bennani"
    body = verify(client, tampered)
    assert body["verified"] is False and codes(body) == ["signature.invalid"]
    assert body["errors"][0]["check"] == "signature" and body["errors"][0]["type"] == "urn:shahada:problem:signature.invalid"


def test_expired_credential(client: FlaskClient, sign: Sign, issuer_key: LocalKey) -> None:
    expired = sign(make_credential(issuer_key.did_key, validUntil="2025-06-30T23:59:59Z"), "eddsa-rdfc-2022")
    body = verify(client, expired)
    assert body["verified"] is False and codes(body) == ["validity.expired"]


def test_untrusted_issuer(client: FlaskClient, sign: Sign) -> None:
    stranger = LocalKey.generate()
    forged = sign(make_credential(stranger.did_key), "eddsa-rdfc-2022", key=stranger, verification_method=stranger.did_key_vm)
    body = verify(client, forged)
    # authentic (its did:key needs no request) but not from a trusted issuer: trust is its own check
    assert body["verified"] is True and body["trusted"] is False and codes(body) == []
    assert [w["code"] for w in body["warnings"]] == ["issuer.untrusted"]
    assert {c["name"]: c["code"] for c in body["checks"]}["issuer"] == "issuer.untrusted"
    forged["credentialSubject"]["name"] = "Someone Else"
    tampered = verify(client, forged)
    assert tampered["verified"] is False and codes(tampered) == ["issuer.untrusted", "signature.invalid"] and tampered["trusted"] is False


def test_untrusted_did_web_issuer_is_refused_without_a_request(client: FlaskClient, genuine: dict[str, Any]) -> None:
    forged = copy.deepcopy(genuine)
    forged["issuer"] = "did:web:127.0.0.1%3A9"
    forged["proof"]["verificationMethod"] = "did:web:127.0.0.1%3A9#key-1"
    body = verify(client, forged)
    assert body["verified"] is False and body["trusted"] is False and codes(body) == ["issuer.untrusted"]
    assert {c["name"]: c["outcome"] for c in body["checks"]}["key"] == "skipped"


def test_unknown_context(client: FlaskClient, sign: Sign, issuer_key: LocalKey) -> None:
    credential = make_credential(issuer_key.did_key, "eddsa-jcs-2022")
    credential["@context"].append("https://contexts.example/unpinned/v1")
    body = verify(client, sign(credential, "eddsa-jcs-2022"))
    assert body["verified"] is False and codes(body) == ["context.unknown"]


def test_the_checks_option_is_accepted_with_a_warning(client: FlaskClient, genuine: dict[str, Any]) -> None:
    body = verify(client, genuine, checks=["proof"])
    assert body["verified"] is True and [w["code"] for w in body["warnings"]] == ["options.checks"]


# --- presentations and challenges --------------------------------------------------------------


def challenge(client: FlaskClient) -> str:
    response = client.post("/challenges")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    value: str = response.get_json()["challenge"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value), value  # a UUID4
    return value


def verify_vp(client: FlaskClient, vp: dict[str, Any], **options: Any) -> dict[str, Any]:
    response = client.post("/presentations/verify", json={"verifiablePresentation": vp, "options": options})
    body: dict[str, Any] = response.get_json()
    assert response.status_code == (200 if body["verified"] else 400), response.get_data(as_text=True)
    return body


def test_presentation_with_an_issued_challenge(client: FlaskClient, genuine: dict[str, Any], present: Any, holder_key: LocalKey) -> None:
    value = challenge(client)
    body = verify_vp(client, present([genuine], challenge=value, domain="admissions.example.ca"), challenge=value, domain="admissions.example.ca")
    assert body["verified"] is True, body
    assert body["holder"] == holder_key.did_key and body["credentialResults"][0]["verified"] is True


def test_wrong_challenge(client: FlaskClient, genuine: dict[str, Any], present: Any) -> None:
    issued = challenge(client)
    body = verify_vp(client, present([genuine], challenge="an-old-challenge"), challenge=issued)
    assert body["verified"] is False and codes(body) == ["challenge.mismatch"]


def test_replayed_challenge(client: FlaskClient, genuine: dict[str, Any], present: Any) -> None:
    value = challenge(client)
    vp = present([genuine], challenge=value)
    assert verify_vp(client, vp, challenge=value)["verified"] is True
    again = verify_vp(client, vp, challenge=value)
    assert again["verified"] is False and codes(again) == ["challenge.replayed"]


def test_challenge_not_issued_here(client: FlaskClient, genuine: dict[str, Any], present: Any) -> None:
    """A challenge the caller chose (not from POST /challenges) must equal the proof's; replay is then the caller's concern."""
    vp = present([genuine], challenge="made-up-by-the-caller")
    assert verify_vp(client, vp, challenge="made-up-by-the-caller")["verified"] is True
    assert verify_vp(client, vp, challenge="made-up-by-the-caller")["verified"] is True
    other = verify_vp(client, vp, challenge="another-one")
    assert other["verified"] is False and codes(other) == ["challenge.mismatch"]


def test_presentation_without_credentials(client: FlaskClient, present: Any) -> None:
    value = challenge(client)
    body = verify_vp(client, present([], challenge=value), challenge=value)
    assert body["verified"] is True and body["credentialResults"] == [], body


def test_challenges_are_one_per_request_and_distinct(client: FlaskClient) -> None:
    values = {challenge(client) for _ in range(20)}
    assert len(values) == 20
    problem(client.post("/challenges", json={"size": 3}), 400, "request.invalid")
    assert client.post("/challenges", json={}).status_code == 200


def test_presentation_without_challenge_warns(client: FlaskClient, genuine: dict[str, Any], present: Any) -> None:
    body = verify_vp(client, present([genuine]))
    assert body["verified"] is True and [w["code"] for w in body["warnings"]] == ["challenge.absent"]


def test_a_forged_credential_in_a_presentation(client: FlaskClient, genuine: dict[str, Any], present: Any) -> None:
    forged = copy.deepcopy(genuine)
    forged["validFrom"] = "2024-06-30T00:00:00Z"
    body = verify_vp(client, present([forged]))
    assert body["verified"] is False and codes(body) == ["credential.invalid"]
    assert [e["code"] for e in body["credentialResults"][0]["errors"]] == ["signature.invalid"]


# --- seals -------------------------------------------------------------------------------------


def test_genuine_seal(client: FlaskClient, seal: str) -> None:
    response = client.post("/seals/verify", json={"seal": seal})
    body = response.get_json()
    assert response.status_code == 200 and body["verified"] is True, body
    assert {f["fr"] for f in body["fields"]} >= {"Benali", "Yasmine", "15,30"}
    assert {c["name"]: c["outcome"] for c in body["checks"]} == {"decode": "passed", "key": "passed", "signature": "passed", "holder": "skipped", "archive": "skipped", "status": "passed"}


def test_seal_with_massar(client: FlaskClient, seal: str) -> None:
    good = client.post("/seals/verify", json={"seal": seal, "options": {"massar": "R130045678"}}).get_json()
    assert good["verified"] is True
    bad = client.post("/seals/verify", json={"seal": seal, "options": {"massar": "R999999999"}}).get_json()
    assert bad["verified"] is False and codes(bad) == ["holder.mismatch"]
    problem(client.post("/seals/verify", json={"seal": seal, "options": {"massar": "R1 ⁄ 3"}}), 400, "request.option_invalid")


def tampered(seal: str, i: int) -> str:
    """``seal`` with the character at ``i`` of its payload changed."""
    payload = seal.removeprefix(SEAL_BASE)
    return SEAL_BASE + payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1 :]


def test_tampered_seal(client: FlaskClient, seal: str) -> None:
    # a change in the CBOR structure itself (the middle of this seal) makes it no seal at all
    problem(client.post("/seals/verify", json={"seal": tampered(seal, len(seal.removeprefix(SEAL_BASE)) // 2)}), 422, "seal.malformed")
    # a change in the signature (the payload's last bytes) leaves a seal whose signature fails
    response = client.post("/seals/verify", json={"seal": tampered(seal, len(seal.removeprefix(SEAL_BASE)) - 10)})
    assert response.status_code == 200, response.get_data()
    assert response.get_json()["verified"] is False and codes(response.get_json()) == ["signature.invalid"]


@pytest.mark.parametrize(
    ("text", "status", "code"),
    [("hello world", 422, "seal.malformed"), (SEAL_BASE + "ABC", 422, "seal.truncated"), (SEAL_BASE + "A" * 5000, 413, "seal.oversized")],
)
def test_unusable_seals(client: FlaskClient, text: str, status: int, code: str) -> None:
    problem(client.post("/seals/verify", json={"seal": text}), status, code)


# --- uploads -------------------------------------------------------------------------------------


def test_upload_a_photo_of_the_qr_code(client: FlaskClient, seal: str) -> None:
    png = make_qr(seal).png(scale=4)
    body = client.post("/documents/verify", data=png, content_type="image/png").get_json()
    assert body["kind"] == "seal" and body["verified"] is True


def test_upload_as_multipart(client: FlaskClient, genuine: dict[str, Any]) -> None:
    import io

    data = {"file": (io.BytesIO(json.dumps(genuine).encode()), "credential.json")}
    body = client.post("/documents/verify", data=data, content_type="multipart/form-data").get_json()
    assert body["kind"] == "credential" and body["verified"] is True


def test_upload_a_presentation_file(client: FlaskClient, genuine: dict[str, Any], present: Any) -> None:
    body = client.post("/documents/verify", data=json.dumps(present([genuine])), content_type="application/json").get_json()
    assert body["kind"] == "presentation" and body["verified"] is True


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"\x00\x01binary garbage\xff", "input.unrecognized"), (b"%PDF-1.7 truncated", "scan.unreadable"), (b"{not json", "input.unrecognized"), (b"[]", "credential.malformed")],
)
def test_unusable_uploads(client: FlaskClient, data: bytes, code: str) -> None:
    problem(client.post("/documents/verify", data=data, content_type="application/octet-stream"), 422, code)


def test_an_image_without_a_qr_code(client: FlaskClient) -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (200, 120), 255).save(out, format="PNG")
    problem(client.post("/documents/verify", data=out.getvalue(), content_type="image/png"), 422, "scan.no_code")


# --- malformed requests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/credentials/verify", b"{", 400, "request.json"),
        ("/credentials/verify", b"\xff\xfe", 400, "request.json"),
        ("/credentials/verify", b"[" * 100_000, 400, "request.json"),
        ("/credentials/verify", b"1" * 5000, 400, "request.json"),
        ("/credentials/verify", b"[]", 400, "request.invalid"),
        ("/credentials/verify", b'{"credential": {}}', 400, "request.invalid"),
        ("/credentials/verify", b"{}", 400, "request.credential_missing"),
        ("/credentials/verify", b'{"verifiableCredential": "eyJ.jwt.x"}', 400, "request.invalid"),
        ("/credentials/verify", b'{"verifiableCredential": {}, "options": []}', 400, "request.invalid"),
        ("/credentials/verify", b'{"verifiableCredential": {}, "options": {"challenge": "x"}}', 400, "request.option_unknown"),
        ("/credentials/verify", b'{"verifiableCredential": {"a": 1}}', 422, "credential.malformed"),
        ("/presentations/verify", b"{}", 400, "request.presentation_missing"),
        ("/presentations/verify", b'{"verifiablePresentation": {}, "options": {"challenge": 7}}', 400, "request.option_invalid"),
        ("/presentations/verify", b'{"verifiablePresentation": {"type": "VerifiablePresentation"}}', 422, "presentation.malformed"),
        (
            "/presentations/verify",
            b'{"verifiablePresentation": {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiablePresentation"],'
            b' "verifiableCredential": [{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}]}}',
            422,
            "presentation.version_mismatch",
        ),
        ("/shares/verify", b'{"link": "https://portal.example/s/1"}', 400, "request.invalid"),
        ("/shares/verify", b"{}", 400, "request.url_missing"),
        ("/seals/verify", b'{"options": {}}', 400, "request.seal_missing"),
        ("/seals/verify", b'{"seal": 12}', 400, "request.invalid"),
        ("/documents/verify", b"", 400, "request.invalid"),
    ],
)
def test_malformed_requests(client: FlaskClient, path: str, body: bytes, status: int, code: str) -> None:
    problem(client.post(path, data=body, content_type="application/json"), status, code)


def test_too_large(issuer_key: LocalKey, sealer: Any, loader: Any) -> None:
    from tests.verifier.web.conftest import make_app

    small = make_app(issuer_key, sealer, loader, max_json_bytes=1000, max_upload_bytes=2000).test_client()
    problem(small.post("/credentials/verify", data=b" " * 1001, content_type="application/json"), 413, "request.too_large")
    problem(small.post("/documents/verify", data=b" " * 2001, content_type="application/json"), 413, "request.too_large")


def test_http_errors_are_problems_on_the_api(client: FlaskClient) -> None:
    problem(client.get("/credentials/verify"), 405, "http.405")
    problem(client.post("/credentials/nothing"), 404, "http.404")
    problem(client.get("/nowhere", headers={"Accept": "application/json"}), 404, "http.404")


# --- the OpenAPI document ------------------------------------------------------------------------


def test_openapi_documents_every_route(app: Flask, client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                assert (rule.rule, method.lower()) in documented, rule
    assert ("/V/{seal}", "get") in documented
    refs = {m.group(1) for m in __import__("re").finditer(r'"#/components/schemas/(\w+)"', json.dumps(document))}
    assert refs <= set(document["components"]["schemas"])


def test_problem_codes_in_openapi_match_the_service(client: FlaskClient) -> None:
    text = json.dumps(client.get("/openapi.json").get_json())
    for code in (
        "request.json", "request.credential_missing", "request.presentation_missing", "credential.malformed", "presentation.malformed",
        "presentation.version_mismatch", "scan.no_code", "seal.truncated", "request.too_large", "request.url_missing",
        "share.untrusted", "share.unavailable", "share.expired", "share.revoked", "share.unknown", "share.malformed",
        "lookup.number_invalid", "lookup.birth_date_invalid", "lookup.rate_limited", "lookup.unavailable",
    ):
        assert code in text, code


def test_openapi_describes_challenges_and_shares(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    challenge = document["components"]["schemas"]["CreateChallengeResponse"]["properties"]["challenge"]
    assert challenge["format"] == "uuid" and re.fullmatch(challenge["pattern"], "0f8fad5b-d9cb-469f-a165-70867728950e")
    assert document["paths"]["/shares/verify"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/VerifyShareRequest"}
    assert ("/shares", "get") in {(path, method) for path, item in document["paths"].items() for method in item}
    result = document["components"]["schemas"]["ShareVerificationResult"]["allOf"][1]
    assert set(result["required"]) == {"recipient", "expires", "credentialResults"}


def test_openapi_documents_every_answer_of_post_challenges(issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader) -> None:
    """Each problem POST /challenges answers, provoked for real, is in the OpenAPI file with its code."""
    client = make_app(issuer_key, sealer, loader, challenges_per_client=2).test_client()
    document = client.get("/openapi.json").get_json()
    answers = [client.post("/challenges", data=b"x" * 5000, content_type="application/json"), client.post("/challenges", json={"a": 1})]
    answers += [client.post("/challenges") for _ in range(3)]
    assert [a.status_code for a in answers] == [413, 400, 200, 200, 429]
    for answer in answers:
        if answer.status_code != 200:
            assert_documented(document, "POST", "/challenges", answer.status_code, answer.get_json()["code"])


def test_no_share_link_is_opened_by_default(client: FlaskClient) -> None:
    body = client.post("/shares/verify", json={"url": "http://127.0.0.1:9/s/x"}).get_json()
    assert body["verified"] is False and codes(body) == ["share.untrusted"]
    assert [c["outcome"] for c in body["checks"]] == ["failed", "skipped", "skipped", "skipped", "skipped"]


def test_the_largest_accepted_credential_costs_work_linear_in_its_size(client: FlaskClient, sign: Sign, issuer_key: LocalKey) -> None:
    """RDF canonicalization can grow faster than a document's size: the body limit (128 KiB) bounds
    a forged credential naming a trusted issuer, which must be canonicalized. Counted, not timed:
    the document and the proof's options are canonicalized once each, with first-degree hashes
    linear in the blank nodes and at most one N-degree hash per repeated result (they collide);
    a credential over the limit is refused before any canonicalization."""
    from tests.verifier.web.conftest import CASES

    transcript = json.loads((CASES / "option-fr" / "transcript.json").read_text(encoding="utf-8"))
    transcript["@context"] = [c for c in transcript["@context"] if "ed25519" not in c]
    transcript["issuer"]["id"] = issuer_key.did_key
    marks = transcript["credentialSubject"]["result"]
    transcript["credentialSubject"]["result"] = (marks * 50)[:400]
    forged = sign(transcript, "eddsa-rdfc-2022")
    forged["proof"]["proofValue"] = forged["proof"]["proofValue"][:-2] + "zz"
    body = json.dumps({"verifiableCredential": forged})
    assert 100_000 < len(body) < 128 * 1024
    service = client.application.config[SERVICE_KEY]
    workers, service.workers = service.workers, None  # counted in this process, not in a worker's
    try:
        with counting_canonicalization() as work:
            answer = client.post("/credentials/verify", data=body, content_type="application/json")
    finally:
        service.workers = workers
    assert codes(answer.get_json()) == ["signature.invalid"]
    assert work["runs"] == 2, work
    assert work["first_degree"] <= 2 * (400 + 10) and work["n_degree"] <= 400, work
    transcript["credentialSubject"]["result"] = (marks * 60)[:480]
    with counting_canonicalization() as work:
        problem(client.post("/credentials/verify", json={"verifiableCredential": sign(transcript, "eddsa-jcs-2022")}), 413, "request.too_large")
    assert not work, work


# --- issue 17: challenges that others cannot burn or evict, presentations of unbound credentials -----


def test_a_malformed_or_forged_presentation_does_not_use_up_the_challenge(client: FlaskClient, genuine: dict[str, Any], present: Any) -> None:
    value = challenge(client)
    malformed = client.post("/presentations/verify", json={"verifiablePresentation": {"type": "nothing"}, "options": {"challenge": value}})
    problem(malformed, 422, "presentation.malformed")
    forged = present([genuine], challenge=value)
    forged["proof"]["proofValue"] = "z" + "1" * 86  # carries the challenge, but anyone could have written it
    assert verify_vp(client, forged, challenge=value)["verified"] is False
    unsigned = {k: v for k, v in present([genuine], challenge=value).items() if k != "proof"}
    assert verify_vp(client, unsigned, challenge=value)["verified"] is False
    body = verify_vp(client, present([genuine], challenge=value), challenge=value)  # the holder's answer
    assert body["verified"] is True, body
    assert codes(verify_vp(client, present([genuine], challenge=value), challenge=value)) == ["challenge.replayed"]


def test_one_client_cannot_evict_the_challenges_of_others(issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader, genuine: dict[str, Any], present: Any) -> None:
    app = make_app(issuer_key, sealer, loader, challenge_entries=50, challenges_per_client=10)
    victim = app.test_client()
    value = victim.post("/challenges", environ_base={"REMOTE_ADDR": "192.0.2.1"}).get_json()["challenge"]
    attacker = app.test_client()
    answers = [attacker.post("/challenges", environ_base={"REMOTE_ADDR": "203.0.113.66"}) for _ in range(100)]
    assert [a.status_code for a in answers].count(200) == 10
    problem(answers[-1], 429, "challenge.rate_limited")
    for i in range(60):  # many clients: each takes only its share, the store stays bounded
        attacker.post("/challenges", environ_base={"REMOTE_ADDR": f"198.51.100.{i}"})
    assert verify_vp(victim, present([genuine], challenge=value), challenge=value)["verified"] is True


def test_an_unbound_credential_in_a_presentation_is_reported(client: FlaskClient, sign: Any, issuer_key: LocalKey, present: Any, genuine: dict[str, Any]) -> None:
    """Someone else's credential without a subject id verifies in anyone's presentation: say so."""
    unbound = make_credential(issuer_key.did_key, "eddsa-rdfc-2022")
    del unbound["credentialSubject"]["id"]
    signed = sign(unbound, "eddsa-rdfc-2022")
    value = challenge(client)
    body = verify_vp(client, present([genuine, signed], challenge=value), challenge=value)
    warned = [w for w in body["warnings"] if w["code"] == "holder.unbound"]
    assert len(warned) == 1 and "credential(s) 1:" in warned[0]["message"] and "not bound to a holder" in warned[0]["message"], body
    value = challenge(client)
    bound = verify_vp(client, present([genuine], challenge=value), challenge=value)
    assert "holder.unbound" not in [w["code"] for w in bound["warnings"]]
