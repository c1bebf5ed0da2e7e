"""Helpers for the Data Integrity plugin tests: raw admin API calls that keep the status and the
plugin's error code, and a baccalaureate transcript built from the bundled sample PV."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import requests

from shahada.issuer.pv.reader import read_pv
from shahada.schemas.credential import MINISTRY_NAME, IssuerProfile, build_transcript
from shahada.schemas.reference import bundled_reference

SAMPLE = Path(str(resources.files("shahada") / "data" / "sample-pv.csv"))
SECRET = b"shahada tests: not the ministry's id secret, 32+ bytes"


class Admin:
    """POSTs to an agent's admin API, returning (status, parsed JSON or text)."""

    def __init__(self, base_url: str, api_key: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False
        if api_key:
            self.session.headers["X-API-Key"] = api_key

    def post(self, path: str, body: Any = None, *, raw: bytes | None = None) -> tuple[int, Any]:
        if raw is not None:
            response = self.session.post(self.base_url + path, data=raw, headers={"Content-Type": "application/json"}, timeout=60)
        else:
            response = self.session.post(self.base_url + path, json=body, timeout=60)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    def add_proof(self, document: Any, **options: Any) -> tuple[int, Any]:
        return self.post("/shahada/di/add-proof", {"document": document, "options": {"type": "DataIntegrityProof", **options}})


def sample_transcript(issuer_did: str) -> dict[str, Any]:
    """The unsigned transcript of the sample PV's first candidate, issued by ``issuer_did``."""
    record = read_pv(SAMPLE, reference=bundled_reference(), year=2025)[0]
    return build_transcript(
        record,
        issuer=IssuerProfile(did=issuer_did, name=MINISTRY_NAME),
        year=2025,
        issued_at=dt.datetime(2025, 7, 1, 10, 0, tzinfo=dt.UTC),
        secret=SECRET,
        reference=bundled_reference(),
    )


def sample_generic(issuer_did: str) -> dict[str, Any]:
    """A credential of no ministry type, as the VC API issuer signs them (it refuses the ministry's
    diploma and transcript types and contexts: issue 17)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": {
            "id": issuer_did,
            "name": [
                {"@value": "Ministère de l'Éducation nationale", "@language": "fr", "@direction": "ltr"},
                {"@value": "وزارة التربية الوطنية", "@language": "ar", "@direction": "rtl"},
            ],
        },
        "validFrom": "2025-07-01T10:00:00Z",
        "credentialSubject": {"id": "did:example:alice"},
    }
