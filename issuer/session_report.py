"""What became of a session's documents: issued, printed, delivered, revoked, suspended,
superseded — counted by kind and academy, for ``shahada session status YEAR``.

Each state is read where it is recorded, in the archive's database:

- issued (and pending, not yet signed): ``credentials.status``;
- printed: ``printed_documents`` (``shahada print`` records each PDF it finishes);
- delivered: ``wallet_delivery_items`` whose exchange reached the graduate's wallet (the portal's
  "add to wallet", :mod:`shahada.issuer.delivery`);
- revoked, suspended: the ``status_entries`` bits; a superseded document is revoked by its
  replacement and counted as superseded only (``supersessions``, applied).

The counts overlap by design: a printed document is also issued; revoked, suspended and superseded
are each a subset of issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from shahada.issuer.archive.status import StatusEntryRow
from shahada.issuer.archive.store import ISSUED, PENDING, Archive, CredentialRow, PrintedRow
from shahada.issuer.delivery import ISSUED_STATES, DeliveryItemRow
from shahada.issuer.rectification import Supersession

STATES: Final = ("issued", "printed", "delivered", "revoked", "suspended", "superseded", "pending")


@dataclass(frozen=True, slots=True)
class SessionStatus:
    """Counts per (kind, academy) and state; ``rows`` sorted by kind then academy."""

    year: int
    rows: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    def total(self, kind: str | None = None) -> dict[str, int]:
        """The counts summed over academies (of one kind, or of all)."""
        out = dict.fromkeys(STATES, 0)
        for (k, _), counts in self.rows.items():
            if kind is None or k == kind:
                for state in STATES:
                    out[state] += counts[state]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "session": self.year,
            "states": list(STATES),
            "byKindAndAcademy": [{"kind": k, "academy": a, **counts} for (k, a), counts in self.rows.items()],
            "byKind": {k: self.total(k) for k in sorted({k for k, _ in self.rows})},
            "total": self.total(),
        }


def session_status(archive: Archive, year: int, *, academy: str | None = None, kind: str | None = None) -> SessionStatus:
    """The counts of ``year``'s documents (of one academy, of one kind when given)."""
    where = [CredentialRow.session_year == year]
    if academy is not None:
        where.append(CredentialRow.academy == academy)
    if kind is not None:
        where.append(CredentialRow.kind == kind)
    issued = [*where, CredentialRow.status == ISSUED]
    superseded = select(Supersession.old_id).where(Supersession.applied.is_(True))

    def bit(purpose: str) -> Any:
        return and_(StatusEntryRow.credential_id == CredentialRow.id, StatusEntryRow.purpose == purpose, StatusEntryRow.value.is_(True))

    queries: dict[str, Any] = {
        "issued": select(CredentialRow.kind, CredentialRow.academy, func.count()).where(*issued),
        "pending": select(CredentialRow.kind, CredentialRow.academy, func.count()).where(*where, CredentialRow.status == PENDING),
        "printed": select(CredentialRow.kind, CredentialRow.academy, func.count())
        .join(PrintedRow, PrintedRow.credential_id == CredentialRow.id)
        .where(*issued),
        "delivered": select(CredentialRow.kind, CredentialRow.academy, func.count(func.distinct(CredentialRow.id)))
        .join(DeliveryItemRow, DeliveryItemRow.credential_id == CredentialRow.id)
        .where(*issued, DeliveryItemRow.state.in_(sorted(ISSUED_STATES))),
        "revoked": select(CredentialRow.kind, CredentialRow.academy, func.count())
        .join(StatusEntryRow, bit("revocation"))
        .where(*issued, CredentialRow.id.not_in(superseded)),
        "suspended": select(CredentialRow.kind, CredentialRow.academy, func.count()).join(StatusEntryRow, bit("suspension")).where(*issued),
        "superseded": select(CredentialRow.kind, CredentialRow.academy, func.count()).where(*issued, CredentialRow.id.in_(superseded)),
    }
    rows: dict[tuple[str, str], dict[str, int]] = {}
    with Session(archive.engine) as session:
        for state, query in queries.items():
            for k, a, count in session.execute(query.group_by(CredentialRow.kind, CredentialRow.academy)):
                rows.setdefault((k, a), dict.fromkeys(STATES, 0))[state] = int(count)
    return SessionStatus(year, dict(sorted(rows.items())))


def render_table(status: SessionStatus, states: Sequence[str] = STATES) -> str:
    """The counts as a plain-text table: one line per kind and academy, a subtotal per kind, the total."""
    header = ["kind", "academy", *states]
    lines: list[list[str]] = []
    for kind in sorted({k for k, _ in status.rows}):
        for (k, a), counts in status.rows.items():
            if k == kind:
                lines.append([k, a, *(str(counts[s]) for s in states)])
        lines.append([kind, "all", *(str(status.total(kind)[s]) for s in states)])
    lines.append(["all", "all", *(str(status.total()[s]) for s in states)])
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]

    def fmt(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()

    return "\n".join([fmt(header), *(fmt(row) for row in lines)])
