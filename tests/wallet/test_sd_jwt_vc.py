"""The SD-JWT VC request of a diploma (:func:`shahada.wallet.sd_jwt_vc.sd_jwt_request`): plain JSON
claims, and a ``non_sd_list`` that leaves exactly the birth data, the Code Massar and the results
selectively disclosable (ACA-Py makes disclosable every path it does not name)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from shahada.wallet.errors import WalletError
from shahada.wallet.sd_jwt_vc import DIPLOMA_VCT, SELECTIVE, sd_jwt_request

CASES = Path(__file__).resolve().parents[1] / "schemas" / "cases"
JWK = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
NOW = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def test_only_the_birth_data_the_massar_code_and_the_results_are_disclosable() -> None:
    diploma = json.loads((CASES / "option-fr" / "diploma.json").read_text(encoding="utf-8"))
    diploma["validFrom"] = "2025-07-10T00:00:00Z"
    payload, non_sd = sd_jwt_request(diploma, issuer="did:web:diplomes.men.gov.ma", holder_jwk=JWK, now=NOW)
    assert payload["vct"] == DIPLOMA_VCT and payload["cnf"] == {"jwk": JWK} and payload["jti"] == diploma["id"]
    assert payload["given_name"] == {"fr": "Yasmine", "ar": "ياسمين"} and payload["mention"]["name"]["fr"] == "Bien"
    top_level = {p for p in non_sd if "." not in p and "[" not in p}
    assert set(payload) - top_level == set(SELECTIVE)  # every other claim is always shown
    assert "mention.name.fr" in non_sd and "place_of_birth.ar" in non_sd  # a disclosed claim is disclosed whole


def test_a_transcript_has_no_sd_jwt_copy() -> None:
    transcript = json.loads((CASES / "option-fr" / "transcript.json").read_text(encoding="utf-8"))
    with pytest.raises(WalletError) as refused:
        sd_jwt_request(transcript, issuer="did:web:x", holder_jwk=JWK, now=NOW)
    assert refused.value.code == "sd_jwt.kind"
