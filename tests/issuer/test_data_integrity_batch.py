"""The plugin's batch signer inside the real agent (``POST /shahada/di/add-proofs``): one request,
one wallet session, every document signed by the wallet's key exactly as the single route signs it;
a bad document refuses the whole batch before anything is signed, naming its index; the admin API
key is required."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import requests

from shahada.agent.errors import AgentRequestError
from tests.issuer.di_support import Admin, sample_transcript

pytestmark = pytest.mark.agent
CREATED = "2025-07-01T10:00:00Z"
PATH = "/shahada/di/add-proofs"


@pytest.fixture(scope="module")
def agent(ministry: Any) -> tuple[Admin, dict[str, Any]]:
    """The admin API (with its key) and the sample PV's first transcript."""
    return Admin(ministry.agent.admin_url, ministry.agent.api_key), sample_transcript(ministry.identity.did)


def options(ministry: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": ministry.identity.verification_method, **extra}


def test_a_batch_is_signed_as_the_single_route_signs_each_document(ministry: Any, agent: tuple[Admin, dict[str, Any]]) -> None:
    admin, transcript = agent
    second = copy.deepcopy(transcript)
    second["id"] = "urn:uuid:6a0e3c1e-0000-8000-8000-000000000002"
    status, answer = admin.post(PATH, {"documents": [transcript, second], "options": options(ministry, created=CREATED)})
    assert status == 200, answer
    secured = answer["securedDocuments"]
    assert [d["id"] for d in secured] == [transcript["id"], second["id"]]
    for document, original in zip(secured, (transcript, second), strict=True):
        assert {k: v for k, v in document.items() if k != "proof"} == original
        status, single = admin.add_proof(original, **options(ministry, created=CREATED))
        assert status == 200 and single["securedDocument"]["proof"] == document["proof"]
        result = ministry.verifier().verify(document)
        assert result.verified, result.to_dict()


def test_the_admin_client_signs_batches(ministry: Any, agent: tuple[Admin, dict[str, Any]]) -> None:
    _, transcript = agent
    secured = ministry.client.add_data_integrity_proofs(
        [transcript] * 3, cryptosuite="eddsa-rdfc-2022", verification_method=ministry.identity.verification_method
    )
    assert len(secured) == 3 and all(ministry.verifier().verify(d).verified for d in secured)


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda d: d.update(nickname="x"), "jsonld.invalid"),  # an undefined term
        (lambda d: d.update(id="not-a-url"), "jsonld.invalid"),  # a relative IRI
        (lambda d: d["credentialSubject"].update(id="holder"), "jsonld.invalid"),
        (lambda d: d.update(issuer="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"), "di.key_relationship"),
        (lambda d: d.update(proof={}), "di.document"),
    ],
)
def test_one_bad_document_refuses_the_batch_naming_it(ministry: Any, agent: tuple[Admin, dict[str, Any]], tamper: Any, code: str) -> None:
    admin, transcript = agent
    bad = copy.deepcopy(transcript)
    tamper(bad)
    status, answer = admin.post(PATH, {"documents": [transcript, transcript, bad], "options": options(ministry)})
    assert status == 400 and answer["code"] == code, answer
    assert "documents[2]" in answer["message"], answer
    with pytest.raises(AgentRequestError) as raised:
        ministry.client.add_data_integrity_proofs([bad], cryptosuite="eddsa-rdfc-2022", verification_method=ministry.identity.verification_method)
    assert raised.value.status == 400


@pytest.mark.parametrize(
    "body",
    [
        {"documents": [], "options": {}},
        {"documents": {}, "options": {}},
        {"document": {}, "options": {}},
        {"documents": [{}] * 257, "options": {}},
    ],
)
def test_malformed_batches_are_clean_400s(ministry: Any, agent: tuple[Admin, dict[str, Any]], body: dict[str, Any]) -> None:
    admin, _ = agent
    if body.get("options") == {}:
        body = {**body, "options": options(ministry)}
    status, answer = admin.post(PATH, body)
    assert status == 400 and answer["code"] == "di.request", answer


def test_the_batch_route_needs_the_admin_api_key(ministry: Any, agent: tuple[Admin, dict[str, Any]]) -> None:
    _, transcript = agent
    response = requests.post(ministry.agent.admin_url + PATH, json={"documents": [transcript], "options": options(ministry)}, timeout=30)
    assert response.status_code == 401
