"""The native RDFC engine (pyoxigraph, shapes checked by pyld) computes the very bytes of the
reference engine (pyld, as first shipped) on every kind of document the project produces and on
generated ones, refuses what the reference refuses, before any signing, and stays bounded."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from shahada.common import jsontext
from shahada.proofs import SUITES, rdfc_native
from shahada.proofs.canonical import DEFAULT_RDFC_LIMITS, ENGINE_VARIABLE, default_engine, hash_data, jcs, rdf_canonize
from shahada.proofs.errors import CanonicalizationError, CanonicalizationLimitError
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.status.bitstring import Bitstring
from shahada.status.lists import list_credential
from tests.support.attacks import poison_graph
from tests.support.presentations import make_presentation

CASES = Path(__file__).resolve().parents[1] / "schemas" / "cases"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
BAC = "https://diplomes.men.gov.ma/contexts/baccalaureate/v1"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
ISSUER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


@pytest.fixture(scope="module")
def loader() -> PinnedDocumentLoader:
    return PinnedDocumentLoader()


@pytest.fixture
def native_runs(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many canonical forms the native engine produced (computed or remembered)."""
    runs: Counter[str] = Counter()
    computed, remembered = rdfc_native.canonical_nquads, rdfc_native.remembered

    def count_computed(dataset: Any) -> str:
        runs["computed"] += 1
        return computed(dataset)

    def count_remembered(canonical: bytes) -> bytes:
        runs["remembered"] += 1
        return remembered(canonical)

    monkeypatch.setattr(rdfc_native, "canonical_nquads", count_computed)
    monkeypatch.setattr(rdfc_native, "remembered", count_remembered)
    return runs


def same(document: dict[str, Any], loader: PinnedDocumentLoader) -> bytes:
    """Both engines' N-Quads, asserted equal (or both refusing with the same code)."""
    outcomes = []
    for engine in ("pyld", "native", "native"):  # the second native run meets a known shape
        try:
            outcomes.append(rdf_canonize(copy.deepcopy(document), loader, engine=engine))
        except CanonicalizationError as err:
            outcomes.append(err.code)
    assert outcomes[0] == outcomes[1] == outcomes[2], (document, outcomes)
    return outcomes[0] if isinstance(outcomes[0], bytes) else b""


def session_documents() -> list[dict[str, Any]]:
    """Every credential a synthetic PV yields (both sessions, diplomas and transcripts), a
    rectified revision of one, and the status lists and proof configurations that go with them."""
    from shahada.issuer.issuance import CredentialPlanner
    from shahada.issuer.pv.reader import read_pv
    from shahada.issuer.pv.synthetic import generate_records, write_csv
    from shahada.issuer.rectification import at_revision
    from shahada.schemas.credential import MINISTRY_NAME, IssuerProfile
    from shahada.schemas.reference import bundled_reference

    reference = bundled_reference()
    pv = Path(tempfile.mkdtemp()) / "pv.csv"
    write_csv(generate_records(60, seed=11, reference=reference, year=2025, rattrapage_share=0.3), pv)
    records = read_pv(pv, reference=reference, year=2025, build=False)
    planner = CredentialPlanner(
        year=2025, issuer=IssuerProfile(did=ISSUER, name=MINISTRY_NAME), issued_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
        secret=b"s" * 32, reference=reference, proof_type="eddsa-rdfc-2022",
    )
    planned = planner.plan(records)
    planner.check("PV")
    documents = [p.document for p in planned]
    documents.append(at_revision(planned[0], 1, year=2025, secret=b"s" * 32).document)
    return documents


@pytest.fixture(scope="module")
def session() -> list[dict[str, Any]]:
    return session_documents()


def test_every_issued_credential_kind_is_canonicalized_natively_to_the_reference_bytes(
    session: list[dict[str, Any]], loader: PinnedDocumentLoader, native_runs: Counter[str]
) -> None:
    kinds = Counter((d["type"][1], d["credentialSubject"]["session"]["code"]) for d in session)
    assert {k for k, _ in kinds} == {"BaccalaureateDiploma", "BaccalaureateTranscript"}
    assert {s for _, s in kinds} == {"normale", "rattrapage"}, kinds
    for document in session:
        assert same(document, loader)
    assert native_runs["computed"] == 2 * len(session)  # no fallback: every one went the native way


def test_the_case_files_and_their_proof_configurations(loader: PinnedDocumentLoader, native_runs: Counter[str]) -> None:
    suite = SUITES["eddsa-rdfc-2022"]
    for path in sorted(CASES.glob("*/*.json")):
        if path.name == "input.json":
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        assert same(document, loader)
        options = suite.proof_options(document, verification_method=f"{ISSUER}#{ISSUER[8:]}", created="2025-07-01T10:00:00Z")
        config = {**options, "@context": document["@context"]}
        reference = hash_data(same(config, loader), same(document, loader))
        assert suite.signing_input(document, options, loader) == reference
    assert native_runs["remembered"] > 0  # the same proof configuration is canonicalized once


def test_status_lists_presentations_and_vc_api_credentials(session: list[dict[str, Any]], loader: PinnedDocumentLoader) -> None:
    bits = Bitstring()
    bits.set(7, True) if hasattr(bits, "set") else None
    for purpose in ("revocation", "suspension"):
        status_list = list_credential(
            url=f"https://diplomes.men.gov.ma/status/{purpose}/1", issuer=ISSUER, purpose=purpose, bits=bits,  # type: ignore[arg-type]
            valid_from=dt.datetime(2025, 7, 1, tzinfo=dt.UTC), valid_until=dt.datetime(2025, 7, 31, tzinfo=dt.UTC),
        )
        assert same(status_list, loader)
    assert same(make_presentation(session[:2], holder=ISSUER), loader)
    vc_api = {
        "@context": [VC_V2, EXAMPLES],
        "id": "urn:uuid:1e2b4a5c-0c1d-4e5f-8a9b-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    if EXAMPLES in loader.urls:
        assert same(vc_api, loader)
    vc_api["@context"] = [VC_V2]
    vc_api["type"] = ["VerifiableCredential"]
    vc_api["credentialSubject"] = {"id": "did:example:abcdefgh", "name": "Example"}
    assert same(vc_api, loader)


def directional(values: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": [VC_V2, BAC],
        "id": "urn:uuid:2e2b4a5c-0c1d-4e5f-8a9b-0c1d2e3f4a5b",
        "type": ["VerifiableCredential"],
        "issuer": {"id": ISSUER, "name": values},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh"},
    }


@pytest.mark.parametrize(
    "values",
    [
        [{"@value": "الممكلة", "@language": "ar", "@direction": "rtl"}],
        [{"@value": "Royaume", "@language": "fr", "@direction": "ltr"}, {"@value": "المملكة", "@language": "AR-ma", "@direction": "rtl"}],
        [{"@value": "بلا لغة", "@direction": "rtl"}],  # a direction without a language: pyoxigraph would drop it
        [{"@value": "x", "@language": "ar", "@direction": None}],
        [{"@value": "mal formée", "@language": "not a tag", "@direction": "rtl"}],  # pyoxigraph drops a malformed tag
        [{"@value": "x", "@language": "ar", "@direction": "up"}],  # not a direction: refused by both
    ],
)
def test_text_direction_is_the_i18n_datatype_as_with_pyld(values: list[dict[str, Any]], loader: PinnedDocumentLoader) -> None:
    nquads = same(directional(values), loader).decode()
    for value in values:
        if value.get("@direction") in ("ltr", "rtl") and " " not in value.get("@language", ""):
            assert f"^^<https://www.w3.org/ns/i18n#{value.get('@language', '').lower()}_{value['@direction']}>" in nquads


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.update(undefinedTerm="x"),
        lambda d: d["credentialSubject"].update(nickname="x"),
        lambda d: d.update(id="relative-id"),
        lambda d: d["issuer"].update(id="ministry"),
        lambda d: d.update(type=["VerifiableCredential", "UndefinedType"]),
        lambda d: d["credentialSubject"].update(id="holder"),
    ],
    ids=["term", "nested-term", "relative-id", "relative-issuer", "undefined-type", "relative-subject"],
)
def test_undefined_terms_and_relative_iris_are_refused_even_when_the_shape_is_known(
    tamper: Any, session: list[dict[str, Any]], loader: PinnedDocumentLoader
) -> None:
    genuine = session[0]
    rdf_canonize(genuine, loader)  # the genuine shape is now known
    tampered = copy.deepcopy(genuine)
    tamper(tampered)
    for engine in ("native", "pyld"):
        with pytest.raises(CanonicalizationError) as raised:
            rdf_canonize(tampered, loader, engine=engine)
        assert raised.value.code == "jsonld.invalid"


def test_what_pyoxigraph_would_drop_is_canonicalized_by_the_reference(
    session: list[dict[str, Any]], loader: PinnedDocumentLoader, native_runs: Counter[str]
) -> None:
    """A malformed IRI where an IRI is expected: pyld keeps it, and so does pyoxigraph's lenient
    parser (the strict one drops the quad silently, which the shape's quad count would catch).
    White space in an IRI makes it relative for pyld: refused by both."""
    document = copy.deepcopy(session[0])
    rdf_canonize(document, loader)
    document["issuer"]["id"] = "did:web:bad<host>{name}"
    assert b"<did:web:bad<host>{name}>" in same(document, loader)
    document["id"] = "urn:uuid:^`|"
    assert b"<urn:uuid:^`|>" in same(document, loader)
    document["issuer"]["id"] = "did:web:bad host"
    with pytest.raises(CanonicalizationError):
        rdf_canonize(document, loader)


def test_limits_still_bound_the_native_engine(session: list[dict[str, Any]], loader: PinnedDocumentLoader) -> None:
    transcript = next(d for d in session if "BaccalaureateTranscript" in d["type"])
    with pytest.raises(CanonicalizationLimitError):
        rdf_canonize(transcript, loader, limits=DEFAULT_RDFC_LIMITS.__class__(max_blank_nodes=3))
    for n in (2, 3, 8):
        with pytest.raises(CanonicalizationLimitError):
            rdf_canonize(poison_graph(transcript, n), loader, engine="native")


def test_the_engine_is_chosen_by_a_setting() -> None:
    assert default_engine({}) == "native"
    assert default_engine({ENGINE_VARIABLE: "pyld"}) == "pyld"
    with pytest.raises(CanonicalizationError):
        default_engine({ENGINE_VARIABLE: "fast"})


# --- generated documents and graphs ---------------------------------------------------------------

# no control characters but tab, line feed and carriage return: pyld writes the others as they are,
# rdf-canonize and pyoxigraph escape them (tests/interop/test_native_rdfc.py)
TEXT = "aZ09 é\"\\\n\r\t\u2028\u0627\u064e\U0001f600:/#<>{}"


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(TEXT) for _ in range(rng.randint(0, 10)))


def random_value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if roll < 0.25:
        return random_text(rng)
    if roll < 0.35:
        return rng.choice([rng.randint(-(2**60), 2**60), rng.randint(-100, 100), 10**22, -(10**25), rng.uniform(-1e30, 1e30), round(rng.uniform(0, 20), 2), 0.0, 1e21, 1e-7, True, False])
    if roll < 0.5:
        language = rng.choice(["fr", "ar", "AR", "en-GB", "zh-Hant-TW"])
        value: dict[str, Any] = {"@value": random_text(rng), "@language": language}
        if rng.random() < 0.5:
            value["@direction"] = rng.choice(["ltr", "rtl"])
        return value
    if roll < 0.6:
        return rng.choice(["https://example.org/" + random_text(rng).replace(" ", ""), "urn:uuid:" + str(rng.getrandbits(64)), "did:web:x%3A8443", "relative"])
    if roll < 0.8 and depth < 4:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 4:
        node: dict[str, Any] = {}
        if rng.random() < 0.3:
            node["id"] = rng.choice(["urn:uuid:" + str(rng.getrandbits(32)), "_:b" + str(rng.randint(0, 3)), "https://example.org/n"])
        for _ in range(rng.randint(0, 4)):
            node[rng.choice(TERMS)] = random_value(rng, depth + 1)
        return node
    return random_text(rng)


# terms of the credentials v2 and baccalaureate contexts, plain and IRI-typed ones, and an undefined one
TERMS = ["name", "description", "credentialSubject", "code", "result", "mark", "session", "year", "issuer", "id", "type", "validFrom", "https://example.org/p", "ex:unknown", "notDefined"]


def generated_documents(count: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for _ in range(count):
        document: dict[str, Any] = {"@context": [VC_V2, BAC], "type": ["VerifiableCredential"], "issuer": ISSUER}
        for _ in range(rng.randint(1, 6)):
            document[rng.choice(TERMS[:12])] = random_value(rng, 0)
        yield document


def test_generated_documents_give_the_reference_bytes_or_the_reference_refusal(loader: PinnedDocumentLoader, native_runs: Counter[str]) -> None:
    outcomes: Counter[str] = Counter()
    for document in generated_documents(400, seed=5):
        outcomes["accepted" if same(document, loader) else "refused"] += 1
    assert outcomes["accepted"] > 50 and outcomes["refused"] > 50, outcomes
    assert native_runs["computed"] > 50


def test_blank_node_partition_finds_the_graphs_that_need_hash_n_degree_quads() -> None:
    import pyoxigraph as ox

    def partition(text: str) -> tuple[int, bool]:
        return rdfc_native.blank_node_partition(ox.Dataset(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS)))

    assert partition('_:a <http://e/p> "1" .\n_:b <http://e/p> "2" .\n') == (2, True)
    assert partition('_:a <http://e/p> _:b .\n_:b <http://e/p> _:a .\n') == (2, False)
    assert partition('<http://e/s> <http://e/p> _:a .\n<http://e/s> <http://e/p> _:b .\n') == (2, False)


# --- JCS and JSON text ----------------------------------------------------------------------------------


def test_jcs_is_rfc8785_byte_for_byte(session: list[dict[str, Any]]) -> None:
    rng = random.Random(2)
    for document in session:
        assert jcs(document) == rfc8785.dumps(document)
    for _ in range(5000):
        value = random_value(rng, 0)
        value = {random_text(rng): value, "\U0001f600k": 1, "\uffffk": 2} if rng.random() < 0.2 else value
        try:
            expected: bytes | None = rfc8785.dumps(value)
        except (rfc8785.CanonicalizationError, ValueError):
            expected = None
        try:
            got: bytes | None = jcs(value)
        except CanonicalizationError:
            got = None
        assert got == expected, value


def test_json_text_with_a_lone_surrogate_is_still_refused() -> None:
    for raw in (b'{"a": "\\ud800"}', b'{"a": "\\uDFFF"}', '{"a": "\\ud800"}'.encode("utf-16"), '{"a": "\\ud800"}'.encode("utf-16-le")):
        with pytest.raises(jsontext.NotUnicodeError):
            jsontext.loads(raw)
    assert jsontext.loads(b'{"a": "\\ud83d\\ude00", "b": "\\\\ud800"}') == {"a": "\U0001f600", "b": "\\ud800"}
