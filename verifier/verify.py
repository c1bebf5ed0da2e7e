"""Verify one Verifiable Credential without any agent (VC Data Model 2.0 §7.1 "Verification",
VC Data Integrity 1.0 §4.2 "Verify Proof").

Pure: the only I/O is what the passed resolver does; contexts come from the passed pinned loader.
A bad credential never raises: every problem is a failed :class:`~shahada.verifier.result.Check`.

VC 2.0 credentials and VC 1.1 ones (the wallet copies of :mod:`shahada.verifier.wallet_profile`) are both
verified: the structure and validity checks read each version's own members, the schema check
reads the canonical VC 2.0 form.

Checks, in order, with their stable failure codes:

==========  =====================================================================================
structure   ``credential.malformed`` (also a VC 1.1 credential without ``issuanceDate``)
context     ``context.unknown`` (a URL outside the manifest, or an embedded context object)
issuer      ``issuer.untrusted``: trust, one check among the others. An untrusted ``did:key`` issuer is
            still verified cryptographically (its key is in the DID, nothing is fetched), so the
            result says whether the credential is *authentic*; any other untrusted issuer
            (``did:web``) is never resolved and the checks that need its key are skipped
proof       ``proof.missing``, ``proof.unsupported`` (suite not allowed, too many proofs), ``proof.malformed``;
            a proof set or chain (VC Data Integrity 1.0 §2.1.1–2) verifies when every proof does and
            one is by the issuer's key (co-signers: did:key), a chained proof over the proofs it names
key         ``proof.purpose``, ``key.unauthorized``, ``did.resolution``
signature   ``signature.invalid`` (also undefined terms, relative IRIs), ``context.unknown``,
            ``proof.malformed``, ``jsonld.too_complex`` (RDFC-1.0 past its work limits)
schema      ``schema.invalid`` (a baccalaureate credential not conforming to its JSON Schema)
validity    ``validity.not_yet_valid``, ``validity.expired``, ``credential.malformed``
registry    only when a ``registry`` checker is passed (see :mod:`shahada.verifier.registry`)
status      only when a ``status`` checker is passed (see :mod:`shahada.verifier.status`):
            ``status.revoked``, ``status.suspended``, ``status.unavailable``, ``status.list_invalid``,
            ``status.untrusted``, ``status.malformed``; skipped unless the signature passed
==========  =====================================================================================

A failed check makes every later check ``skipped`` (code ``skipped``), except ``validity``, which
is evaluated whenever the credential's VC version can be told from its first ``@context``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from shahada.schemas.document import issuer_id, version_of
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.checks import (
    ProofChoice,
    Resolver,
    SignatureCheck,
    check_contexts,
    check_issuer,
    check_key,
    check_keys,
    check_proof_set,
    check_schema,
    check_signature,
    check_signatures,
    check_structure,
    check_validity,
    ministry_types,
)
from shahada.verifier.result import CHECK_NAMES, SKIPPED, Check, VerificationResult, authentic

LOCAL_DID_PREFIX = "did:key:"  # resolved from the DID itself: verifying it needs no request


class StatusCheck(Protocol):
    """The ``status`` check (:class:`shahada.verifier.status.StatusChecker`): passed, or failed with a code."""

    def check(self, credential: Mapping[str, Any], issuer: str) -> Check: ...


DEFAULT_SUITES: frozenset[str] = frozenset({"Ed25519Signature2018", "Ed25519Signature2020", "eddsa-rdfc-2022", "eddsa-jcs-2022"})


def verify_credential(
    credential: Any,
    *,
    document_loader: PinnedDocumentLoader,
    resolver: Resolver,
    trusted_issuers: frozenset[str],
    now: datetime,
    allowed_suites: frozenset[str] = DEFAULT_SUITES,
    status: StatusCheck | None = None,
    registry: StatusCheck | None = None,
    embedded_contexts: bool = False,
    signature_check: SignatureCheck = check_signature,
) -> VerificationResult:
    """Verify ``credential`` (parsed JSON) and report every check.

    Args:
        credential: the credential as parsed JSON; anything else fails ``structure``.
        document_loader: the pinned JSON-LD loader; only its contexts are accepted.
        resolver: resolves the issuer's DID; called only for a trusted issuer.
        trusted_issuers: issuer ids (DIDs) whose credentials are accepted.
        now: the verification time, timezone-aware.
        allowed_suites: proof suites accepted ("Ed25519Signature2018", "Ed25519Signature2020",
            "eddsa-rdfc-2022", "eddsa-jcs-2022").
        status: checks the credential's status list entries (W3C Bitstring Status List 1.0); when
            given, a ``status`` check follows ``validity``. Without it the status is not checked
            and no ``status`` check is reported.
        registry: compares the credential with the issuer's records (:mod:`shahada.verifier.registry`);
            when given, a ``registry`` check comes last.
        embedded_contexts: accept embedded ``@context`` objects (the VC API service does).
        signature_check: runs the ``signature`` check (canonicalization and Ed25519); by default
            :func:`~shahada.verifier.checks.check_signature` in this thread.

    Returns:
        A :class:`VerificationResult`; ``verified`` is true only if every check passed.

    Raises:
        ValueError: ``now`` is naive (a programming error, not a credential problem).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    checks: dict[str, Check] = {}
    blocker: str | None = None

    def record(check: Check) -> bool:
        nonlocal blocker
        checks[check.name] = check
        if check.outcome == "failed" and blocker is None:
            blocker = check.name
        return check.outcome == "passed"

    if record(check_structure(credential)):
        issuer = issuer_id(credential)
        assert issuer is not None  # the structure check guarantees it
        choices: tuple[ProofChoice, ...] = ()
        if record(check_contexts(credential, document_loader.urls, embedded=embedded_contexts)) and (
            record(check_issuer(issuer, trusted_issuers)) or issuer.startswith(LOCAL_DID_PREFIX)
        ):
            proof_check, choices = check_proof_set(credential, allowed_suites)
            record(proof_check)
        if len(choices) == 1:
            key_check, public_key = check_key(choices[0].proof, issuer, resolver, types=ministry_types(credential))
            if record(key_check) and public_key is not None and record(signature_check(credential, choices[0], public_key, document_loader)):
                record(check_schema(credential))
        elif choices:
            keys_check, keys = check_keys(choices, issuer, resolver, types=ministry_types(credential))
            if record(keys_check) and keys and record(check_signatures(credential, choices, keys, document_loader)):
                record(check_schema(credential))
    version = version_of(credential)
    if version is not None:
        record(check_validity(credential, version, now))

    ordered = tuple(checks.get(name) or Check(name, "skipped", SKIPPED, f"not checked: the {blocker} check failed") for name in CHECK_NAMES)
    if status is not None:
        signature = checks.get("signature")
        if signature is not None and signature.outcome == "passed":
            ordered = (*ordered, status.check(credential, issuer_id(credential) or ""))
        else:
            ordered = (*ordered, Check("status", "skipped", SKIPPED, f"not checked: the {blocker} check failed"))
    if registry is not None:
        signature = checks.get("signature")
        if signature is not None and signature.outcome == "passed":
            ordered = (*ordered, registry.check(credential, issuer_id(credential) or ""))
        else:
            ordered = (*ordered, Check("registry", "skipped", SKIPPED, f"not checked: the {blocker} check failed"))
    return VerificationResult(verified=all(c.outcome == "passed" for c in ordered), checks=ordered, authentic=authentic(ordered))
