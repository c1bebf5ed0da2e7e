"""The baccalaureate JSON-LD context with the real pinned contexts, pyld and ACA-Py's own code.

Checks that no term is lost on the way to RDF (so signing cannot silently skip a claim), that
protected terms hold, that canonicalization (RDFC-1.0 / URDNA2015) runs offline with few blank
nodes, and that ACA-Py's ``/vc/credentials/issue`` path (structure check, "attributes dropped"
check, Ed25519Signature2020) accepts the credentials and verifies them.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import base58
import pytest
from acapy_agent.vc.ld_proofs import (
    Ed25519Signature2020,
    KeyPair,
    get_properties_without_context,
)
from acapy_agent.vc.ld_proofs.document_downloader import StaticCacheJsonLdDownloader
from acapy_agent.vc.vc_ld.issue import issue
from acapy_agent.vc.vc_ld.models.credential import VerifiableCredential
from acapy_agent.vc.vc_ld.verify import verify_credential
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pyld import jsonld

from shahada.schemas.credential import BACCALAUREATE_CONTEXT, CREDENTIALS_V2_CONTEXT
from shahada.schemas.errors import UnknownContextError
from shahada.schemas.jsonschema import validate_credential
from shahada.schemas.loader import PinnedDocumentLoader, read_manifest
from tests.schemas.conftest import CASES

VOCAB = "https://diplomes.men.gov.ma/vocab#"
SCHEMA_ORG = "https://schema.org/"
OB3 = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
XSD = "http://www.w3.org/2001/XMLSchema#"
CRED = "https://www.w3.org/2018/credentials#"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
CREDENTIAL_SUBJECT = CRED + "credentialSubject"
REUSED = {  # terms whose meaning schema.org or Open Badges 3.0 already names
    "name": SCHEMA_ORG + "name",
    "description": SCHEMA_ORG + "description",
    "familyName": SCHEMA_ORG + "familyName",
    "givenName": SCHEMA_ORG + "givenName",
    "birthDate": SCHEMA_ORG + "birthDate",
    "birthPlace": SCHEMA_ORG + "birthPlace",
    "code": SCHEMA_ORG + "termCode",
    "mark": SCHEMA_ORG + "value",
    "result": OB3 + "result",
}


def our_context(loader: PinnedDocumentLoader) -> dict[str, Any]:
    document: dict[str, Any] = loader.document(BACCALAUREATE_CONTEXT)["@context"]
    return document


def term_iri(definition: str | dict[str, Any]) -> str:
    return definition if isinstance(definition, str) else definition["@id"]


# --- helpers: nothing may vanish between JSON and RDF ---------------------------------------------


def expand(document: dict[str, Any], loader: Callable[..., Any]) -> list[dict[str, Any]]:
    """Expand, failing on any dropped property (pyld 3 has no "safe" mode: this is its hook)."""
    dropped: list[str | None] = []
    expanded: list[dict[str, Any]] = jsonld.expand(document, {"documentLoader": loader}, on_property_dropped=dropped.append)
    assert dropped == [], f"properties dropped by expansion: {dropped}"
    return expanded


def subject_triples(document: dict[str, Any], loader: Callable[..., Any]) -> Counter[tuple[str, str, str | None]]:
    """(predicate, literal or "node", language) of every triple under the credential subject."""
    triples = jsonld.to_rdf(document, {"documentLoader": loader})["@default"]
    (root,) = [t["object"]["value"] for t in triples if t["predicate"]["value"] == CREDENTIAL_SUBJECT]
    found: Counter[tuple[str, str, str | None]] = Counter()
    frontier, seen = [root], {root}
    while frontier:
        node = frontier.pop()
        for triple in triples:
            if triple["subject"]["value"] != node:
                continue
            obj, predicate = triple["object"], triple["predicate"]["value"]
            if obj["type"] == "literal":
                found[(predicate, obj["value"], obj.get("language"))] += 1
            else:
                found[(predicate, "node", None)] += 1
                if obj["value"] not in seen:
                    seen.add(obj["value"])
                    frontier.append(obj["value"])
    return found


def compact_leaves(node: Any, terms: dict[str, str]) -> Counter[tuple[str, str, str | None]]:
    """The same multiset, read from the JSON document with the context file as the only oracle."""
    found: Counter[tuple[str, str, str | None]] = Counter()
    for key, value in node.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "@value" in item:
                found[(terms[key], item["@value"], item["@language"])] += 1
            elif isinstance(item, dict):
                found[(terms[key], "node", None)] += 1
                found += compact_leaves(item, terms)
            else:
                found[(terms[key], str(item), None)] += 1
    return found


def assert_every_subject_field_has_a_triple(document: dict[str, Any], loader: PinnedDocumentLoader) -> None:
    expand(document, loader)
    terms = {term: term_iri(d) for term, d in our_context(loader).items() if not term.startswith("@")}
    expected = compact_leaves(document["credentialSubject"], terms)
    produced = subject_triples(document, loader)
    assert produced == expected, f"missing: {expected - produced}; unexpected: {produced - expected}"


def blank_nodes(nquads: str) -> set[str]:
    return set(re.findall(r"_:c14n[0-9]+", nquads))


def canonical(document: dict[str, Any], loader: Callable[..., Any]) -> str:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    nquads: str = jsonld.normalize(document, options)
    return nquads


# --- the context file ---------------------------------------------------------------------------------


def test_context_is_pinned_protected_and_versioned(loader: PinnedDocumentLoader) -> None:
    assert BACCALAUREATE_CONTEXT in read_manifest()
    context = our_context(loader)
    assert context["@version"] == 1.1 and context["@protected"] is True
    assert "@vocab" not in context and "@language" not in context  # undefined terms must fail, not map
    assert (context["id"], context["type"]) == ("@id", "@type")


def test_term_iris(loader: PinnedDocumentLoader) -> None:
    context = our_context(loader)
    for term, definition in context.items():
        if term.startswith("@") or term in ("id", "type"):
            continue
        iri = term_iri(definition)
        if term in REUSED:
            assert iri == REUSED[term], term
        else:
            assert iri == VOCAB + term, term
        if isinstance(definition, dict) and "@type" in definition:
            assert definition["@type"].startswith(XSD), term
    typed = {t: d["@type"].removeprefix(XSD) for t, d in context.items() if isinstance(d, dict) and "@type" in d}
    assert typed == {
        "birthDate": "date", "year": "integer", "coefficient": "integer", "mark": "decimal",
        "generalAverage": "decimal", "nationalAverage": "decimal", "regionalAverage": "decimal",
        "continuousAverage": "decimal",
    }  # fmt: skip


def test_shared_terms_match_the_credentials_context(loader: PinnedDocumentLoader) -> None:
    ours, v2 = our_context(loader), loader.document(CREDENTIALS_V2_CONTEXT)["@context"]
    for term in ("id", "type", "name", "description"):
        assert ours[term] == v2[term], term  # an identical redefinition is what @protected allows


def test_every_term_the_credentials_use_is_defined(case: Any, loader: PinnedDocumentLoader) -> None:
    defined = set(our_context(loader))

    def keys(node: Any) -> set[str]:
        if isinstance(node, dict):
            return {k for k in node if not k.startswith("@")}.union(*(keys(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(keys(v) for v in node))
        return set()

    for document in case.credentials().values():
        assert keys(document["credentialSubject"]) <= defined


# --- expansion, RDF, canonicalization -----------------------------------------------------------------


def test_no_term_is_lost(case: Any, loader: PinnedDocumentLoader) -> None:
    for document in case.credentials().values():
        assert_every_subject_field_has_a_triple(document, loader)


def test_the_helper_notices_a_lost_term(cases: dict[str, Any], loader: PinnedDocumentLoader) -> None:
    document = cases["option-fr"].build("transcript")
    document["credentialSubject"]["school"] = "Lycée Moulay Youssef"
    with pytest.raises(AssertionError, match="dropped"):
        expand(document, loader)
    document["credentialSubject"]["school"] = {"@value": "x", "@language": "fr"}
    with pytest.raises((AssertionError, KeyError)):
        assert_every_subject_field_has_a_triple(document, loader)


def test_arabic_direction_survives_expansion(case: Any, loader: PinnedDocumentLoader) -> None:
    def values(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, dict):
            return [node] if "@value" in node else [v for child in node.values() for v in values(child)]
        if isinstance(node, list):
            return [v for child in node for v in values(child)]
        return []

    for document in case.credentials().values():
        expanded = expand(document, loader)
        arabic = [v for v in values(expanded) if v.get("@language") == "ar"]
        french = [v for v in values(expanded) if v.get("@language") == "fr"]
        assert arabic and len(arabic) == len(french)
        assert all(v["@direction"] == "rtl" for v in arabic)
        assert not any("@direction" in v for v in french)


def test_typed_literals(fifteen: dict[str, Any], loader: PinnedDocumentLoader) -> None:
    nquads = canonical(fifteen, loader)
    assert f'"20.00"^^<{XSD}decimal>' in nquads and f'"0.00"^^<{XSD}decimal>' in nquads
    assert f'"2008-02-29"^^<{XSD}date>' in nquads
    assert f'"6"^^<{XSD}integer>' in nquads and f'"2026"^^<{XSD}integer>' in nquads
    assert "issuer-dependent" not in nquads


def test_canonicalization_is_offline_and_has_few_blank_nodes(fifteen: dict[str, Any], loader: PinnedDocumentLoader) -> None:
    asked: list[str] = []

    def recording(url: str, options: Any = None) -> dict[str, Any]:
        asked.append(url)
        return loader(url, options)

    jsonld._resolved_context_cache.clear()  # pyld's process-wide cache would hide the loads
    nquads = canonical(fifteen, recording)
    assert set(asked) == {CREDENTIALS_V2_CONTEXT, ED25519_2020, BACCALAUREATE_CONTEXT}
    subject = fifteen["credentialSubject"]
    results = len(subject["result"])
    coded = sum(k in subject for k in ("stream", "option", "session", "academy", "mention", "decision"))
    # One blank node for the subject (it has no id), one per coded value, one per result; the
    # credential, its issuer and its schema are IRIs. SGC has no option: 1 + 5 + 15 = 21. The
    # bound is 7 + n whatever the record (with an option, 22 for 15 subjects).
    assert len(blank_nodes(nquads)) == 1 + coded + results == 21
    assert len(blank_nodes(nquads)) <= 7 + results


ADMITTED = [case for case in CASES if case.record.admitted]  # only an admitted candidate gets a diploma


@pytest.mark.parametrize("admitted", ADMITTED, ids=[case.name for case in ADMITTED])
def test_diploma_blank_nodes(admitted: Any, loader: PinnedDocumentLoader) -> None:
    assert len(blank_nodes(canonical(admitted.build("diploma"), loader))) <= 6


def test_canonical_form_is_stable_under_json_reordering(fifteen: dict[str, Any], loader: PinnedDocumentLoader) -> None:
    shuffled = copy.deepcopy(fifteen)
    shuffled["credentialSubject"]["result"].reverse()
    shuffled["credentialSubject"] = dict(reversed(list(shuffled["credentialSubject"].items())))
    assert canonical(shuffled, loader) == canonical(fifteen, loader)


# --- protected terms and suite contexts -------------------------------------------------------------


def test_context_order_with_suite_contexts(cases: dict[str, Any], loader: PinnedDocumentLoader) -> None:
    document = cases["option-fr"].build("diploma", extra_contexts=())
    for contexts in (
        [CREDENTIALS_V2_CONTEXT, ED25519_2020, BACCALAUREATE_CONTEXT],  # how the issuer builds them
        [CREDENTIALS_V2_CONTEXT, BACCALAUREATE_CONTEXT, ED25519_2020],  # what ACA-Py appends if missing
        [CREDENTIALS_V2_CONTEXT, BACCALAUREATE_CONTEXT],
    ):
        assert_every_subject_field_has_a_triple({**document, "@context": contexts}, loader)


@pytest.mark.parametrize(
    "redefinition",
    [{"familyName": "https://example.org/surname"}, {"mark": {"@id": "https://schema.org/value"}}, {"name": "https://example.org/n"}],
)
def test_protected_terms_cannot_be_redefined(cases: dict[str, Any], loader: PinnedDocumentLoader, redefinition: dict[str, Any]) -> None:
    document = cases["option-fr"].build("diploma")
    document["@context"] = [*document["@context"], redefinition]
    with pytest.raises(jsonld.JsonLdError) as raised:
        jsonld.expand(document, {"documentLoader": loader})
    assert raised.value.code == "protected term redefinition"


def test_unknown_contexts_are_refused(cases: dict[str, Any], loader: PinnedDocumentLoader) -> None:
    document = cases["option-fr"].build("diploma")
    document["@context"] = [*document["@context"], "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    with pytest.raises(jsonld.JsonLdError) as raised:
        jsonld.expand(document, {"documentLoader": loader})
    chain, error = [], raised.value
    while error is not None:
        chain.append(error)
        error = error.__cause__
    assert any(isinstance(e, UnknownContextError) for e in chain)


# --- ACA-Py: the checks of POST /vc/credentials/issue -------------------------------------------------


def test_acapy_finds_no_dropped_attributes(case: Any, loader: PinnedDocumentLoader) -> None:
    for document in case.credentials().values():
        assert get_properties_without_context(document, loader) == []


def test_acapy_check_is_effective_with_our_loader(cases: dict[str, Any], loader: PinnedDocumentLoader) -> None:
    document = cases["option-fr"].build("transcript")
    document["credentialSubject"]["result"][0]["appreciation"] = "Très bien"
    assert get_properties_without_context(document, loader) == ["credentialSubject.result[0].appreciation"]


def test_acapy_model_round_trips_the_document(case: Any) -> None:
    for document in case.credentials().values():
        assert VerifiableCredential.deserialize(copy.deepcopy(document)).serialize() == document


class LocalKey(KeyPair):
    """An Ed25519 key in memory: ACA-Py's suite with a test key instead of the agent's wallet."""

    def __init__(self, private: Ed25519PrivateKey | None = None, public: bytes | None = None) -> None:
        self._private = private
        self._public = public if public is not None else private.public_key().public_bytes_raw() if private else None

    async def sign(self, message: list[bytes] | bytes) -> bytes:
        assert self._private is not None and isinstance(message, bytes)
        return self._private.sign(message)

    async def verify(self, message: list[bytes] | bytes, signature: bytes) -> bool:
        assert self._public is not None and isinstance(message, bytes)
        try:
            Ed25519PublicKey.from_public_bytes(self._public).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    @property
    def has_public_key(self) -> bool:
        return self._public is not None

    @property
    def public_key(self) -> bytes | None:
        return self._public

    def from_verification_method(self, verification_method: dict[str, Any]) -> LocalKey:
        # ACA-Py frames the method with the security v2 context, as its WalletKeyPair expects.
        multibase = verification_method["sec:publicKeyMultibase"]["@value"]
        return LocalKey(public=base58.b58decode(multibase.removeprefix("z"))[2:])


@pytest.fixture(scope="module")
def did_key() -> tuple[Ed25519PrivateKey, str, dict[str, Any]]:
    private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    fingerprint = "z" + base58.b58encode(b"\xed\x01" + private.public_key().public_bytes_raw()).decode()
    did = f"did:key:{fingerprint}"
    method = {"id": f"{did}#{fingerprint}", "type": "Ed25519VerificationKey2020", "controller": did, "publicKeyMultibase": fingerprint}
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", ED25519_2020],
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [method["id"]],
        "authentication": [method["id"]],
    }
    return private, did, document


def agent_like_loader(pinned: PinnedDocumentLoader, did_document: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """What the agent runs with (issuer/acapy_plugin): pinned files, then ACA-Py's bundled ones."""
    bundled = StaticCacheJsonLdDownloader().cache

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url.split("#")[0] == did_document["id"]:
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": did_document}
        if url in pinned.urls:
            return pinned(url, options)
        return dict(bundled[url])

    return load


def test_acapy_signs_and_verifies(case: Any, loader: PinnedDocumentLoader, did_key: tuple[Ed25519PrivateKey, str, dict[str, Any]]) -> None:
    private, did, did_document = did_key
    load = agent_like_loader(loader, did_document)
    method = did_document["verificationMethod"][0]["id"]
    for document in case.credentials().values():
        document = {**document, "issuer": {**document["issuer"], "id": did}}
        suite = Ed25519Signature2020(key_pair=LocalKey(private), verification_method=method, date=datetime(2025, 7, 15, 10, 0, tzinfo=UTC))
        signed = asyncio.run(issue(credential=copy.deepcopy(document), suite=suite, document_loader=load))
        assert {k: v for k, v in signed.items() if k != "proof"} == document
        assert validate_credential(signed) == []

        def verify(candidate: dict[str, Any]) -> bool:
            checker = Ed25519Signature2020(key_pair=LocalKey())
            result = asyncio.run(verify_credential(credential=candidate, suites=[checker], document_loader=load))
            return bool(result.verified)

        assert verify(signed)
        tampered = json.loads(json.dumps(signed).replace('"generalAverage": "', '"generalAverage": "1', 1))
        assert not verify(tampered)
        # Stock ACA-Py (no plugin here) canonicalizes without rdfDirection and drops @direction: its
        # signature does not cover it, the JSON Schema pins it ("rtl" on every Arabic value). The
        # project's plugin makes the agent's suites sign it (shahada.agent.plugin.direction,
        # tests/verifier/test_suites.py::test_acapy_signs_text_direction_only_with_the_plugin).
        flipped = copy.deepcopy(signed)
        flipped["credentialSubject"]["familyName"][1]["@direction"] = "ltr"
        assert verify(flipped)
        assert validate_credential(flipped) == ["$.credentialSubject.familyName[1]['@direction']: expected \"rtl\", got \"ltr\""]
