"""Sign a credential with ACA-Py 1.7's own Ed25519Signature2020 code path (run as a subprocess).

Mirrors ``VcLdpManager.issue`` (``acapy_agent/vc/vc_ld/manager.py``): ``prepare_credential`` (adds
the Ed25519 2020 context, l. 242-247), then ``vc_ld.issue.issue`` with ``CredentialIssuancePurpose``
and an ``Ed25519Signature2020`` suite, then the model round trip the admin route answers with. Only
the wallet is replaced by a local key, and the document loader is ACA-Py's static context cache.
The suite canonicalizes as in every agent that loads the project's plugin (``rdfDirection``, see
``shahada.agent.plugin.direction``), unless the request says ``"stock": true`` (ACA-Py unchanged).
It runs in its own process because importing ``acapy_agent.vc.ld_proofs`` applies ``nest_asyncio``
to the whole interpreter.

stdin: ``{"credential": {...}, "seed": "<hex>", "verification_method": "...", "date": "<iso>"|null,
"stock"?: bool}``
stdout: the signed credential as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from typing import Any

from tests.verifier.acapy_local_key import local_key_pair


async def main() -> None:
    from acapy_agent.vc.ld_proofs import CredentialIssuancePurpose, Ed25519Signature2020
    from acapy_agent.vc.ld_proofs.document_downloader import StaticCacheJsonLdDownloader
    from acapy_agent.vc.vc_ld.issue import issue
    from acapy_agent.vc.vc_ld.manager import VcLdpManager
    from acapy_agent.vc.vc_ld.models.credential import VerifiableCredential
    from acapy_agent.vc.vc_ld.models.options import LDProofVCOptions

    request = json.load(sys.stdin)
    if not request.get("stock"):
        from shahada.agent.plugin.direction import sign_text_direction

        sign_text_direction()
    key_pair = local_key_pair(request["seed"])

    downloader = StaticCacheJsonLdDownloader()

    def loader(url: str, options: Any = None) -> Any:
        return downloader.load(url, options)

    options = LDProofVCOptions.deserialize({"proofType": "Ed25519Signature2020"})
    credential = await VcLdpManager(profile=None).prepare_credential(  # type: ignore[arg-type]
        VerifiableCredential.deserialize(request["credential"]), options
    )
    date = datetime.fromisoformat(request["date"]) if request.get("date") else None
    suite = Ed25519Signature2020(
        key_pair=key_pair, verification_method=request["verification_method"], date=date
    )
    signed = await issue(
        credential=credential.serialize(),
        suite=suite,
        document_loader=loader,
        purpose=CredentialIssuancePurpose(),
    )
    json.dump(VerifiableCredential.deserialize(signed).serialize(), sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
