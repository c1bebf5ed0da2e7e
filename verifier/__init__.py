"""Check Verifiable Credentials and Presentations on their own, without the agent, and report every check."""

from shahada.verifier.checks import Resolver
from shahada.verifier.errors import CanonicalizationError, MalformedCredentialError, ProofFormatError, VerifierError
from shahada.verifier.presentation import PresentationResult, verify_presentation
from shahada.verifier.result import Check, CheckOutcome, VerificationResult
from shahada.verifier.verify import DEFAULT_SUITES, verify_credential

__all__ = [
    "DEFAULT_SUITES",
    "CanonicalizationError",
    "Check",
    "CheckOutcome",
    "MalformedCredentialError",
    "PresentationResult",
    "ProofFormatError",
    "Resolver",
    "VerificationResult",
    "VerifierError",
    "verify_credential",
    "verify_presentation",
]
