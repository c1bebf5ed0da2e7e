"""Fuzzing the verifier service with hypothesis: thousands of malformed JSON documents, QR payloads
and uploads, through the real app (in-process client). No answer may be a 500, none may canonicalize
more than a presentation and its credential or hash blank nodes beyond linear work (counted, not
timed), every error is problem+json with a code, every 200 a verification result.

Besides random values, the strategies mutate genuine inputs (a signed credential, a presentation, a
seal, a QR photo) so that the fuzzing reaches the deep checks: canonicalization, signatures, COSE,
CBOR and the QR decoder. The attacks of issue 17 are fuzzed too: random graphs of blank nodes
(cliques, stars, rings, anything up to 14 nodes: RDFC-1.0 poison graphs) grafted onto the genuine
credential, and PDF draw-op bombs of random sizes against workers with a short timeout.
"""

from __future__ import annotations

import base64
import copy
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shahada.printing.qr import make_qr
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.text import seal_text
from shahada.verifier.workers import VerifierWorkers
from tests.support.attacks import draw_op_bomb_pdf
from tests.support.canonicalization import counting_canonicalization
from tests.support.local_sealer import LocalSealer
from tests.support.local_signer import LocalKey, sign_credential
from tests.support.presentations import make_presentation, sign_presentation
from tests.verifier.verifier_support import NOW, make_credential
from tests.verifier.web.conftest import CASES, SEAL_BASE, make_app, shared_workers

FUZZ = settings(max_examples=700, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
MAX_CANONICALIZATIONS = 4
slowest: list[float] = [0.0]


class Inputs:
    def __init__(self) -> None:
        self.loader = PinnedDocumentLoader()
        self.issuer, self.holder, self.sealer = LocalKey.from_seed(b"\x01" * 32), LocalKey.from_seed(b"\x02" * 32), LocalSealer()
        credential = make_credential(self.issuer.did_key)
        credential["credentialSubject"]["id"] = self.holder.did_key
        self.credential = sign_credential(credential, suite="eddsa-rdfc-2022", key=self.issuer, verification_method=self.issuer.did_key_vm, created=NOW, loader=self.loader)
        vp = make_presentation([self.credential], holder=self.holder.did_key)
        self.presentation = sign_presentation(vp, suite="eddsa-rdfc-2022", key=self.holder, created=NOW, loader=self.loader, challenge="c")
        diploma = json.loads((CASES / "option-fr" / "diploma.json").read_text(encoding="utf-8"))
        self.seal = seal_text(self.sealer.seal([SealContent.from_credential(diploma)])[0], SEAL_BASE)
        self.qr_png = make_qr(self.seal).png(scale=2)


INPUTS = Inputs()


@pytest.fixture(scope="module")
def client() -> Iterator[FlaskClient]:
    shared_workers().start(wait=60)  # a worker takes a second to start: not a fuzzed request's time
    app = make_app(INPUTS.issuer, INPUTS.sealer, INPUTS.loader, max_upload_bytes=256 * 1024)
    yield app.test_client()
    print(f"\nslowest fuzzed request: {slowest[0] * 1000:.0f} ms")


def send(client: FlaskClient, method: str, path: str, **kwargs: Any) -> Any:
    started = time.perf_counter()
    with counting_canonicalization() as work:
        response = client.open(path, method=method, **kwargs)
    slowest[0] = max(slowest[0], time.perf_counter() - started)
    body = response.get_data()
    assert response.status_code < 500, (path, response.status_code, body[:500])
    # the work is bounded, not timed: at most a presentation's proof and its credential's (each the
    # document and the proof's options), and N-degree hashing never beyond one per blank node
    assert work["runs"] <= MAX_CANONICALIZATIONS and work["n_degree"] <= work["first_degree"], (path, work)
    if response.status_code == 200 and response.mimetype == "application/json":
        result = json.loads(body)
        assert isinstance(result.get("verified", True), bool)
    elif response.mimetype == "application/problem+json":
        problem = json.loads(body)
        assert problem["status"] == response.status_code and problem["code"] and problem["detail"]
    return response


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=20), children, max_size=6),
    max_leaves=25,
)
keys = st.sampled_from(["@context", "type", "issuer", "id", "credentialSubject", "proof", "validFrom", "validUntil", "holder", "verifiableCredential", "name", "credentialSchema"])
proof_keys = st.sampled_from(["type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue", "challenge", "domain", "@context"])
interesting = st.sampled_from(
    ["", "did:key:z6Mk", "did:web:127.0.0.1%3A1", "https://www.w3.org/ns/credentials/v2", "VerifiableCredential", "DataIntegrityProof",
     "eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020", "authentication", "assertionMethod", "z" + "1" * 90, "2025-13-40T99:00:00Z", "\u202e", "../../etc/passwd"]
)


def mutate(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        target = changed
        if data.draw(st.booleans()) and isinstance(changed.get("proof"), dict):
            target, key = changed["proof"], data.draw(proof_keys)
        else:
            key = data.draw(keys)
        action = data.draw(st.sampled_from(["delete", "replace", "interesting"]))
        if action == "delete":
            target.pop(key, None)
        else:
            target[key] = data.draw(json_values if action == "replace" else interesting)
    return changed


@FUZZ
@given(data=st.data())
def test_credentials_and_presentations(client: FlaskClient, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["random", "credential", "presentation", "inside"]))
    if kind == "random":
        body: Any = data.draw(json_values)
        path = data.draw(st.sampled_from(["/credentials/verify", "/presentations/verify", "/seals/verify"]))
    elif kind == "credential":
        body = {"verifiableCredential": mutate(INPUTS.credential, data), "options": data.draw(st.sampled_from([{}, {"checks": ["proof"]}, {"x": 1}, []]))}
        path = "/credentials/verify"
    else:
        vp = mutate(INPUTS.presentation, data)
        if kind == "inside":
            vp = copy.deepcopy(INPUTS.presentation)
            vp["verifiableCredential"] = [mutate(INPUTS.credential, data)]
        options = data.draw(st.fixed_dictionaries({}, optional={"challenge": st.text(max_size=300) | st.integers(), "domain": st.text(max_size=10)}))
        body = {"verifiablePresentation": vp, "options": options}
        path = "/presentations/verify"
    send(client, "POST", path, data=json.dumps(body), content_type="application/json")


@FUZZ
@given(raw=st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_raw_bodies(client: FlaskClient, raw: bytes) -> None:
    for path in ("/credentials/verify", "/presentations/verify", "/challenges"):
        send(client, "POST", path, data=raw, content_type="application/json")


base32 = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz019=/#:% -", max_size=700)


@FUZZ
@given(data=st.data())
def test_qr_payloads(client: FlaskClient, data: st.DataObject) -> None:
    payload = INPUTS.seal.removeprefix(SEAL_BASE)
    how = data.draw(st.sampled_from(["random", "flip", "cut", "append", "rebase"]))
    if how == "random":
        text = data.draw(base32)
    elif how == "flip":
        i = data.draw(st.integers(0, len(payload) - 1))
        text = payload[:i] + data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")) + payload[i + 1 :]
    elif how == "cut":
        text = payload[: data.draw(st.integers(0, len(payload)))]
    elif how == "append":
        text = payload + data.draw(base32)
    else:  # a valid Base32 of random bytes: reaches the COSE and CBOR parsers
        text = base64.b32encode(data.draw(st.binary(max_size=400))).decode().rstrip("=")
    send(client, "POST", "/seals/verify", data=json.dumps({"seal": SEAL_BASE + text}), content_type="application/json")
    if text and "/" not in text and "#" not in text and "%" not in text and "?" not in text:
        send(client, "GET", "/V/" + text.replace(" ", "%20"))


MAGIC = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"{", b"", b"\xef\xbb\xbf"]


@settings(FUZZ, max_examples=400)
@given(data=st.data())
def test_uploads(client: FlaskClient, data: st.DataObject) -> None:
    how = data.draw(st.sampled_from(["magic", "png", "json"]))
    if how == "magic":
        upload = data.draw(st.sampled_from(MAGIC)) + data.draw(st.binary(max_size=3000))
    elif how == "png":  # a real QR photo with a few bytes changed
        changed = bytearray(INPUTS.qr_png)
        for _ in range(data.draw(st.integers(1, 4))):
            changed[data.draw(st.integers(0, len(changed) - 1))] = data.draw(st.integers(0, 255))
        upload = bytes(changed)
    else:
        upload = json.dumps(data.draw(json_values)).encode()
    send(client, "POST", "/documents/verify", data=upload, content_type="application/octet-stream")
    if data.draw(st.booleans()):
        import io

        send(client, "POST", "/verify", data={"file": (io.BytesIO(upload), "upload.bin")}, content_type="multipart/form-data")


@st.composite
def blank_node_graphs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """``relatedResource`` nodes ``_:b<i>`` linked by random edges (a poison graph when alike)."""
    n = draw(st.integers(1, 14))
    shape = draw(st.sampled_from(["clique", "star", "ring", "random"]))
    edges: dict[int, set[int]] = {i: set() for i in range(n)}
    for i in range(n):
        for j in range(n):
            linked = {"clique": i != j, "star": i == 0 and j != 0, "ring": j == (i + 1) % n and i != j}.get(shape)
            if linked is None:
                linked = i != j and draw(st.booleans())
            if linked:
                edges[i].add(j)
    predicates = draw(st.lists(st.sampled_from(["urn:example:a", "urn:example:b"]), min_size=1, max_size=2))
    return [
        {"id": f"_:b{i}", **{p: [{"id": f"_:b{j}"} for j in sorted(edges[i]) if hash((p, j)) % len(predicates) == predicates.index(p)] for p in predicates}}
        for i in range(n)
    ]


@settings(FUZZ, max_examples=150)
@given(graph=blank_node_graphs())
def test_poison_graphs(client: FlaskClient, graph: list[dict[str, Any]]) -> None:
    credential = copy.deepcopy(INPUTS.credential)
    credential["relatedResource"] = graph
    response = send(client, "POST", "/credentials/verify", data=json.dumps({"verifiableCredential": credential}), content_type="application/json")
    body = json.loads(response.get_data())
    assert response.status_code == 400 and body["verified"] is False  # a credential that does not verify: 400 (docs/conformance.md)
    assert [(e["check"], e["code"]) for e in body["errors"]] in ([("signature", "jsonld.too_complex")], [("signature", "signature.invalid")]), body["errors"]


@pytest.fixture(scope="module")
def bomb_workers() -> Iterator[VerifierWorkers]:
    workers = VerifierWorkers.create(INPUTS.loader, timeout=1.0, scan_nice=0)  # niced, the worker starved under load: 503
    workers.start(wait=60)
    yield workers
    workers.close()


@pytest.fixture(scope="module")
def bomb_client(bomb_workers: VerifierWorkers) -> FlaskClient:
    return make_app(INPUTS.issuer, INPUTS.sealer, INPUTS.loader, workers=bomb_workers).test_client()


@settings(FUZZ, max_examples=12)
@given(fills=st.integers(1, 60_000), pages=st.integers(1, 12), side=st.integers(50, 2300))
@example(fills=1, pages=1, side=2300)  # a page past the pixel limit: 413 scan.too_large, every run
def test_pdf_draw_op_bombs(bomb_client: FlaskClient, bomb_workers: VerifierWorkers, fills: int, pages: int, side: int) -> None:
    """Whatever the size, a PDF is answered: no QR code, too large, or stopped with its worker."""
    # the previous example's bomb killed its worker; its replacement (a new interpreter) can take
    # longer than the pool's 5 s grace on a loaded machine, and the request would get 503
    # service.busy: wait until the scan worker is up, as a service in use would have it
    bomb_workers.scans.start(wait=120)
    response = bomb_client.post("/documents/verify", data=draw_op_bomb_pdf(fills, pages=pages, width=side, height=side), content_type="application/pdf")
    problem = response.get_json()
    assert (response.status_code, problem["code"]) in {(422, "scan.no_code"), (413, "scan.too_large"), (422, "work.timeout"), (422, "work.failed")}, problem
