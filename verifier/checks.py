"""The individual checks of :func:`shahada.verifier.verify.verify_credential`, each a pure function.

Each returns a :class:`~shahada.verifier.result.Check` (and, when later checks need it, what it learnt).
Structure rules follow VC Data Model 1.1 §4 and 2.0 §4 ("Basic Concepts": ``@context``, ``type``,
``issuer``, ``credentialSubject``); validity follows 2.0 §4.9 (``validFrom``/``validUntil``) and
1.1 §4.6/§4.8 (``issuanceDate``/``expirationDate``), dates being RFC 3339 date-times with offset.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shahada.did.document import DIDDocument, split_did_url
from shahada.did.errors import DIDError, InvalidDIDError
from shahada.proofs import DATA_INTEGRITY_SUITES, SUITES, Suite, suite_name
from shahada.proofs.canonical import DocumentLoader, decode_proof_value, ed25519_verify, unsecured
from shahada.schemas.credential import DIPLOMA_KEY_FRAGMENT, MINISTRY_TYPES
from shahada.schemas.document import MAX_DEPTH as MAX_DEPTH
from shahada.schemas.document import Version as Version
from shahada.schemas.document import context_problem, structure_problem
from shahada.schemas.errors import UnknownContextError
from shahada.schemas.jsonschema import SCHEMA_FILES, validate_credential
from shahada.verifier.errors import CanonicalizationError, CanonicalizationLimitError, ProofFormatError
from shahada.verifier.result import OK, Check
from shahada.verifier.wallet_profile import VC_V1_CONTEXT as VC_V1_CONTEXT
from shahada.verifier.wallet_profile import VC_V2_CONTEXT as VC_V2_CONTEXT
from shahada.verifier.wallet_profile import canonical_vc2

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")


class Resolver(Protocol):
    """Anything that resolves a DID to a :class:`DIDDocument` (see :class:`did.DIDResolver`)."""

    def resolve(self, did: str) -> DIDDocument: ...


def passed(name: str, message: str) -> Check:
    return Check(name, "passed", OK, message)


def failed(name: str, code: str, message: str) -> Check:
    return Check(name, "failed", code, message)


def check_structure(credential: Any) -> Check:
    """The shape of a VC (code ``credential.malformed``): see :func:`shahada.schemas.document.structure_problem`."""
    problem = structure_problem(credential)
    if problem is not None:
        return failed("structure", "credential.malformed", problem)
    return passed("structure", "the credential has the required members")


def check_contexts(credential: Mapping[str, Any], pinned: frozenset[str], *, embedded: bool = False) -> Check:
    """Every ``@context`` anywhere in the credential is a pinned URL (code ``context.unknown``), or
    with ``embedded`` an embedded context object (no fetch; URLs it names are refused by the pinned
    loader when the signature check expands the document)."""
    problem = context_problem(credential, pinned, embedded=embedded)
    if problem is not None:
        return failed("context", *problem)
    return passed("context", "every @context is pinned")


def check_issuer(issuer: str, trusted_issuers: frozenset[str]) -> Check:
    """The issuer is one we trust (code ``issuer.untrusted``); nothing is resolved."""
    if issuer not in trusted_issuers:
        return failed("issuer", "issuer.untrusted", f"{issuer} is not a trusted issuer")
    return passed("issuer", f"{issuer} is a trusted issuer")


@dataclass(frozen=True, slots=True)
class ProofChoice:
    proof: Mapping[str, Any]
    suite: Suite


def check_proof(credential: Mapping[str, Any], allowed_suites: frozenset[str]) -> tuple[Check, ProofChoice | None]:
    """One proof (object or one-element list) of an allowed suite, with its required members."""
    name = "proof"
    proof = credential.get("proof")
    if isinstance(proof, list):
        if len(proof) > 1:
            return failed(name, "proof.unsupported", "proof sets and chains are not supported"), None
        proof = proof[0] if proof else None
    if proof is None:
        return failed(name, "proof.missing", "the credential has no proof"), None
    if not isinstance(proof, Mapping):
        return failed(name, "proof.malformed", "proof must be an object"), None
    suite = suite_name(proof)
    if suite is None or suite not in allowed_suites or suite not in SUITES:
        return failed(name, "proof.unsupported", f"proof suite {suite!r} is not allowed"), None
    chosen = SUITES[suite]
    required = ("verificationMethod", "proofPurpose", chosen.signature_field)
    missing = [f for f in required if not isinstance(proof.get(f), str)]
    if missing:
        return failed(name, "proof.malformed", f"proof lacks {', '.join(missing)}"), None
    return passed(name, f"one {suite} proof"), ProofChoice(proof, chosen)


MAX_PROOFS = 4  # proofs verified in one proof set (VC Data Integrity 1.0 §2.1.1)


def check_proof_set(credential: Mapping[str, Any], allowed_suites: frozenset[str]) -> tuple[Check, tuple[ProofChoice, ...]]:
    """One proof (see :func:`check_proof`), or a proof set or chain (VC Data Integrity 1.0 §2.1.1,
    §2.1.2): 2 to ``MAX_PROOFS`` proofs, each of an allowed suite with its members, every
    ``previousProof`` naming the ``id`` of another proof of the set, chains only with Data
    Integrity cryptosuites (code ``proof.malformed``, ``proof.unsupported``)."""
    proofs = credential.get("proof")
    if not isinstance(proofs, list) or len(proofs) < 2:
        check, choice = check_proof(credential, allowed_suites)
        return check, (choice,) if choice is not None else ()
    name = "proof"
    if len(proofs) > MAX_PROOFS:
        return failed(name, "proof.unsupported", f"{len(proofs)} proofs; at most {MAX_PROOFS} are verified"), ()
    choices: list[ProofChoice] = []
    for proof in proofs:
        check, choice = check_proof({"proof": proof}, allowed_suites)
        if choice is None:
            return check, ()
        choices.append(choice)
    ids = [c.proof.get("id") for c in choices if isinstance(c.proof.get("id"), str)]
    for choice in choices:
        previous = choice.proof.get("previousProof")
        if previous is None:
            continue
        named = previous if isinstance(previous, list) else [previous]
        if not named or not all(isinstance(p, str) and p in ids and p != choice.proof.get("id") for p in named):
            return failed(name, "proof.malformed", f"previousProof {previous!r} does not name another proof of the set"), ()
        if choice.suite.name not in DATA_INTEGRITY_SUITES:
            return failed(name, "proof.unsupported", f"a {choice.suite.name} proof cannot be chained"), ()
    return passed(name, f"a set of {len(choices)} proofs ({', '.join(c.suite.name for c in choices)})"), tuple(choices)


def check_keys(choices: tuple[ProofChoice, ...], issuer: str, resolver: Resolver, *, types: frozenset[str] = frozenset()) -> tuple[Check, tuple[bytes, ...]]:
    """Each proof of a set is by an ``assertionMethod`` key of its own controller, and one at least by
    the issuer's (code ``key.unauthorized``; see :func:`check_key`). A controller other than the
    issuer must be a did:key (resolved from the DID: no request) or a trusted DID the resolver allows."""
    keys: list[bytes] = []
    by_issuer = False
    for choice in choices:
        vm = choice.proof["verificationMethod"]
        controller = vm.split("#", 1)[0]
        if controller != issuer and not controller.startswith("did:key:"):
            return failed("key", "key.unauthorized", f"{vm}: a co-signer must be a did:key"), ()
        check, key = check_key(choice.proof, controller, resolver, types=types if controller == issuer else frozenset())
        if key is None:
            return check, ()
        by_issuer = by_issuer or controller == issuer
        keys.append(key)
    if not by_issuer:
        return failed("key", "key.unauthorized", f"no proof of the set is by a key of the issuer {issuer}"), ()
    return passed("key", f"{len(keys)} assertionMethod keys, one of the issuer {issuer}"), tuple(keys)


def check_signatures(credential: Mapping[str, Any], choices: tuple[ProofChoice, ...], keys: tuple[bytes, ...], loader: DocumentLoader) -> Check:
    """Every proof of a set verifies: over the document without proofs, or for a chained proof
    (``previousProof``) over the document holding the proofs it names (VC Data Integrity 1.0 §4.3)."""
    by_id = {c.proof["id"]: c.proof for c in choices if isinstance(c.proof.get("id"), str)}
    for index, (choice, key) in enumerate(zip(choices, keys, strict=False)):
        previous = choice.proof.get("previousProof")
        if previous is None:
            check = check_signature(credential, choice, key, loader)
        else:
            named = previous if isinstance(previous, list) else [previous]
            chained = [by_id[p] for p in named]
            check = _check_chained(credential, choice, chained if isinstance(previous, list) else chained[0], key, loader)
        if check.outcome != "passed":
            return failed("signature", check.code, f"proof {index}: {check.message}")
    return passed("signature", f"all {len(choices)} proofs verify")


def _check_chained(credential: Mapping[str, Any], choice: ProofChoice, previous: Any, key: bytes, loader: DocumentLoader) -> Check:
    name = "signature"
    try:
        document = {**unsecured(credential), "proof": previous}
        data = choice.suite.signing_input(document, choice.proof, loader)
        valid = ed25519_verify(key, decode_proof_value(choice.proof), data)
    except ProofFormatError as err:
        return failed(name, "proof.malformed", err.message)
    except (CanonicalizationError, UnknownContextError) as err:
        unknown = _unknown_context(err)
        if unknown is not None:
            return failed(name, "context.unknown", unknown.message)
        return failed(name, "signature.invalid", f"the credential cannot be canonicalized: {err}")
    if not valid:
        return failed(name, "signature.invalid", f"the chained {choice.suite.name} signature does not match")
    return passed(name, f"valid chained {choice.suite.name} signature")


def ministry_types(credential: Mapping[str, Any]) -> frozenset[str]:
    """The ministry's diploma/transcript types that ``credential`` claims."""
    types = credential.get("type")
    named = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    return frozenset(t for t in named if isinstance(t, str)) & MINISTRY_TYPES


def check_key(proof: Mapping[str, Any], issuer: str, resolver: Resolver, *, types: frozenset[str] = frozenset()) -> tuple[Check, bytes | None]:
    """The proof's key is an ``assertionMethod`` of the issuer's DID (codes ``proof.purpose``,
    ``key.unauthorized``, ``did.resolution``). A credential of the ministry's types (``types``, see
    :func:`ministry_types`) must be signed by the diploma key ``<did>#key-1`` (``key.not_for_type``):
    another key of the same DID (the VC API issuer's) cannot vouch for a diploma. A did:key has a
    single key, so the rule binds only DIDs with several (the ministry's did:web)."""
    name = "key"
    if proof["proofPurpose"] != "assertionMethod":
        return failed(name, "proof.purpose", f"proofPurpose is {proof['proofPurpose']!r}, not assertionMethod"), None
    vm_id: str = proof["verificationMethod"]
    try:
        did, fragment = split_did_url(vm_id)
    except InvalidDIDError as err:
        return failed(name, "key.unauthorized", f"verificationMethod: {err.message}"), None
    if did != issuer or fragment is None:
        return failed(name, "key.unauthorized", f"{vm_id} is not a key of the issuer {issuer}"), None
    try:
        document = resolver.resolve(did)
    except DIDError as err:
        return failed(name, "did.resolution", f"cannot resolve {did}: {err.message} [{err.code}]"), None
    method = document.verification_method(vm_id) if document.id == did else None
    if method is None or method.controller != did:
        return failed(name, "key.unauthorized", f"{vm_id} is not an Ed25519 key controlled by {did}"), None
    if not document.is_authorized(vm_id, "assertionMethod"):
        return failed(name, "key.unauthorized", f"{vm_id} is not an assertionMethod of {did}"), None
    if types and not did.startswith("did:key:") and fragment != DIPLOMA_KEY_FRAGMENT:
        return failed(name, "key.not_for_type", f"{vm_id} is not the diploma key #{DIPLOMA_KEY_FRAGMENT}: it cannot sign {', '.join(sorted(types))}"), None
    return passed(name, f"{vm_id} is an assertionMethod of {did}"), method.public_key


def _unknown_context(err: BaseException) -> UnknownContextError | None:
    current: BaseException | None = err
    while current is not None:
        if isinstance(current, UnknownContextError):
            return current
        current = current.__cause__ or current.__context__
    return None


class SignatureCheck(Protocol):
    """How the ``signature`` check runs: :func:`check_signature` itself, or a stand-in that runs
    it elsewhere (the verifier service runs it in a limited worker process)."""

    def __call__(self, credential: Mapping[str, Any], choice: ProofChoice, public_key: bytes, loader: DocumentLoader) -> Check: ...


def check_signature(
    credential: Mapping[str, Any], choice: ProofChoice, public_key: bytes, loader: DocumentLoader
) -> Check:
    """The proof's signature over the credential (codes ``signature.invalid``, ``proof.malformed``,
    ``context.unknown`` when canonicalization needed a context the loader does not pin,
    ``jsonld.too_complex`` when RDF canonicalization would need more work than its limits allow)."""
    name = "signature"
    try:
        valid = choice.suite.verify(credential, choice.proof, public_key, loader)
    except ProofFormatError as err:
        return failed(name, "proof.malformed", err.message)
    except CanonicalizationLimitError as err:
        return failed(name, "jsonld.too_complex", f"the credential cannot be canonicalized within the limits: {err.message}")
    except (CanonicalizationError, UnknownContextError) as err:
        unknown = _unknown_context(err)
        if unknown is not None:
            return failed(name, "context.unknown", unknown.message)
        return failed(name, "signature.invalid", f"the credential cannot be canonicalized: {err}")
    if not valid:
        return failed(name, "signature.invalid", f"the {choice.suite.name} signature does not match")
    return passed(name, f"valid {choice.suite.name} signature")


def check_schema(credential: Mapping[str, Any]) -> Check:
    """The credential against the bundled JSON Schema of its type (VC DM 2.0 "Data Schemas"); code
    ``schema.invalid``. It also guards what RDF-based proofs cannot protect, such as the ``rtl``
    direction of Arabic values. Credentials of other types have no bundled schema: passed, said so.
    A VC 1.1 wallet copy is checked in its canonical VC 2.0 form
    (:func:`shahada.verifier.wallet_profile.canonical_vc2`), so both say the same under the same schema."""
    name = "schema"
    types = credential.get("type")
    known = [t for t in (types if isinstance(types, list) else [types]) if t in SCHEMA_FILES]
    if not known:
        return passed(name, "no bundled JSON Schema applies to this credential type")
    problems = validate_credential(canonical_vc2(credential))
    if problems:
        shown = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        return failed(name, "schema.invalid", f"the credential does not conform to its schema: {shown}")
    return passed(name, f"conforms to the {known[0]} schema")


def _parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _RFC3339.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def check_validity(credential: Mapping[str, Any], version: Version, now: datetime) -> Check:
    """``now`` lies in the validity period (codes ``validity.not_yet_valid``, ``validity.expired``,
    ``credential.malformed`` for a missing or malformed date)."""
    name = "validity"
    start_key, end_key = ("validFrom", "validUntil") if version == "v2" else ("issuanceDate", "expirationDate")
    if version == "v1" and start_key not in credential:
        return failed(name, "credential.malformed", "a VC 1.1 credential needs an issuanceDate")
    bounds: dict[str, datetime] = {}
    for key in (start_key, end_key):
        if key in credential:
            parsed = _parse_date(credential[key])
            if parsed is None:
                return failed(name, "credential.malformed", f"{key} {credential[key]!r} is not an RFC 3339 date-time")
            bounds[key] = parsed
    if start_key in bounds and now < bounds[start_key]:
        return failed(name, "validity.not_yet_valid", f"not valid before {credential[start_key]}")
    if end_key in bounds and now > bounds[end_key]:
        return failed(name, "validity.expired", f"expired at {credential[end_key]}")
    period = " ".join(f"{k} {credential[k]}" for k in (start_key, end_key) if k in bounds)
    return passed(name, f"valid now ({period})" if period else "no validity period")
