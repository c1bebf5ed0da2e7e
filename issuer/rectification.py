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
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Integer, String, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from shahada.common.db import Base, UTCDateTime
from shahada.issuer.archive.audit import AuditLog, records_sha256
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import ISSUED, Archive, CredentialRow, ImportInfo, PlannedCredential
from shahada.issuer.issuance import file_sha256, plan_credentials, record_digest
from shahada.issuer.pv.reader import read_pv
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
    new: list[PlannedCredential]
    superseding: list[PlannedCredential]
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


def _current(archive: Archive, year: int) -> dict[tuple[str, str, str], tuple[int, str, str]]:
    """(massar, session, kind) → (revisions so far, current id, current record digest)."""
    with Session(archive.engine) as session:
        superseded = set(session.scalars(select(Supersession.old_id)))
        rows = session.execute(
            select(CredentialRow.id, CredentialRow.massar, CredentialRow.session_kind, CredentialRow.kind, CredentialRow.record_digest)
            .where(CredentialRow.session_year == year)
        ).all()
    found: dict[tuple[str, str, str], tuple[int, str, str]] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for cid, massar, session_kind, kind, digest in rows:
        key = (massar, session_kind, kind)
        counts[key] = counts.get(key, 0) + 1
        if cid not in superseded:
            found[key] = (0, cid, digest)
    return {key: (counts[key], cid, digest) for key, (_, cid, digest) in found.items()}


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
    """The diff of a PV against the archive; stores nothing.

    Raises:
        PVInvalidError: ``pv.*`` codes, as for any import.
    """
    sha = file_sha256(path)
    existing = archive.find_import(year, sha)
    if existing is not None:
        return PVPlan(path.name, sha, year, existing.record_count, [], [], [], 0, resumed=existing)
    records = read_pv(path, reference=reference, year=year, build=False)  # plan_credentials builds and checks them
    issued_at = now.astimezone(dt.UTC).replace(microsecond=0)
    planned = plan_credentials(
        records, year=year, issuer=issuer, issued_at=issued_at, secret=secret, reference=reference, proof_type=proof_type, source=path.name
    )
    current = _current(archive, year)
    new: list[PlannedCredential] = []
    superseding: list[PlannedCredential] = []
    changes: list[Change] = []
    unchanged = 0
    for credential in planned:
        key = (credential.massar, credential.session_kind, credential.kind)
        if key not in current:
            new.append(credential)
            continue
        revisions, current_id, current_digest = current[key]
        if at_revision(credential, revisions - 1, year=year, secret=secret).record_digest == current_digest:
            unchanged += 1
            continue
        replacement = at_revision(credential, revisions, year=year, secret=secret)
        stored = archive.get(current_id)
        previous = stored.document if stored else {}
        fields = changed_fields(previous, replacement.document)
        superseding.append(replacement)
        changes.append(
            Change(
                credential.massar, credential.kind, credential.session_kind, current_id, replacement.id, fields,
                changed_values(previous, replacement.document),
            )
        )
    changes += _withdrawn_diplomas(records, planned, current, superseding)
    return PVPlan(path.name, sha, year, len(records), new, superseding, changes, unchanged)


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
    attach_status: Callable[[list[PlannedCredential]], list[PlannedCredential]] | None,
    audit: AuditLog | None,
) -> ImportInfo:
    """Store the import, its new and superseding credentials, the pending supersessions and the
    audit entries (``pv.import``, ``credentials.rectify``) in one transaction."""
    if plan.resumed is not None:
        return plan.resumed
    fresh = plan.new + plan.superseding
    if attach_status is not None and fresh:
        fresh = attach_status(fresh)

    def in_transaction(session: Session, info: ImportInfo) -> None:
        if audit is not None:
            audit.append(
                session, operator=operator, action="pv.import", subject=f"import:{info.id}", reason="PV import", at=now,
                details={"filename": plan.filename, "fileSha256": plan.sha256, "sessionYear": plan.year, "records": plan.records,
                         "credentials": len(fresh), "recordsSha256": records_sha256([(c.id, c.record_digest) for c in fresh])},
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

    return archive.record_import(
        session_year=plan.year, filename=plan.filename, file_sha256=plan.sha256, operator=operator, imported_at=now.replace(microsecond=0),
        record_count=plan.records, credentials=fresh, in_transaction=in_transaction,
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


__all__: Sequence[str] = ("Change", "PVPlan", "apply_supersessions", "plan_pv", "record_plan", "superseded_by")
