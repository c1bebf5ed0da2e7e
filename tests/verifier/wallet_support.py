"""Helpers for wallet-profile tests with the real ministry agent: VC 1.1 wallet copies of archived
credentials signed by the ministry's key, holder did:keys in the agent's wallet, and VC 1.1
presentations (DIF PresentationSubmission) proven by ACA-Py with Ed25519Signature2018."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from shahada.schemas.credential import wallet_profile
from tests.support.local_signer import LocalKey

VC_V1 = "https://www.w3.org/2018/credentials/v1"
SUBMISSION_CONTEXT = "https://identity.foundation/presentation-exchange/submission/v1"


def new_holder(ministry: Any) -> str:
    """A fresh Ed25519 did:key in the ministry fixture's agent (standing in for a wallet's)."""
    did: str = ministry.client.create_did("key", {"key_type": "ed25519"}).did
    return did


def key_of(did: str) -> str:
    """The verification method of a did:key: ``did:key:z6Mk…#z6Mk…``."""
    return f"{did}#{did.removeprefix('did:key:')}"


def wallet_copy(ministry: Any, archived: Mapping[str, Any], holder: str) -> dict[str, Any]:
    """The wallet copy of ``archived`` bound to ``holder``, signed by the ministry's did:web key
    (Ed25519Signature2020, ACA-Py's ``/vc/credentials/issue``), as a DIDComm wallet stores it."""
    document = wallet_profile(archived)
    document["credentialSubject"] = {"id": holder, **document["credentialSubject"]}
    signed: dict[str, Any] = ministry.client.issue_credential(
        document, proof_type="Ed25519Signature2020", verification_method=ministry.identity.verification_method
    )
    return signed


def dif_presentation(credentials: Sequence[Mapping[str, Any]], holder: str | None = None) -> dict[str, Any]:
    """A VC 1.1 presentation as ACA-Py's present-proof 2.0 (DIF) handler builds it (no holder),
    with ``holder`` when given (``/vc/presentations/prove`` signs only a presentation naming one)."""
    presentation: dict[str, Any] = {
        "@context": [VC_V1, SUBMISSION_CONTEXT],
        "type": ["VerifiablePresentation", "PresentationSubmission"],
        "presentation_submission": {
            "id": str(uuid.uuid4()),
            "definition_id": str(uuid.uuid4()),
            "descriptor_map": [
                {"id": f"document_{i}", "format": "ldp_vc", "path": f"$.verifiableCredential[{i}]"} for i in range(len(credentials))
            ],
        },
        "verifiableCredential": list(credentials),
    }
    if holder is not None:
        presentation["holder"] = holder
    return presentation


def prove(ministry: Any, credentials: Sequence[Mapping[str, Any]], holder: str, challenge: str) -> dict[str, Any]:
    """A DIF presentation of ``credentials`` signed by the ministry fixture's agent
    (``POST /vc/presentations/prove``) with the holder's key: Ed25519Signature2018, proof purpose
    ``authentication``, the verifier's challenge. The route needs a ``holder`` to pick the key."""
    presentation = dif_presentation(credentials, holder)
    options = {
        "proofType": "Ed25519Signature2018",
        "verificationMethod": key_of(holder),
        "challenge": challenge,
        "proofPurpose": "authentication",
    }
    answer = ministry.client.request_json("POST", "/vc/presentations/prove", {"presentation": presentation, "options": options})
    signed: dict[str, Any] = answer["verifiablePresentation"]
    return signed


ACAPY_DIF_SIGNER = Path(__file__).parent / "acapy_dif_prove.py"


def prove_as_dif_handler(credentials: Sequence[Mapping[str, Any]], key: LocalKey, challenge: str) -> dict[str, Any]:
    """A presentation signed by ACA-Py's own present-proof 2.0 DIF code (``acapy_dif_prove.py``)
    with a local did:key: no holder, Ed25519Signature2018, the challenge."""
    request = {
        "credentials": list(credentials),
        "seed": key.private_key.private_bytes_raw().hex(),
        "verification_method": key.did_key_vm,
        "challenge": challenge,
        "definition_id": str(uuid.uuid4()),
    }
    completed = subprocess.run(
        [sys.executable, str(ACAPY_DIF_SIGNER)], input=json.dumps(request), capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert completed.returncode == 0, completed.stderr
    signed: dict[str, Any] = json.loads(completed.stdout)
    return signed
