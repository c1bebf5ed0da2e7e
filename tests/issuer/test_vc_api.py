"""The VC API issuer (``POST /credentials/issue``) on a real waitress server on 127.0.0.1, signing
through the real agent with the ministry's did:web; every credential checked by the project's
verifier. Bad input is a problem+json 400/422 with a stable code, never a 500."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shahada.issuer.api import AgentCredentialSigner, IssuerService, create_app
from shahada.issuer.api.server import IssuerServer
from shahada.verifier.verify import verify_credential
from tests.issuer.di_support import sample_transcript
from tests.support.attacks import poison_graph

pytestmark = pytest.mark.agent
POISON_IRI = "urn:example:related"  # not relatedResource, which the data model checks first
TOKEN = "vc-api-test-token-0123456789abcdef"


class Client:
    def __init__(self, url: str, token: str | None = TOKEN) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.trust_env = False
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def issue(self, body: Any = None, *, raw: bytes | None = None, headers: dict[str, str] | None = None) -> requests.Response:
        if raw is not None:
            return self.session.post(self.url + "/credentials/issue", data=raw, headers={"Content-Type": "application/json", **(headers or {})}, timeout=60)
        return self.session.post(self.url + "/credentials/issue", json=body, headers=headers, timeout=60)


def make_service(ministry: Any, **overrides: Any) -> IssuerService:
    fields: dict[str, Any] = {
        "signer": AgentCredentialSigner(ministry.client, ministry.identity.vc_api_method),
        "issuer_did": ministry.identity.did,
        "verification_method": ministry.identity.vc_api_method,
        "loader": ministry.loader,
        "token": TOKEN,
        "default_suite": ministry.settings.proof_type,
    }
    fields.update(overrides)
    return IssuerService(**fields)


@pytest.fixture(scope="module")
def server(ministry: Any) -> Iterator[IssuerServer]:
    running = IssuerServer(create_app(make_service(ministry)), host="127.0.0.1", port=0).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def client(server: IssuerServer) -> Client:
    return Client(server.url)


@pytest.fixture(scope="module")
def credential(ministry: Any) -> dict[str, Any]:
    """A generic credential: the service refuses the ministry's own types (issue 17)."""
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
            "issuer": {"id": ministry.identity.did, "name": "Ministère"}, "validFrom": "2025-07-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:alice"}}


def test_issue_returns_201_with_a_credential_the_verifier_accepts(ministry: Any, client: Client, credential: dict[str, Any]) -> None:
    response = client.issue({"credential": credential})
    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"] == "application/json"
    vc = response.json()["verifiableCredential"]
    assert vc["proof"]["type"] == "DataIntegrityProof" and vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["proof"]["verificationMethod"] == ministry.identity.vc_api_method == f"{ministry.identity.did}#vc-api-1"
    assert {k: v for k, v in vc.items() if k != "proof"} == credential
    result = ministry.verifier().verify(vc)
    assert result.verified, result.to_dict()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"cryptosuite": "eddsa-rdfc-2022"}, ("DataIntegrityProof", "eddsa-rdfc-2022")),
        ({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}, ("DataIntegrityProof", "eddsa-jcs-2022")),
        ({"type": "Ed25519Signature2020"}, ("Ed25519Signature2020", None)),
        ({"cryptosuite": "eddsa-rdfc-2022", "created": "2025-07-01T10:00:00Z", "proofPurpose": "assertionMethod"}, ("DataIntegrityProof", "eddsa-rdfc-2022")),
    ],
)
def test_options_select_the_proof(ministry: Any, client: Client, credential: dict[str, Any], options: dict[str, Any], expected: tuple[str, str | None]) -> None:
    response = client.issue({"credential": credential, "options": {**options, "verificationMethod": ministry.identity.vc_api_method}})
    assert response.status_code == 201, response.text
    proof = response.json()["verifiableCredential"]["proof"]
    assert (proof["type"], proof.get("cryptosuite")) == expected
    if "created" in options:
        assert proof["created"] == options["created"]
    assert ministry.verifier().verify(response.json()["verifiableCredential"]).verified


def generic(issuer: str, version: str = "v2") -> dict[str, Any]:
    """A credential of no ministry type, as the W3C suites send them."""
    if version == "v1":
        return {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"], "issuer": issuer,
                "issuanceDate": "2025-07-01T00:00:00Z", "credentialSubject": {"id": "did:example:alice"}}
    return {"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential", "ExampleCredential"], "issuer": issuer, "validFrom": "2025-07-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:alice", "degree": {"type": "ExampleBachelorDegree", "name": "B.Sc."}}}


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_vc_1_1_credential_gets_the_data_integrity_context(ministry: Any, client: Client, cryptosuite: str) -> None:
    response = client.issue({"credential": generic(ministry.identity.did, "v1"), "options": {"cryptosuite": cryptosuite}})
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["@context"] == ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"]
    assert vc["proof"]["cryptosuite"] == cryptosuite
    signature = {c.name: c.outcome for c in ministry.verifier().verify(vc).checks}["signature"]
    assert signature == "passed"


def test_the_examples_context_and_embedded_contexts_are_accepted(ministry: Any, client: Client) -> None:
    credential = generic(ministry.identity.did)
    credential["@context"].append({"nickname": "https://example.org/vocab#nickname"})
    credential["credentialSubject"]["nickname"] = "Ali"
    response = client.issue({"credential": credential})
    assert response.status_code == 201, response.text
    installation = ministry.verifier()
    result = verify_credential(
        response.json()["verifiableCredential"], document_loader=installation.loader, resolver=installation.resolver,
        trusted_issuers=installation.trusted_issuers, now=dt.datetime.now(dt.UTC), embedded_contexts=True,
    )  # as the VC API verifier does (the CLI keeps refusing embedded contexts)
    assert result.verified, result.to_dict()


def test_without_or_with_a_wrong_token_it_is_401(server: IssuerServer, credential: dict[str, Any]) -> None:
    for token, code in ((None, "auth.required"), ("not-the-token", "auth.invalid"), ("", "auth.required")):
        response = Client(server.url, token).issue({"credential": credential})
        assert response.status_code == 401, token
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["code"] == code
    basic = Client(server.url, None).issue({"credential": credential}, headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401


def cases(ministry: Any, credential: dict[str, Any]) -> list[tuple[str, Any, int, str]]:
    deep: Any = {}
    for _ in range(200):
        deep = {"a": deep}
    other = ministry.client.create_did("key", {"key_type": "ed25519"}).did
    no_type = {k: v for k, v in credential.items() if k != "type"}
    transcript = sample_transcript(ministry.identity.did)
    from shahada.schemas.credential import BACCALAUREATE_CONTEXT
    return [
        # the ministry's types and contexts: no diploma-signing oracle (issue 17)
        ("a transcript", {"credential": transcript}, 422, "credential.type_reserved"),
        ("a diploma type", {"credential": {**transcript, "type": ["VerifiableCredential", "BaccalaureateDiploma"]}}, 422, "credential.type_reserved"),
        ("the diploma type as a string", {"credential": {**credential, "type": "BaccalaureateDiploma"}}, 422, "credential.malformed"),
        ("the baccalaureate context", {"credential": {**credential, "@context": [*credential["@context"], BACCALAUREATE_CONTEXT]}}, 422, "credential.type_reserved"),
        ("not an object", [credential], 400, "request.invalid"),
        ("missing credential", {"options": {}}, 400, "request.credential_missing"),
        ("credential not an object", {"credential": "vc"}, 400, "request.invalid"),
        ("unknown member", {"credential": credential, "extra": True}, 400, "request.invalid"),
        ("options not an object", {"credential": credential, "options": []}, 400, "request.invalid"),
        ("unknown option", {"credential": credential, "options": {"challenge": "abc"}}, 400, "request.option_unknown"),
        ("unsupported cryptosuite", {"credential": credential, "options": {"cryptosuite": "ecdsa-rdfc-2019"}}, 400, "request.cryptosuite_unsupported"),
        ("unsupported type", {"credential": credential, "options": {"type": "BbsBlsSignature2020"}}, 400, "request.cryptosuite_unsupported"),
        ("DataIntegrityProof without cryptosuite", {"credential": credential, "options": {"type": "DataIntegrityProof"}}, 400, "request.option_invalid"),
        ("cryptosuite with another type", {"credential": credential, "options": {"type": "Ed25519Signature2020", "cryptosuite": "eddsa-rdfc-2022"}}, 400, "request.option_invalid"),
        ("bad created", {"credential": credential, "options": {"created": "tomorrow"}}, 400, "request.option_invalid"),
        ("created with Ed25519Signature2020", {"credential": credential, "options": {"type": "Ed25519Signature2020", "created": "2025-07-01T10:00:00Z"}}, 400, "request.option_invalid"),
        ("another key", {"credential": credential, "options": {"verificationMethod": f"{other}#{other.removeprefix('did:key:')}"}}, 400, "request.option_invalid"),
        ("authentication purpose", {"credential": credential, "options": {"proofPurpose": "authentication"}}, 400, "request.option_invalid"),
        ("undefined term", {"credential": {**credential, "honours": "summa cum laude"}}, 422, "jsonld.invalid"),
        ("undefined term in the subject", {"credential": {**credential, "credentialSubject": {**credential["credentialSubject"], "nickname": "x"}}}, 422, "jsonld.invalid"),
        ("unpinned context", {"credential": {**credential, "@context": [*credential["@context"], "https://contexts.invalid/v1"]}}, 422, "context.unknown"),
        # an embedded context object needs no fetch and is accepted; a URL inside it is refused unfetched
        ("embedded context naming an unpinned one", {"credential": {**credential, "@context": [*credential["@context"], {"@import": "https://contexts.invalid/v1"}]}}, 422, "jsonld.invalid"),
        ("validFrom without time zone", {"credential": {**credential, "validFrom": "2025-07-01T00:00:00"}}, 422, "credential.date"),
        ("validUntil not a date", {"credential": {**credential, "validUntil": "2026-13-01T00:00:00Z"}}, 422, "credential.date"),
        ("credentialStatus without type", {"credential": {**credential, "credentialStatus": {"id": "https://example.org/status/1"}}}, 422, "credential.type_missing"),
        ("credentialSchema without type", {"credential": {**credential, "credentialSchema": [{"id": "https://example.org/s.json"}]}}, 422, "credential.type_missing"),
        ("credentialSchema without id", {"credential": {**credential, "credentialSchema": {"type": "JsonSchema"}}}, 422, "credential.id"),
        ("refreshService without type", {"credential": {**credential, "refreshService": {"id": "https://example.org/r"}}}, 422, "credential.type_missing"),
        ("termsOfUse without type", {"credential": {**credential, "termsOfUse": [{"id": "https://example.org/t"}]}}, 422, "credential.type_missing"),
        ("evidence without type", {"credential": {**credential, "evidence": {"id": "https://example.org/e"}}}, 422, "credential.type_missing"),
        ("relatedResource strings", {"credential": {**credential, "relatedResource": ["https://example.org/r"]}}, 422, "credential.related_resource"),
        ("relatedResource without digest", {"credential": {**credential, "relatedResource": [{"id": "https://example.org/r"}]}}, 422, "credential.related_resource"),
        ("relatedResource twice", {"credential": {**credential, "relatedResource": [{"id": "https://example.org/r", "digestSRI": "sha384-x"}] * 2}}, 422, "credential.related_resource"),
        ("issuer not the ministry", {"credential": {**credential, "issuer": {**credential["issuer"], "id": other}}}, 422, "credential.issuer"),
        ("no type", {"credential": no_type}, 422, "credential.malformed"),
        ("already signed", {"credential": {**credential, "proof": {"type": "DataIntegrityProof"}}}, 422, "credential.malformed"),
        ("nested too deep", {"credential": {**credential, "credentialSubject": {**credential["credentialSubject"], "x": deep}}}, 422, "credential.malformed"),
        ("poison graph (RDFC-1.0 §8)", {"credential": poison_graph(credential, under=POISON_IRI)}, 422, "jsonld.too_complex"),
        ("poison graph, signed by ACA-Py", {"credential": poison_graph(credential, under=POISON_IRI), "options": {"type": "Ed25519Signature2020"}}, 422, "jsonld.too_complex"),
        ("blank nodes as related resources", {"credential": poison_graph(credential)}, 422, "credential.related_resource"),
    ]


def test_bad_input_is_a_problem_with_a_stable_code(ministry: Any, client: Client, credential: dict[str, Any]) -> None:
    for label, body, status, code in cases(ministry, credential):
        response = client.issue(body)
        assert (response.status_code, response.json().get("code")) == (status, code), (label, response.text)
        problem = response.json()
        assert response.headers["Content-Type"] == "application/problem+json", label
        assert problem["status"] == status and problem["detail"] and problem["type"].endswith(code), label


@pytest.mark.parametrize("raw", [b"", b"{not json", b'{"credential": ', b"\xff\xfe\x00", b"[" * 50_000, b'{"credential": {"name": "\\ud800"}}'])
def test_malformed_json_is_400(client: Client, raw: bytes) -> None:
    response = client.issue(raw=raw)
    assert (response.status_code, response.json()["code"]) == (400, "request.json")


def test_http_errors_are_problems_too(server: IssuerServer, client: Client, credential: dict[str, Any]) -> None:
    assert client.session.get(server.url + "/credentials/issue", timeout=10).json()["code"] == "http.405"
    assert client.session.post(server.url + "/credentials/verify", json={}, timeout=10).json()["code"] == "http.404"
    huge = {"credential": {**credential, "description": "x" * (2 << 20)}}
    response = client.issue(huge)
    assert (response.status_code, response.json()["code"]) == (413, "http.413")


def test_the_agent_being_down_is_a_503(ministry: Any, credential: dict[str, Any]) -> None:
    from shahada.agent.admin import AdminClient
    from shahada.common.ports import free_port

    down = AdminClient(f"http://127.0.0.1:{free_port()}", "no-key", timeout=2)
    service = make_service(ministry, signer=AgentCredentialSigner(down, ministry.identity.vc_api_method))
    app = create_app(service)
    response = app.test_client().post("/credentials/issue", json={"credential": credential}, headers={"Authorization": f"Bearer {TOKEN}"})
    problem = response.get_json()
    assert problem is not None and (response.status_code, problem["code"]) == (503, "agent.unavailable")


def test_a_refusal_by_the_plugin_is_a_422_with_its_code(ministry: Any, credential: dict[str, Any]) -> None:
    # a kid bound under the ministry's DID that is not its published key: only the agent can tell
    kid = f"{ministry.identity.did}#key-vc-api-unpublished"
    ministry.client._json("POST", "/wallet/keys", json={"alg": "ed25519", "kid": kid})
    service = make_service(ministry, signer=AgentCredentialSigner(ministry.client, kid), verification_method=kid)
    response = create_app(service).test_client().post(
        "/credentials/issue", json={"credential": copy.deepcopy(credential)}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    problem = response.get_json()
    assert problem is not None and (response.status_code, problem["code"]) == (422, "di.key_relationship")


def test_the_did_document_publishes_the_vc_api_key_for_assertion_only(ministry: Any) -> None:
    """Issue 17: the VC API signs with its own key, a second key of the same wallet, published beside
    the diploma key: both under assertionMethod, only the diploma key under authentication."""
    from shahada.issuer.identity import ensure_did_web
    from shahada.issuer.site.app import did_document_path

    did = ministry.identity.did
    url = f"https://{ministry.settings.did_web_host}{did_document_path(did)}"
    served = requests.get(url, verify=str(ministry.tls.ca_cert), timeout=10).json()
    assert served == ministry.identity.did_document()
    assert [m["id"] for m in served["verificationMethod"]] == [f"{did}#key-1", f"{did}#vc-api-1"]
    assert served["assertionMethod"] == [f"{did}#key-1", f"{did}#vc-api-1"]
    assert served["authentication"] == [f"{did}#key-1"]
    keys = {m["publicKeyMultibase"] for m in served["verificationMethod"]}
    assert len(keys) == 2
    assert ensure_did_web(ministry.client, did) == ministry.identity  # created once: the same keys on every start


def test_the_plugins_key_route_creates_a_named_key_once_behind_the_api_key(ministry: Any) -> None:
    from shahada.did.key import public_key_from_multikey
    from tests.issuer.di_support import Admin

    admin = Admin(ministry.agent.admin_url, ministry.agent.api_key)
    kid = f"{ministry.identity.did}#key-route-test"
    status, first = admin.post("/shahada/keys", {"kid": kid})
    assert status == 200 and first["created"] is True and first["multikey"].startswith("z6Mk"), first
    assert admin.post("/shahada/keys", {"kid": kid}) == (200, {**first, "created": False})
    status, known = admin.post("/shahada/keys", {"kid": ministry.identity.vc_api_method})
    assert status == 200 and known["created"] is False
    assert public_key_from_multikey(known["multikey"]) == ministry.identity.vc_api_public_key
    assert admin.post("/shahada/keys", {"kid": "no-fragment"})[0] == 400
    assert admin.post("/shahada/keys", raw=b"not json")[0] == 400
    assert Admin(ministry.agent.admin_url, None).post("/shahada/keys", {"kid": kid})[0] == 401


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_transcript_signed_with_the_vc_api_key_is_refused_by_the_verifier(ministry: Any, suite: str) -> None:
    """The agent signs with #vc-api-1 (a published assertion key), but no verifier takes it for a
    diploma or transcript: only the diploma key #key-1 vouches for the ministry's types."""
    transcript = sample_transcript(ministry.identity.did)
    forged = ministry.client.add_data_integrity_proof(transcript, cryptosuite=suite, verification_method=ministry.identity.vc_api_method)
    result = ministry.verifier().verify(forged)
    assert not result.verified
    assert result.check("key").code == "key.not_for_type", result.to_dict()
    genuine = ministry.client.add_data_integrity_proof(transcript, cryptosuite=suite, verification_method=ministry.identity.verification_method)
    assert ministry.verifier().verify(genuine).verified


def test_exported_names() -> None:
    import shahada.issuer.api as web

    assert sorted(web.__all__) == [
        "AgentCredentialSigner",
        "BadRequestError",
        "IssuerAPIError",
        "IssuerService",
        "UnauthorizedError",
        "UnprocessableCredentialError",
        "create_app",
    ]
    for name in web.__all__:
        assert hasattr(web, name)
    # shahada.agent.plugin is imported only inside the agent: importing ACA-Py here would apply
    # nest_asyncio to the test process (see tests/verifier/verifier_support.py)
