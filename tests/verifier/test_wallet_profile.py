"""VC 1.1 wallet copies (verifier/wallet_profile.py) verified on their own: the normalisation to the
canonical VC 2.0 form, the schema, validity and status checks, the ministry's records and registry
digest. Signed here with a local issuer key; the ministry agent's copies are in
test_dif_presentations.py."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from shahada.issuer.issuance import record_digest as issuer_record_digest
from shahada.schemas.credential import wallet_profile
from shahada.schemas.jsonschema import validate_credential
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.status.bitstring import Bitstring
from shahada.status.lists import LIST_SIZE, list_credential, status_entry
from shahada.verifier import VerificationResult
from shahada.verifier.checks import check_schema
from shahada.verifier.records import check_records
from shahada.verifier.registry import record_digest
from shahada.verifier.status import StatusChecker
from shahada.verifier.wallet_profile import WALLET_CONTEXT, canonical_vc2, is_vc1, signed_content
from tests.support.local_signer import LocalKey, sign_credential
from tests.verifier.verifier_support import NOW, failed_codes

CASE = Path(__file__).parents[1] / "schemas" / "cases" / "option-fr" / "diploma.json"
V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
BACC = "https://diplomes.men.gov.ma/contexts/baccalaureate/v1"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
STATUS_ORIGIN = "https://status.test"
HOLDER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
Verify = Callable[..., VerificationResult]


def archived_diploma(issuer: str) -> dict[str, Any]:
    """The option-fr case's diploma as the ministry archives it: VC 2.0, two status entries."""
    document: dict[str, Any] = json.loads(CASE.read_text(encoding="utf-8"))
    document["@context"] = [V2, BACC]
    document["issuer"]["id"] = issuer
    document["credentialStatus"] = [status_entry(STATUS_ORIGIN, "revocation", 0, 41), status_entry(STATUS_ORIGIN, "suspension", 0, 97)]
    return document


def copy_of(archived: Mapping[str, Any], holder: str = HOLDER) -> dict[str, Any]:
    """The wallet copy (shahada.schemas.credential.wallet_profile) bound to ``holder``, with the suite
    context ACA-Py adds when it signs Ed25519Signature2020."""
    document = wallet_profile(archived)
    document["@context"] = [*document["@context"], ED2020]
    document["credentialSubject"] = {"id": holder, **document["credentialSubject"]}
    return document


@pytest.fixture
def sign_2020(issuer_key: LocalKey, loader: PinnedDocumentLoader) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def _sign(document: dict[str, Any]) -> dict[str, Any]:
        return sign_credential(document, suite="Ed25519Signature2020", key=issuer_key, verification_method=issuer_key.did_key_vm, created=NOW, loader=loader)

    return _sign


# --- the normalisation -----------------------------------------------------------------------


def test_a_wallet_copy_normalises_to_the_archived_form(issuer_key: LocalKey, sign_2020: Any) -> None:
    archived = archived_diploma(issuer_key.did_key)
    wallet = sign_2020(copy_of(archived))
    assert wallet["@context"] == [V1, BACC, WALLET_CONTEXT, ED2020] and is_vc1(wallet)
    expected = {k: v for k, v in archived.items() if k != "credentialStatus"}
    expected["@context"] = [V2, BACC, ED2020]  # the 1.1 context swapped, the wallet context dropped
    expected["credentialStatus"] = [archived["credentialStatus"][0]]  # the revocation entry, as a list
    expected["proof"] = wallet["proof"]
    before = copy.deepcopy(wallet)
    assert canonical_vc2(wallet) == expected
    assert wallet == before  # the input is not changed
    assert "id" not in canonical_vc2(wallet)["credentialSubject"]


def test_expiration_date_becomes_valid_until() -> None:
    wallet = {"@context": [V1, BACC], "type": ["VerifiableCredential"], "issuanceDate": "2025-06-20T10:30:45Z", "expirationDate": "2030-06-20T00:00:00Z"}
    assert canonical_vc2(wallet) == {"@context": [V2, BACC], "type": ["VerifiableCredential"], "validFrom": "2025-06-20T10:30:45Z", "validUntil": "2030-06-20T00:00:00Z"}


@pytest.mark.parametrize("document", [{"@context": [V2, BACC], "credentialSubject": {"id": HOLDER, "a": 1}, "credentialStatus": {"type": "x"}}, {"@context": V1}, {}, {"@context": []}])
def test_anything_but_vc_1_1_is_left_as_it_is(document: dict[str, Any]) -> None:
    normalised = canonical_vc2(document)
    assert normalised == document and normalised is not document


def test_signed_content_is_shared_by_the_copy_and_the_archived_credential(issuer_key: LocalKey, sign_2020: Any) -> None:
    archived = archived_diploma(issuer_key.did_key)
    wallet = sign_2020(copy_of(archived))
    assert signed_content(wallet) == signed_content(archived)
    assert set(signed_content(archived)) == {"id", "type", "issuer", "name", "description", "credentialSchema", "credentialSubject", "validFrom"}
    changed = copy.deepcopy(wallet)
    changed["credentialSubject"]["generalAverage"] = "19.99"
    assert signed_content(changed) != signed_content(archived)


# --- the checks on a wallet copy ----------------------------------------------------------------


def test_the_schema_checks_the_canonical_form(issuer_key: LocalKey) -> None:
    wallet = copy_of(archived_diploma(issuer_key.did_key))
    assert validate_credential(wallet)  # as it is, a 1.1 document does not fit the VC 2.0 schema…
    assert check_schema(wallet).outcome == "passed"  # …its canonical form does
    wrong = copy.deepcopy(wallet)
    wrong["credentialSubject"]["massarCode"] = "R12"
    check = check_schema(wrong)
    assert check.code == "schema.invalid" and "$.credentialSubject.massarCode" in check.message
    extra = copy.deepcopy(wallet)
    extra["credentialSubject"]["nickname"] = "Yasmine"
    assert check_schema(extra).code == "schema.invalid"


def test_a_signed_wallet_copy_verifies(issuer_key: LocalKey, sign_2020: Any, verify: Verify) -> None:
    wallet = sign_2020(copy_of(archived_diploma(issuer_key.did_key)))
    result = verify(wallet)
    assert result.verified, result.to_dict()
    assert result.check("schema").message == "conforms to the BaccalaureateDiploma schema"
    assert "issuanceDate 2025-06-20T10:30:45Z" in result.check("validity").message
    tampered = copy.deepcopy(wallet)
    tampered["credentialSubject"]["id"] = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
    assert failed_codes(verify(tampered)) == {"signature": "signature.invalid"}  # the binding is signed


def test_validity_reads_issuance_and_expiration_dates(issuer_key: LocalKey, sign_2020: Any, verify: Verify) -> None:
    early = copy_of(archived_diploma(issuer_key.did_key))
    early["issuanceDate"] = "2025-07-02T00:00:00Z"
    assert failed_codes(verify(sign_2020(early))) == {"validity": "validity.not_yet_valid"}
    expiring = copy_of(archived_diploma(issuer_key.did_key))
    expiring["expirationDate"] = "2025-07-01T11:00:00Z"
    # the archived schema has no validUntil: both checks say so, each in its own terms
    assert failed_codes(verify(sign_2020(expiring))) == {"validity": "validity.expired", "schema": "schema.invalid"}


def test_a_1_1_credential_needs_its_issuance_date(issuer_key: LocalKey, verify: Verify) -> None:
    wallet = copy_of(archived_diploma(issuer_key.did_key))
    del wallet["issuanceDate"]
    result = verify(wallet)
    assert result.check("structure").code == "credential.malformed" and "issuanceDate" in result.check("structure").message
    assert result.check("validity").code == "credential.malformed"


# --- status: one credentialStatus object ------------------------------------------------------


class Lists:
    """Serves status list credentials from memory (the fetcher interface)."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self.documents = documents
        self.fetched: list[str] = []

    def fetch(self, url: str) -> Mapping[str, Any]:
        self.fetched.append(url)
        return self.documents[url]


def test_the_status_of_a_single_entry(issuer_key: LocalKey, sign_2020: Any, verify: Verify, loader: PinnedDocumentLoader) -> None:
    url = status_entry(STATUS_ORIGIN, "revocation", 0, 0)["statusListCredential"]
    bits = Bitstring(LIST_SIZE)

    def signed_list(age: dt.timedelta = dt.timedelta(hours=1)) -> dict[str, Any]:  # lists are valid for a day (issue 17)
        unsigned = list_credential(url=url, issuer=issuer_key.did_key, purpose="revocation", bits=bits, valid_from=NOW - age,
                                   valid_until=NOW - age + dt.timedelta(hours=24))
        return sign_credential(unsigned, suite="eddsa-rdfc-2022", key=issuer_key, verification_method=issuer_key.did_key_vm, created=NOW, loader=loader)

    wallet = sign_2020(copy_of(archived_diploma(issuer_key.did_key)))
    assert isinstance(wallet["credentialStatus"], dict) and wallet["credentialStatus"]["statusListIndex"] == "41"
    lists = Lists({url: signed_list()})
    checker = StatusChecker(lists, {issuer_key.did_key: frozenset({STATUS_ORIGIN})}, lambda document: (verify(document).verified, "list"), clock=lambda: NOW)
    result = verify(wallet, status=checker)
    assert result.verified and result.check("status").message == "not revoked"
    assert lists.fetched == [url]
    bits.set(41, True)
    lists.documents = {url: signed_list(dt.timedelta(minutes=30))}  # the newer list
    revoked = verify(wallet, status=checker)
    assert failed_codes(revoked) == {"status": "status.revoked"}


# --- the ministry's records and registry ------------------------------------------------------


def test_the_registry_digest_ignores_the_holder_binding(issuer_key: LocalKey) -> None:
    archived = archived_diploma(issuer_key.did_key)
    wallet = copy_of(archived)
    old_formula = hashlib.sha256(rfc8785.dumps({"type": archived["type"], "credentialSubject": archived["credentialSubject"]})).hexdigest()
    assert record_digest(archived) == issuer_record_digest(archived) == old_formula  # recorded digests unchanged
    assert record_digest(wallet) == issuer_record_digest(wallet) == old_formula  # the copy matches the record
    changed = copy.deepcopy(wallet)
    changed["credentialSubject"]["generalAverage"] = "19.99"
    assert record_digest(changed) != old_formula


def test_a_wallet_copy_agrees_with_the_archive(issuer_key: LocalKey, sign_2020: Any) -> None:
    archived = archived_diploma(issuer_key.did_key)
    archived["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z…"}
    wallet = sign_2020(copy_of(archived))

    def lookup(credential_id: str) -> dict[str, Any] | None:
        return archived if credential_id == archived["id"] else None

    check = check_records(wallet, lookup)
    assert check.outcome == "passed" and "wallet copy" in check.message
    changed = copy.deepcopy(wallet)
    changed["credentialSubject"]["generalAverage"] = "19.99"
    changed["issuanceDate"] = "2025-06-21T00:00:00Z"
    failed = check_records(changed, lookup)
    assert failed.code == "archive.mismatch" and "credentialSubject.generalAverage" in failed.message and "validFrom" in failed.message
    elsewhere = copy.deepcopy(wallet)
    elsewhere["credentialStatus"] = status_entry(STATUS_ORIGIN, "revocation", 0, 42)  # another credential's bit
    assert check_records(elsewhere, lookup).message.endswith("credentialStatus")
    # the archived credential itself is still compared byte for byte
    assert check_records(archived, lookup).message.startswith("identical")
