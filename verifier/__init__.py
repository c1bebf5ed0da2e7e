"""Check Verifiable Credentials and Presentations on their own, without the agent, and report every check."""

from verifier.errors import CanonicalizationError, MalformedCredentialError, ProofFormatError, VerifierError
from verifier.result import Check, CheckOutcome, VerificationResult
from verifier.checks import Resolver
from verifier.verify import DEFAULT_SUITES, verify_credential
from verifier.presentation import PresentationResult, verify_presentation

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
