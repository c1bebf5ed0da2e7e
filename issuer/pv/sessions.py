"""Checks across rows of one PV: one row per candidate and session, one Code Massar per person,
and coherent session pairs.

A candidate appears at most once per session (``pv.duplicate_candidate``). Two Code Massar never
share a CIN (``pv.duplicate_cin``), nor the same names in both scripts, birth date and birth places
unless different CINs tell the two people apart (``pv.duplicate_identity``): one person registered
twice would receive two diplomas. A candidate who sits the
session de rattrapage was sent there by the normal session; when one PV holds both sessions, the
two rows must tell one story (``pv.session_mismatch``): the same person, stream and academy, the
normal-session decision ``rattrapage``, the regional exam and the continuous assessment unchanged
(neither is retaken), and each national mark at least the normal-session one, since the better
mark of the two sessions is kept (``/work/shared/DOMAIN.md``).
"""

from __future__ import annotations

import hashlib
from typing import Final, Protocol

from shahada.schemas.records import PVRecord, SessionKind

# Column → PVRecord attribute that must be equal in both sessions' rows of one candidate.
_SAME_IN_BOTH: Final = (
    ("cin", "cin"), ("nom_fr", "family_name_fr"), ("prenom_fr", "given_name_fr"),
    ("nom_ar", "family_name_ar"), ("prenom_ar", "given_name_ar"), ("date_naissance", "birth_date"),
    ("lieu_naissance_fr", "birth_place_fr"), ("lieu_naissance_ar", "birth_place_ar"),
    ("filiere", "stream"), ("option", "option"), ("academie", "academy"),
    ("type_candidat", "candidate_type"), ("moyenne_regionale", "regional_average"),
    ("moyenne_cc", "continuous_average"),
)  # fmt: skip
_OTHER: Final[dict[SessionKind, SessionKind]] = {"normale": "rattrapage", "rattrapage": "normale"}


class _Log(Protocol):
    """The part of :class:`shahada.issuer.pv.rules.ProblemLog` used here."""

    def add(self, row: int | None, column: str | None, code: str, message: str) -> None: ...


class SessionIndex:
    """Remembers, for one PV, the row of each (Code Massar, session) and the valid records."""

    def __init__(self, log: _Log) -> None:
        self._log = log
        self._rows: dict[tuple[str, str], int] = {}
        self._cins: dict[str, tuple[str, int]] = {}  # CIN → (Code Massar, first row)
        # digest of an identity → (Code Massar, CIN, row); a 16-byte digest rather than the seven
        # strings keeps a national PV's index in tens of megabytes
        self._identities: dict[bytes, tuple[str, str, int]] = {}
        self._records: dict[tuple[str, str], PVRecord] = {}

    def seen(self, line: int, massar: str, session: str) -> None:
        """Note a row with a well-formed Code Massar and session; report it if it is a second one."""
        first = self._rows.setdefault((massar, session), line)
        if first != line:
            self._log.add(line, "massar", "pv.duplicate_candidate",
                          f"this Code Massar already has a {session} row: rows {first} and {line}")  # fmt: skip

    def cin(self, line: int, massar: str, cin: str) -> None:
        """Note a well-formed CIN; report it when another Code Massar already has it."""
        first_massar, first = self._cins.setdefault(cin, (massar, line))
        if first_massar != massar:
            self._log.add(line, "cin", "pv.duplicate_cin",
                          f"this CIN is also in row {first} (column cin), under another Code Massar")  # fmt: skip

    def identity(self, line: int, massar: str, cin: str, identity: tuple[str, ...]) -> None:
        """Note a row's identity (names, birth date, places); report it when another Code Massar
        has the same one and the CINs do not tell the two apart (one is missing)."""
        key = hashlib.blake2b("\x1f".join(part.casefold() for part in identity).encode(), digest_size=16).digest()
        first_massar, first_cin, first = self._identities.setdefault(key, (massar, cin, line))
        if first_massar != massar and not (cin and first_cin and cin != first_cin):
            self._log.add(line, "massar", "pv.duplicate_identity",
                          f"row {first} (column massar) has another Code Massar for the same names, birth date "
                          "and birth places")  # fmt: skip

    def pair(self, record: PVRecord) -> None:
        """Check a valid record against the same candidate's valid row of the other session, if any."""
        self._records[(record.massar, record.session)] = record
        other = self._records.get((record.massar, _OTHER[record.session]))
        if other is None:
            return
        add = self._log.add
        line = record.row
        normale, rattrapage = (record, other) if record.session == "normale" else (other, record)
        where = f"(rows {normale.row} normale and {rattrapage.row} rattrapage)"
        if normale.decision != "rattrapage":
            message = f"the candidate sits the rattrapage, yet was given {normale.decision} at the normale {where}"
            add(line, "decision", "pv.session_mismatch", message)
        for column, attribute in _SAME_IN_BOTH:
            if getattr(normale, attribute) != getattr(rattrapage, attribute):
                add(line, column, "pv.session_mismatch", f"{column} differs between the two sessions {where}")
        if normale.stream != rattrapage.stream:
            return
        before = {(m.exam, m.subject): m.mark for m in normale.marks}
        for mark in rattrapage.marks:
            old = before[(mark.exam, mark.subject)]
            column = ("nat_" if mark.exam == "national" else "reg_") + mark.subject
            if mark.exam == "regional" and mark.mark != old:
                add(line, column, "pv.session_mismatch",
                    f"the regional exam is not retaken, yet {column} is {old} then {mark.mark} {where}")  # fmt: skip
            elif mark.exam == "national" and mark.mark < old:
                add(line, column, "pv.session_mismatch",
                    f"the better mark is kept, yet {column} falls from {old} to {mark.mark} {where}")  # fmt: skip

