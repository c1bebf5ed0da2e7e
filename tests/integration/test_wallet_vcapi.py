"""VC API exchanges (VCALM) end to end, as the Learner Credential Wallet runs them: a client built
from Digital Bazaar's npm libraries (interop/wallets/vcapi-claim.mjs) reads the claim's Interaction
URL, authenticates its did:key with a presentation signed for the exchange's challenge and
domain, and receives the chosen documents bound to that DID, signed by the ministry's key in the
real agent; Shahada's verifier and the reference verifier accept them. Replay, wrong challenge or
domain, repeated failures and expiry are refused with their codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shahada.issuer.archive.store import StoredCredential
from tests.interop.test_reference_verifier import pinned_contexts
from tests.support.sessions import admitted, issue_with_status, revoke_and_publish
from tests.support.wallet_issuer import Issuer, client, new_holder, oid4vci_wallet, reference_verified, serve_issuer

pytestmark = pytest.mark.agent
YEAR = 2014  # a session no other test issues into the shared archive


@pytest.fixture(scope="module")
def by_massar(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[StoredCredential]]:
    return issue_with_status(ministry, tmp_path_factory.mktemp("vcapi-session"), rows=8, seed=414, year=YEAR)


@pytest.fixture(scope="module")
def issuer(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issuer]:
    with serve_issuer(ministry, tmp_path_factory.mktemp("vcapi-issuer")) as served:
        yield served


def lcw(issuer: Issuer, claim_id: str, **extra: Any) -> dict[str, Any]:
    """The Digital Bazaar client runs the exchange of the claim's Interaction URL."""
    seed = new_holder().seed.hex()
    result: dict[str, Any] = client("vcapi-claim.mjs", {
        "interaction": issuer.claims.interaction_url(claim_id), "seed": seed, "contexts": pinned_contexts(), "suite": "eddsa-rdfc-2022", **extra,
    })
    return result


@pytest.mark.parametrize(("index", "suite"), [(0, "eddsa-rdfc-2022"), (1, "Ed25519Signature2020")])
def test_a_wallet_authenticates_its_did_and_receives_the_chosen_documents(
    ministry: Any, issuer: Issuer, by_massar: dict[str, list[StoredCredential]], index: int, suite: str
) -> None:
    massar = admitted(by_massar)[index]
    chosen = [c for c in by_massar[massar] if c.kind == "transcript"]  # the graduate chose the transcript(s) only
    made = issuer.claim(chosen)

    run = lcw(issuer, made.id, suite=suite, replay=True)

    assert set(run["protocols"]) == {"vcapi", "OID4VCI"} and run["protocols"]["vcapi"] == f"{issuer.url}/exchanges/{made.id}"
    request = run["request"]
    assert request["query"][0]["type"] == "DIDAuthentication" and request["domain"] == issuer.url.split("//")[1] and request["challenge"]
    assert run["answer"]["status"] == 200, run["answer"]
    copies = run["answer"]["body"]["verifiablePresentation"]["verifiableCredential"]
    assert sorted(c["id"] for c in copies) == sorted(c.id for c in chosen)
    verifier = ministry.verifier()
    for copy in copies:
        assert copy["credentialSubject"]["id"] == run["holder"]  # bound to the authenticated DID
        assert copy["proof"]["verificationMethod"] == ministry.identity.verification_method
        assert verifier.verify(copy).verified
    assert reference_verified(ministry, copies) == [True] * len(copies)
    assert run["replayed"]["status"] == 409 and run["replayed"]["body"]["code"] == "exchange.complete"  # replay refused
    assert run["state"]["exchange"]["state"] == "complete"
    # the claim is taken for every protocol: its Interaction URL and its OID4VCI offer are gone
    assert requests.get(issuer.claims.interaction_url(made.id), headers={"Accept": "application/json"}, timeout=10).status_code == 410
    taken = oid4vci_wallet(issuer.claims.offer_link(made.id), issuer.tx_code(massar), new_holder())
    assert not taken["ok"] and taken["stage"] == "offer"
    assert issuer.claims.get(made.id).holder_did == run["holder"]


@pytest.mark.parametrize(("tamper", "check"), [("challenge", "challenge.mismatch"), ("domain", "domain.mismatch")])
def test_a_presentation_for_another_challenge_or_domain_is_refused(
    issuer: Issuer, by_massar: dict[str, list[StoredCredential]], tamper: str, check: str
) -> None:
    made = issuer.claim(by_massar[admitted(by_massar)[2]])
    run = lcw(issuer, made.id, tamper=tamper)
    assert run["answer"]["status"] == 400 and run["answer"]["body"]["code"] == "exchange.authentication"
    assert check in {e["code"] for e in run["answer"]["body"]["errors"]}, run["answer"]["body"]
    assert run["state"]["exchange"]["state"] == "active"  # the wallet may try again
    assert issuer.claims.get(made.id).issued == 0


def test_three_failed_authentications_end_the_exchange(issuer: Issuer, by_massar: dict[str, list[StoredCredential]]) -> None:
    made = issuer.claim(by_massar[admitted(by_massar)[3]])
    for _ in range(3):
        assert lcw(issuer, made.id, tamper="challenge")["answer"]["status"] == 400
    ended = requests.post(f"{issuer.url}/exchanges/{made.id}", json={}, timeout=10)
    assert ended.status_code == 409 and ended.json()["code"] == "exchange.invalid"
    assert requests.get(f"{issuer.url}/exchanges/{made.id}", timeout=10).json()["exchange"]["state"] == "invalid"


def test_bad_requests_and_expiry_are_refused_with_their_codes(issuer: Issuer, by_massar: dict[str, list[StoredCredential]]) -> None:
    made = issuer.claim(by_massar[admitted(by_massar)[4]])
    url = f"{issuer.url}/exchanges/{made.id}"
    assert requests.post(url, data="not json", headers={"Content-Type": "application/json"}, timeout=10).json()["code"] == "exchange.request"
    assert requests.post(url, json=[], timeout=10).json()["code"] == "exchange.request"
    early = requests.post(url, json={"verifiablePresentation": {}}, timeout=10)  # before asking for the request
    assert early.status_code == 400 and early.json()["code"] == "exchange.request"
    assert requests.get(f"{issuer.url}/exchanges/unknown", timeout=10).status_code == 404
    issuer.clock.offset = dt.timedelta(seconds=601)
    try:
        late = requests.post(url, json={}, timeout=10)
    finally:
        issuer.clock.offset = dt.timedelta()
    assert late.status_code == 410 and late.json()["code"] == "claim.expired"


def test_documents_revoked_after_the_claim_are_not_delivered(ministry: Any, issuer: Issuer, by_massar: dict[str, list[StoredCredential]]) -> None:
    massar = admitted(by_massar)[0]
    transcripts = [c for c in by_massar[massar] if c.kind == "transcript"]
    made = issuer.claim(transcripts)  # made while they are valid
    for transcript in transcripts:
        revoke_and_publish(ministry, transcript.id)
    run = lcw(issuer, made.id)
    assert run["answer"]["status"] == 409 and run["answer"]["body"]["code"] == "exchange.withdrawn"
    assert issuer.claims.get(made.id).issued == 0
