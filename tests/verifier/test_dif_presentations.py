"""VC 1.1 presentations as DIDComm wallets send them, with real parts: wallet copies signed by the
ministry's agent (its did:web key, Ed25519Signature2020), presentations signed by ACA-Py
(``/vc/presentations/prove`` of the running agent, and ACA-Py's present-proof DIF code path, which
names no holder) with Ed25519Signature2018, status lists and the registry on the ministry's HTTPS
site, the archive as the ministry's records, and the verifier service's VC API."""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from shahada.did.key import public_key_from_did_key
from shahada.ministry import make_verifier
from shahada.proofs import ed25519_signature_2018 as ed2018
from shahada.services import verifier_settings
from shahada.verifier.presentation import PresentationResult, verify_presentation
from tests.support.local_signer import LocalKey
from tests.verifier.conftest import IssuedSession
from tests.verifier.wallet_support import new_holder, prove, prove_as_dif_handler, wallet_copy

pytestmark = pytest.mark.agent
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CHALLENGE = "6c8f5b1e-2d3a-4f6b-9c0d-1e2f3a4b5c6d"


@pytest.fixture(scope="module")
def holder(ministry: Any) -> str:
    return new_holder(ministry)


@pytest.fixture(scope="module")
def copies(ministry: Any, issued_session: IssuedSession, holder: str) -> dict[str, dict[str, Any]]:
    """Wallet copies: the good candidate's documents and the revoked diploma in the holder's wallet,
    a third candidate's diploma in someone else's."""
    s = issued_session
    good = {c["id"]: c for c in s.documents(s.good)}
    diploma = s.diploma(s.good)
    transcript = next(c for c in good.values() if "BaccalaureateTranscript" in c["type"])
    return {
        "diploma": wallet_copy(ministry, diploma, holder),
        "transcript": wallet_copy(ministry, transcript, holder),
        "revoked": wallet_copy(ministry, s.diploma(s.revoked), holder),
        "someone_elses": wallet_copy(ministry, s.diploma(s.other), new_holder(ministry)),
    }


@pytest.fixture(scope="module")
def acapy_vp(ministry: Any, copies: dict[str, dict[str, Any]], holder: str) -> dict[str, Any]:
    return prove(ministry, [copies["diploma"], copies["transcript"]], holder, CHALLENGE)


@pytest.fixture
def check_vp(ministry: Any) -> Callable[..., PresentationResult]:
    """verify_presentation as the installation configures it: trust list, did:web over HTTPS,
    status lists and the ministry's registry."""
    verifier = make_verifier(ministry.settings, ministry.identity.did, loader=ministry.loader, registry=True)

    def _check(vp: Any, challenge: str | None = CHALLENGE) -> PresentationResult:
        return verify_presentation(
            vp, document_loader=verifier.loader, resolver=verifier.resolver, trusted_issuers=verifier.trusted_issuers,
            now=verifier.clock(), challenge=challenge, status=verifier.status, registry=verifier.registry,
        )

    return _check


def codes(result: PresentationResult) -> list[str]:
    return [e.code for e in result.errors]


def test_an_acapy_presentation_verifies(acapy_vp: dict[str, Any], holder: str, check_vp: Any, ministry: Any) -> None:
    proof = acapy_vp["proof"]
    assert acapy_vp["@context"] == ["https://www.w3.org/2018/credentials/v1", "https://identity.foundation/presentation-exchange/submission/v1"]
    assert acapy_vp["type"] == ["VerifiablePresentation", "PresentationSubmission"] and "presentation_submission" in acapy_vp
    assert proof["type"] == "Ed25519Signature2018" and proof["proofPurpose"] == "authentication" and "domain" not in proof
    assert proof["jws"].startswith(ed2018.ENCODED_HEADER + "..")
    assert ed2018.verify(acapy_vp, proof, public_key_from_did_key(holder), ministry.loader)
    result = check_vp(acapy_vp)
    assert result.verified, result.to_dict()
    assert result.holder == holder
    for inner in result.credentials:
        assert inner.check("status").message == "not revoked"
        assert inner.check("registry").message == "matches the ministry's records"
        assert inner.check("schema").outcome == "passed"


def test_acapys_dif_code_path_names_no_holder(ministry: Any, issued_session: IssuedSession, check_vp: Any) -> None:
    key = LocalKey.generate()
    bound = wallet_copy(ministry, issued_session.diploma(issued_session.good), key.did_key)
    vp = prove_as_dif_handler([bound], key, CHALLENGE)
    assert "holder" not in vp and vp["proof"]["type"] == "Ed25519Signature2018"
    result = check_vp(vp)
    assert result.verified, result.to_dict()
    assert result.holder == key.did_key  # the presenter is the controller of the proof's key
    assert "authentication key" in result.check("key").message
    thief = LocalKey.generate()  # presents a copy bound to someone else, with their own key
    stolen = check_vp(prove_as_dif_handler([bound], thief, CHALLENGE))
    assert codes(stolen) == ["holder.mismatch"] and stolen.holder == thief.did_key


def _swap(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1:]


def _jws_signature(vp: dict[str, Any]) -> None:
    header, _, signature = vp["proof"]["jws"].split(".")
    vp["proof"]["jws"] = f"{header}..{_swap(signature, len(signature) // 2)}"


def _jws_header(vp: dict[str, Any]) -> None:
    vp["proof"]["jws"] = _swap(vp["proof"]["jws"], 5)


TAMPERING: dict[str, tuple[Callable[[dict[str, Any]], None], str, list[str]]] = {
    "submission": (lambda vp: vp["presentation_submission"].update(definition_id=str(uuid.uuid4())), CHALLENGE, ["signature.invalid"]),
    "created": (lambda vp: vp["proof"].update(created="2020-01-01T00:00:00+00:00"), CHALLENGE, ["signature.invalid"]),
    "holder": (lambda vp: vp.update(holder="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"), CHALLENGE, ["key.unauthorized"]),
    "credential": (
        lambda vp: vp["verifiableCredential"][0]["credentialSubject"].update(generalAverage="19.99"),
        CHALLENGE,
        ["signature.invalid", "credential.invalid"],
    ),
    "challenge rewritten": (lambda vp: vp["proof"].update(challenge="a-replayed-one"), "a-replayed-one", ["signature.invalid"]),
    "another verifier's challenge": (lambda vp: None, str(uuid.uuid4()), ["challenge.mismatch"]),
    "jws signature character": (_jws_signature, CHALLENGE, ["signature.invalid"]),
    "jws header character": (_jws_header, CHALLENGE, ["proof.malformed"]),
}


@pytest.mark.parametrize("case", TAMPERING.values(), ids=TAMPERING.keys())
def test_any_change_fails_with_its_code(acapy_vp: dict[str, Any], check_vp: Any, case: tuple[Callable[[dict[str, Any]], None], str, list[str]]) -> None:
    change, expected_challenge, expected_codes = case
    vp = copy.deepcopy(acapy_vp)
    change(vp)
    result = check_vp(vp, challenge=expected_challenge)
    assert codes(result) == expected_codes, result.to_dict()


def test_the_wallet_copies_verify_on_their_own(ministry: Any, copies: dict[str, dict[str, Any]], holder: str) -> None:
    verifier = make_verifier(ministry.settings, ministry.identity.did, loader=ministry.loader, registry=True)
    good = verifier.verify(copies["diploma"])
    assert good.verified, good.to_dict()
    assert good.check("registry").message == "matches the ministry's records"
    revoked = verifier.verify(copies["revoked"])
    assert {e.name: e.code for e in revoked.errors} == {"status": "status.revoked", "registry": "registry.revoked"}


# --- through the verifier service's VC API: four refusals, four reasons ---------------------------


@pytest.fixture(scope="module")
def client(ministry: Any) -> Iterator[FlaskClient]:
    from shahada.issuer.archive.store import ISSUED
    from shahada.verifier.web import Records, create_app

    def lookup(credential_id: str) -> dict[str, Any] | None:
        stored = ministry.archive.get(credential_id)
        return stored.document if stored is not None and stored.status == ISSUED else None

    settings = verifier_settings(ministry.settings, ministry.identity.did)
    app = create_app(settings, records=Records(ministry.identity.did, lookup), loader=ministry.loader)
    yield app.test_client()


def _challenge(client: FlaskClient) -> str:
    value: str = client.post("/challenges").get_json()["challenge"]
    assert UUID4.match(value), value  # what a DIDComm DIF request accepts
    return value


def _verify(client: FlaskClient, vp: dict[str, Any], challenge: str) -> dict[str, Any]:
    response = client.post("/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": challenge}})
    body: dict[str, Any] = response.get_json()
    assert response.status_code == (200 if body["verified"] else 400), response.get_data(as_text=True)
    return body


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["code"] for e in body["errors"]]


def test_the_service_accepts_then_refuses_a_replay(ministry: Any, client: FlaskClient, copies: dict[str, dict[str, Any]], holder: str) -> None:
    challenge = _challenge(client)
    vp = prove(ministry, [copies["diploma"]], holder, challenge)
    body = _verify(client, vp, challenge)
    assert body["verified"] is True, body
    assert body["holder"] == holder
    assert {c["name"]: c["outcome"] for c in body["credentialResults"][0]["checks"]}["status"] == "passed"
    replay = _verify(client, vp, challenge)
    assert replay["verified"] is False and _codes(replay) == ["challenge.replayed"]


def test_the_service_refuses_a_wrong_challenge(ministry: Any, client: FlaskClient, copies: dict[str, dict[str, Any]], holder: str) -> None:
    challenge = _challenge(client)
    vp = prove(ministry, [copies["diploma"]], holder, str(uuid.uuid4()))
    body = _verify(client, vp, challenge)
    assert body["verified"] is False and _codes(body) == ["challenge.mismatch"]


def test_the_service_refuses_a_revoked_diploma(ministry: Any, client: FlaskClient, copies: dict[str, dict[str, Any]], holder: str) -> None:
    challenge = _challenge(client)
    body = _verify(client, prove(ministry, [copies["revoked"]], holder, challenge), challenge)
    assert body["verified"] is False and _codes(body) == ["credential.invalid"]
    assert [e["code"] for e in body["credentialResults"][0]["errors"]] == ["status.revoked"]


def test_the_service_refuses_another_holders_credential(ministry: Any, client: FlaskClient, copies: dict[str, dict[str, Any]], holder: str) -> None:
    challenge = _challenge(client)
    body = _verify(client, prove(ministry, [copies["someone_elses"]], holder, challenge), challenge)
    assert body["verified"] is False and _codes(body) == ["holder.mismatch"]
    assert body["credentialResults"][0]["verified"] is True  # the credential itself is genuine


def test_the_service_checks_a_wallet_copy_against_the_archive(client: FlaskClient, copies: dict[str, dict[str, Any]]) -> None:
    body = client.post("/credentials/verify", json={"verifiableCredential": copies["transcript"]}).get_json()
    assert body["verified"] is True, body
    archive = next(c for c in body["checks"] if c["name"] == "archive")
    assert archive["outcome"] == "passed" and "wallet copy" in archive["message"]
