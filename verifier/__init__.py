"""Check Verifiable Credentials on their own, without the agent, and report every check."""

from verifier.errors import CanonicalizationError, MalformedCredentialError, ProofFormatError, VerifierError
from verifier.result import Check, CheckOutcome, VerificationResult
from verifier.checks import Resolver
from verifier.verify import DEFAULT_SUITES, verify_credential

__all__ = [
    "DEFAULT_SUITES",
    "CanonicalizationError",
    "Check",
    "CheckOutcome",
    "MalformedCredentialError",
    "ProofFormatError",
    "Resolver",
    "VerificationResult",
    "VerifierError",
    "verify_credential",
]
