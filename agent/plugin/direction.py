"""ACA-Py's Ed25519 Linked Data signatures with text direction signed, as the reference suites do.

ACA-Py 1.7 canonicalizes every Linked Data proof in ``LinkedDataProof._canonize``
(``acapy_agent/vc/ld_proofs/suites/linked_data_proof.py`` l. 111-129) with
``jsonld.normalize(input, {"algorithm": "URDNA2015", "format": "application/n-quads",
"documentLoader": …})``: no ``rdfDirection``, so pyld turns ``{"@value", "@language": "ar",
"@direction": "rtl"}`` into a plain ``rdf:langString`` and the direction is not signed. Digital
Bazaar's jsonld-signatures (``LinkedDataSignature`` ``_canonize``, the base of its
Ed25519Signature2020 and Ed25519Signature2018 suites) canonicalizes with ``rdfDirection:
"i18n-datatype"``; so does the project's verifier (``shahada.proofs.canonical.rdf_canonize``).

:func:`sign_text_direction` gives ACA-Py's ``Ed25519Signature2020`` and ``Ed25519Signature2018``
suite classes a ``_canonize`` that keeps ACA-Py's own "dropped attributes" refusal and adds
``rdfDirection: "i18n-datatype"``, through the project's bounded canonicalizer. Every proof these suites make or check in an agent that loads
the plugin (the ministry's: wallet copies over DIDComm and ``/vc/credentials/issue``; the project's
wallet and university agents: presentations) then covers ``@direction``. A document without any
``@direction`` gives the same N-Quads as before, byte for byte.

This changes class attributes of ACA-Py, i.e. process-wide state (STYLE.md "Global state"): it is
done once, from the plugin's ``setup()``, in the agent process only.
"""

from __future__ import annotations

from typing import Any

from acapy_agent.vc.ld_proofs.check import get_properties_without_context
from acapy_agent.vc.ld_proofs.error import LinkedDataProofException
from acapy_agent.vc.ld_proofs.suites.ed25519_signature_2018 import Ed25519Signature2018
from acapy_agent.vc.ld_proofs.suites.ed25519_signature_2020 import Ed25519Signature2020

from shahada.proofs.canonical import RDF_DIRECTION, normalize
from shahada.proofs.errors import CanonicalizationLimitError

SUITES = (Ed25519Signature2020, Ed25519Signature2018)


def canonize_with_direction(self: Any, *, input: Any, document_loader: Any) -> str:
    """ACA-Py's ``LinkedDataProof._canonize`` with ``rdfDirection: "i18n-datatype"`` and the
    project's bounded RDFC-1.0 (``shahada.proofs.canonical.RdfcLimits``: a poison graph is refused
    at once instead of holding the agent's event loop)."""
    missing = get_properties_without_context(input, document_loader)
    if missing:
        raise LinkedDataProofException(
            f"{len(missing)} attributes dropped. Provide definitions in context to correct. {missing}"
        )
    try:
        return normalize(input, {"rdfDirection": RDF_DIRECTION, "documentLoader": document_loader})
    except CanonicalizationLimitError as err:
        raise LinkedDataProofException(f"{err.code}: {err.message}") from err


def sign_text_direction() -> None:
    """Make ACA-Py's Ed25519 Linked Data suites canonicalize with ``rdfDirection`` (idempotent)."""
    for suite in SUITES:
        suite._canonize = canonize_with_direction
