"""What the VC API issuer does with a parsed request, without Flask: check the credential with
the pinned contexts, then have the ministry's agent sign it.

Checks before anything reaches the agent (VC Data Model 2.0 §4 "Basic Concepts"; the agent would
answer an undefined term with an HTTP 500, see ACAPY.md):

1. the credential's shape (``shahada.schemas.document.structure_problem``) and no existing ``proof``;
2. every ``@context`` URL pinned (``shahada.schemas.document.context_problem``); embedded context
   objects are accepted (no fetch), their terms checked by step 5;
3. the data model rules of :mod:`shahada.issuer.api.model` (dates, typed members, related resources);
4. the issuer is the ministry's DID, and a requested verification method is the ministry's;
   the ministry's own credential types (``BaccalaureateDiploma``, ``BaccalaureateTranscript``) and
   contexts are refused (``credential.type_reserved``): diplomas are signed only from a PV, with
   the diploma key, never by this generic service (issue 17: it would be a diploma-signing oracle);
5. JSON-LD expansion with the pinned loader keeps every term (``shahada.proofs.canonical.safe_expand``);
   for Ed25519Signature2020, signed by ACA-Py itself, the whole bounded RDFC-1.0 canonicalization
   (``rdf_canonize``: a poison graph is ``jsonld.too_complex``, as the plugin answers for the
   Data Integrity suites).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentRequestError
from shahada.issuer.api.errors import BadRequestError, UnprocessableCredentialError
from shahada.issuer.api.model import model_problem
from shahada.issuer.api.request import IssueRequest
from shahada.proofs.canonical import rdf_canonize, safe_expand
from shahada.proofs.types import DATA_INTEGRITY_CRYPTOSUITES, DEFAULT_PROOF_TYPE, PROOF_TYPES
from shahada.schemas.credential import MINISTRY_TYPES, PROTECTED_CONTEXTS
from shahada.schemas.document import context_problem, issuer_id, structure_problem, version_of
from shahada.schemas.loader import PinnedDocumentLoader

DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"


class Records(Protocol):
    """The ministry's records of what it signs (:class:`shahada.issuer.api.records.ArchiveRecords`)."""

    def prepare(self, credential: Mapping[str, Any]) -> dict[str, Any]: ...

    def archive_signed(self, signed: Mapping[str, Any]) -> None: ...


class CredentialSigner(Protocol):
    """Signs a checked credential with the ministry's key."""

    def sign(self, credential: Mapping[str, Any], *, suite: str, created: str | None) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class AgentCredentialSigner:
    """Signs through the agent: Data Integrity suites by the project's plugin, Ed25519Signature2020
    by ACA-Py itself. The private key never leaves the agent's wallet."""

    client: AdminClient
    verification_method: str

    def sign(self, credential: Mapping[str, Any], *, suite: str, created: str | None) -> dict[str, Any]:
        """Raises:
        UnprocessableCredentialError: the plugin refused the credential (its code, 422).
        AgentError (agent.*): the agent is down or failed (503/502).
        """
        try:
            if suite in DATA_INTEGRITY_CRYPTOSUITES:
                return self.client.add_data_integrity_proof(credential, cryptosuite=suite, verification_method=self.verification_method, created=created)
            return self.client.issue_credential(credential, proof_type=suite, verification_method=self.verification_method)
        except AgentRequestError as err:
            refusal = _plugin_refusal(err)
            if refusal is None:
                raise
            raise UnprocessableCredentialError(refusal[1], code=refusal[0]) from err


def _plugin_refusal(err: AgentRequestError) -> tuple[str, str] | None:
    """(code, message) of a 400 answered by the project's plugin, None for anything else."""
    if err.status != 400:
        return None
    try:
        body = json.loads(err.body)
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("code"), str) and isinstance(body.get("message"), str):
        return body["code"], body["message"]
    return None


@dataclass(frozen=True, slots=True)
class IssuerService:
    """The VC API issuer's configuration: who signs, as whom, with what, and its access token."""

    signer: CredentialSigner
    issuer_did: str
    verification_method: str
    loader: PinnedDocumentLoader
    token: str = field(repr=False)
    default_suite: str = DEFAULT_PROOF_TYPE
    suites: frozenset[str] = PROOF_TYPES
    records: Records | None = None  # None: nothing archived, no status entries (tests of the API alone)

    def __post_init__(self) -> None:
        if len(self.token) < 16:
            raise ValueError("the issuer service's bearer token must be at least 16 characters")
        if self.default_suite not in self.suites:
            raise ValueError(f"default suite {self.default_suite!r} is not among {sorted(self.suites)}")


def check_credential(service: IssuerService, request: IssueRequest) -> None:
    """Everything that must hold before the agent is asked to sign.

    Raises:
        UnprocessableCredentialError: ``credential.malformed``, ``credential.issuer``,
            ``context.unknown``, ``credential.type_reserved`` (422).
        BadRequestError: ``request.option_invalid`` for a verification method that is not the ministry's.
        CanonicalizationError (jsonld.invalid, 422): an undefined term or a relative IRI;
            ``jsonld.too_complex`` past the RDFC-1.0 limits.
    """
    credential = request.credential
    shape = structure_problem(credential)
    if shape is not None:
        raise UnprocessableCredentialError(shape, code="credential.malformed")
    contexts = context_problem(credential, service.loader.urls, embedded=True)
    if contexts is not None:
        raise UnprocessableCredentialError(contexts[1], code=contexts[0])
    model = model_problem(credential)
    if model is not None:
        raise UnprocessableCredentialError(model[1], code=model[0])
    if "proof" in credential:
        raise UnprocessableCredentialError("the credential already has a proof", code="credential.malformed")
    reserved = reserved_problem(credential)
    if reserved is not None:
        raise UnprocessableCredentialError(reserved, code="credential.type_reserved")
    issuer = issuer_id(credential)
    if issuer != service.issuer_did:
        raise UnprocessableCredentialError(f"the issuer must be the ministry's DID {service.issuer_did}, not {issuer}", code="credential.issuer")
    if request.verification_method not in (None, service.verification_method):
        raise BadRequestError(
            f"this service signs with {service.verification_method} only", code="request.option_invalid"
        )
    if request.suite in DATA_INTEGRITY_CRYPTOSUITES:
        safe_expand(credential, service.loader)
    else:
        # ACA-Py signs this suite itself and answers a refusal in free text (a 502 here): its
        # canonicalization's limits are checked first, with the same bounded RDFC-1.0
        rdf_canonize(credential, service.loader)


def reserved_problem(credential: Mapping[str, Any]) -> str | None:
    """Why the generic issuer must not sign ``credential`` (the ministry's types or contexts), or None."""
    types = credential.get("type")
    named = {types} if isinstance(types, str) else {t for t in types if isinstance(t, str)} if isinstance(types, list) else set()
    taken = sorted(named & MINISTRY_TYPES)
    if taken:
        return f"this service does not sign {', '.join(taken)}: the ministry issues those from a PV only"
    contexts = credential.get("@context")
    urls = {contexts} if isinstance(contexts, str) else {c for c in contexts if isinstance(c, str)} if isinstance(contexts, list) else set()
    protected = sorted(urls & PROTECTED_CONTEXTS)
    if protected:
        return f"the context {protected[0]} is reserved to the ministry's diplomas and transcripts"
    return None


def with_proof_context(request: IssueRequest) -> IssueRequest:
    """A VC 1.1 credential to be signed with a Data Integrity cryptosuite gets the Data Integrity
    context appended (the VC 1.1 context does not define ``DataIntegrityProof``, ``cryptosuite``…;
    VC Data Integrity 1.0 §2.1 and what the reference implementations do). VC 2.0 defines them."""
    credential = request.credential
    contexts = credential.get("@context")
    if (
        request.suite in DATA_INTEGRITY_CRYPTOSUITES
        and version_of(credential) == "v1"
        and isinstance(contexts, list)
        and DATA_INTEGRITY_CONTEXT not in contexts
    ):
        return replace(request, credential={**credential, "@context": [*contexts, DATA_INTEGRITY_CONTEXT]})
    return request


def issue(service: IssuerService, request: IssueRequest) -> dict[str, Any]:
    """The verifiable credential for a parsed request (see ``check_credential`` for the errors)."""
    request = with_proof_context(request)
    check_credential(service, request)
    if service.records is None:
        return service.signer.sign(request.credential, suite=request.suite, created=request.created)
    prepared = service.records.prepare(request.credential)
    signed = service.signer.sign(prepared, suite=request.suite, created=request.created)
    service.records.archive_signed(signed)
    return signed
