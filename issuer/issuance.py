"""The issuance pipeline's steps: a validated PV in, signed credentials in the archive out
(the whole operation is :func:`shahada.issuer.usecases.issue_pv`).

1. ``read_pv`` validates every row; any problem raises ``PVInvalidError`` and nothing is stored.
2. :class:`CredentialPlanner` builds every unsigned credential (a transcript per candidate, a diploma
   per admitted candidate) with pure functions; ids are stable per (candidate, session, type).
3. ``shahada.issuer.rectification`` compares them with the archive and ``Archive.record_import``
   stores the import and the new or superseding credentials in one transaction. Both read the PV a
   record at a time (``iter_pv_bytes``) and build a chunk of credentials at a time
   (:class:`CredentialPlanner`): the plan keeps counts and changes, the import builds the new
   credentials again from the same file and writes them as they come; no step keeps a credential
   for the whole run (a national session's would take gigabytes, README "the national-size run").
4. ``sign_pending`` signs pending credentials through the agent, a batch at a time, each batch
   committed in one transaction. Killing the process at any moment loses at most the uncommitted
   batches (two when pipelined); running again signs what is still pending: every credential
   exactly once. A signer with ``batch`` set (:class:`AgentSigner`, by default) signs a batch in a
   few requests to the plugin's batch route (``sign_batch``), the next batch being signed while
   the previous one is committed; any other signer signs one credential per request, as before.
   The paper seals' holder bindings (a scrypt of ~13 ms each, ``docs/seal.md`` §5) are not
   computed beside the signing, which they slowed by half: :func:`shahada.issuer.bindings.fill_bindings`
   computes them once every credential is signed (``issue_pv`` runs it last).

Re-importing the same file (same SHA-256, same session) resumes that import and issues nothing
twice; a corrected PV supersedes the changed credentials only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from shahada.agent.admin import AdminClient
from shahada.issuer.archive.audit import AuditLog, document_sha256
from shahada.issuer.archive.store import Archive, PlannedCredential
from shahada.issuer.errors import IssuanceError, PVInvalidError, PVProblem
from shahada.issuer.pv.rules import PROBLEM_LIMIT
from shahada.issuer.pv.signable import checked_credentials
from shahada.proofs.canonical import jcs
from shahada.proofs.types import DATA_INTEGRITY_CRYPTOSUITES, DEFAULT_PROOF_TYPE, SUITE_CONTEXTS
from shahada.schemas.credential import IssuerProfile, credential_id, document_number
from shahada.schemas.records import PVRecord
from shahada.schemas.reference import Reference

Progress = Callable[[int, int], None]  # (done, total)


class Signer(Protocol):
    """Anything that turns an unsigned credential into a verifiable credential."""

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]: ...


class BatchSigner(Signer, Protocol):
    """A signer that also signs many credentials per request (``batch`` True to use it)."""

    batch: bool

    def sign_batch(self, credentials: Sequence[dict[str, Any]]) -> list[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class AgentSigner:
    """Signs through the ministry's ACA-Py agent: the key never leaves its wallet.

    ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022`` go to the project's plugin
    (``POST /shahada/di/add-proof``, which also checks that the issuer controls the key);
    ``Ed25519Signature2020`` to ACA-Py's own ``POST /vc/credentials/issue``.

    ``batch`` (Data Integrity suites): :func:`sign_pending` signs with :meth:`sign_batch`, the
    plugin's ``POST /shahada/di/add-proofs``; False signs one credential per request (the
    pipeline as first shipped, kept as the benchmark's baseline).
    """

    client: AdminClient
    verification_method: str
    proof_type: str = DEFAULT_PROOF_TYPE
    batch: bool = True

    def sign_batch(self, credentials: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every credential signed, in order, in one request when the suite allows it."""
        if self.proof_type in DATA_INTEGRITY_CRYPTOSUITES:
            return self.client.add_data_integrity_proofs(
                credentials, cryptosuite=self.proof_type, verification_method=self.verification_method
            )
        return [self.sign(credential) for credential in credentials]

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        if self.proof_type in DATA_INTEGRITY_CRYPTOSUITES:
            return self.client.add_data_integrity_proof(
                credential, cryptosuite=self.proof_type, verification_method=self.verification_method
            )
        return self.client.issue_credential(credential, proof_type=self.proof_type, verification_method=self.verification_method)

    def sign_records(self, records: list[dict[str, Any]]) -> list[str]:
        """The public registry's records as compact JWS (:mod:`shahada.schemas.registry`), signed by
        the plugin's ``POST /shahada/registry`` with the same key."""
        return self.client.sign_registry_records(list(records), verification_method=self.verification_method)


def record_digest(credential: dict[str, Any]) -> str:
    """SHA-256 of what the PV says about the holder: the JCS-canonical credentialSubject and type.
    The subject's ``id`` (a wallet copy's holder DID, never in the PV) is left out, as
    :func:`shahada.verifier.registry.record_digest` does (the two agree on every credential issued here)."""
    subject = credential["credentialSubject"]
    if isinstance(subject, dict):
        subject = {k: v for k, v in subject.items() if k != "id"}
    payload = {"type": credential["type"], "credentialSubject": subject}
    return hashlib.sha256(jcs(payload)).hexdigest()


class CredentialPlanner:
    """Every credential a PV yields (a transcript per record, a diploma per admitted record), a chunk
    of records at a time (issuance plans a national PV so, keeping no chunk). Each is checked as the
    signer and the verifier will check it (JSON Schema, size) before anything is stored, with the
    real issuer and ids. The problems of every chunk are kept, and once there is one no credential
    is built; :meth:`check` raises them (``pv.invalid``, a ``pv.credential`` problem per credential
    that could not be signed, at its record's row) after the last chunk."""

    def __init__(
        self,
        *,
        year: int,
        issuer: IssuerProfile,
        issued_at: dt.datetime,
        secret: bytes,
        reference: Reference,
        proof_type: str,
        check: bool = True,
        digests: bool = True,
    ) -> None:
        """``check`` False: build without the JSON Schema and size checks (credentials built again
        from a file already checked); ``digests`` False: ``record_digest`` left empty, for the caller
        to compute where it needs one (a plan compares only the credentials the archive has)."""
        self.year, self.issuer, self.issued_at, self.secret, self.reference = year, issuer, issued_at, secret, reference
        self.extra = SUITE_CONTEXTS.get(proof_type, ())
        self.check_each, self.digests = check, digests
        self.problems: list[PVProblem] = []

    def plan(self, records: Iterable[PVRecord]) -> list[PlannedCredential]:
        """The credentials of ``records``, in order (none once a problem was found in any chunk)."""
        planned: list[PlannedCredential] = []
        problems = self.problems
        year, secret = self.year, self.secret
        for record in records:
            built, found = checked_credentials(
                record, issuer=self.issuer, year=year, issued_at=self.issued_at, secret=secret, reference=self.reference,
                extra_contexts=self.extra, check=self.check_each,
            )
            problems += [PVProblem(record.row, column, "pv.credential", message) for column, message in found]
            if problems:
                continue
            for kind, document in built:
                cid = credential_id(record.massar, year, record.session, kind, secret=secret)
                planned.append(
                    PlannedCredential(
                        id=cid,
                        kind=kind,
                        session_kind=record.session,
                        massar=record.massar,
                        academy=record.academy,
                        document_number=document_number(cid, kind, year),
                        record_digest=record_digest(document) if self.digests else "",
                        document=document,
                    )
                )
        return planned if not problems else []

    def check(self, source: str) -> None:
        """Raises:
        PVInvalidError: ``pv.invalid`` naming ``source``, with the problems found so far."""
        if self.problems:
            raise PVInvalidError(self.problems[:PROBLEM_LIMIT], source=source)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_batch(
    archive: Archive,
    import_id: int,
    batch: Sequence[tuple[str, dict[str, Any]]],
    documents: Sequence[dict[str, Any]],
    *,
    clock: Callable[[], dt.datetime],
    audit: AuditLog | None = None,
    operator: str = "",
) -> int:
    """Check that each signed document is its credential's, and store those still pending in one
    transaction with the batch's audit entry (``credentials.issue``, the SHA-256 of every document
    stored); returns how many were stored (0 when all were signed before: a repeated batch). Their
    seals' holder bindings are stored later (:func:`shahada.issuer.bindings.fill_bindings`)."""

    def record(session: Any, stored: list[tuple[str, dict[str, Any]]]) -> None:
        if audit is not None:
            audit.append(
                session, operator=operator, action="credentials.issue", subject=f"import:{import_id}", reason="issuance", at=clock(),
                details={"documents": {cid: document_sha256(doc) for cid, doc in stored}},
            )

    for (cid, _unsigned), signed in zip(batch, documents, strict=True):
        if signed.get("id") != cid or "proof" not in signed:
            raise IssuanceError(f"the agent returned an unexpected document for {cid}", code="issuance.signature")
    return archive.store_signed(zip((cid for cid, _ in batch), documents, strict=False), issued_at=clock(), in_transaction=record)


def sign_listed(
    archive: Archive,
    import_id: int,
    ids: Sequence[str],
    signer: Signer,
    *,
    clock: Callable[[], dt.datetime],
    audit: AuditLog | None = None,
    operator: str = "",
) -> int:
    """Sign those of ``ids`` still pending (a distributed worker's batch) and store them in one
    transaction; returns how many were stored now. Idempotent: a batch delivered twice, or whose
    credentials another worker signed meanwhile, stores nothing twice."""
    batch = archive.pending(import_id, limit=len(ids), ids=ids)
    if not batch:
        return 0
    unsigned = [doc for _, doc in batch]
    if getattr(signer, "batch", False) and callable(getattr(signer, "sign_batch", None)):
        documents = signer.sign_batch(unsigned)  # type: ignore[attr-defined]
    else:
        documents = [signer.sign(doc) for doc in unsigned]
    return store_batch(archive, import_id, batch, documents, clock=clock, audit=audit, operator=operator)


def sign_pending(
    archive: Archive,
    import_id: int,
    signer: Signer,
    *,
    clock: Callable[[], dt.datetime],
    batch_size: int = 64,
    concurrency: int = 4,
    progress: Progress | None = None,
    audit: AuditLog | None = None,
    operator: str = "",
) -> int:
    """Sign every pending credential of an import; returns how many were signed now.

    ``audit`` records each committed batch (``credentials.issue``, the SHA-256 of every signed
    document) in the batch's own transaction. The seal holder bindings are not computed here
    (:func:`shahada.issuer.bindings.fill_bindings`, which :func:`shahada.issuer.usecases.issue_pv`
    runs last).
    """
    total = archive.count(import_id=import_id)
    done = total - archive.count(import_id=import_id, status="pending")
    signed_now = 0
    if progress:
        progress(done, total)

    def commit(batch: list[tuple[str, dict[str, Any]]], documents: list[dict[str, Any]]) -> None:
        nonlocal done, signed_now
        changed = store_batch(archive, import_id, batch, documents, clock=clock, audit=audit, operator=operator)
        signed_now += changed
        done += changed
        if progress:
            progress(done, total)

    workers = max(1, concurrency)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sign") as pool:
        if getattr(signer, "batch", False) and callable(getattr(signer, "sign_batch", None)):
            _sign_pipelined(archive, import_id, signer, pool, workers=workers, batch_size=batch_size, commit=commit)
        else:
            after = ""
            while batch := archive.pending(import_id, limit=batch_size, after=after):
                after = batch[-1][0]
                commit(batch, list(pool.map(lambda item: signer.sign(item[1]), batch)))
    if archive.count(import_id=import_id, status="pending") == 0:
        archive.complete_import(import_id, at=clock())
    return signed_now


def _sign_pipelined(
    archive: Archive,
    import_id: int,
    signer: Any,
    pool: ThreadPoolExecutor,
    *,
    workers: int,
    batch_size: int,
    commit: Callable[[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]], None],
) -> None:
    """Sign each batch in ``workers`` batch requests at once, the next batch's requests in flight
    while the previous batch is checked and committed (the agent signs while the archive writes)."""

    def submit(batch: list[tuple[str, dict[str, Any]]]) -> list[Future[list[dict[str, Any]]]]:
        size = max(1, -(-len(batch) // workers))
        return [pool.submit(signer.sign_batch, [doc for _, doc in batch[i : i + size]]) for i in range(0, len(batch), size)]

    batch = archive.pending(import_id, limit=batch_size, after="")
    futures = submit(batch) if batch else []
    while batch:
        following = archive.pending(import_id, limit=batch_size, after=batch[-1][0])
        following_futures = submit(following) if following else []
        try:
            documents = [doc for future in futures for doc in future.result()]
        except BaseException:
            for future in following_futures:
                future.cancel()
            raise
        commit(batch, documents)
        batch, futures = following, following_futures
