"""The issuer's operations, one function each, called alike by the CLI, the services, the tests
and the benchmarks: :func:`issue_pv` (import or rectify with a PV, sign, supersede, publish the
status lists), :func:`find_documents` and :func:`change_status` (``revoke``, ``suspend``, ``unsuspend``) and
:func:`publish_status`.

They take what they need explicitly (the archive, a signer, the status store, the operator): the
installation (``shahada.ministry``) builds those from its settings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.status import StatusChange, StatusStore
from shahada.issuer.archive.store import ISSUED, Archive, ImportInfo, StoredCredential
from shahada.issuer.bindings import fill_bindings
from shahada.issuer.issuance import Progress, Signer, sign_pending
from shahada.issuer.rectification import PVPlan, apply_supersessions, plan_pv, record_plan, superseded_by
from shahada.proofs.types import SUITE_CONTEXTS
from shahada.schemas.credential import MINISTRY_NAME, IssuerProfile
from shahada.schemas.identifiers import normalize_document_number
from shahada.schemas.reference import Reference, bundled_reference
from shahada.status.errors import StatusError
from shahada.status.lists import Purpose

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Issuance:
    """What :func:`issue_pv` did."""

    plan: PVPlan  # the diff against the archive (new, changed, unchanged credentials)
    info: ImportInfo  # the import (an earlier one when the same file was imported before)
    signed: int  # credentials signed in this run
    superseded: int  # superseded credentials revoked in this run
    published: list[tuple[str, int]]  # the status lists (purpose, number) re-signed in this run

    @property
    def resumed(self) -> bool:
        """The same file had been imported before: this run resumed that import."""
        return self.plan.resumed is not None

    @property
    def already_issued(self) -> int:
        """Credentials of this PV found issued, unchanged, by an earlier import."""
        return self.plan.unchanged


def plan_issue(
    pv: Path,
    *,
    archive: Archive,
    year: int,
    issuer_did: str,
    secret: bytes,
    proof_type: str,
    reference: Reference | None = None,
    now: dt.datetime | None = None,
) -> PVPlan:
    """What issuing ``pv`` would do, storing nothing (``shahada issue --dry-run``)."""
    return plan_pv(
        pv,
        archive=archive,
        year=year,
        issuer=IssuerProfile(did=issuer_did, name=MINISTRY_NAME),
        secret=secret,
        reference=reference or bundled_reference(),
        proof_type=proof_type,
        now=now or utc_now(),
    )


def issue_pv(
    pv: Path,
    *,
    archive: Archive,
    year: int,
    signer: Signer,
    issuer_did: str,
    secret: bytes,
    proof_type: str,
    status: StatusStore | None,
    operator: str,
    reference: Reference | None = None,
    concurrency: int = 4,
    batch_size: int = 64,
    progress: Progress | None = None,
    on_plan: Callable[[PVPlan], None] | None = None,
    clock: Clock = utc_now,
    sign_import: Callable[[ImportInfo], int] | None = None,
    bindings: bool = True,
) -> Issuance:
    """Import a PV (or rectify an issued session with a corrected one), sign every pending
    credential, revoke the superseded ones and publish the status lists.

    Every step is recorded in the audit trail and resumable: running it again on the same file
    resumes the import and signs each credential exactly once. ``on_plan`` sees the diff before
    anything is stored (the CLI prints it); ``status`` is None for a ministry without status lists.
    ``sign_import`` signs the recorded import's pending credentials elsewhere (distributed workers,
    :mod:`shahada.workers`) and returns how many were signed, instead of :func:`sign_pending` here.
    ``bindings``: once everything is signed, compute and store the import's paper-seal holder
    bindings (:func:`shahada.issuer.bindings.fill_bindings`); False leaves them for later
    (``shahada archive bindings``, or printing).

    Raises:
        PVInvalidError: ``pv.*`` codes; nothing is stored.
        AgentError, IssuanceError: signing failed; what was committed stays, a rerun resumes.
    """
    audit = AuditLog(archive.engine)  # every import and issuance batch, hash-chained
    now = clock()
    plan = plan_issue(pv, archive=archive, year=year, issuer_did=issuer_did, secret=secret, proof_type=proof_type, reference=reference, now=now)
    if on_plan is not None:
        on_plan(plan)
    info = record_plan(plan, archive=archive, operator=operator, now=now, status=status, audit=audit)
    if sign_import is not None:
        signed = sign_import(info)
    else:
        signed = sign_pending(
            archive, info.id, signer, clock=clock, batch_size=batch_size, concurrency=concurrency, progress=progress, audit=audit, operator=operator
        )
    superseded = apply_supersessions(archive, status, audit, operator=operator, now=clock())
    published = publish_status(status, signer, issuer_did=issuer_did, proof_type=proof_type, clock=clock) if status is not None else []
    if bindings:  # last: the superseded credentials are revoked and published first, whatever becomes of this long pass
        fill_bindings(archive, import_id=info.id)
    return Issuance(plan, info, signed, superseded, published)


def publish_status(
    status: StatusStore,
    signer: Signer,
    *,
    issuer_did: str,
    proof_type: str,
    clock: Clock = utc_now,
    progress: Progress | None = None,
    lists: Sequence[tuple[str, int]] | None = None,
) -> list[tuple[str, int]]:
    """Re-sign and store every status list with pending changes or whose validity window is half
    gone (W3C Bitstring Status List 1.0), then sign the public registry's record of every credential
    that has none (when ``signer`` can sign records: :class:`~shahada.issuer.issuance.AgentSigner`).
    With ``lists``, only those of these lists that are due, and no registry record; returns the (purpose, number) lists published;
    ``progress`` sees (lists done, lists due)."""
    published = status.publish(
        signer, issuer=issuer_did, now=clock, extra_contexts=tuple(SUITE_CONTEXTS.get(proof_type, ())), progress=progress, lists=lists
    )
    sign_records = getattr(signer, "sign_records", None)
    if callable(sign_records) and lists is None:
        status.publish_registry(sign_records, issuer=issuer_did, now=clock)
    return published


@dataclass(frozen=True, slots=True)
class Document:
    """An issued document as an operator identifies it before changing its status."""

    id: str
    kind: str  # diploma | transcript
    document_number: str  # as printed
    massar: str
    session_year: int
    session_kind: str  # normale | rattrapage
    academy: str
    name_fr: str  # given and family name
    name_ar: str
    state: str  # valid | revoked | suspended | superseded

    def describe(self) -> str:
        """One line: number, kind, session, academy, Code Massar, names in both scripts, state."""
        return (
            f"{self.document_number}  {self.kind:<10}  {self.session_year} {self.session_kind:<10}  {self.academy:<4}  {self.massar}  "
            f"{self.name_fr} / {self.name_ar}  [{self.state}]"
        )


def _text(values: object, language: str) -> str:
    if isinstance(values, list):
        for value in values:
            if isinstance(value, dict) and value.get("@language") == language:
                return str(value.get("@value", ""))
    return ""


def _document(stored: StoredCredential, status: StatusStore | None) -> Document:
    subject = stored.document.get("credentialSubject", {})
    session = subject.get("session", {})
    bits = status.status_of(stored.id) if status is not None else {}
    if status is not None and superseded_by(status.engine, stored.id) is not None:
        state = "superseded"
    else:
        state = "revoked" if bits.get("revocation") else "suspended" if bits.get("suspension") else "valid"
    return Document(
        id=stored.id, kind=stored.kind, document_number=stored.document_number, massar=str(subject.get("massarCode", "")),
        session_year=int(session.get("year", 0)), session_kind=str(session.get("code", "")), academy=str(subject.get("academy", {}).get("code", "")),
        name_fr=" ".join(filter(None, (_text(subject.get("givenName"), "fr"), _text(subject.get("familyName"), "fr")))),
        name_ar=" ".join(filter(None, (_text(subject.get("givenName"), "ar"), _text(subject.get("familyName"), "ar")))),
        state=state,
    )


_MASSAR_TYPED = re.compile(r"[A-Za-z][0-9]{9}")


def find_documents(
    reference: str, *, archive: Archive, status: StatusStore | None, year: int | None = None, kind: str | None = None
) -> list[Document]:
    """The issued documents an operator names by the document number printed on the paper (typed
    as Crockford's rules allow: any case, with or without hyphens), by a Code Massar (every document
    of that candidate, ``year`` and ``kind`` narrowing), or by the credential id (``urn:uuid:…``).

    Raises:
        StatusError: ``status.reference`` (none of the three forms), ``status.unknown`` (nothing
            issued under that reference).
    """
    text = reference.strip()
    if text.lower().startswith("urn:uuid:"):
        found = [c for c in (archive.get(text),) if c is not None and c.status == ISSUED]
    elif (number := normalize_document_number(text)) is not None:
        found = [c for c in (archive.get_by_number(number),) if c is not None and c.status == ISSUED]
    elif _MASSAR_TYPED.fullmatch(text):
        found = list(archive.credentials(massar=text.upper(), session_year=year, kind=kind))
    else:
        raise StatusError(
            f"{reference!r} is neither a document number (BAC-2025-D-…), a Code Massar (one letter, nine digits) nor a credential id (urn:uuid:…)",
            code="status.reference",
        )
    documents = [_document(c, status) for c in found]
    if year is not None:
        documents = [d for d in documents if d.session_year == year]
    if kind is not None:
        documents = [d for d in documents if d.kind == kind]
    if not documents:
        raise StatusError(f"no issued document {reference} in the archive", code="status.unknown")
    return sorted(documents, key=lambda d: (d.session_year, d.session_kind, d.kind, d.document_number))


ACTIONS: dict[tuple[str, bool], str] = {
    ("revocation", True): "status.revoke",
    ("suspension", True): "status.suspend",
    ("suspension", False): "status.unsuspend",
}


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """What :func:`change_status` did."""

    change: StatusChange
    published: list[tuple[str, int]]


def change_status(
    credential_id: str,
    purpose: Purpose,
    value: bool,
    *,
    archive: Archive,
    status: StatusStore | None,
    signer: Signer,
    issuer_did: str,
    proof_type: str,
    operator: str,
    reason: str | None,
    clock: Clock = utc_now,
    publish_lists: Callable[[list[tuple[str, int]]], list[tuple[str, int]]] | None = None,
) -> StatusUpdate:
    """Revoke (``revocation``, True), suspend (``suspension``, True) or unsuspend (``suspension``,
    False) an issued credential, then publish the lists.

    The bit, its list's pending revision and the audit entry are one transaction; if publishing
    fails the change is kept, and :func:`publish_status` (or the next change) publishes it.
    ``publish_lists`` publishes elsewhere instead (the changed list, e.g. as a task of the
    ``publish`` queue, :mod:`shahada.workers.publication`) and returns the lists it took.

    Raises:
        StatusError: ``status.disabled`` (no status lists), ``status.unknown`` (no such issued
            credential).
        ArchiveError: ``status.unknown``, the credential has no entry of that purpose.
    """
    if status is None:
        raise StatusError("credential status needs a did:web ministry (its site serves the lists)", code="status.disabled")
    stored = archive.get(credential_id)
    if stored is None or stored.status != ISSUED:
        raise StatusError(f"no issued credential {credential_id} in the archive", code="status.unknown")
    now = clock()
    audit = AuditLog(archive.engine)
    with status.begin() as session:  # the bit, its list's pending revision and the audit entry: one transaction
        change = status.set_status(credential_id, purpose, value, reason=reason, at=now, session=session)
        if change.changed:
            audit.append(
                session, operator=operator, action=ACTIONS[(purpose, value)], subject=credential_id, reason=reason or "", at=now,
                details={"purpose": purpose, "value": value, "list": change.list_number, "bit": change.bit},
            )
    if publish_lists is not None:
        return StatusUpdate(change, publish_lists([(purpose, change.list_number)]))
    published = publish_status(status, signer, issuer_did=issuer_did, proof_type=proof_type, clock=clock)
    return StatusUpdate(change, published)
