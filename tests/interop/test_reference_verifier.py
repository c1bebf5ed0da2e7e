"""An independent verifier: every kind of document Shahada produces verifies with Digital Bazaar's
reference libraries (interop/, installed from npm by the bootstrap, pinned by its lockfile), and
what those libraries sign verifies in Shahada's verifier (issue 10).

The documents are made with the real agent of the ``ministry`` fixture: a session of both waves
(normale and rattrapage) issued through the archive and then rectified, its status list
credentials as the ministry's HTTPS site serves them, credentials issued by the VC API issuer
(eddsa-rdfc-2022 and eddsa-jcs-2022, and Ed25519Signature2020, as the ministry's did:web and as a
did:key of its wallet), the VC 1.1 wallet copy (Ed25519Signature2020 by ACA-Py), and presentations
(Ed25519Signature2020 by ACA-Py's ``/vc/presentations/prove``, as the project's wallet signs them;
eddsa-rdfc-2022 by a local holder key). The reference verifier runs once over all of them
(``node interop/verify.mjs``, one process), with the pinned contexts of schemas/manifest.json, the
ministry's DID document and the status lists fed to its offline document loader.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from shahada.did.resolve import DIDResolver
from shahada.issuer.api import AgentCredentialSigner, IssuerService, create_app
from shahada.issuer.identity import ensure_did_key
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.ministry import published_did_document
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.schemas.reference import bundled_reference
from shahada.verifier.verify import verify_credential
from tests.issuer.di_support import sample_generic, sample_transcript
from tests.support.local_signer import LocalKey
from tests.support.presentations import make_presentation, sign_presentation
from tests.verifier.wallet_support import key_of, new_holder, wallet_copy

pytestmark = pytest.mark.agent
ROOT = Path(__file__).resolve().parents[2]
INTEROP = ROOT / "interop"
YEAR = 2017  # a session no other test issues into the shared archive
TOKEN = "interop-test-token-0123456789abcdef"
CHALLENGE = "interop-challenge-5f1d"
ED2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
RESULT_COLUMNS = ("moyenne_nationale", "moyenne_regionale", "moyenne_cc", "moyenne_generale", "mention", "decision")
SEED = "5a" * 32  # the reference signer's did:key
SUPERSEDED = "superseded (revoked)"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def pinned_contexts() -> dict[str, Any]:
    manifest = json.loads((ROOT / "schemas" / "manifest.json").read_text(encoding="utf-8"))
    return {url: json.loads((ROOT / "schemas" / entry["file"]).read_text(encoding="utf-8")) for url, entry in manifest["contexts"].items()}


def node(script: str, request: dict[str, Any]) -> Any:
    """Run one of interop/'s scripts on ``request`` (stdin) and parse its JSON answer."""
    if not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail("interop/node_modules is missing: run ./run bootstrap (it runs npm ci in interop/)")
    completed = subprocess.run(
        ["node", str(INTEROP / script)], input=json.dumps(request), capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def flip_direction(document: Any) -> bool:
    """Change the first ``@direction`` found in ``document`` (in place); False if there is none."""
    if isinstance(document, dict):
        if document.get("@direction") in ("rtl", "ltr"):
            document["@direction"] = "ltr" if document["@direction"] == "rtl" else "rtl"
            return True
        return any(flip_direction(v) for k, v in document.items() if k != "proof")
    if isinstance(document, list):
        return any(flip_direction(v) for v in document)
    return False


@dataclass
class Documents:
    """Every document to check: (kind, request item for verify.mjs)."""

    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)  # status list credentials by URL
    did_documents: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: str, document: dict[str, Any], **extra: Any) -> None:
        what = "presentation" if "VerifiablePresentation" in document.get("type", []) else "credential"
        self.items.append((kind, {"kind": what, "document": document, **extra}))


def _swap_results(pv: Path, out: Path) -> None:
    """A corrected PV: the results of two normale candidates of the same stream swapped."""
    with open(pv, encoding="utf-8-sig", newline="") as handle:
        dialect = csv.Sniffer().sniff(handle.readline())
    with open(pv, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, dialect=dialect))
    a, b = next(
        (a, b) for a in rows for b in rows
        if a is not b and a["session"] == b["session"] == "normale"
        and (a["filiere"], a["type_candidat"]) == (b["filiere"], b["type_candidat"])
        and a["moyenne_generale"] != b["moyenne_generale"]
    )
    columns = [c for c in rows[0] if c in RESULT_COLUMNS or c.startswith(("nat_", "reg_"))]
    swapped = [dict(r) for r in rows]
    for row in swapped:
        source = b if row["massar"] == a["massar"] else a if row["massar"] == b["massar"] else None
        if source is not None:
            row.update({c: source[c] for c in columns})
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), dialect=dialect)
        writer.writeheader()
        writer.writerows(swapped)


def _issue_pv(ministry: Any, pv: Path) -> None:
    ministry.issue(pv, YEAR)  # the operators' use case: import or rectify, sign, supersede, publish the lists


def _vc_api(ministry: Any, did: str, vm: str, credential: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    service = IssuerService(
        signer=AgentCredentialSigner(ministry.client, vm), issuer_did=did, verification_method=vm,
        loader=ministry.loader, token=TOKEN, default_suite="eddsa-rdfc-2022",
    )
    response = create_app(service).test_client().post(
        "/credentials/issue", json={"credential": credential, "options": {**options, "verificationMethod": vm}},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    signed: dict[str, Any] = response.get_json()["verifiableCredential"]
    return signed


@pytest.fixture(scope="module")
def documents(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Documents:
    work = tmp_path_factory.mktemp("interop")
    out = Documents()
    did = ministry.identity.did
    did_document = published_did_document(ministry.settings)
    assert did_document is not None and did.startswith("did:web:")
    out.did_documents[did] = did_document

    # a session of both waves, then a rectification that swaps two candidates' results
    pv, corrected = work / "pv.csv", work / "corrected.csv"
    write_csv(generate_records(30, seed=1017, reference=bundled_reference(), year=YEAR, rattrapage_share=0.3), pv)
    _issue_pv(ministry, pv)
    first = {c.id for c in ministry.archive.credentials(session_year=YEAR)}
    _swap_results(pv, corrected)
    _issue_pv(ministry, corrected)
    current = list(ministry.archive.credentials(session_year=YEAR))
    assert len(current) >= len(first) - 4
    for stored in current:
        session = stored.document["credentialSubject"]["session"]["code"]
        kind = "rectified" if stored.id not in first else f"{stored.kind} ({session})"
        if (ministry.status.registry_entry(stored.id) or {}).get("supersededBy"):
            kind = SUPERSEDED  # revoked by the rectification: the reference must refuse it for its status
        out.add(kind, stored.document)
    assert any(stored.id not in first for stored in current)

    # the status list credentials those credentials point to, as the site serves them
    urls = sorted({
        entry["statusListCredential"]
        for stored in current
        for entry in ([stored.document["credentialStatus"]] if isinstance(stored.document["credentialStatus"], dict) else stored.document["credentialStatus"])
    })
    for url in urls:
        response = requests.get(url, verify=str(ministry.tls.ca_cert), timeout=10)
        response.raise_for_status()
        out.resources[url] = response.json()
        out.add("status list", response.json())

    # the VC API issuer, as the ministry's did:web and as a did:key of its wallet
    key_identity = ensure_did_key(ministry.client)
    # did:web: the VC API's own key #vc-api-1, published beside the diploma key (issue 17)
    for who, vm in ((did, ministry.identity.vc_api_method), (key_identity.did, key_identity.verification_method)):
        method = who.split(":")[1]
        for options in ({"cryptosuite": "eddsa-rdfc-2022"}, {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}, {"type": "Ed25519Signature2020"}):
            suite = options.get("cryptosuite") or options["type"]
            out.add(f"VC API {suite} did:{method}", _vc_api(ministry, who, vm, sample_generic(who), options))

    # the VC 1.1 wallet copy (ACA-Py's Ed25519Signature2020) and presentations of it
    diploma = next(kind_doc for kind, item in out.items if kind == "diploma (normale)" for kind_doc in [item["document"]])
    holder = new_holder(ministry)
    copy_ = wallet_copy(ministry, diploma, holder)
    out.add("wallet copy Ed25519Signature2020", copy_)
    presentation = {
        "@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiablePresentation"],
        "holder": holder, "verifiableCredential": [copy_],
    }
    options = {"proofType": "Ed25519Signature2020", "proofPurpose": "authentication", "verificationMethod": key_of(holder), "challenge": CHALLENGE}
    proven = ministry.client.request_json("POST", "/vc/presentations/prove", {"presentation": presentation, "options": options})
    out.add("presentation Ed25519Signature2020 (wallet)", proven["verifiablePresentation"], challenge=CHALLENGE)
    key = LocalKey.generate()
    signed_vp = sign_presentation(
        make_presentation([diploma], holder=key.did_key), suite="eddsa-rdfc-2022", key=key, created=now(),
        loader=ministry.loader, challenge=CHALLENGE,
    )
    out.add("presentation eddsa-rdfc-2022", signed_vp, challenge=CHALLENGE)
    return out


def reference_verify(documents: Documents, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = node("verify.mjs", {
        "documents": items, "contexts": pinned_contexts(), "didDocuments": documents.did_documents,
        "resources": documents.resources, "checkStatus": True,
    })
    assert len(results) == len(items)
    return results


@pytest.fixture(scope="module")
def reference_results(documents: Documents) -> list[dict[str, Any]]:
    return reference_verify(documents, [item for _, item in documents.items])


EXPECTED_KINDS = {
    "diploma (normale)", "transcript (normale)", "diploma (rattrapage)", "transcript (rattrapage)", "rectified", "status list",
    "VC API eddsa-rdfc-2022 did:web", "VC API eddsa-jcs-2022 did:web", "VC API Ed25519Signature2020 did:web",
    "VC API eddsa-rdfc-2022 did:key", "VC API eddsa-jcs-2022 did:key", "VC API Ed25519Signature2020 did:key",
    "wallet copy Ed25519Signature2020", "presentation Ed25519Signature2020 (wallet)", "presentation eddsa-rdfc-2022", SUPERSEDED,
}


def test_every_kind_of_document_verifies_in_the_reference_verifier(documents: Documents, reference_results: list[dict[str, Any]]) -> None:
    kinds = Counter(kind for kind, _ in documents.items)
    assert set(kinds) >= EXPECTED_KINDS, sorted(set(EXPECTED_KINDS) - set(kinds))
    failed = [(kind, r["error"]) for (kind, _), r in zip(documents.items, reference_results, strict=True) if not r["verified"] and kind != SUPERSEDED]
    assert failed == []
    revoked = [r for (kind, _), r in zip(documents.items, reference_results, strict=True) if kind == SUPERSEDED]
    assert revoked and all(not r["verified"] and r["status"] == "set: revocation" for r in revoked), revoked
    # status was checked by the reference too (BitstringStatusList, the lists' own proofs)
    statuses = Counter(r.get("status") for (kind, item), r in zip(documents.items, reference_results, strict=True) if item["kind"] == "credential")
    assert statuses["clear"] >= kinds["diploma (normale)"] + kinds["rectified"]
    print("\nverified by the reference verifier:", dict(sorted(kinds.items())))


def test_a_changed_direction_fails_in_the_reference_and_in_shahada(ministry: Any, documents: Documents) -> None:
    tampered: list[tuple[str, dict[str, Any]]] = []
    for kind, item in documents.items:
        document = copy.deepcopy(item["document"])
        if flip_direction(document):
            tampered.append((kind, {**item, "document": document}))
    assert {kind for kind, _ in tampered} >= EXPECTED_KINDS - {"status list"}
    tampered = [(kind, item) for kind, item in tampered if kind != SUPERSEDED]
    results = reference_verify(documents, [item for _, item in tampered])
    accepted = [kind for (kind, _), r in zip(tampered, results, strict=True) if r["verified"]]
    assert accepted == []
    assert all("Invalid signature" in (r["error"] or "") for r in results), results
    verifier = ministry.verifier()
    for kind, item in tampered:
        issuer = item["document"].get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        if item["kind"] == "credential" and issuer == ministry.identity.did:  # Shahada trusts the ministry only
            result = verifier.verify(item["document"])
            assert not result.verified, kind
            assert result.check("signature").code == "signature.invalid", (kind, result.to_dict())


@pytest.fixture(scope="module")
def reference_signed() -> Iterator[list[dict[str, Any]]]:
    contexts = pinned_contexts()
    signed = []
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"):
        credential = sample_transcript("did:example:replaced")
        if suite == "Ed25519Signature2020":
            credential["@context"] = [*credential["@context"], ED2020_CONTEXT]
        signed.append(node("sign.mjs", {"credential": credential, "cryptosuite": suite, "seed": SEED, "contexts": contexts}))
    yield signed


def test_what_the_reference_signs_verifies_in_shahada(reference_signed: list[dict[str, Any]]) -> None:
    did = reference_signed[0]["issuer"]["id"]
    assert did.startswith("did:key:z6Mk") and all(s["issuer"]["id"] == did for s in reference_signed)

    def verify(credential: dict[str, Any]) -> Any:
        return verify_credential(
            credential, document_loader=PinnedDocumentLoader(), resolver=DIDResolver(trusted_dids=frozenset({did})),
            trusted_issuers=frozenset({did}), now=now(),
        )

    for credential in reference_signed:
        result = verify(credential)
        assert result.verified, (credential["proof"], result.to_dict())
        tampered = copy.deepcopy(credential)
        assert flip_direction(tampered)
        result = verify(tampered)
        assert not result.verified and result.check("signature").code == "signature.invalid", result.to_dict()
    untrusted = verify_credential(
        reference_signed[0], document_loader=PinnedDocumentLoader(), resolver=DIDResolver(trusted_dids=frozenset()),
        trusted_issuers=frozenset(), now=now(),
    )
    assert not untrusted.verified  # only a trusted did:key is a valid issuer for Shahada
