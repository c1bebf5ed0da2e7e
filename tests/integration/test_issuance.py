"""The foundation path with real parts: sample PV → agent-signed credentials → archive → verifier."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from shahada.database import open_archive
from shahada.issuer.archive.store import Archive
from shahada.issuer.errors import PVInvalidError
from shahada.issuer.issuance import AgentSigner
from shahada.issuer.pv.reader import read_pv
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.reference import bundled_reference
from tests.support.archives import fresh_archive
from tests.support.cli import share_agent
from tests.support.mutations import altered, leaves

pytestmark = pytest.mark.agent
SAMPLE = Path(str(resources.files("shahada") / "data" / "sample-pv.csv"))


def issue(ministry: Any, pv: Path, archive: Archive, signer: Any = None, year: int = 2025, proof_type: str | None = None) -> Any:
    """The issuance use case (``shahada.issuer.usecases.issue_pv``) into ``archive``, with the
    installation's default proof type (eddsa-rdfc-2022) unless ``proof_type`` is given."""
    return ministry.issue(pv, year, archive=archive, proof_type=proof_type, signer=signer, batch_size=16)


@pytest.fixture(scope="module")
def sample_issued(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, Any]]:
    archive = fresh_archive(tmp_path_factory.mktemp("sample") / "archive.sqlite3")
    yield archive, issue(ministry, SAMPLE, archive)
    archive.close()


def test_every_sample_credential_verifies(ministry: Any, sample_issued: tuple[Archive, Any]) -> None:
    archive, outcome = sample_issued
    records = read_pv(SAMPLE, reference=bundled_reference(), year=2025)
    stored = list(archive.credentials(import_id=outcome.info.id))
    assert sum(1 for c in stored if c.kind == "transcript") == len(records)
    assert sum(1 for c in stored if c.kind == "diploma") == sum(1 for r in records if r.admitted)
    verifier = ministry.verifier()
    for credential in stored:
        result = verifier.verify(credential.document)
        assert result.verified, (credential.id, result.to_dict())
        assert credential.document["issuer"]["id"] == ministry.identity.did
        assert credential.document["proof"]["verificationMethod"] == f"{ministry.identity.did}#key-1"
        assert credential.document["proof"]["type"] == "DataIntegrityProof"
        assert credential.document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"  # the default suite
        assert credential.document["@context"][0] == "https://www.w3.org/ns/credentials/v2"


def test_the_agent_itself_resolves_the_did_web_over_the_local_https_site(ministry: Any, sample_issued: tuple[Archive, Any]) -> None:
    """The agent trusts the local CA (SSL_CERT_FILE): the plugin's verifier fetches did.json over HTTPS."""
    archive, outcome = sample_issued
    diploma = next(c.document for c in archive.credentials(import_id=outcome.info.id) if c.kind == "diploma")
    assert diploma["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert ministry.client.verify_data_integrity(diploma)["verified"] is True
    forged = copy.deepcopy(diploma)
    forged["credentialSubject"]["generalAverage"] = "19.99"
    answer = ministry.client.verify_data_integrity(forged)
    assert answer["verified"] is False
    assert [p["code"] for p in answer["results"][0]["problems"]] == ["signature.invalid"]


def test_ed25519_signature_2020_stays_selectable(ministry: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """For DIDComm wallets: the same PV signed by ACA-Py's own Ed25519Signature2020, which both
    the project's verifier and the agent's own verifier accept."""
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(4, seed=21, reference=bundled_reference(), year=2025), pv)
    archive = fresh_archive(tmp_path / "archive.sqlite3")
    request.addfinalizer(archive.close)
    outcome = issue(ministry, pv, archive, proof_type="Ed25519Signature2020")
    stored = [c.document for c in archive.credentials(import_id=outcome.info.id)]
    assert stored and all(d["proof"]["type"] == "Ed25519Signature2020" for d in stored)
    assert all("https://w3id.org/security/suites/ed25519-2020/v1" in d["@context"] for d in stored)
    verifier = ministry.verifier()
    assert all(verifier.verify(d).verified for d in stored)
    assert ministry.client.verify_credential(stored[0])["verified"] is True
    forged = copy.deepcopy(stored[0])
    forged["credentialSubject"]["generalAverage"] = "19.99"
    assert ministry.client.verify_credential(forged)["verified"] is False
    assert {e.code for e in verifier.verify(forged).errors} == {"signature.invalid"}


def test_changing_any_signed_field_fails_and_names_the_check(ministry: Any, sample_issued: tuple[Archive, Any]) -> None:
    archive, outcome = sample_issued
    verifier = ministry.verifier()
    transcript = next(c.document for c in archive.credentials(import_id=outcome.info.id) if c.kind == "transcript")
    paths = [("credentialSubject", *p) for p in leaves(transcript["credentialSubject"])]
    paths += [("issuer", "id"), ("validFrom",), ("id",), ("proof", "proofValue"), ("proof", "created")]
    assert len(paths) > 30
    for path in paths:
        result = verifier.verify(altered(transcript, path))
        assert not result.verified, path
        codes = {e.code for e in result.errors}
        # "@direction" is signed like every other value (RDF canonicalization with rdfDirection
        # "i18n-datatype", as the reference suites do); it used to be caught by the schema alone.
        assert any(p[-1] == "@direction" for p in paths)
        if path == ("issuer", "id"):
            expected = {"issuer.untrusted"}
        else:
            expected = {"signature.invalid"}
        assert codes == expected, (path, codes)


def test_untrusted_issuer_unknown_context_and_unauthorized_key(ministry: Any, sample_issued: tuple[Archive, Any]) -> None:
    archive, outcome = sample_issued
    verifier = ministry.verifier()
    diploma = next(c.document for c in archive.credentials(import_id=outcome.info.id) if c.kind == "diploma")
    unsigned = {k: v for k, v in diploma.items() if k != "proof"}

    # signed by a did:key of the same wallet: genuine signature, but not a trusted issuer
    other = ministry.client.create_did("key", {"key_type": "ed25519"})
    foreign = dict(unsigned, issuer={**unsigned["issuer"], "id": other.did})
    signed = ministry.client.issue_credential(foreign, proof_type="Ed25519Signature2020", verification_method=f"{other.did}#{other.did.split(':')[-1]}")
    assert {e.code for e in verifier.verify(signed).errors} == {"issuer.untrusted"}

    # a context outside the manifest is refused before anything else is trusted
    with_context = copy.deepcopy(diploma)
    with_context["@context"].append("https://contexts.invalid/extra/v1")
    assert "context.unknown" in {e.code for e in verifier.verify(with_context).errors}

    # a key of the wallet bound to the ministry DID but not listed under assertionMethod
    key = ministry.client._json("POST", "/wallet/keys", json={"alg": "ed25519", "kid": f"{ministry.identity.did}#key-rogue"})
    assert key["kid"].endswith("#key-rogue")
    rogue = ministry.client.issue_credential(unsigned, proof_type="Ed25519Signature2020", verification_method=f"{ministry.identity.did}#key-rogue")
    assert {e.code for e in verifier.verify(rogue).errors} == {"key.unauthorized"}


def test_reimporting_the_same_pv_issues_nothing_twice(ministry: Any, sample_issued: tuple[Archive, Any]) -> None:
    archive, outcome = sample_issued
    before = archive.count()
    again = issue(ministry, SAMPLE, archive)
    assert again.resumed and again.info.id == outcome.info.id
    assert archive.count() == before
    assert archive.count(status="pending") == 0


class FlakySigner:
    """Signs through the agent, then dies like a killed process after ``budget`` credentials."""

    def __init__(self, inner: AgentSigner, budget: int) -> None:
        self.inner, self.budget = inner, budget

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        if self.budget <= 0:
            raise KeyboardInterrupt("simulated interruption")
        self.budget -= 1
        return self.inner.sign(credential)


def test_interrupted_issuance_resumes_exactly_once(ministry: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(60, seed=11, reference=bundled_reference(), year=2024), pv)
    archive = fresh_archive(tmp_path / "archive.sqlite3")
    request.addfinalizer(archive.close)
    signer = AgentSigner(ministry.client, ministry.identity.verification_method)
    with pytest.raises(KeyboardInterrupt):
        issue(ministry, pv, archive, signer=FlakySigner(signer, budget=40), year=2024)
    partial = archive.count(status="issued")
    assert 0 < partial < archive.count()
    outcome = issue(ministry, pv, archive, year=2024)
    assert outcome.resumed
    stored = list(archive.credentials(import_id=outcome.info.id))
    assert len(stored) == archive.count() == outcome.info.credential_count
    assert len({c.id for c in stored}) == len(stored)
    assert archive.imports()[0].completed_at is not None


def test_bad_pv_issues_nothing(ministry: Any, sample_issued: tuple[Archive, Any], tmp_path: Path) -> None:
    archive, _ = sample_issued
    lines = SAMPLE.read_bytes().decode("utf-8-sig").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace(lines[1].split(";")[0], "12345", 1), *lines[2:]]), encoding="utf-8")
    before = (archive.count(), len(archive.imports()))
    with pytest.raises(PVInvalidError) as err:
        issue(ministry, bad, archive, year=2023)
    assert any(p.code == "pv.massar_format" and p.row == 2 for p in err.value.problems)
    assert (archive.count(), len(archive.imports())) == before


@pytest.mark.postgres
def test_issuance_into_a_postgresql_archive(ministry: Any, postgres_url: str, tmp_path: Path) -> None:
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(15, seed=5, reference=bundled_reference(), year=2025), pv)
    archive = open_archive(postgres_url)
    try:
        outcome = issue(ministry, pv, archive)
        stored = list(archive.credentials(import_id=outcome.info.id))
        assert len(stored) == outcome.info.credential_count > 15
        verifier = ministry.verifier()
        assert all(verifier.verify(c.document).verified for c in stored)
    finally:
        archive.close()


def test_development_did_key_ministry_issues_verifiable_credentials(ministry: Any, tmp_path: Path) -> None:
    from shahada.config import load_settings
    from shahada.ministry import LocalMinistry

    # a did:key installation of its own (home, archive, DID) on the session's agent
    settings = load_settings({"SHAHADA_HOME": str(tmp_path), "SHAHADA_DID_METHOD": "key", **share_agent(ministry, tmp_path)})
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(3, seed=9, reference=bundled_reference(), year=2025), pv)
    with LocalMinistry(settings) as ministry:
        assert ministry.identity.did.startswith("did:key:z6Mk") and ministry.site is None
        outcome = issue(ministry, pv, ministry.archive)
        stored = list(ministry.archive.credentials(import_id=outcome.info.id))
        assert stored and all(ministry.verifier().verify(c.document).verified for c in stored)
        first = ministry.identity
    with LocalMinistry(settings) as again:
        assert again.identity == first
