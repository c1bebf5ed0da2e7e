"""Verify a Verifiable Presentation and every credential it holds, without any agent.

Specifications: VC Data Model 2.0 §4.13 "Verifiable Presentations" (``holder``,
``verifiableCredential``) and §7.1 "Verification"; VC Data Integrity 1.0 §4.2 "Verify Proof" with
the proof purpose ``authentication`` and the ``challenge`` and ``domain`` of §2.1 "Proofs" (the
verifier compares them with what it expects: §4.2 steps 8–10 and "Security Considerations" on
replay); W3C CCG VC API "Verify Presentation". Proof suites are those of :mod:`shahada.proofs`
(``DataIntegrityProof`` eddsa-rdfc-2022 / eddsa-jcs-2022, Ed25519Signature2020 and
Ed25519Signature2018); each holds the challenge and domain in the signed proof configuration.

VC Data Model 1.1 presentations (§4.10) are accepted as ACA-Py's present-proof 2.0 (DIF
Presentation Exchange) builds them: the VC 1.1 context and the Presentation Exchange submission
context, the types ``VerifiablePresentation`` and ``PresentationSubmission`` with a
``presentation_submission`` object (DIF Presentation Exchange 2.0 §6 "Presentation Submission":
``id``, ``definition_id``, ``descriptor_map``), no ``holder``, an Ed25519Signature2018
``authentication`` proof by a did:key. Without ``holder`` the presenter is the DID controlling the
proof's key (resolved: did:key locally), which must list it under ``authentication``. A VC 1.1
presentation cannot hold a VC 2.0 credential: the 2.0 context redefines terms the 1.1 context
protects, so JSON-LD expansion refuses the document (JSON-LD 1.1 §4.1.11); such a presentation
fails its structure check with its own code instead of an opaque canonicalization error.

Pure like :mod:`shahada.verifier.verify`: the only I/O is what the passed resolver does (did:key locally;
did:web only for DIDs on its allow-list), contexts come from the passed pinned loader, the clock is
an argument. One-time challenges (issued, expired, replayed) are state, kept by the web layer.

Checks, in order, with their stable failure codes:

===========  ========================================================================================
structure    ``presentation.malformed`` (not a VP: ``@context``, ``type``, ``holder``,
             ``verifiableCredential`` holding 0 to ``max_credentials`` credential objects, a
             ``presentation_submission`` with its type), ``presentation.version_mismatch`` (a VC 2.0
             credential inside a VC 1.1 presentation)
context      ``context.unknown`` (any ``@context`` in the presentation or its credentials unpinned)
proof        ``proof.missing``, ``proof.unsupported``, ``proof.malformed``
key          ``proof.purpose`` (not ``authentication``), ``key.unauthorized`` (not an authentication
             key of the holder), ``did.untrusted`` / ``did.resolution`` / ``did.invalid`` (the
             holder's DID could not be resolved: did:key, or a did:web on the trust list)
challenge    ``challenge.missing``, ``challenge.mismatch`` (skipped when none is expected)
domain       ``domain.missing``, ``domain.mismatch`` (skipped when none is expected)
signature    ``signature.invalid``, ``proof.malformed``, ``context.unknown``
holder       ``holder.mismatch`` (a credential names a ``credentialSubject.id`` other than the holder)
credentials  ``issuer.untrusted`` (every credential inside is authentic, but an issuer is not on the
             trust list), ``credential.invalid`` (a credential inside failed :func:`verifier.verify_credential`,
             with the status and registry checks when their checkers are passed; its own result
             says which check, e.g. ``status.revoked``)
===========  ========================================================================================

``verified`` is true when no check failed and every check passed except ``challenge`` and
``domain``, which may be skipped when the caller expects none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from shahada.did.document import split_did_url
from shahada.did.errors import DIDError, InvalidDIDError
from shahada.schemas.document import too_deep, version_of
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.checks import (
    ProofChoice,
    Resolver,
    SignatureCheck,
    check_contexts,
    check_proof,
    check_signature,
    failed,
    passed,
)
from shahada.verifier.result import SKIPPED, UNTRUSTED, Check, Checked, VerificationResult
from shahada.verifier.verify import DEFAULT_SUITES, StatusCheck, verify_credential

__all__ = ["PRESENTATION_CHECKS", "PresentationResult", "subject_ids", "verify_presentation"]

PRESENTATION_CHECKS: Final = (
    "structure", "context", "proof", "key", "challenge", "domain", "signature", "holder", "credentials",
)
OPTIONAL_CHECKS: Final = frozenset({"challenge", "domain"})
MAX_CREDENTIALS: Final = 8
AUTHENTICATION: Final = "authentication"
SUBMISSION_TYPE: Final = "PresentationSubmission"
SUBMISSION: Final = "presentation_submission"


@dataclass(frozen=True, slots=True)
class PresentationResult(Checked):
    """The presentation's checks, in order, and the result of each credential inside."""

    verified: bool
    checks: tuple[Check, ...]
    credentials: tuple[VerificationResult, ...]
    holder: str | None  # the holder's DID as proven by the proof's key (None when unknown)
    authentic: bool = False  # verified but for the trust in the issuers of the credentials inside

    def with_check(self, check: Check) -> PresentationResult:
        """This result with ``check`` in place of the check of the same name (the web layer
        records a replayed or expired challenge this way), ``verified`` recomputed."""
        checks = tuple(check if c.name == check.name else c for c in self.checks)
        return replace(self, checks=checks, verified=_verified(checks), authentic=_verified(checks, trust=False))

    def to_dict(self) -> dict[str, object]:
        return {
            "verified": self.verified,
            "holder": self.holder,
            "checks": [c.to_dict() for c in self.checks],
            "errors": [c.to_dict() for c in self.errors],
            "credentialResults": [r.to_dict() for r in self.credentials],
        }


def _verified(checks: Sequence[Check], *, trust: bool = True) -> bool:
    """Every check passed (``challenge`` and ``domain`` may be skipped); without ``trust``, the
    ``credentials`` check may have failed only because an issuer is untrusted."""
    return all(
        c.outcome == "passed"
        or (c.name in OPTIONAL_CHECKS and c.outcome == "skipped")
        or (not trust and c.name == "credentials" and c.code == UNTRUSTED)
        for c in checks
    )


def verify_presentation(
    presentation: Any,
    *,
    document_loader: PinnedDocumentLoader,
    resolver: Resolver,
    trusted_issuers: frozenset[str],
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    allowed_suites: frozenset[str] = DEFAULT_SUITES,
    max_credentials: int = MAX_CREDENTIALS,
    status: StatusCheck | None = None,
    registry: StatusCheck | None = None,
    embedded_contexts: bool = False,
    signature_check: SignatureCheck = check_signature,
) -> PresentationResult:
    """Verify ``presentation`` (parsed JSON), its proof and every credential it holds.

    Args:
        presentation: the presentation as parsed JSON; anything else fails ``structure``.
        document_loader: the pinned JSON-LD loader; only its contexts are accepted.
        resolver: resolves the holder's DID (did:key; did:web only when allow-listed) and the
            issuers' DIDs (trusted issuers only).
        trusted_issuers: issuer DIDs whose credentials are accepted.
        now: the verification time, timezone-aware.
        challenge: the challenge the proof must carry (VC Data Integrity §2.1); None: not checked.
        domain: the domain the proof must carry; None: not checked.
        allowed_suites: proof suites accepted for the presentation and its credentials.
        max_credentials: the most credentials one presentation may hold.
        status: checks the status list entries of each credential inside (see
            :func:`verifier.verify_credential`); a revoked credential then fails ``credentials``.
        registry: compares each credential inside with the issuer's records.
        embedded_contexts: accept embedded ``@context`` objects (see :func:`verifier.verify_credential`).
        signature_check: runs the ``signature`` checks of the presentation and of each credential
            (see :func:`verifier.verify_credential`).

    Returns:
        A :class:`PresentationResult`.

    Raises:
        ValueError: ``now`` is naive (a programming error).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    checks: dict[str, Check] = {}
    credential_results: list[VerificationResult] = []
    presenter: str | None = None

    structure, credentials = _check_structure(presentation, max_credentials)
    checks["structure"] = structure
    if structure.outcome == "passed":
        vp: Mapping[str, Any] = presentation
        holder = _holder_id(vp)
        choice: ProofChoice | None = None
        checks["context"] = check_contexts(vp, document_loader.urls, embedded=embedded_contexts)
        if checks["context"].outcome == "passed":
            checks["proof"], choice = check_proof(vp, allowed_suites)
        if choice is not None:
            checks["challenge"] = _check_expected("challenge", choice.proof, challenge)
            checks["domain"] = _check_expected("domain", choice.proof, domain)
            checks["key"], public_key, presenter = _check_key(choice.proof, holder, resolver)
            if public_key is not None:
                checks["signature"] = signature_check(vp, choice, public_key, document_loader)
        if presenter is not None:
            checks["holder"] = _check_binding(credentials, presenter)
        credential_results = [
            verify_credential(
                credential,
                document_loader=document_loader,
                resolver=resolver,
                trusted_issuers=trusted_issuers,
                now=now,
                allowed_suites=allowed_suites,
                status=status,
                registry=registry,
                embedded_contexts=embedded_contexts,
                signature_check=signature_check,
            )
            for credential in credentials
        ]
        checks["credentials"] = _check_credentials(credential_results)

    blocker = next((c.name for c in checks.values() if c.outcome == "failed"), None)
    ordered = tuple(checks.get(name) or _skipped(name, blocker, challenge, domain) for name in PRESENTATION_CHECKS)
    return PresentationResult(
        verified=_verified(ordered),
        checks=ordered,
        credentials=tuple(credential_results),
        holder=presenter,
        authentic=_verified(ordered, trust=False),
    )


def _skipped(name: str, blocker: str | None, challenge: str | None, domain: str | None) -> Check:
    if name == "challenge" and challenge is None:
        return Check(name, "skipped", SKIPPED, "no challenge was expected")
    if name == "domain" and domain is None:
        return Check(name, "skipped", SKIPPED, "no domain was expected")
    return Check(name, "skipped", SKIPPED, f"not checked: the {blocker or 'structure'} check failed")


def _holder_id(vp: Mapping[str, Any]) -> str | None:
    holder = vp.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) and holder else None


def _check_structure(vp: Any, max_credentials: int) -> tuple[Check, list[Mapping[str, Any]]]:
    """The shape of a VP (VC Data Model 2.0 §4.13); code ``presentation.malformed``."""
    name, code = "structure", "presentation.malformed"
    if not isinstance(vp, Mapping):
        return failed(name, code, "the presentation is not a JSON object"), []
    if too_deep(vp):
        return failed(name, code, "the presentation is nested too deeply"), []
    if version_of(vp) is None:
        return failed(name, code, "@context must be a list starting with the VC 2.0 (or 1.1) context"), []
    types = vp.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "VerifiablePresentation" not in types:
        return failed(name, code, "type must include VerifiablePresentation"), []
    if "holder" in vp and _holder_id(vp) is None:
        return failed(name, code, "holder must be a URL or an object with an id"), []
    held = vp.get("verifiableCredential")
    credentials = held if isinstance(held, list) else [held] if held is not None else []
    if len(credentials) > max_credentials:
        return failed(name, code, f"the presentation holds {len(credentials)} credentials; at most {max_credentials} are verified"), []
    if not all(isinstance(c, Mapping) for c in credentials):
        return failed(name, code, "every verifiableCredential must be a credential object (enveloped credentials are not supported)"), []
    submission = _submission_problem(vp, types)
    if submission is not None:
        return failed(name, code, submission), []
    mixed = [i for i, c in enumerate(credentials) if version_of(c) == "v2"] if version_of(vp) == "v1" else []
    if mixed:
        return failed(
            name,
            "presentation.version_mismatch",
            f"credential(s) {', '.join(map(str, mixed))} are VC 2.0 inside a VC 1.1 presentation, which JSON-LD "
            "refuses (the VC 2.0 context redefines terms the VC 1.1 context protects): present the VC 1.1 "
            "wallet copy, or a VC 2.0 presentation",
        ), []
    return passed(name, f"a presentation holding {len(credentials)} credential(s)"), list(credentials)


def _submission_problem(vp: Mapping[str, Any], types: list[Any]) -> str | None:
    """A DIF Presentation Exchange submission (2.0 §6) must come with its type, and be an object
    naming its ``definition_id`` with a ``descriptor_map`` list; None when all is well."""
    typed, present = SUBMISSION_TYPE in types, SUBMISSION in vp
    if typed != present:
        return f"the type {SUBMISSION_TYPE} and the {SUBMISSION} member go together"
    if not present:
        return None
    submission = vp[SUBMISSION]
    if not isinstance(submission, Mapping) or not isinstance(submission.get("definition_id"), str) or not isinstance(submission.get("descriptor_map"), list):
        return f"{SUBMISSION} must be an object with a definition_id and a descriptor_map list"
    return None


def _check_expected(name: str, proof: Mapping[str, Any], expected: str | None) -> Check:
    """The proof's ``challenge`` or ``domain`` against the expected value (a domain may be a list)."""
    if expected is None:
        return Check(name, "skipped", SKIPPED, f"no {name} was expected")
    if name not in proof:
        return failed(name, f"{name}.missing", f"the proof carries no {name}; {expected!r} was expected")
    value = proof[name]
    values = value if isinstance(value, list) and name == "domain" else [value]
    if expected not in values:
        return failed(name, f"{name}.mismatch", f"the proof's {name} {value!r} is not the expected {expected!r}")
    return passed(name, f"the proof carries the expected {name}")


def _check_key(proof: Mapping[str, Any], holder: str | None, resolver: Resolver) -> tuple[Check, bytes | None, str | None]:
    """The proof's key is an ``authentication`` key of the holder (codes ``proof.purpose``,
    ``key.unauthorized``, ``did.*``): (check, public key, the holder's DID)."""
    name = "key"
    if proof["proofPurpose"] != AUTHENTICATION:
        return failed(name, "proof.purpose", f"proofPurpose is {proof['proofPurpose']!r}, not authentication"), None, None
    vm_id: str = proof["verificationMethod"]
    try:
        did, fragment = split_did_url(vm_id)
    except InvalidDIDError as err:
        return failed(name, "key.unauthorized", f"verificationMethod: {err.message}"), None, None
    if fragment is None:
        return failed(name, "key.unauthorized", f"{vm_id} names no key (no fragment)"), None, None
    if holder is not None and did != holder:
        return failed(name, "key.unauthorized", f"{vm_id} is not a key of the holder {holder}"), None, None
    try:
        document = resolver.resolve(did)
    except DIDError as err:
        return failed(name, err.code, f"cannot resolve the holder's DID {did}: {err.message}"), None, None
    method = document.verification_method(vm_id) if document.id == did else None
    if method is None or method.controller != did:
        return failed(name, "key.unauthorized", f"{vm_id} is not an Ed25519 key controlled by {did}"), None, None
    if not document.is_authorized(vm_id, AUTHENTICATION):
        return failed(name, "key.unauthorized", f"{vm_id} is not an authentication key of {did}"), None, None
    return passed(name, f"{vm_id} is an authentication key of the holder {did}"), method.public_key, did


def subject_ids(credential: Mapping[str, Any]) -> list[str]:
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    return [s["id"] for s in subjects if isinstance(s, Mapping) and isinstance(s.get("id"), str)]


def _check_binding(credentials: Sequence[Mapping[str, Any]], holder: str) -> Check:
    """Every ``credentialSubject.id`` a credential names is the holder (code ``holder.mismatch``)."""
    name = "holder"
    named = [(i, sid) for i, c in enumerate(credentials) for sid in subject_ids(c)]
    wrong = [f"credential {i}: {sid}" for i, sid in named if sid != holder]
    if wrong:
        return failed(name, "holder.mismatch", f"the holder {holder} is not the subject of {'; '.join(wrong)}")
    if not named:
        return passed(name, "no credential names its subject: nothing to bind to the holder (the pages and API warn: holder.unbound)")
    return passed(name, f"the holder {holder} is the subject of every credential that names one")


def _check_credentials(results: Sequence[VerificationResult]) -> Check:
    """Every credential inside verified (``credential.invalid``); ``issuer.untrusted`` when they
    are all authentic but an issuer is not trusted. A presentation may hold none (VC 2.0 §4.13)."""
    name = "credentials"
    if not results:
        return passed(name, "the presentation holds no credential")
    bad = [f"credential {i}: {', '.join(sorted({e.code for e in r.errors}))}" for i, r in enumerate(results) if not r.authentic]
    if bad:
        return failed(name, "credential.invalid", f"{len(bad)} of {len(results)} credential(s) failed: {'; '.join(bad)}")
    untrusted = [str(i) for i, r in enumerate(results) if not r.verified]
    if untrusted:
        return failed(name, UNTRUSTED, f"credential(s) {', '.join(untrusted)} are authentic but their issuer is not trusted")
    return passed(name, f"all {len(results)} credential(s) verified")
