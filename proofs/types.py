"""The proof suites the ministry's agent can sign credentials with, and the default.

W3C Data Integrity EdDSA Cryptosuites 1.0 defines ``eddsa-rdfc-2022`` (§3.2, RDF canonicalization)
and ``eddsa-jcs-2022`` (§3.3, JSON canonicalization) as ``DataIntegrityProof`` cryptosuites, and
keeps ``Ed25519Signature2020`` (Appendix A.2) for existing deployments. The first two are signed by
the project's ACA-Py plugin (``shahada.agent.plugin.data_integrity``), the last by ACA-Py itself.
Kept free of heavy imports: ``shahada.config`` validates the ``proof_type`` setting with it.
"""

from __future__ import annotations

ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"

# Contexts each proof suite needs besides VC 2.0's. DataIntegrityProof, cryptosuite and proofValue
# are defined by the VC 2.0 context itself (VC Data Integrity 1.0 §2.1); Ed25519Signature2020 has
# its own suite context, which ACA-Py would otherwise insert (and which the JSON Schemas allow).
SUITE_CONTEXTS: dict[str, tuple[str, ...]] = {
    "eddsa-rdfc-2022": (),
    "eddsa-jcs-2022": (),
    "Ed25519Signature2020": (ED25519_2020_CONTEXT,),
}
PROOF_TYPES: frozenset[str] = frozenset(SUITE_CONTEXTS)
DATA_INTEGRITY_CRYPTOSUITES: frozenset[str] = frozenset({"eddsa-rdfc-2022", "eddsa-jcs-2022"})

# The W3C Recommendation's RDF suite, what verifiers and conformance suites expect;
# Ed25519Signature2020 stays selectable for DIDComm wallets that only know it.
DEFAULT_PROOF_TYPE = "eddsa-rdfc-2022"
