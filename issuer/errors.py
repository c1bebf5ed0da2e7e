"""Errors of the issuer package.

    IssuerError                     issuer.error
    ├── PVError                     pv.*          the deliberation record cannot be used
    │   └── PVInvalidError          pv.invalid    carries the full report (row, column, reason per problem)
    ├── ArchiveError                archive.*     the archive refused or failed an operation
    └── IssuanceError               issuance.*    the pipeline could not proceed
"""

from __future__ import annotations

from dataclasses import dataclass

from shahada.common.errors import ShahadaError


class IssuerError(ShahadaError):
    code = "issuer.error"


class PVError(IssuerError, ValueError):
    code = "pv.error"
    http_status = 422


@dataclass(frozen=True, slots=True)
class PVProblem:
    """One problem found in a PV: where (row, column) and why (stable code, message)."""

    row: int | None  # 1-based line in the file, the header being line 1; None for file-level problems
    column: str | None  # the column header; None when the problem is not about one cell
    code: str  # e.g. "pv.massar_format"
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where) or "file"
        return f"{prefix}: {self.message} [{self.code}]"


class PVInvalidError(PVError):
    code = "pv.invalid"

    def __init__(self, problems: list[PVProblem], *, source: str = "PV") -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.describe())

    def describe(self, outcome: str = "") -> str:
        """The report: ``source: N problem(s)[; outcome]`` then one line per problem. The outcome
        is the caller's to say (``shahada issue``: "nothing was issued")."""
        lines = "\n".join(f"  {p}" for p in self.problems)
        return f"{self.source}: {len(self.problems)} problem(s){'; ' + outcome if outcome else ''}\n{lines}"


class ArchiveError(IssuerError):
    code = "archive.error"


class IssuanceError(IssuerError):
    code = "issuance.error"
