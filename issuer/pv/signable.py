"""Whether a PV's records can be signed: each one built into its credentials and checked.

``shahada pv check`` passing must mean that ``shahada issue`` signs every credential: so validating
a PV builds, for every valid record, the transcript and (for an admitted candidate) the diploma with
the same pure builders as issuance (``shahada.schemas.credential``), and checks each against its JSON
Schema and the size limit (``shahada.schemas.jsonschema.check_signable``), the checks the ministry's
verifier and agent apply. A failure is a ``pv.credential`` problem at the record's row, in the column
the failing value came from when there is one.

While a PV is only checked, the issuer is the ministry's production ``did:web`` and the id secret a
placeholder: neither changes what the schemas accept. Issuance builds again with the real ones and
checks again (:class:`shahada.issuer.issuance.CredentialPlanner`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from shahada.schemas.credential import IssuerProfile, Kind, build_diploma, build_transcript
from shahada.schemas.errors import CredentialBuildError
from shahada.schemas.identifiers import MIN_SECRET_BYTES
from shahada.schemas.jsonschema import check_signable
from shahada.schemas.records import PVRecord
from shahada.schemas.reference import Reference

__all__ = ["CheckingProfile", "build_credentials", "checked_credentials"]

type Problem = tuple[str | None, str]  # (PV column or None, message)

# credentialSubject property (and, for bilingual values, the index of the language) → PV column.
_COLUMNS: Final[dict[str, str | tuple[str, str]]] = {
    "massarCode": "massar", "familyName": ("nom_fr", "nom_ar"), "givenName": ("prenom_fr", "prenom_ar"),
    "birthDate": "date_naissance", "birthPlace": ("lieu_naissance_fr", "lieu_naissance_ar"), "stream": "filiere",
    "option": "option", "academy": "academie", "session": "session", "candidateType": "type_candidat",
    "nationalAverage": "moyenne_nationale", "regionalAverage": "moyenne_regionale", "continuousAverage": "moyenne_cc",
    "generalAverage": "moyenne_generale", "mention": "mention", "decision": "decision",
}  # fmt: skip
# Values that identify the candidate: a message about them gives the path only, never the reason
# (which may quote the value).
_PERSONAL: Final = frozenset({"massarCode", "familyName", "givenName", "birthDate", "birthPlace", "documentNumber"})
_SUBJECT_PATH = re.compile(r"\$\.credentialSubject\.(\w+)(?:\[([01])\])?")


class CheckingProfile:
    """What building a credential needs besides the record, for a PV that is only being checked."""

    def __init__(self, reference: Reference, year: int) -> None:
        self.reference = reference
        self.year = year
        self.issuer = IssuerProfile(did="did:web:diplomes.men.gov.ma")
        self.issued_at = dt.datetime(year, 7, 1, tzinfo=dt.UTC)
        self.secret = bytes(MIN_SECRET_BYTES)

    def problems(self, record: PVRecord) -> list[Problem]:
        """Every reason why one of ``record``'s credentials could not be signed and accepted."""
        _, found = checked_credentials(
            record, issuer=self.issuer, year=self.year, issued_at=self.issued_at, secret=self.secret,
            reference=self.reference,
        )  # fmt: skip
        return found


def build_credentials(
    record: PVRecord,
    *,
    issuer: IssuerProfile,
    year: int,
    issued_at: dt.datetime,
    secret: bytes,
    reference: Reference,
    extra_contexts: Sequence[str] = (),
) -> Iterator[tuple[Kind, dict[str, Any]]]:
    """The record's credentials, (kind, unsigned document): the diploma first when admitted, then
    the transcript.

    Raises:
        CredentialBuildError: ``credential.build``, the record cannot make a credential.
    """
    builders: list[tuple[Kind, Callable[..., dict[str, Any]]]] = [("transcript", build_transcript)]
    if record.admitted:
        builders.insert(0, ("diploma", build_diploma))
    for kind, build in builders:
        document = build(record, issuer=issuer, year=year, issued_at=issued_at, secret=secret, reference=reference,
                         extra_contexts=extra_contexts)  # fmt: skip
        yield kind, document


def checked_credentials(
    record: PVRecord,
    *,
    issuer: IssuerProfile,
    year: int,
    issued_at: dt.datetime,
    secret: bytes,
    reference: Reference,
    extra_contexts: Sequence[str] = (),
    check: bool = True,
) -> tuple[list[tuple[Kind, dict[str, Any]]], list[Problem]]:
    """Build ``record``'s credentials and check each one (JSON Schema, size; ``check`` False: build
    only, for credentials built again from a file already checked).

    Returns:
        The credentials, (kind, unsigned document), and a (column, message) per problem; the
        credentials may be signed only when there is no problem.
    """
    built: list[tuple[Kind, dict[str, Any]]] = []
    found: list[Problem] = []
    try:
        for kind, document in build_credentials(
            record, issuer=issuer, year=year, issued_at=issued_at, secret=secret, reference=reference,
            extra_contexts=extra_contexts,
        ):  # fmt: skip
            built.append((kind, document))
            if check:
                found += [_located(kind, problem) for problem in check_signable(document)]
    except CredentialBuildError as err:
        found.append((None, f"no credential can be built from this row: {_without_row(str(err))}"))
    return built, found


def _located(kind: str, problem: str) -> Problem:
    path, _, reason = problem.partition(": ")
    column: str | None = None
    if (m := _SUBJECT_PATH.match(path)) is not None:
        mapped = _COLUMNS.get(m.group(1))
        column = mapped[int(m.group(2) or 0)] if isinstance(mapped, tuple) else mapped
        if m.group(1) in _PERSONAL:
            return column, f"the {kind} built from this row fails its JSON Schema at {path}"
    return column, f"the {kind} built from this row fails its JSON Schema or size limit: {path}: {reason}"


def _without_row(message: str) -> str:
    return re.sub(r"^PV row [0-9]+: ", "", message)
