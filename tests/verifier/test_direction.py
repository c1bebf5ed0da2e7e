"""Text direction is signed: changing, removing or adding the ``@direction`` of any value breaks
the proof of every suite (issue 10). RDF suites canonicalize with ``rdfDirection:
"i18n-datatype"`` as Digital Bazaar's reference suites do; eddsa-jcs-2022 signs the JSON itself.
The reference verifier's side of the same checks is tests/interop/test_reference_verifier.py."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from shahada.proofs import SUITES
from shahada.proofs.canonical import rdf_canonize
from shahada.schemas.loader import PinnedDocumentLoader
from tests.support.local_signer import LocalKey
from tests.verifier.verifier_support import NOW, make_credential

BAC = "https://diplomes.men.gov.ma/contexts/baccalaureate/v1"
I18N_AR_RTL = "<https://www.w3.org/ns/i18n#ar_rtl>"


def with_arabic_names(issuer: str, suite: str) -> dict[str, Any]:
    document = make_credential(issuer, suite)
    document["@context"] = [*document["@context"], BAC]
    document["credentialSubject"] = {
        "id": "did:example:student-42",
        "familyName": {"@value": "العلوي", "@language": "ar", "@direction": "rtl"},
        "givenName": [{"@value": "Amina", "@language": "fr"}, {"@value": "أمينة", "@language": "ar", "@direction": "rtl"}],
    }
    return document


def flip(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out["credentialSubject"]["familyName"]["@direction"] = "ltr"
    return out


def drop(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    del out["credentialSubject"]["givenName"][1]["@direction"]
    return out


def add(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out["credentialSubject"]["givenName"][0]["@direction"] = "ltr"
    return out


@pytest.mark.parametrize("tamper", [flip, drop, add], ids=["rtl-to-ltr", "removed", "added"])
@pytest.mark.parametrize("name", sorted(SUITES))
def test_changing_a_direction_breaks_every_suite(name: str, tamper: Any, loader: PinnedDocumentLoader) -> None:
    key = LocalKey.generate()
    document = with_arabic_names(key.did_key, name)
    proof = SUITES[name].create_proof(document, sign=key.sign, verification_method=key.did_key_vm, created=NOW, loader=loader)
    assert SUITES[name].verify({**document, "proof": proof}, proof, key.public_key, loader)
    tampered = tamper(document)
    assert not SUITES[name].verify({**tampered, "proof": proof}, proof, key.public_key, loader)


def test_direction_is_an_i18n_datatype_in_the_nquads(loader: PinnedDocumentLoader) -> None:
    nquads = rdf_canonize(with_arabic_names("did:example:1", "eddsa-rdfc-2022"), loader).decode()
    assert f'"العلوي"^^{I18N_AR_RTL}' in nquads
    assert '"Amina"@fr' in nquads  # no direction: a language-tagged string, as before
    assert "rdf-syntax-ns#langString" not in nquads


def test_documents_without_direction_canonicalize_as_before(loader: PinnedDocumentLoader) -> None:
    from pyld import jsonld
    from pyld.context_resolver import ContextResolver

    document = make_credential("did:example:1")
    plain = jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader,
         "contextResolver": ContextResolver({}, loader), "base": None},
    )
    assert rdf_canonize(document, loader).decode() == plain
