"""Maintain ``schemas/manifest.json``: ``python -m shahada.schemas.manifest`` rewrites the digests.

The manifest is the list of JSON-LD contexts the project trusts. Adding a context means adding its
file under ``schemas/contexts/``, an entry here in ``CONTEXT_FILES``, and running this module.
"""

from __future__ import annotations

import json
import sys

from shahada.schemas.loader import MANIFEST_FILE, file_digest, schemas_dir

# URL → file under schemas/contexts/. Stable URLs: never change one, add a new version instead.
CONTEXT_FILES: dict[str, str] = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    # VC Data Model 1.1, for the DIDComm wallet profile: Aries/Credo wallets and ACA-Py's
    # present-proof (DIF) build VC 1.1 presentations, which cannot embed a VC 2.0 credential.
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://identity.foundation/presentation-exchange/submission/v1": "presentation-submission-v1.jsonld",
    # The W3C examples context (VC Data Model 2.0 §B.1: every example uses it; the W3C test suites
    # issue and verify credentials with it). Only an @vocab: terms undefined elsewhere get
    # https://www.w3.org/ns/credentials/examples# IRIs instead of being dropped.
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    # The ministry's own vocabulary for diplomas and transcripts (shahada.schemas.credential builds with it).
    "https://diplomes.men.gov.ma/contexts/baccalaureate/v1": "baccalaureate-v1.jsonld",
    # The VC 2.0 terms a VC 1.1 wallet copy still uses (status entries, JSON Schema), same IRIs.
    "https://diplomes.men.gov.ma/contexts/wallet-vcdm1/v1": "wallet-vcdm1-v1.jsonld",
}


def build_manifest() -> dict[str, object]:
    base = schemas_dir()
    return {
        "version": 1,
        "contexts": {
            url: {"file": f"contexts/{name}", "sha256": file_digest(base / "contexts" / name)}
            for url, name in sorted(CONTEXT_FILES.items())
        },
    }


def main() -> int:
    path = schemas_dir() / MANIFEST_FILE
    path.write_text(json.dumps(build_manifest(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
