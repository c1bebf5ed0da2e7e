"""Errors of the proof suites: a proof or a document that a cryptosuite cannot process.

    ProofError                  proof.error
    ├── ProofFormatError        proof.malformed   a proof object the suite cannot read
    │                                             (missing field, bad proofValue, wrong type)
    └── CanonicalizationError   jsonld.invalid    the document cannot be canonicalized safely:
                                                  a JSON-LD error, a term its contexts do not
                                                  define, a relative IRI, or a value JCS
                                                  cannot encode
        └── CanonicalizationLimitError  jsonld.too_complex  RDFC-1.0 would need more work than
                                                  its limits allow (a "poison graph": too many
                                                  blank nodes, too many alike)
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class ProofError(ShahadaError):
    code = "proof.error"
    http_status = 500


class ProofFormatError(ProofError, ValueError):
    code = "proof.malformed"
    http_status = 422


class CanonicalizationError(ProofError, ValueError):
    code = "jsonld.invalid"
    http_status = 422


class CanonicalizationLimitError(CanonicalizationError):
    code = "jsonld.too_complex"
    http_status = 422
