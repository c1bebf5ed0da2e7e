"""The W3C vc-di-eddsa test vectors of ``tests/cases/vc-di-eddsa`` (see its README), as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shahada.did.multibase import decode_base58btc

VECTORS = Path(__file__).parents[1] / "cases" / "vc-di-eddsa"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
EXAMPLES_V2_FILE = Path(__file__).parents[1] / "verifier" / "data" / "credentials-examples-v2.jsonld"
ED25519_PRIV_MULTICODEC = b"\x80\x26"  # varint of 0x1300, ed25519-priv


@dataclass(frozen=True)
class VectorCase:
    name: str
    suite: str
    proof_options: dict[str, Any]
    expected: dict[str, str]

    @property
    def signed(self) -> dict[str, Any]:
        """The published secured document."""
        return {**unsigned_document(), "proof": {**self.proof_options, "proofValue": self.expected["proofValue"]}}


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def key_pair() -> dict[str, str]:
    data: dict[str, str] = _json(VECTORS / "keyPair.json")
    return data


def secret_seed() -> bytes:
    """The 32-byte Ed25519 seed of ``secretKeyMultibase``."""
    raw = decode_base58btc(key_pair()["secretKeyMultibase"])
    assert raw[:2] == ED25519_PRIV_MULTICODEC and len(raw) == 34
    return raw[2:]


def unsigned_document() -> dict[str, Any]:
    data: dict[str, Any] = _json(VECTORS / "unsigned.json")
    return data


def cases() -> list[VectorCase]:
    found = []
    for folder in sorted(p for p in VECTORS.iterdir() if p.is_dir()):
        options = _json(folder / "input.json")["proofOptions"]
        found.append(VectorCase(folder.name, options["cryptosuite"], options, _json(folder / "expected.json")))
    return found
