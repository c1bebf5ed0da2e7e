"""Data Integrity proofs signed inside the ministry's agent: ``eddsa-rdfc-2022`` (the default for
issued credentials) and ``eddsa-jcs-2022``, per W3C Data Integrity EdDSA Cryptosuites 1.0 §3.2/§3.3.

ACA-Py 1.7 signs ``DataIntegrityProof`` only with ``eddsa-jcs-2022``, and without the proof's
``@context`` (§3.3.1 step 2) nor RFC 8785 number serialization. Rather than patching ACA-Py's
module-level ``CRYPTOSUITES`` table (process-wide state, see STYLE.md "Global state"), the plugin
adds its own admin routes (``routes.py``) over the verifier's pure suite functions, the pinned
loader, and the wallet's ``sign_message``:

    options.py       parse and validate request bodies (pure)
    relationship.py  the issuer must control the verification method (pure)
    keys.py          wallet keys for signing, resolved keys for verifying (ACA-Py wallet/resolver)
    proofs.py        add_proof / verify_document
    routes.py        POST /shahada/di/add-proof, POST /shahada/di/verify
    errors.py        DataIntegrityError (di.*)
"""

from shahada.agent.plugin.data_integrity.errors import (
    DataIntegrityError,
    DocumentError,
    KeyNotFoundError,
    KeyRelationshipError,
    ProofRequestError,
    UnsupportedSuiteError,
)
from shahada.agent.plugin.data_integrity.routes import ADD_PROOF_PATH, VERIFY_PATH

__all__ = [
    "ADD_PROOF_PATH",
    "VERIFY_PATH",
    "DataIntegrityError",
    "DocumentError",
    "KeyNotFoundError",
    "KeyRelationshipError",
    "ProofRequestError",
    "UnsupportedSuiteError",
]
