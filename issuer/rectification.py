"""Rectification: a corrected PV for a session already issued.

Importing a PV compares every credential it yields with the *current* credential of the same
(candidate, year, session, document type) in the archive:

- **unchanged** — the same record digest: nothing happens (the rattrapage wave leaves the first
  session's credentials alone this way);
- **new** — no credential yet (e.g. the rattrapage transcripts, the diplomas of newly admitted
  candidates): issued as usual;
- **changed** — the record differs: a superseding credential is issued with the next *revision*
  of the id (``shahada.schemas.identifiers.credential_id(…, revision=n)``), and, once it is signed, the
  superseded one is revoked (W3C Bitstring Status List 1.0, ``statusPurpose`` ``revocation``) with
  the reason "superseded" and a link to its replacement, kept in ``supersessions`` and answered by
  the public registry (``supersededBy``).

:func:`plan_pv` computes the diff without storing anything (``shahada issue --dry-run``);
:func:`record_plan` stores the import, the superseding credentials and the pending supersessions,
with their audit entries, in one transaction; :func:`apply_supersessions` revokes the superseded
credentials whose replacements are issued — idempotent, so a run killed in between resumes.

Both read the PV :data:`PLAN_CHUNK` records at a time and compare each chunk with the archive's
credentials of its candidates, as they stood at the last import when the plan was made (so reading
the plan's new credentials again, as :func:`record_plan` does, finds the same ones). A plan keeps
its counts, its changes and their superseding credentials, not its new credentials: those are built
again from the file, checked to be the same file (:class:`NewCredentials`).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import batched
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Integer, String, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from shahada.common.db import Base, UTCDateTime
from shahada.issuer.archive.audit import AuditLog, sorted_records_sha256
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import ISSUED, Archive, CredentialRow, ImportInfo, PlannedCredential, PVImport
from shahada.issuer.errors import ArchiveError
from shahada.issuer.issuance import CredentialPlanner, file_sha256, record_digest
from shahada.issuer.pv.reader import iter_pv_bytes
from shahada.schemas.credential import IssuerProfile
from shahada.schemas.identifiers import credential_id, document_number
from shahada.schemas.records import PVRecord
from shahada.schemas.reference import Reference

SUPERSEDED = "superseded"


class Supersession(Base):
    __tablename__ = "supersessions"
    old_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    new_id: Mapped[str] = mapped_column(String(80), index=True)
    import_id: Mapped[int] = mapped_column(Integer)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class Change:
    """One changed credential: who, which document, which fields, and the ids involved."""

    massar: str
    kind: str
    session_kind: str
    old_id: str
    new_id: str
    fields: tuple[str, ...]  # the JSON paths that differ (kept in the audit trail)
    values: tuple[tuple[str, str, str], ...] = ()  # (field in words, old value, new value), for operators


@dataclass(frozen=True, slots=True)
class PVPlan:
    """What importing a PV would do."""

    filename: str
    sha256: str
    year: int
    records: int
    new: Collection[PlannedCredential]  # built again from the file each time it is read (NewCredentials)
    superseding: list[PlannedCredential]  # one per change: kept
    changes: list[Change]
    unchanged: int
    resumed: ImportInfo | None = None  # the same file was imported before

    def report(self) -> str:
        """A human-readable diff: counts, then one line per changed credential with its fields."""
        lines = [
            f"{self.filename}: {self.records} candidates; unchanged: {self.unchanged}; new: {len(self.new)}; "
            f"changed: {len(self.changes)}"
        ]
        for c in self.changes:
            lines.append(f"  changed {c.massar} {c.kind} ({c.session_kind}): {c.old_id} → {c.new_id}")
            if c.values:
                width = max(len(label) for label, _, _ in c.values)
                lines.extend(f"      {label:<{width}}  {old} → {new}" for label, old, new in c.values)
            else:
                lines.append(f"      {', '.join(c.fields) or '(metadata only)'}")
        return "\n".join(lines)


def at_revision(planned: PlannedCredential, revision: int, *, year: int, secret: bytes) -> PlannedCredential:
    """``planned`` with the id and printed number of ``revision`` (0: unchanged)."""
    if revision == 0:
        return planned
    cid = credential_id(planned.massar, year, planned.session_kind, planned.kind, secret=secret, revision=revision)  # type: ignore[arg-type]
    number = document_number(cid, planned.kind, year)  # type: ignore[arg-type]
    document = copy.deepcopy(planned.document)
    document["id"] = cid
    document["credentialSubject"]["documentNumber"] = number
    return replace(planned, id=cid, document_number=number, document=document, record_digest=record_digest(document))


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_leaves(item, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(_leaves(item, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


_ABSENT = "—"
_BOOKKEEPING = frozenset({"documentNumber"})  # a new revision's number differs by construction


def readable_fields(subject: dict[str, Any]) -> dict[str, str]:
    """A ``credentialSubject`` as (field in words → value): a bilingual value per language
    (``familyName (ar)``), a coded value by its code (``mention``; its names follow the code), a mark
    by its subject and exam (``PHILO (national) mark``) rather than its position in the list."""
    out: dict[str, str] = {}

    def scalar(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, list) and value and all(isinstance(v, dict) and "@value" in v for v in value):
            for v in value:
                out[f"{prefix} ({v.get('@language', '?')})"] = scalar(v["@value"])
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "subjectCode" in v for v in value):
            for v in value:
                label = f"{v['subjectCode']} ({v.get('exam', '?')})"
                for key, item in v.items():
                    if key not in ("subjectCode", "subjectName", "exam"):
                        walk(f"{label} {key}", item)
        elif isinstance(value, dict) and "code" in value:
            out[prefix] = scalar(value["code"])
            for key, item in value.items():
                if key not in ("code", "name"):
                    walk(f"{prefix} {key}", item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else key, item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(f"{prefix}[{i}]", item)
        else:
            out[prefix] = scalar(value)

    for key, value in subject.items():
        if key not in _BOOKKEEPING:
            walk(key, value)
    return out


def changed_values(old: dict[str, Any], new: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """(field in words, old value, new value) of every ``credentialSubject`` field that differs, in
    the new document's order (``—`` for a value absent on one side)."""
    a, b = readable_fields(old.get("credentialSubject", {})), readable_fields(new.get("credentialSubject", {}))
    order = list(b) + [k for k in a if k not in b]
    return tuple((k, a.get(k, _ABSENT), b.get(k, _ABSENT)) for k in order if a.get(k) != b.get(k))


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    """Paths of the ``credentialSubject`` leaves that differ (the printed number excepted)."""
    a, b = _leaves(old.get("credentialSubject", {}), "credentialSubject"), _leaves(new.get("credentialSubject", {}), "credentialSubject")
    return tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k) and k != "credentialSubject.documentNumber"))


PLAN_CHUNK = 1000  # PV records planned at a time: their credentials, and one archive lookup for them


def _current(
    session: Session, year: int, massars: Collection[str], upto_import: int
) -> dict[tuple[str, str, str], tuple[int, str, str]]:
    """(massar, session, kind) → (revisions so far, current id, current record digest) of the
    candidates ``massars``, as the archive stood when import ``upto_import`` was the last (what a
    plan compares with, however often its credentials are read again)."""
    rows = session.execute(
        select(CredentialRow.id, CredentialRow.massar, CredentialRow.session_kind, CredentialRow.kind, CredentialRow.record_digest)
        .where(CredentialRow.session_year == year, CredentialRow.massar.in_(list(massars)), CredentialRow.import_id <= upto_import)
    ).all()
    if not rows:
        return {}
    superseded = set(
        session.scalars(
            select(Supersession.old_id).where(Supersession.old_id.in_([row[0] for row in rows]), Supersession.import_id <= upto_import)
        )
    )
    found: dict[tuple[str, str, str], tuple[int, str, str]] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for cid, massar, session_kind, kind, digest in rows:
        key = (massar, session_kind, kind)
        counts[key] = counts.get(key, 0) + 1
        if cid not in superseded:
            found[key] = (0, cid, digest)
    return {key: (counts[key], cid, digest) for key, (_, cid, digest) in found.items()}


@dataclass(frozen=True, slots=True)
class _PlanInputs:
    """What planning a PV needs, kept so that its new credentials can be built again."""

    path: Path
    sha256: str
    year: int
    issuer: IssuerProfile
    secret: bytes
    reference: Reference
    proof_type: str
    issued_at: dt.datetime
    upto_import: int  # the last import when the plan was made: the archive it compares with


@dataclass(slots=True)
class _Chunk:
    """A chunk of records planned: their credentials sorted by what becomes of them."""

    records: int
    new: list[PlannedCredential]
    superseding: list[PlannedCredential]
    changes: list[Change]
    withdrawn: list[Change]
    unchanged: int


def _planned_chunks(archive: Archive, inputs: _PlanInputs, session: Session | None, *, diffs: bool, again: bool = False) -> Iterator[_Chunk]:
    """The PV at ``inputs.path`` planned :data:`PLAN_CHUNK` records at a time, compared with the
    archive as of ``inputs.upto_import`` (read on ``session``, or short sessions of its own):
    nothing of a chunk is kept once the next one is read. ``diffs``: the changes with their fields
    (reads each changed credential's stored document). ``again``: the file was planned before (its
    credentials are not checked again, and each new one's record digest is computed).

    Raises:
        PVInvalidError: ``pv.*`` codes, once the last record is read (chunks before it were yielded).
        ArchiveError: ``archive.import``, the file is no longer the one planned.
    """
    data = inputs.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != inputs.sha256:
        raise ArchiveError(f"the import of {inputs.path.name} could not be recorded; nothing was stored: the file changed while it was read", code="archive.import")
    records = iter_pv_bytes(data, filename=inputs.path.name, reference=inputs.reference, year=inputs.year, build=False)
    del data  # the reader holds what it still needs
    planner = CredentialPlanner(
        year=inputs.year, issuer=inputs.issuer, issued_at=inputs.issued_at, secret=inputs.secret, reference=inputs.reference, proof_type=inputs.proof_type,
        check=not again, digests=again,
    )
    for batch in batched(records, PLAN_CHUNK, strict=False):
        planned = planner.plan(batch)
        if not planned:  # a problem, in this chunk or before: the rest is only checked, and the problems raised at the end
            continue
        massars = {record.massar for record in batch}
        if session is None:
            with Session(archive.engine) as own:
                current = _current(own, inputs.year, massars, inputs.upto_import)
        else:
            current = _current(session, inputs.year, massars, inputs.upto_import)
        yield _classify(archive, inputs, batch, planned, current, diffs=diffs)
    planner.check(inputs.path.name)


def _classify(
    archive: Archive,
    inputs: _PlanInputs,
    records: Sequence[PVRecord],
    planned: list[PlannedCredential],
    current: dict[tuple[str, str, str], tuple[int, str, str]],
    *,
    diffs: bool,
) -> _Chunk:
    year, secret = inputs.year, inputs.secret
    chunk = _Chunk(len(records), [], [], [], [], 0)
    for credential in planned:
        key = (credential.massar, credential.session_kind, credential.kind)
        if key not in current:
            chunk.new.append(credential)
            continue
        if not credential.record_digest:  # planned without (only the archive's are compared)
            credential = replace(credential, record_digest=record_digest(credential.document))
        revisions, current_id, current_digest = current[key]
        if at_revision(credential, revisions - 1, year=year, secret=secret).record_digest == current_digest:
            chunk.unchanged += 1
            continue
        replacement = at_revision(credential, revisions, year=year, secret=secret)
        chunk.superseding.append(replacement)
        if diffs:
            stored = archive.get(current_id)
            previous = stored.document if stored else {}
            fields, values = changed_fields(previous, replacement.document), changed_values(previous, replacement.document)
        else:
            fields, values = (), ()
        chunk.changes.append(Change(credential.massar, credential.kind, credential.session_kind, current_id, replacement.id, fields, values))
    chunk.withdrawn = _withdrawn_diplomas(records, planned, current, chunk.superseding)
    return chunk


class NewCredentials(Collection[PlannedCredential]):
    """A plan's new credentials: counted when the plan is made, built again from its file (checked
    to be the same file) each time they are read, a chunk at a time, and compared with the archive as
    it stood then; none is kept (a national session's would take gigabytes)."""

    def __init__(self, archive: Archive, inputs: _PlanInputs, count: int) -> None:
        self._archive, self._inputs, self._count = archive, inputs, count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[PlannedCredential]:
        return self.read(None)

    def __contains__(self, item: object) -> bool:
        return any(item == credential for credential in self)

    def read(self, session: Session | None) -> Iterator[PlannedCredential]:
        """The credentials, in the plan's order, the archive read on ``session`` (an import's
        transaction) or on short sessions of their own.

        Raises:
            ArchiveError: ``archive.import``, the file or the archive's credentials of its
                candidates are no longer what the plan saw.
        """
        count = 0
        for chunk in _planned_chunks(self._archive, self._inputs, session, diffs=False, again=True):
            count += len(chunk.new)
            yield from chunk.new
        if count != self._count:
            raise ArchiveError(
                f"the import of {self._inputs.path.name} could not be recorded; nothing was stored: {count} new credentials, {self._count} planned",
                code="archive.import",
            )


def last_import(archive: Archive) -> int:
    """The id of the archive's last import (0: none yet)."""
    with Session(archive.engine) as session:
        return int(session.scalar(select(func.max(PVImport.id))) or 0)


def plan_pv(
    path: Path,
    *,
    archive: Archive,
    year: int,
    issuer: IssuerProfile,
    secret: bytes,
    reference: Reference,
    proof_type: str,
    now: dt.datetime,
) -> PVPlan:
    """The diff of a PV against the archive; stores nothing. The PV is read a chunk of records at
    a time and only the counts, the changes and their superseding credentials are kept: the new
    credentials are built again when they are read (:class:`NewCredentials`).

    Raises:
        PVInvalidError: ``pv.*`` codes, as for any import.
    """
    sha = file_sha256(path)
    existing = archive.find_import(year, sha)
    if existing is not None:
        return PVPlan(path.name, sha, year, existing.record_count, [], [], [], 0, resumed=existing)
    issued_at = now.astimezone(dt.UTC).replace(microsecond=0)
    inputs = _PlanInputs(path, sha, year, issuer, secret, reference, proof_type, issued_at, last_import(archive))
    records = new = unchanged = 0
    superseding: list[PlannedCredential] = []
    changes: list[Change] = []
    withdrawn: list[Change] = []
    for chunk in _planned_chunks(archive, inputs, None, diffs=True):
        records += chunk.records
        new += len(chunk.new)
        unchanged += chunk.unchanged
        superseding += chunk.superseding
        changes += chunk.changes
        withdrawn += chunk.withdrawn
    changes += sorted(withdrawn, key=lambda c: (c.massar, c.session_kind, c.kind))
    return PVPlan(path.name, sha, year, records, NewCredentials(archive, inputs, new), superseding, changes, unchanged)


def _withdrawn_diplomas(
    records: Sequence[PVRecord],
    planned: Sequence[PlannedCredential],
    current: dict[tuple[str, str, str], tuple[int, str, str]],
    superseding: Sequence[PlannedCredential],
) -> list[Change]:
    """Diplomas of candidates this PV lists as no longer admitted: superseded by their corrected
    transcript, which records the jury's new decision (so they are revoked with a link to it)."""
    in_pv = {(r.massar, r.session) for r in records}
    diplomas = {(c.massar, c.session_kind) for c in planned if c.kind == "diploma"}
    transcripts = {(c.massar, c.session_kind): c.id for c in superseding if c.kind == "transcript"}
    withdrawn = []
    for (massar, session_kind, kind), (_, current_id, _) in sorted(current.items()):
        key = (massar, session_kind)
        if kind == "diploma" and key in in_pv and key not in diplomas and key in transcripts:
            withdrawn.append(Change(massar, "diploma", session_kind, current_id, transcripts[key], ("withdrawn: no longer admitted",)))
    return withdrawn


def record_plan(
    plan: PVPlan,
    *,
    archive: Archive,
    operator: str,
    now: dt.datetime,
    status: StatusStore | None,
    audit: AuditLog | None,
) -> ImportInfo:
    """Store the import, its new and superseding credentials (with their status entries allocated,
    when ``status`` is given), the pending supersessions and the audit entries (``pv.import``,
    ``credentials.rectify``) in one transaction. The new credentials are built again from the file,
    a chunk at a time, and written as they come (:class:`NewCredentials`): none is kept."""
    if plan.resumed is not None:
        return plan.resumed
    count = len(plan.new) + len(plan.superseding)

    def credentials(session: Session) -> Iterator[PlannedCredential]:
        yield from plan.new.read(session) if isinstance(plan.new, NewCredentials) else plan.new
        yield from plan.superseding

    def in_transaction(session: Session, info: ImportInfo) -> None:
        if info.credential_count != count:  # NewCredentials checks as much; a plan built by hand may not
            raise ArchiveError(
                f"the import of {plan.filename} could not be recorded; nothing was stored: {info.credential_count} credentials, {count} planned",
                code="archive.import",
            )
        if audit is not None:
            audit.append(
                session, operator=operator, action="pv.import", subject=f"import:{info.id}", reason="PV import", at=now,
                details={"filename": plan.filename, "fileSha256": plan.sha256, "sessionYear": plan.year, "records": plan.records,
                         "credentials": count, "recordsSha256": sorted_records_sha256(archive.import_digests(session, info.id))},
            )
        if plan.changes:
            session.execute(
                insert(Supersession),
                [{"old_id": c.old_id, "new_id": c.new_id, "import_id": info.id, "applied": False, "at": now} for c in plan.changes],
            )
            if audit is not None:
                audit.append(
                    session, operator=operator, action="credentials.rectify", subject=f"import:{info.id}", reason=SUPERSEDED, at=now,
                    details={"changes": [{"old": c.old_id, "new": c.new_id, "fields": list(c.fields)} for c in plan.changes]},
                )

    prepare = None
    if status is not None and count:
        reserved = status.reserve(count)  # committed now: the import's long transaction locks no counter

        def prepare(session: Session, chunk: list[PlannedCredential]) -> list[PlannedCredential]:
            return status.attach_in(session, chunk, reserved)

    return archive.record_import(
        session_year=plan.year, filename=plan.filename, file_sha256=plan.sha256, operator=operator, imported_at=now.replace(microsecond=0),
        record_count=plan.records, credentials=credentials, in_transaction=in_transaction,
        prepare=prepare, setup=status.allocation_cache if status is not None else None,
    )


def apply_supersessions(archive: Archive, status: StatusStore | None, audit: AuditLog | None, *, operator: str, now: dt.datetime) -> int:
    """Revoke every superseded credential whose replacement is issued ("superseded", with the link).

    Each revocation, its audit entry and the supersession's ``applied`` flag share one transaction.
    Returns how many were applied now.
    """
    sessions = sessionmaker(archive.engine)
    with sessions() as session:
        pending = session.execute(
            select(Supersession.old_id, Supersession.new_id)
            .join(CredentialRow, CredentialRow.id == Supersession.new_id)
            .where(Supersession.applied.is_(False), CredentialRow.status == ISSUED)
        ).all()
    for old_id, new_id in pending:
        with sessions.begin() as session:
            details: dict[str, Any] = {"supersededBy": new_id}
            if status is not None:
                change = status.set_status(old_id, "revocation", True, reason=f"{SUPERSEDED} by {new_id}", at=now, session=session)
                details.update(purpose="revocation", value=True, list=change.list_number, bit=change.bit)
                status.forget_registry_record(session, old_id)  # re-signed with its supersededBy by the next publication
            if audit is not None and status is not None:
                audit.append(session, operator=operator, action="status.revoke", subject=old_id, reason=SUPERSEDED, at=now, details=details)
            session.execute(update(Supersession).where(Supersession.old_id == old_id).values(applied=True))
    return len(pending)


def superseded_by(bind: Engine | Connection, credential_id: str) -> str | None:
    """The id of the credential that replaced ``credential_id``, if any (for the registry); read
    on ``bind``, an engine or a connection already open (one plain query, no ORM session)."""
    query = select(Supersession.new_id).where(Supersession.old_id == credential_id, Supersession.applied.is_(True))
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return connection.scalar(query)
    return bind.scalar(query)


__all__: Sequence[str] = ("Change", "NewCredentials", "PVPlan", "apply_supersessions", "plan_pv", "record_plan", "superseded_by")
