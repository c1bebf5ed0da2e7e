"""The issuance pipeline: a validated PV in, signed credentials in the archive out.

1. ``read_pv`` validates every row; any problem raises ``PVInvalidError`` and nothing is stored.
2. ``plan_credentials`` builds every unsigned credential (a transcript per candidate, a diploma
   per admitted candidate) with pure functions; ids are stable per (candidate, session, type).
3. ``Archive.record_import`` stores the import and all planned credentials in one transaction.
4. ``sign_pending`` signs pending credentials through the agent, a batch at a time, each batch
   committed in one transaction. Killing the process at any moment loses at most the uncommitted
   batch; running again signs what is still pending: every credential exactly once.

Re-importing the same file (same SHA-256, same session) resumes that import and issues nothing
twice. A different file naming a candidate already issued with different content is refused
(``issuance.conflict``): changing issued records is rectification, a separate operation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import rfc8785

from shahada.agent.admin import AdminClient
from shahada.issuer.archive.store import Archive, ImportInfo, PlannedCredential
from shahada.issuer.archive.audit import AuditLog, document_sha256, records_sha256
from shahada.issuer.errors import IssuanceError
from shahada.proofs.types import DATA_INTEGRITY_CRYPTOSUITES as DATA_INTEGRITY_CRYPTOSUITES
from shahada.proofs.types import DEFAULT_PROOF_TYPE as DEFAULT_PROOF_TYPE
from shahada.proofs.types import ED25519_2020_CONTEXT as ED25519_2020_CONTEXT
from shahada.proofs.types import PROOF_TYPES as PROOF_TYPES
from shahada.proofs.types import SUITE_CONTEXTS as SUITE_CONTEXTS
from shahada.issuer.pv.reader import read_pv
from shahada.schemas.records import PVRecord
from shahada.schemas.credential import IssuerProfile, build_diploma, build_transcript, credential_id, document_number
from shahada.schemas.reference import Reference

Progress = Callable[[int, int], None]  # (done, total)


class Signer(Protocol):
    """Anything that turns an unsigned credential into a verifiable credential."""

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class AgentSigner:
    """Signs through the ministry's ACA-Py agent: the key never leaves its wallet.

    ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022`` go to the project's plugin
    (``POST /shahada/di/add-proof``, which also checks that the issuer controls the key);
    ``Ed25519Signature2020`` to ACA-Py's own ``POST /vc/credentials/issue``.
    """

    client: AdminClient
    verification_method: str
    proof_type: str = DEFAULT_PROOF_TYPE

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        if self.proof_type in DATA_INTEGRITY_CRYPTOSUITES:
            return self.client.add_data_integrity_proof(
                credential, cryptosuite=self.proof_type, verification_method=self.verification_method
            )
        return self.client.issue_credential(credential, proof_type=self.proof_type, verification_method=self.verification_method)


def record_digest(credential: dict[str, Any]) -> str:
    """SHA-256 of what the PV says about the holder: the JCS-canonical credentialSubject and type.
    The subject's ``id`` (a wallet copy's holder DID, never in the PV) is left out, as
    :func:`shahada.verifier.registry.record_digest` does (the two agree on every credential issued here)."""
    subject = credential["credentialSubject"]
    if isinstance(subject, dict):
        subject = {k: v for k, v in subject.items() if k != "id"}
    payload = {"type": credential["type"], "credentialSubject": subject}
    return hashlib.sha256(rfc8785.dumps(payload)).hexdigest()


def plan_credentials(
    records: Sequence[PVRecord],
    *,
    year: int,
    issuer: IssuerProfile,
    issued_at: dt.datetime,
    secret: bytes,
    reference: Reference,
    proof_type: str,
) -> list[PlannedCredential]:
    """Every credential a PV yields: a transcript per record, a diploma per admitted record."""
    extra = SUITE_CONTEXTS.get(proof_type, ())
    planned: list[PlannedCredential] = []
    for record in records:
        builders: list[tuple[str, Callable[..., dict[str, Any]]]] = [("transcript", build_transcript)]
        if record.admitted:
            builders.insert(0, ("diploma", build_diploma))
        for kind, build in builders:
            document = build(record, issuer=issuer, year=year, issued_at=issued_at, secret=secret, reference=reference, extra_contexts=extra)
            cid = credential_id(record.massar, year, record.session, kind, secret=secret)  # type: ignore[arg-type]
            planned.append(
                PlannedCredential(
                    id=cid,
                    kind=kind,
                    session_kind=record.session,
                    massar=record.massar,
                    academy=record.academy,
                    document_number=document_number(cid, kind, year),  # type: ignore[arg-type]
                    record_digest=record_digest(document),
                    document=document,
                )
            )
    return planned


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    info: ImportInfo
    resumed: bool  # the same file had been imported before
    already_issued: int  # credentials of this PV found issued by an earlier import, skipped


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_pv(
    path: Path,
    *,
    archive: Archive,
    year: int,
    issuer: IssuerProfile,
    secret: bytes,
    reference: Reference,
    proof_type: str,
    operator: str,
    now: dt.datetime,
    attach_status: Callable[[list[PlannedCredential]], list[PlannedCredential]] | None = None,
    audit: AuditLog | None = None,
    reason: str = "PV import",
) -> ImportOutcome:
    """Validate a PV and record its import with every planned credential (atomically).

    ``attach_status`` (``StatusStore.attach``) gives each new credential its status list entries
    (W3C Bitstring Status List 1.0 §2.1) before it is stored; indexes already allocated to an id
    are reused, so a failed import retried later allocates nothing twice. ``audit`` records the
    import (``pv.import``, with a digest of every record digest) in the import's own transaction.
    """
    sha = file_sha256(path)
    existing = archive.find_import(year, sha)
    if existing is not None:
        return ImportOutcome(existing, resumed=True, already_issued=0)
    records = read_pv(path, reference=reference, year=year)
    issued_at = now.astimezone(dt.UTC).replace(microsecond=0)
    planned = plan_credentials(records, year=year, issuer=issuer, issued_at=issued_at, secret=secret, reference=reference, proof_type=proof_type)
    known = archive.existing_digests([c.id for c in planned])
    conflicts = [c for c in planned if c.id in known and known[c.id] != c.record_digest]
    if conflicts:
        listed = ", ".join(f"{c.massar} ({c.kind}, {c.session_kind})" for c in conflicts[:20])
        raise IssuanceError(
            f"{len(conflicts)} credential(s) of this PV were already issued with different content: {listed}. "
            "Changing issued records is a rectification; nothing was imported.",
            code="issuance.conflict",
        )
    fresh = [c for c in planned if c.id not in known]
    if attach_status is not None and fresh:
        fresh = attach_status(fresh)
    def record(session: Any, recorded: ImportInfo) -> None:
        if audit is not None:
            audit.append(
                session, operator=operator, action="pv.import", subject=f"import:{recorded.id}", reason=reason, at=now,
                details={"filename": path.name, "fileSha256": sha, "sessionYear": year, "records": len(records),
                         "credentials": len(fresh), "recordsSha256": records_sha256([(c.id, c.record_digest) for c in fresh])},
            )

    info = archive.record_import(
        session_year=year,
        filename=path.name,
        file_sha256=sha,
        operator=operator,
        imported_at=issued_at,
        record_count=len(records),
        credentials=fresh,
        in_transaction=record,
    )
    return ImportOutcome(info, resumed=False, already_issued=len(planned) - len(fresh))


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
    document) in the batch's own transaction.
    """

    def record(session: Any, stored: list[tuple[str, dict[str, Any]]]) -> None:
        if audit is not None:
            audit.append(
                session, operator=operator, action="credentials.issue", subject=f"import:{import_id}", reason="issuance", at=clock(),
                details={"documents": {cid: document_sha256(doc) for cid, doc in stored}},
            )

    total = archive.count(import_id=import_id)
    done = total - archive.count(import_id=import_id, status="pending")
    signed_now = 0
    if progress:
        progress(done, total)
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="sign") as pool:
        after = ""
        while True:
            batch = archive.pending(import_id, limit=batch_size, after=after)
            if not batch:
                break
            after = batch[-1][0]
            documents = list(pool.map(lambda item: signer.sign(item[1]), batch))
            for (cid, unsigned), signed in zip(batch, documents, strict=True):
                if signed.get("id") != cid or "proof" not in signed:
                    raise IssuanceError(f"the agent returned an unexpected document for {cid}", code="issuance.signature")
            changed = archive.store_signed(zip((cid for cid, _ in batch), documents), issued_at=clock(), in_transaction=record)
            signed_now += changed
            done += changed
            if progress:
                progress(done, total)
    if archive.count(import_id=import_id, status="pending") == 0:
        archive.complete_import(import_id, at=clock())
    return signed_now
