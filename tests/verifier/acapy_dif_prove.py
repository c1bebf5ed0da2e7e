"""Sign a presentation with ACA-Py 1.7's own present-proof 2.0 DIF code path (run as a subprocess).

Mirrors ``DIFPresExchHandler.create_vp`` (``acapy_agent/protocols/present_proof/dif/
pres_exch_handler.py``): ``vc_ld.prove.create_presentation`` (a VC 1.1 presentation, no holder),
the Presentation Exchange submission context, type and ``presentation_submission``
(``__add_dif_fields_to_vp``), then ``vc_ld.prove.sign_presentation`` with an Ed25519Signature2018
suite and the verifier's challenge (AuthenticationProofPurpose). Only the wallet is replaced by a
local key, and the document loader is the project's pinned one (what the ministry's agent loads
through its plugin), and the suite signs text direction as the plugin makes it do
(``shahada.agent.plugin.direction``). Its own process: importing ``acapy_agent.vc.ld_proofs`` applies
``nest_asyncio`` to the whole interpreter.

stdin: ``{"credentials": [...], "seed": "<hex>", "verification_method": "...", "challenge": "...",
"definition_id": "..."}``; stdout: the signed presentation as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from typing import Any

from tests.verifier.acapy_local_key import local_key_pair


async def main() -> None:
    from acapy_agent.protocols.present_proof.dif.pres_exch_handler import (
        PRESENTATION_SUBMISSION_JSONLD_CONTEXT,
        PRESENTATION_SUBMISSION_JSONLD_TYPE,
    )
    from acapy_agent.vc.ld_proofs import Ed25519Signature2018
    from acapy_agent.vc.vc_ld.prove import create_presentation, sign_presentation

    from shahada.agent.plugin.direction import sign_text_direction
    from shahada.schemas.loader import PinnedDocumentLoader

    sign_text_direction()
    request = json.load(sys.stdin)
    key_pair = local_key_pair(request["seed"])

    pinned = PinnedDocumentLoader()

    def loader(url: str, options: Any = None) -> Any:
        return pinned(url, options)

    vp = await create_presentation(credentials=request["credentials"])
    vp["@context"].append(PRESENTATION_SUBMISSION_JSONLD_CONTEXT)
    vp["type"].append(PRESENTATION_SUBMISSION_JSONLD_TYPE)
    vp["presentation_submission"] = {
        "id": str(uuid.uuid4()),
        "definition_id": request["definition_id"],
        "descriptor_map": [{"id": f"document_{i}", "format": "ldp_vc", "path": f"$.verifiableCredential[{i}]"} for i in range(len(request["credentials"]))],
    }
    suite = Ed25519Signature2018(key_pair=key_pair, verification_method=request["verification_method"])
    signed = await sign_presentation(presentation=vp, suite=suite, challenge=request["challenge"], document_loader=loader)
    json.dump(signed, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
