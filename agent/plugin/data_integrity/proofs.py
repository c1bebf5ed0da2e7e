"""Add and verify Data Integrity proofs inside the agent (VC Data Integrity 1.0 §4.2 "Add Proof"
and §4.3 "Verify Proof", with the cryptosuites of Data Integrity EdDSA Cryptosuites 1.0 §3.2
``eddsa-rdfc-2022`` and §3.3 ``eddsa-jcs-2022``).

The transformation, proof configuration and hashing are the verifier's own pure functions
(``shahada.proofs``), run with the project's pinned document loader: the agent signs exactly the
bytes the independent verifier later checks. Only the signature is the wallet's
(``BaseWallet.sign_message``): the private key never leaves it.

Canonicalization runs on the agent's event loop, as ACA-Py's own Ed25519Signature2020 signing
does: pyld keeps module-level caches that are not safe to share between threads. Its work is
bounded (``shahada.proofs.canonical.RdfcLimits``): a poison graph is refused with
``jsonld.too_complex`` in milliseconds instead of holding the loop for minutes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from acapy_agent.core.profile import Profile
from acapy_agent.wallet.base import BaseWallet

from shahada.agent.plugin.data_integrity.errors import KeyRelationshipError, reported
from shahada.agent.plugin.data_integrity.keys import signing_verkey, verification_key
from shahada.agent.plugin.data_integrity.options import AddProofRequest, is_credential
from shahada.agent.plugin.data_integrity.relationship import require_issuer_controls
from shahada.common.errors import ShahadaError
from shahada.proofs import SUITES, suite_name
from shahada.proofs.canonical import DocumentLoader, encode_proof_value, safe_expand, unsecured
from shahada.proofs.eddsa_jcs_2022 import NAME as JCS
from shahada.schemas.document import issuer_id


async def add_proof(profile: Profile, loader: DocumentLoader, request: AddProofRequest, *, now: datetime) -> dict[str, Any]:
    """The document with one new proof of ``request.cryptosuite`` by the wallet's key.

    Args:
        profile: the agent's profile (wallet).
        loader: the pinned JSON-LD document loader.
        request: a validated add-proof request.
        now: the ``created`` time when the request gives none.

    Returns:
        The secured document (``proof`` is an object).

    Raises:
        DataIntegrityError (di.*): the issuer does not control the key, or the wallet lacks it.
        CanonicalizationError (jsonld.invalid): an undefined term, a relative IRI, an unpinned
            context, or a value JCS cannot encode; ``jsonld.too_complex`` past the RDFC-1.0
            limits (:class:`shahada.proofs.canonical.RdfcLimits`).
        ProofFormatError (proof.malformed): an RDF cryptosuite asked for a document without @context.
    """
    return (await add_proofs(profile, loader, [request], now=now))[0]


async def add_proofs(profile: Profile, loader: DocumentLoader, requests: Sequence[AddProofRequest], *, now: datetime) -> list[dict[str, Any]]:
    """:func:`add_proof` for each request, in one wallet session (the key of each verification
    method and issuer looked up once). All or nothing: the first error is raised, naming the
    document's index, and no document of the batch is returned.

    The documents are canonicalized one after the other on the agent's event loop, which is
    given back between documents so that other admin requests are served during a batch.
    """
    secured: list[dict[str, Any]] = []
    async with profile.session() as session:
        wallet = session.inject(BaseWallet)
        verkeys: dict[tuple[str, str | None], str] = {}
        for index, request in enumerate(requests):
            try:
                require_issuer_controls(request.issuer, request.verification_method)
                key = (request.verification_method, request.issuer)
                if key not in verkeys:
                    verkeys[key] = await signing_verkey(session, request.verification_method, request.issuer)
                data, options = _signing_input(loader, request, now)
            except ShahadaError as err:
                if len(requests) > 1:
                    err.message = f"documents[{index}]: {err.message}"
                raise
            signature = await wallet.sign_message(message=data, from_verkey=verkeys[key])
            options["proofValue"] = encode_proof_value(signature)
            secured.append({**request.document, "proof": options})
            if len(requests) > 1:
                await asyncio.sleep(0)
    return secured


def _signing_input(loader: DocumentLoader, request: AddProofRequest, now: datetime) -> tuple[bytes, dict[str, Any]]:
    suite = SUITES[request.cryptosuite]
    document = request.document
    if request.cryptosuite == JCS and is_credential(document):
        # JCS signs the JSON as is; a term the contexts do not define would still be meaningless to
        # every JSON-LD consumer, so a credential is held to the same rule as with RDF suites.
        safe_expand(document, loader)
    options = suite.proof_options(
        document,
        verification_method=request.verification_method,
        created=request.created or now,
        proof_purpose=request.proof_purpose,
    )
    return suite.signing_input(document, options, loader), options


def _problem(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


async def _verify_one(profile: Profile, loader: DocumentLoader, document: Mapping[str, Any], proof: Any) -> dict[str, Any]:
    if not isinstance(proof, Mapping):
        return {"verified": False, "problems": [_problem("proof.malformed", "a proof must be an object")]}
    name = suite_name(proof)
    result: dict[str, Any] = {"suite": name, "verificationMethod": proof.get("verificationMethod")}
    problems: list[dict[str, str]] = []
    vm, purpose = proof.get("verificationMethod"), proof.get("proofPurpose")
    suite = SUITES.get(name) if name is not None else None
    if suite is None:
        problems.append(_problem("proof.unsupported", f"proof suite {name!r} is not supported"))
    elif not isinstance(vm, str) or not isinstance(purpose, str):
        problems.append(_problem("proof.malformed", "the proof needs a verificationMethod and a proofPurpose"))
    else:
        try:
            require_issuer_controls(issuer_id(document) if is_credential(document) else None, vm)
            public_key = await verification_key(profile, vm, purpose)
            if not suite.verify(document, proof, public_key, loader):
                problems.append(_problem("signature.invalid", f"the {name} signature does not match"))
        except KeyRelationshipError as err:
            problems.append(_problem("key.unauthorized", err.message))
        except ShahadaError as err:  # di.*, did.*, proof.malformed, jsonld.invalid, context.unknown
            shown = reported(err)
            problems.append(_problem(shown.code, shown.message))
    result["verified"] = not problems
    result["problems"] = problems
    return result


async def verify_document(profile: Profile, loader: DocumentLoader, secured: Mapping[str, Any]) -> dict[str, Any]:
    """Verify every proof of ``secured`` (each over the document without its proofs).

    Checks the signature, the verification method's relationship to the issuer and its
    authorization for the proof's purpose; not validity dates nor status (the project's verifier,
    ``verifier.verify_credential``, does the full verification).

    Returns:
        ``{"verified": bool, "results": [{"suite", "verificationMethod", "verified", "problems"}]}``;
        a bad proof is a result, never an exception.
    """
    proofs = secured.get("proof")
    if proofs is None:
        return {"verified": False, "results": [], "problems": [_problem("proof.missing", "the document has no proof")]}
    document = unsecured(secured)
    results = [
        await _verify_one(profile, loader, {**document, "proof": proof}, proof)
        for proof in (proofs if isinstance(proofs, list) else [proofs])
    ]
    return {"verified": bool(results) and all(r["verified"] for r in results), "results": results}
