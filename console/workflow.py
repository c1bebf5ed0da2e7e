"""A session's life in the console: uploaded PVs (``console_submissions``) from validation to
issuance, and revocation requests (``console_requests``) waiting for a second approver.

Every transition is one transaction with its entry in the hash-chained audit trail, under the
account that made it. Validation is :func:`shahada.issuer.usecases.plan_issue` (what ``shahada
issue --dry-run`` runs); issuance (:mod:`shahada.console.jobs`) is
:func:`~shahada.issuer.usecases.issue_pv`; a status change is
:func:`~shahada.issuer.usecases.change_status`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shahada.common.db import Base, UTCDateTime
from shahada.common.errors import ShahadaError
from shahada.console.errors import FormError, NotFoundError, StateError
from shahada.console.operations import Ministry
from shahada.console.roles import Actor, academy_scope, require, require_other
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.errors import PVInvalidError
from shahada.issuer.pv.reader import read_pv
from shahada.issuer.usecases import Document, change_status, find_documents, plan_issue
from shahada.schemas.reference import bundled_reference
from shahada.status.errors import StatusError
from shahada.status.lists import Purpose

__all__ = ["Request", "StatusRequest", "Submission", "Workflow"]

# invalid → (fix and upload again); valid → submitted → approved → issuing → issued | failed (resume)
STATES: Final = ("invalid", "valid", "submitted", "rejected", "issuing", "issued", "failed")
SAFE_NAME: Final = re.compile(r"[^A-Za-z0-9._-]+")


class Submission(Base):
    __tablename__ = "console_submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_year: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    academy: Mapped[str | None] = mapped_column(String(8), nullable=True)  # the uploader's academy (academy operators)
    state: Mapped[str] = mapped_column(String(16))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    report: Mapped[str] = mapped_column(Text)  # JSON: problems, or the summary of a valid PV
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Request(Base):
    __tablename__ = "console_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credential_id: Mapped[str] = mapped_column(String(80))
    document_number: Mapped[str] = mapped_column(String(40))
    massar: Mapped[str] = mapped_column(String(16))
    academy: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


@dataclass(frozen=True, slots=True)
class StatusRequest:
    id: int
    document_number: str
    massar: str
    academy: str
    description: str
    reason: str
    state: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None


def _request(row: Request) -> StatusRequest:
    return StatusRequest(row.id, row.document_number, row.massar, row.academy, row.description, row.reason, row.state, row.requested_by, row.requested_at, row.decided_by)


def summarize(path: Path, year: int, plan: Any) -> dict[str, Any]:
    """Candidates by academy, stream, decision and mention, and the anomalies an approver should
    read: rectifications (old → new per candidate), candidates already issued, academies without
    any admitted candidate."""
    records = read_pv(path, reference=bundled_reference(), year=year, build=False)
    by: dict[str, Counter[str]] = {k: Counter() for k in ("academy", "stream", "decision", "mention")}
    admitted: Counter[str] = Counter()
    for r in records:
        by["academy"][r.academy] += 1
        by["stream"][r.stream] += 1
        by["decision"][r.decision] += 1
        by["mention"][r.mention or "—"] += 1
        admitted[r.academy] += r.admitted
    changes = [
        {"massar": c.massar, "kind": c.kind, "values": [list(v) for v in c.values] or [[f, "", ""] for f in c.fields]} for c in plan.changes
    ]
    return {
        "records": len(records),
        "academies": sorted(by["academy"]),
        "by": {k: dict(sorted(v.items())) for k, v in by.items()},
        "new": len(plan.new),
        "unchanged": plan.unchanged,
        "changes": changes,
        "resumed": plan.resumed is not None,
        "no_admitted": sorted(a for a in by["academy"] if admitted[a] == 0),
    }


class Workflow:
    """The submissions and requests, over the installation's parts."""

    def __init__(self, ministry: Ministry, work_dir: Path) -> None:
        self.ministry = ministry
        self.work_dir = work_dir
        self.engine = ministry.archive.engine
        self.audit = AuditLog(self.engine)

    def now(self) -> dt.datetime:
        return self.ministry.clock()

    def record(self, actor: Actor, action: str, subject: str, **details: Any) -> None:
        """An action with no state of its own in the audit trail (a print run, a download)."""
        with Session(self.engine) as session, session.begin():
            self.audit.append(session, operator=actor.name, action=action, subject=subject, at=self.now(), details=details)

    # --- PVs ---------------------------------------------------------------------------------------

    def upload(self, actor: Actor, year: int, filename: str, data: bytes) -> int:
        """Keep the file, validate it with ``plan_issue`` and record the report (or the summary).

        Raises:
            ForbiddenError: not an uploader; an academy operator's PV holding another academy's rows.
            FormError (form.file): an empty file.
        """
        require(actor, "upload", academy=actor.academy)
        if not data:
            raise FormError("choose a PV file (CSV or XLSX)", code="form.file")
        digest = hashlib.sha256(data).hexdigest()
        name = SAFE_NAME.sub("_", Path(filename or "pv.csv").name)[-120:] or "pv.csv"
        folder = self.work_dir / "uploads" / f"{year}-{digest[:16]}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        m = self.ministry
        try:
            plan = plan_issue(path, archive=m.archive, year=year, issuer_did=m.issuer_did, secret=m.secret, proof_type=m.proof_type, now=self.now())
        except PVInvalidError as err:
            state, report = "invalid", {"problems": [[p.row, p.column, p.code, p.message] for p in err.problems]}
        else:
            state, report = "valid", summarize(path, year, plan)
            foreign = sorted(set(report["academies"]) - {actor.academy}) if actor.academy else []
            if foreign:
                state, report = "invalid", {"problems": [[None, "academy", "role.academy", f"rows of academy {a}: this account works on {actor.academy} only"] for a in foreign]}
        with Session(self.engine) as session, session.begin():
            row = Submission(
                session_year=year, filename=name, path=str(path), file_sha256=digest, academy=actor.academy, state=state, uploaded_by=actor.name,
                uploaded_at=self.now(), report=json.dumps(report, ensure_ascii=False), done=0, total=0, error="",
            )
            session.add(row)
            session.flush()
            self.audit.append(session, operator=actor.name, action="console.pv.upload", subject=f"submission/{row.id}", at=self.now(),
                              details={"file": name, "sha256": digest, "year": year, "state": state})
            return row.id

    def submission(self, actor: Actor, submission_id: int) -> Submission:
        """Raises: NotFoundError (submission.unknown) — also for another academy's submission."""
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.get(Submission, submission_id)
        scope = academy_scope(actor)
        if row is None or (scope is not None and row.academy != scope):
            raise NotFoundError(f"no submission {submission_id}", code="submission.unknown")
        return row

    def submissions(self, actor: Actor) -> list[Submission]:
        query = select(Submission).order_by(Submission.id.desc())
        scope = academy_scope(actor)
        if scope is not None:
            query = query.where(Submission.academy == scope)
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(query))

    def _move(self, actor: Actor, submission_id: int, expected: tuple[str, ...], state: str, action: str, **extra: Any) -> Submission:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            row = session.get(Submission, submission_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no submission {submission_id}", code="submission.unknown")
            if row.state not in expected:
                raise StateError(f"submission {submission_id} is {row.state}", code="state.submission")
            row.state = state
            for name, value in extra.items():
                setattr(row, name, value)
            session.flush()
            self.audit.append(session, operator=actor.name, action=action, subject=f"submission/{row.id}", at=self.now(),
                              details={"file": row.filename, "sha256": row.file_sha256, "year": row.session_year})
            return row

    def submit(self, actor: Actor, submission_id: int) -> None:
        """The uploader sends a valid PV for approval."""
        row = self.submission(actor, submission_id)
        require(actor, "upload", academy=row.academy or actor.academy)
        self._move(actor, submission_id, ("valid",), "submitted", "console.pv.submit")

    def approve(self, actor: Actor, submission_id: int) -> Submission:
        """A second person approves: the submission becomes ``issuing`` (the caller starts the job).

        Raises:
            ForbiddenError (role.four_eyes): the approver uploaded it.
        """
        row = self.submission(actor, submission_id)
        require(actor, "approve")
        require_other(actor, row.uploaded_by)
        return self._move(actor, submission_id, ("submitted",), "issuing", "console.pv.approve", approved_by=actor.name, approved_at=self.now())

    def reject(self, actor: Actor, submission_id: int) -> None:
        row = self.submission(actor, submission_id)
        require(actor, "approve")
        require_other(actor, row.uploaded_by)
        self._move(actor, submission_id, ("submitted",), "rejected", "console.pv.reject")

    def resume(self, actor: Actor, submission_id: int) -> Submission:
        """Run a failed or interrupted issuance again (``issue_pv`` resumes where it stopped)."""
        require(actor, "approve")
        return self._move(actor, submission_id, ("failed", "issuing"), "issuing", "console.pv.resume", error="")

    def progress(self, submission_id: int, *, done: int, total: int, state: str | None = None, error: str | None = None) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(Submission, submission_id)
            if row is None:
                return
            row.done, row.total = done, total
            if state is not None:
                row.state = state
                row.finished_at = self.now()
                self.audit.append(session, operator=row.approved_by or "", action=f"console.pv.{state}", subject=f"submission/{row.id}", at=self.now(),
                                  reason=error or "", details={"done": done, "total": total})
            if error is not None:
                row.error = error

    # --- documents and their status ----------------------------------------------------------------

    def find(self, actor: Actor, reference: str) -> list[Document]:
        """The documents a number or a Code Massar names (an academy operator sees their academy's).

        Raises:
            FormError (status.reference, 400): neither a number nor a Code Massar.
            NotFoundError (status.unknown, 404): nothing issued under it.
        """
        require(actor, "view", academy=actor.academy)
        try:
            documents = find_documents(reference, archive=self.ministry.archive, status=self.ministry.status)
        except StatusError as err:  # the same codes, with the statuses of a web answer
            if err.code == "status.unknown":
                raise NotFoundError(err.message, code=err.code) from err
            raise FormError(err.message, code=err.code) from err
        scope = academy_scope(actor)
        return [d for d in documents if scope is None or d.academy == scope]

    def candidates(self, actor: Actor, massars: Iterable[str]) -> dict[str, list[Document]]:
        """Each candidate's documents, by Code Massar (those the actor may see; none when the
        archive no longer holds any)."""
        found: dict[str, list[Document]] = {}
        for massar in sorted(set(massars)):
            try:
                documents = self.find(actor, massar)
            except ShahadaError:
                continue
            if documents:
                found[massar] = sorted(documents, key=lambda d: (d.session_year, d.kind, d.document_number))
        return found

    def _document(self, actor: Actor, credential_id: str) -> Document:
        found = [d for d in self.find(actor, credential_id) if d.id == credential_id]
        if not found:
            raise NotFoundError(f"no document {credential_id}", code="document.unknown")
        return found[0]

    def set_suspension(self, actor: Actor, credential_id: str, value: bool, reason: str) -> Document:
        """Suspend (or lift a suspension) at once: reversible, so one pair of eyes."""
        reason = _reason(reason)
        document = self._document(actor, credential_id)
        require(actor, "suspend", academy=document.academy)
        self._change(document.id, "suspension", value, operator=actor.name, reason=reason)
        return document

    def request_revocation(self, actor: Actor, credential_id: str, reason: str) -> int:
        """Ask for a revocation; a second person approves it (:meth:`decide`)."""
        reason = _reason(reason)
        document = self._document(actor, credential_id)
        require(actor, "request_revocation", academy=document.academy)
        if document.state in ("revoked", "superseded"):
            raise StateError(f"{document.document_number} is already {document.state}", code="state.document")
        with Session(self.engine) as session, session.begin():
            row = Request(
                credential_id=document.id, document_number=document.document_number, massar=document.massar, academy=document.academy,
                description=document.describe(), reason=reason, state="pending", requested_by=actor.name, requested_at=self.now(),
            )
            session.add(row)
            session.flush()
            self.audit.append(session, operator=actor.name, action="console.revocation.request", subject=document.id, reason=reason, at=self.now(),
                              details={"request": row.id, "document_number": document.document_number})
            return row.id

    def requests(self, actor: Actor, *, pending_only: bool = False) -> list[StatusRequest]:
        query = select(Request).order_by(Request.id.desc())
        scope = academy_scope(actor)
        if scope is not None:
            query = query.where(Request.academy == scope)
        if pending_only:
            query = query.where(Request.state == "pending")
        with Session(self.engine) as session:
            return [_request(r) for r in session.scalars(query)]

    def decide(self, actor: Actor, request_id: int, approve: bool) -> StatusRequest:
        """An approver who did not ask approves (the revocation is made, ``change_status``) or rejects.
        The revocation is made first: if it fails, the request stays pending and can be approved again.

        Raises:
            ForbiddenError (role.four_eyes): the approver asked for it.
            StateError (state.request): already decided.
        """
        require(actor, "approve")
        pending = self._pending(actor, request_id)
        if approve:
            self._change(pending.credential_id, "revocation", True, operator=f"{pending.requested_by}+{actor.name}", reason=pending.reason)
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            row = self._pending(actor, request_id, session=session)
            row.state, row.decided_by, row.decided_at = ("approved" if approve else "rejected"), actor.name, self.now()
            session.flush()
            self.audit.append(session, operator=actor.name, action="console.revocation." + row.state, subject=row.credential_id, reason=row.reason,
                              at=self.now(), details={"request": row.id, "requested_by": row.requested_by})
        return _request(row)

    def _pending(self, actor: Actor, request_id: int, *, session: Session | None = None) -> Request:
        with Session(self.engine, expire_on_commit=False) if session is None else nullcontext(session) as s:
            row = s.get(Request, request_id, with_for_update=session is not None)
        if row is None:
            raise NotFoundError(f"no request {request_id}", code="request.unknown")
        require_other(actor, row.requested_by)
        if row.state != "pending":
            raise StateError(f"request {request_id} is {row.state}", code="state.request")
        return row

    def _change(self, credential_id: str, purpose: Purpose, value: bool, *, operator: str, reason: str) -> None:
        m = self.ministry
        try:
            change_status(
                credential_id, purpose, value, archive=m.archive, status=m.status, signer=m.signer(), issuer_did=m.issuer_did,
                proof_type=m.proof_type, operator=operator, reason=reason, clock=m.clock,
            )
        except StatusError as err:  # status.disabled (no status lists), status.unknown
            raise StateError(err.message, code=err.code) from err


def _reason(reason: str) -> str:
    text = " ".join(reason.split())[:500]
    if not text:
        raise FormError("say why (kept in the audit trail)", code="form.reason")
    return text
