"""Credential status with real parts (W3C Bitstring Status List 1.0): entries allocated in the
archive, lists signed by the ministry's agent and served by its HTTPS site, read by the verifier."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shahada.issuer.archive.store import StoredCredential
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.usecases import change_status
from shahada.schemas.reference import bundled_reference
from shahada.services import verifier_settings
from shahada.status.bitstring import Bitstring
from shahada.status.lists import LIST_SIZE
from shahada.verifier.status import StatusChecker, StatusListUnavailable

pytestmark = pytest.mark.agent
NOW = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
YEAR = 2022  # a session no other test issues into the shared archive


@pytest.fixture(scope="module")
def issued(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[StoredCredential]]:
    pv = tmp_path_factory.mktemp("status") / "pv.csv"
    write_csv(generate_records(6, seed=42, reference=bundled_reference(), year=YEAR), pv)
    outcome = ministry.issue(pv, YEAR)  # signs and publishes the status lists
    yield list(ministry.archive.credentials(import_id=outcome.info.id))


def parts(ministry: Any) -> dict[str, Any]:
    """What :func:`change_status` takes from the installation."""
    s = ministry.settings
    return {"archive": ministry.archive, "status": ministry.status, "signer": ministry.signer(), "issuer_did": ministry.identity.did,
            "proof_type": s.proof_type, "operator": s.operator}


def test_every_credential_carries_a_revocation_and_a_suspension_entry(ministry: Any, issued: list[StoredCredential]) -> None:
    origin = f"https://{ministry.settings.did_web_host}"
    positions = set()
    for credential in issued:
        entries = credential.document["credentialStatus"]
        assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
        for entry in entries:
            assert entry["type"] == "BitstringStatusListEntry"
            assert entry["statusListCredential"].startswith(origin + "/status/" + entry["statusPurpose"] + "/")
            assert entry["id"] == f"{entry['statusListCredential']}#{entry['statusListIndex']}"
            positions.add((entry["statusListCredential"], entry["statusListIndex"]))
        result = ministry.verifier().verify(credential.document)
        assert result.verified, result.to_dict()
        assert result.check("status").message == "not revoked; not suspended"
    assert len(positions) == 2 * len(issued)  # never two credentials on one bit
    indexes = [int(c.document["credentialStatus"][0]["statusListIndex"]) for c in issued]
    assert indexes != sorted(indexes)  # not in issuance order (a keyed permutation)


def test_the_site_serves_signed_lists_with_caching_headers(ministry: Any, issued: list[StoredCredential]) -> None:
    url = issued[0].document["credentialStatus"][0]["statusListCredential"]
    ca = str(ministry.settings.tls_dir / "ca.pem")
    response = requests.get(url, verify=ca, timeout=10)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Content-Type"].startswith("application/vc+ld+json")
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["ttl"] == 300_000 and "validFrom" in document
    assert len(Bitstring.decode(document["credentialSubject"]["encodedList"])) == LIST_SIZE
    assert ministry.verifier().verify_without_status(document).verified
    again = requests.get(url, verify=ca, timeout=10, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    missing = requests.get(url.rsplit("/", 1)[0] + "/99999", verify=ca, timeout=10)
    assert missing.status_code == 404 and missing.json()["code"] == "status.not_found"


def test_revoke_then_suspend_then_unsuspend(ministry: Any, issued: list[StoredCredential]) -> None:
    store, target, other = ministry.status, issued[0], issued[1]
    store.set_status(target.id, "suspension", True, reason="investigation", at=NOW())
    assert store.pending_lists()  # persisted before publication
    ministry.publish_status()
    assert not store.pending_lists()
    result = ministry.verifier().verify(target.document)
    assert not result.verified and result.check("status").code == "status.suspended"
    assert ministry.verifier().verify(other.document).verified  # every other credential untouched
    lifted = change_status(target.id, "suspension", False, reason="cleared", **parts(ministry))
    assert lifted.change.changed and lifted.published == [("suspension", lifted.change.list_number)]
    assert ministry.verifier().verify(target.document).verified
    victim = issued[2]
    revoked = change_status(victim.id, "revocation", True, reason="fraud", **parts(ministry))
    assert revoked.change.changed and revoked.published == [("revocation", revoked.change.list_number)]
    result = ministry.verifier().verify(victim.document)
    assert result.check("status").code == "status.revoked"
    assert store.registry_entry(victim.id)["status"] == "revoked"
    # the verifier service (VC API) fetches the same signed list and says the same
    from shahada.verifier.web.service import VerifierService

    service = VerifierService(verifier_settings(ministry.settings, ministry.identity.did))
    try:
        report = service.verify_credential(victim.document)
        assert not report.verified and {c.code for c in report.errors} == {"status.revoked"}
        assert service.verify_credential(other.document).verified
    finally:
        service.close()


def test_republishing_without_changes_signs_nothing(ministry: Any, issued: list[StoredCredential]) -> None:
    assert ministry.publish_status() == []



def _serve_instead(ministry: Any, purpose: str, number: int, body: str) -> None:
    """Make the ministry's site serve ``body`` as the list (as a stale cache or mirror, or whoever
    controls the origin's answers, would serve an older list)."""
    from sqlalchemy import update

    from shahada.issuer.archive.status import StatusListRow

    with ministry.status.begin() as session:
        session.execute(
            update(StatusListRow).where(StatusListRow.purpose == purpose, StatusListRow.number == number).values(document=body, etag='"replayed"')
        )


def test_lists_are_valid_for_a_short_window(ministry: Any, issued: list[StoredCredential]) -> None:
    url = issued[5].document["credentialStatus"][0]["statusListCredential"]
    document = requests.get(url, verify=str(ministry.settings.tls_dir / "ca.pem"), timeout=10).json()
    valid_from = dt.datetime.fromisoformat(document["validFrom"])
    assert dt.datetime.fromisoformat(document["validUntil"]) - valid_from == dt.timedelta(hours=24)


def test_the_older_signed_list_served_again_does_not_unrevoke(ministry: Any, issued: list[StoredCredential]) -> None:
    """Issue 17 finding 1: serving the earlier, validly signed list made a revoked credential verify again."""
    from shahada.verifier.web.service import VerifierService

    victim = issued[5]
    entry = victim.document["credentialStatus"][0]
    ca = str(ministry.settings.tls_dir / "ca.pem")
    before = requests.get(entry["statusListCredential"], verify=ca, timeout=10).text  # validly signed, bit clear
    service = VerifierService(verifier_settings(ministry.settings, ministry.identity.did))
    try:
        assert ministry.verifier().verify(victim.document).verified and service.verify_credential(victim.document).verified
        revoked = change_status(victim.id, "revocation", True, reason="fraud", **parts(ministry))
        after = requests.get(entry["statusListCredential"], verify=ca, timeout=10).text
        service.status.fetcher._cache.clear()  # type: ignore[attr-defined]  # as once its ttl is over
        assert ministry.verifier().verify(victim.document).check("status").code == "status.revoked"
        assert {c.code for c in service.verify_credential(victim.document).errors} == {"status.revoked"}
        _serve_instead(ministry, "revocation", revoked.change.list_number, before)
        try:
            assert json.loads(requests.get(entry["statusListCredential"], verify=ca, timeout=10).text) == json.loads(before)
            result = ministry.verifier().verify(victim.document)  # a new verifier: what the installation's verifiers saw is remembered
            assert not result.verified and result.check("status").code == "status.stale"
            service.status.fetcher._cache.clear()  # type: ignore[attr-defined]
            report = service.verify_credential(victim.document)
            assert not report.verified and {c.code for c in report.errors} == {"status.stale"}
            assert report.verdict == "incomplete"  # "cannot verify", never valid
        finally:
            _serve_instead(ministry, "revocation", revoked.change.list_number, after)
    finally:
        service.close()


def test_an_expired_list_cannot_verify_a_credential(ministry: Any, issued: list[StoredCredential]) -> None:
    verifier = ministry.verifier()
    verifier.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)  # no list published for a day
    result = verifier.verify(issued[1].document)
    assert not result.verified
    assert result.check("status").code == "status.stale" and "expired at" in result.check("status").message


class Forging:
    """Serves the real list with its bits changed (signature left as it was)."""

    def __init__(self, inner: Any, clear: bool) -> None:
        self.inner, self.clear = inner, clear

    def fetch(self, url: str) -> Any:
        document = copy.deepcopy(dict(self.inner.fetch(url)))
        document["credentialSubject"]["encodedList"] = Bitstring(LIST_SIZE).encode()  # every bit cleared
        return document


class Down:
    def fetch(self, url: str) -> Any:
        raise StatusListUnavailable(f"{url}: ConnectionError")


def test_a_forged_list_is_rejected_and_an_unreachable_one_never_passes(ministry: Any, issued: list[StoredCredential]) -> None:
    verifier = ministry.verifier()
    victim = issued[2]  # revoked by the test above
    real: StatusChecker = verifier.status
    verifier.status = StatusChecker(Forging(real.fetcher, clear=True), real.trusted_origins, real.verify_list)
    result = verifier.verify(victim.document)
    assert not result.verified and result.check("status").code == "status.list_invalid"
    verifier.status = StatusChecker(Down(), real.trusted_origins, real.verify_list)
    result = verifier.verify(issued[3].document)
    assert not result.verified and result.check("status").code == "status.unavailable"


def test_a_list_on_another_origin_is_not_fetched(ministry: Any, issued: list[StoredCredential]) -> None:
    document = copy.deepcopy(issued[3].document)
    document["credentialStatus"][0]["statusListCredential"] = "https://evil.example/status/revocation/0"
    checker: StatusChecker = ministry.verifier().status
    assert checker.check(document, ministry.identity.did).code == "status.untrusted"


def test_credentials_without_status_still_pass(ministry: Any, issued: list[StoredCredential]) -> None:
    checker: StatusChecker = ministry.verifier().status
    plain = {k: v for k, v in issued[3].document.items() if k != "credentialStatus"}
    check = checker.check(plain, ministry.identity.did)
    assert check.outcome == "passed" and check.message == "no status entry"


def test_the_registry_answers_status_and_digest_and_nothing_personal(ministry: Any, issued: list[StoredCredential]) -> None:
    ca = str(ministry.settings.tls_dir / "ca.pem")
    credential = issued[4]
    response = requests.get(f"https://{ministry.settings.did_web_host}/registry/{credential.id}", verify=ca, timeout=10)
    assert response.status_code == 200
    answer = response.json()
    record = answer.pop("record")  # the signed record (compact JWS): what a verifier relies on
    assert answer == {"id": credential.id, "status": "valid", "recordDigest": credential.record_digest}
    header, payload, _ = record.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {
        "alg": "EdDSA", "kid": ministry.identity.verification_method, "typ": "shahada-registry+jws"
    }
    assert json.loads(base64.urlsafe_b64decode(payload + "==")) == {
        "type": "ShahadaRegistryRecord", "issuer": ministry.identity.did, "id": credential.id,
        "recordDigest": credential.record_digest, "credentialStatus": credential.document["credentialStatus"],
    }
    unknown = requests.get(f"https://{ministry.settings.did_web_host}/registry/urn:uuid:nope", verify=ca, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["code"] == "registry.unknown"


def test_the_verifier_compares_with_the_ministrys_records(ministry: Any, issued: list[StoredCredential]) -> None:
    from shahada.ministry import make_verifier
    from shahada.verifier.registry import record_digest

    verifier = make_verifier(ministry.settings, ministry.identity.did, registry=True)
    genuine = issued[4].document
    assert record_digest(genuine) == issued[4].record_digest  # the verifier's digest is the issuer's
    result = verifier.verify(genuine)
    assert result.verified and result.check("registry").message == "matches the ministry's records"
    # signed by the ministry's key, but not what the PV recorded (a key misused outside the pipeline)
    unsigned = {k: v for k, v in copy.deepcopy(genuine).items() if k != "proof"}
    unsigned["credentialSubject"]["generalAverage"] = "19.99"
    forged = ministry.client.add_data_integrity_proof(
        unsigned, cryptosuite="eddsa-rdfc-2022", verification_method=ministry.identity.verification_method, created=None
    )
    result = verifier.verify(forged)
    assert result.check("signature").outcome == "passed"
    assert not result.verified and result.check("registry").code == "registry.mismatch"
    revoked = verifier.verify(issued[2].document)  # revoked above
    assert revoked.check("registry").code == "registry.revoked"


class ForgedRegistry:
    """An HTTPS registry on loopback answering what the test says (as whoever controls the answers
    of the ministry's origin could), with the local CA's certificate."""

    def __init__(self, ministry: Any) -> None:
        from flask import Flask

        from shahada.common.ports import free_port
        from shahada.issuer.site.app import SiteServer

        self.answers: dict[str, Any] = {}
        app = Flask("forged-registry")

        @app.get("/registry/<credential_id>")
        def answer(credential_id: str) -> Any:
            return self.answers[credential_id]

        tls = ministry.tls
        self.server = SiteServer(app, host="127.0.0.1", port=free_port(), cert=tls.server_cert, key=tls.server_key).start()
        self.origin = f"https://localhost:{self.server.port}"


def test_a_forged_registry_answer_is_refused(ministry: Any, issued: list[StoredCredential]) -> None:
    """Issue 17 finding 1: the registry's answer was unsigned, so a forged one made a credential signed
    outside the pipeline (another average) match "the ministry's records"."""
    from jwcrypto import jwk, jws

    from shahada.ministry import make_verifier
    from shahada.verifier.registry import RegistryChecker, record_digest

    genuine, revoked = issued[4].document, issued[2].document  # issued[2] was revoked above
    unsigned = {k: v for k, v in copy.deepcopy(genuine).items() if k != "proof"}
    unsigned["credentialSubject"]["generalAverage"] = "19.99"
    minted = ministry.client.add_data_integrity_proof(
        unsigned, cryptosuite="eddsa-rdfc-2022", verification_method=ministry.identity.verification_method, created=None
    )
    ca = str(ministry.settings.tls_dir / "ca.pem")
    real = requests.get(f"https://{ministry.settings.did_web_host}/registry/{issued[4].id}", verify=ca, timeout=10).json()
    real_revoked = requests.get(f"https://{ministry.settings.did_web_host}/registry/{issued[2].id}", verify=ca, timeout=10).json()
    forged = ForgedRegistry(ministry)
    try:
        verifier = make_verifier(ministry.settings, ministry.identity.did, registry=True)
        assert verifier.registry is not None and verifier.status is not None
        verifier.registry = RegistryChecker(
            {ministry.identity.did: frozenset({forged.origin})}, verifier.resolver, verifier.status, verify_tls=ca
        )
        did = ministry.identity.did
        # the answer as the registry gave it before: unsigned, its digest made to match the minted credential
        forged.answers[issued[4].id] = {"id": issued[4].id, "status": "valid", "recordDigest": record_digest(minted)}
        result = verifier.verify(minted)
        assert result.check("signature").outcome == "passed"
        assert not result.verified and result.check("registry").code == "registry.unavailable"
        # a record with the minted digest, signed by another key under the ministry's kid
        other = jwk.JWK.generate(kty="OKP", crv="Ed25519")
        record = {"type": "ShahadaRegistryRecord", "issuer": did, "id": issued[4].id, "recordDigest": record_digest(minted),
                  "credentialStatus": genuine["credentialStatus"]}
        envelope = jws.JWS(json.dumps(record).encode())
        envelope.add_signature(other, alg="EdDSA", protected={"alg": "EdDSA", "kid": ministry.identity.verification_method, "typ": "shahada-registry+jws"})
        forged.answers[issued[4].id] = {**real, "recordDigest": record_digest(minted), "record": envelope.serialize(compact=True)}
        result = verifier.verify(minted)
        assert not result.verified and result.check("registry").code == "registry.invalid"
        # the genuine signed record of another credential
        forged.answers[issued[4].id] = {**real, "record": real_revoked["record"]}
        assert verifier.verify(genuine).check("registry").code == "registry.invalid"
        # the genuine record of a revoked credential with its unsigned status changed to "valid"
        forged.answers[issued[2].id] = {**real_revoked, "status": "valid"}
        assert verifier.verify(revoked).check("registry").code == "registry.revoked"
        # and the genuine answer still passes through the same checker
        forged.answers[issued[4].id] = real
        assert verifier.verify(genuine).verified
    finally:
        forged.server.stop()
