"""The rules a PV row must obey: columns, formats, reference codes, and the jury's arithmetic.

A row of the procès-verbal des délibérations (see ``docs/pv-format.md``) becomes a
:class:`~shahada.schemas.records.PVRecord` only when every rule holds. Each broken rule is reported as a
:class:`~shahada.issuer.errors.PVProblem` with a stable code; the jury's values are never corrected:
averages, mention and decision are *checked* against the marks and the reference data
(``schemas/reference``), never recomputed into the record.

Names and places are printed on the diploma and signed: they hold visible text only, of bounded
length, that no spreadsheet or web page would run as a formula or markup
(:func:`shahada.issuer.pv.text.text_problem`).

Messages never repeat a candidate's identity (Code Massar, CIN, names, birth date): the report may
end up in logs, and the row number is enough to find the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Final, NamedTuple, cast

from shahada.issuer.errors import PVProblem
from shahada.issuer.pv.sessions import SessionIndex
from shahada.issuer.pv.text import CELL_MAX_LENGTH, text_problem
from shahada.schemas.records import CandidateType, Decision, Exam, PVRecord, SessionKind, SubjectMark
from shahada.schemas.reference import Reference, Stream

BASE_COLUMNS: Final = (
    "massar", "cin", "nom_fr", "prenom_fr", "nom_ar", "prenom_ar", "date_naissance",
    "lieu_naissance_fr", "lieu_naissance_ar", "filiere", "option", "academie", "session",
    "type_candidat", "moyenne_nationale", "moyenne_regionale", "moyenne_cc", "moyenne_generale",
    "mention", "decision",
)  # fmt: skip
EXAM_PREFIX: Final[dict[Exam, str]] = {"national": "nat_", "regional": "reg_"}
SESSIONS: Final = ("normale", "rattrapage")
MIN_AGE: Final = 14
MAX_AGE: Final = 80
PROBLEM_LIMIT: Final = 1000

PROBLEM_CODES: Final = frozenset({
    "pv.format", "pv.encoding", "pv.empty", "pv.columns", "pv.field_count", "pv.missing_value",
    "pv.massar_format", "pv.cin_format", "pv.script", "pv.date", "pv.decimal_format",
    "pv.mark_range", "pv.unknown_code", "pv.unexpected_value", "pv.marks_subjects",
    "pv.average_mismatch", "pv.mention_mismatch", "pv.decision_mismatch",
    "pv.duplicate_candidate", "pv.session_mismatch", "pv.truncated", "pv.header_row",
    "pv.too_long", "pv.invisible_character", "pv.combining_marks", "pv.formula", "pv.markup",
    "pv.duplicate_cin", "pv.duplicate_identity", "pv.credential", "pv.too_large",
})  # fmt: skip

_MASSAR = re.compile(r"[A-Z][0-9]{9}")
_CIN = re.compile(r"[A-Z]{1,2}[0-9]{1,6}")
_NUMBER = re.compile(r"-?[0-9]+(?:([.,])([0-9]+))?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_FR_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
# Letters only: Arabic-Indic digits, punctuation and harakat (U+064B-065F) are neither script.
ARABIC_LETTER = re.compile(
    "[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc]"
)
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_CENT: Final = Decimal("0.01")
_POSITION: Final = {c: i for i, c in enumerate(BASE_COLUMNS)}
_REQUIRED: Final = tuple(c for c in BASE_COLUMNS if c not in {"cin", "option", "moyenne_cc", "mention"})
_required: Final = itemgetter(*(_POSITION[c] for c in _REQUIRED))
_NAME_COLUMNS: Final = tuple(
    (column, _POSITION[column], column.endswith("_ar"))
    for column in ("nom_fr", "prenom_fr", "nom_ar", "prenom_ar", "lieu_naissance_fr", "lieu_naissance_ar")
)


def mark_column(exam: Exam, subject: str) -> str:
    """The header of the column holding a mark, e.g. ``nat_MATH`` or ``reg_FR``."""
    return EXAM_PREFIX[exam] + subject


def pv_columns(reference: Reference) -> tuple[str, ...]:
    """Every column of a PV, in canonical order: the base columns, then ``nat_*``, then ``reg_*``.

    A mark column exists for each subject that some stream examines at that exam; subjects are
    ordered as in ``subjects.json``.
    """
    national = {sc.subject for s in reference.streams.values() for sc in s.national}
    regional = {sc.subject for s in reference.streams.values() for sc in s.regional}
    return (
        BASE_COLUMNS
        + tuple(mark_column("national", s) for s in reference.subjects if s in national)
        + tuple(mark_column("regional", s) for s in reference.subjects if s in regional)
    )


class ProblemLog:
    """Collects problems, keeping the first ``limit`` and counting the rest."""

    def __init__(self, limit: int = PROBLEM_LIMIT) -> None:
        self.limit = limit
        self.total = 0
        self._kept: list[PVProblem] = []

    def add(self, row: int | None, column: str | None, code: str, message: str) -> None:
        self.total += 1
        if len(self._kept) < self.limit:
            self._kept.append(PVProblem(row, column, code, message))

    def lead(self, row: int | None, column: str | None, code: str, message: str) -> None:
        """Add a problem before all others (a file-level diagnosis known only once the rows are read)."""
        self.total += 1
        self._kept.insert(0, PVProblem(row, column, code, message))
        del self._kept[self.limit :]

    def report(self) -> list[PVProblem]:
        """The kept problems, plus a ``pv.truncated`` line saying how many were left out."""
        if self.total <= self.limit:
            return list(self._kept)
        left_out = self.total - self.limit
        summary = f"{left_out} more problem(s) not listed; {self.total} in all"
        return [*self._kept, PVProblem(None, None, "pv.truncated", summary)]


@dataclass(frozen=True, slots=True)
class _Subject:
    index: int  # position of the mark's column in the row
    column: str
    subject: str
    exam: Exam
    coefficient: int
    cache: dict[str, tuple[SubjectMark, Decimal]]  # cell text → (mark, coefficient × mark)


@dataclass(frozen=True, slots=True)
class _StreamPlan:
    """What a row of one stream must hold, resolved once against the header."""

    stream: Stream
    national: tuple[_Subject, ...]
    regional: tuple[_Subject, ...]
    national_coefficients: int
    regional_coefficients: int
    others: tuple[tuple[int, str], ...]  # mark columns that must stay empty for this stream
    other_cells: Callable[[list[str]], tuple[str, ...]]


def _plan(stream: Stream, index: dict[str, int]) -> _StreamPlan:
    def subjects(exam: Exam) -> tuple[_Subject, ...]:
        pairs = stream.national if exam == "national" else stream.regional
        return tuple(
            _Subject(index[col], col, sc.subject, exam, sc.coefficient, {})
            for sc in pairs
            for col in (mark_column(exam, sc.subject),)
        )

    national, regional = subjects("national"), subjects("regional")
    own = {s.column for s in national + regional}
    others = tuple(
        (i, col) for col, i in index.items() if col.startswith(("nat_", "reg_")) and col not in own
    )
    return _StreamPlan(
        stream, national, regional,
        sum(s.coefficient for s in national), sum(s.coefficient for s in regional), others,
        _cells_at(tuple(i for i, _ in others)),
    )  # fmt: skip


def _cells_at(positions: tuple[int, ...]) -> Callable[[list[str]], tuple[str, ...]]:
    """A fast ``lambda cells: tuple(cells[i] for i in positions)`` (itemgetter is C)."""
    if len(positions) > 1:
        return itemgetter(*positions)
    return lambda cells: tuple(cells[i] for i in positions)


class _Cells(NamedTuple):
    """The base columns of a row, stripped, in :data:`BASE_COLUMNS` order."""

    massar: str
    cin: str
    nom_fr: str
    prenom_fr: str
    nom_ar: str
    prenom_ar: str
    birth: str
    lieu_fr: str
    lieu_ar: str
    stream: str
    option: str
    academy: str
    session: str
    kind: str
    nat: str
    reg: str
    cc: str
    gen: str
    mention: str
    decision: str


@dataclass(frozen=True, slots=True)
class _Averages:
    """The row's declared averages, each None when empty or malformed (already reported)."""

    national: Decimal | None
    regional: Decimal | None
    continuous: Decimal | None
    general: Decimal | None


class RowChecker:
    """Checks rows one by one against the reference data; holds the caches of one PV.

    Args:
        reference: academies, streams, weights, mentions and tolerance.
        index: column name → position, from a header that passed the column check.
        year: the session's year; birth dates must give an age of 14 to 80 on 1 June of it.
        decimal_comma: whether "15,25" is a decimal (CSV with ``;`` separator, and XLSX).
        log: where problems go.
    """

    def __init__(
        self, reference: Reference, index: dict[str, int], *, year: int, decimal_comma: bool, log: ProblemLog
    ) -> None:
        self._ref = reference
        self._log = log
        self._decimal_comma = decimal_comma
        self._session_day = date(year, 6, 1)
        self._year = year
        self._base = itemgetter(*(index[c] for c in BASE_COLUMNS))
        self._names = {i: c for c, i in index.items()}  # position → column, for cell-level problems
        self._plans = {code: _plan(s, index) for code, s in reference.streams.items()}
        self._mentions = {m.code for m in reference.mentions}
        self._mention_cells = self._mentions | {""}
        # The lowest mention ("Passable") starts at the pass mark.
        self._pass_mark = reference.mentions[0].minimum
        # Caches of values already found valid: a PV repeats names, places, dates and marks a lot.
        self._numbers: dict[str, Decimal] = {}
        self._dates: dict[str, date] = {}
        self._scripts: dict[bool, set[str]] = {True: set(), False: set()}  # Arabic?, valid values
        self._strings: dict[str, str] = {}
        self._sessions = SessionIndex(log)

    def check(self, line: int, cells: list[str]) -> PVRecord | None:
        """Check one row; return its record, or None when a problem was reported."""
        before = self._log.total
        if max(map(len, cells), default=0) > CELL_MAX_LENGTH:
            self._too_long(line, cells)
            return None  # nothing else is looked at: a huge cell would only slow every check down
        row = _Cells._make(v.strip() for v in self._base(cells))
        self._required(line, row)
        self._identifiers(line, row)
        self._texts(line, row)
        birth = self._dates.get(row.birth) or (self._birth_date(line, row.birth) if row.birth else None)
        plan = self._codes(line, row)
        averages = self._averages(line, row)
        marks = self._stream_marks(line, cells, row, plan, averages) if plan is not None else []
        if self._sound(line, row, averages):
            assert averages.general is not None
            self._verdict(line, averages.general, row.session, row.decision, row.mention)
        self._across_rows(line, row, birth)
        if self._log.total != before:
            return None
        assert birth is not None
        record = self._record(line, row, birth, averages, marks)
        self._sessions.pair(record)
        return record

    def _too_long(self, line: int, cells: list[str]) -> None:
        for position, cell in enumerate(cells):
            if len(cell) > CELL_MAX_LENGTH:
                column = self._names.get(position)
                self._log.add(line, column, "pv.too_long",
                              f"{column or 'a cell'} holds {len(cell)} characters; at most {CELL_MAX_LENGTH}")  # fmt: skip

    def _required(self, line: int, row: _Cells) -> None:
        if not all(_required(row)):
            for column in _REQUIRED:
                if not row[_POSITION[column]]:
                    self._log.add(line, column, "pv.missing_value", f"{column} is required")

    def _identifiers(self, line: int, row: _Cells) -> None:
        if row.massar and not _MASSAR.fullmatch(row.massar):
            self._log.add(line, "massar", "pv.massar_format",
                          f"Code Massar must be one capital letter then nine digits (got {len(row.massar)} characters)")  # fmt: skip
        if row.cin and not _CIN.fullmatch(row.cin):
            self._log.add(line, "cin", "pv.cin_format",
                          f"CIN must be one or two capital letters then 1 to 6 digits (got {len(row.cin)} characters)")  # fmt: skip

    def _texts(self, line: int, row: _Cells) -> None:
        """Names and places: printable text of the right script (one problem per cell)."""
        for column, position, arabic in _NAME_COLUMNS:
            value = row[position]
            if not value or value in self._scripts[arabic]:
                continue
            if (found := text_problem(value)) is not None:
                code, reason = found
                self._log.add(line, column, code, f"{column} {reason}")
            else:
                self._script(line, column, value, arabic)

    def _codes(self, line: int, row: _Cells) -> _StreamPlan | None:
        """Stream, option and the coded columns; the stream's plan when the stream is known."""
        ref, add = self._ref, self._log.add
        plan = self._plans.get(row.stream)
        if row.stream and plan is None:
            add(line, "filiere", "pv.unknown_code", f"unknown stream {row.stream!r}; known: {', '.join(ref.streams)}")
        option = row.option
        if option and option not in ref.options:
            add(line, "option", "pv.unknown_code", f"unknown option {option!r}; known: {', '.join(ref.options)}")
        elif option and plan is not None and option not in plan.stream.options:
            offered = ", ".join(plan.stream.options) or "none"
            add(line, "option", "pv.unknown_code", f"stream {row.stream} has no option {option} (offers: {offered})")
        for column, value, known in (
            ("academie", row.academy, ref.academies), ("session", row.session, SESSIONS),
            ("type_candidat", row.kind, ref.weights), ("decision", row.decision, ref.decisions),
            ("mention", row.mention, self._mentions),
        ):  # fmt: skip
            if value and value not in known:
                add(line, column, "pv.unknown_code", f"unknown {column} {value!r}; known: {', '.join(known)}")
        return plan

    def _averages(self, line: int, row: _Cells) -> _Averages:
        """The declared averages; ``moyenne_cc`` required or forbidden by the candidate type."""
        nat = self._number(line, "moyenne_nationale", row.nat)
        reg = self._number(line, "moyenne_regionale", row.reg)
        gen = self._number(line, "moyenne_generale", row.gen)
        weights = self._ref.weights.get(row.kind)
        cc: Decimal | None = None
        if weights is not None and weights.continuous and not row.cc:
            self._log.add(line, "moyenne_cc", "pv.missing_value", f"moyenne_cc is required for a {row.kind} candidate")
        elif weights is not None and not weights.continuous and row.cc:
            self._log.add(line, "moyenne_cc", "pv.unexpected_value",
                          f"moyenne_cc must be empty for a {row.kind} candidate (no continuous assessment)")  # fmt: skip
        elif row.cc:
            cc = self._number(line, "moyenne_cc", row.cc)
        return _Averages(nat, reg, cc, gen)

    def _stream_marks(
        self, line: int, cells: list[str], row: _Cells, plan: _StreamPlan, averages: _Averages
    ) -> list[SubjectMark]:
        """The stream's marks, no mark outside the stream, and each exam's average against its marks."""
        marks: list[SubjectMark] = []
        nat_sum = self._marks(line, cells, plan.national, marks)
        reg_sum = self._marks(line, cells, plan.regional, marks)
        if any(plan.other_cells(cells)):
            for i, column in plan.others:
                if cells[i].strip():
                    self._log.add(line, column, "pv.marks_subjects", f"stream {row.stream} has no mark in {column}")
        if averages.national is not None and nat_sum is not None:
            self._average(line, "moyenne_nationale", averages.national, nat_sum, plan.national_coefficients)
        if averages.regional is not None and reg_sum is not None:
            self._average(line, "moyenne_regionale", averages.regional, reg_sum, plan.regional_coefficients)
        return marks

    def _sound(self, line: int, row: _Cells, averages: _Averages) -> bool:
        """Whether the declared general average may judge the verdict: it is itself sound.

        An unsound one would only repeat its own problem as decision and mention problems.
        """
        ref = self._ref
        weights = ref.weights.get(row.kind)
        nat, reg, cc, gen = averages.national, averages.regional, averages.continuous, averages.general
        if weights is None or nat is None or reg is None or gen is None or (cc is None and weights.continuous):
            return False
        expected = weights.national * nat + weights.regional * reg + weights.continuous * (cc or 0)
        if abs(gen - expected) > ref.tolerance:
            terms = f"{weights.national} × {nat} + {weights.regional} × {reg}"
            if weights.continuous:
                terms += f" + {weights.continuous} × {cc}"
            self._log.add(line, "moyenne_generale", "pv.average_mismatch",
                          f"moyenne_generale {gen} does not match {terms} = {expected} "
                          f"for a {row.kind} candidate (tolerance {ref.tolerance})")  # fmt: skip
            return False
        return row.decision in ref.decisions and row.session in SESSIONS and row.mention in self._mention_cells

    def _across_rows(self, line: int, row: _Cells, birth: date | None) -> None:
        """One row per candidate and session; a CIN or an identity never shared by two Code Massar."""
        if not _MASSAR.fullmatch(row.massar):
            return
        if row.session in SESSIONS:
            self._sessions.seen(line, row.massar, row.session)
        if row.cin and _CIN.fullmatch(row.cin):
            self._sessions.cin(line, row.massar, row.cin)
        if birth is not None and all((row.nom_fr, row.prenom_fr, row.nom_ar, row.prenom_ar, row.lieu_fr, row.lieu_ar)):
            identity = (row.nom_fr, row.prenom_fr, row.nom_ar, row.prenom_ar, birth.isoformat(), row.lieu_fr, row.lieu_ar)
            self._sessions.identity(line, row.massar, row.cin, identity)

    def _record(
        self, line: int, row: _Cells, birth: date, averages: _Averages, marks: list[SubjectMark]
    ) -> PVRecord:
        nat, reg, gen = averages.national, averages.regional, averages.general
        assert nat is not None and reg is not None and gen is not None
        one = self._strings.setdefault  # one object per distinct name, place or code: 400k rows repeat them
        return PVRecord(
            row=line, massar=row.massar, cin=row.cin or None,
            family_name_fr=one(row.nom_fr, row.nom_fr), given_name_fr=one(row.prenom_fr, row.prenom_fr),
            family_name_ar=one(row.nom_ar, row.nom_ar), given_name_ar=one(row.prenom_ar, row.prenom_ar),
            birth_date=birth, birth_place_fr=one(row.lieu_fr, row.lieu_fr), birth_place_ar=one(row.lieu_ar, row.lieu_ar),
            stream=one(row.stream, row.stream), option=one(row.option, row.option) or None,
            academy=one(row.academy, row.academy), session=cast(SessionKind, one(row.session, row.session)),
            candidate_type=cast(CandidateType, one(row.kind, row.kind)),
            national_average=nat, regional_average=reg, continuous_average=averages.continuous, general_average=gen,
            mention=one(row.mention, row.mention) or None, decision=cast(Decision, one(row.decision, row.decision)),
            marks=tuple(marks),
        )  # fmt: skip

    def _script(self, line: int, column: str, value: str, arabic: bool) -> None:
        has_arabic = ARABIC_LETTER.search(value) is not None
        has_latin = _LATIN_LETTER.search(value) is not None
        if arabic and (has_latin or not has_arabic):
            found = "Latin letters" if has_latin else "no Arabic letter"
            self._log.add(line, column, "pv.script", f"{column} must be written in Arabic script (found {found})")
        elif not arabic and (has_arabic or not has_latin):
            found = "Arabic letters" if has_arabic else "no Latin letter"
            self._log.add(line, column, "pv.script", f"{column} must be written in Latin script (found {found})")
        else:
            self._scripts[arabic].add(value)

    def _birth_date(self, line: int, text: str) -> date | None:
        if m := _ISO_DATE.fullmatch(text):
            y, mo, d = m.groups()
        elif m := _FR_DATE.fullmatch(text):
            d, mo, y = m.groups()
        else:
            self._log.add(line, "date_naissance", "pv.date", "date_naissance must be YYYY-MM-DD or DD/MM/YYYY")
            return None
        try:
            born = date(int(y), int(mo), int(d))
        except ValueError:
            self._log.add(line, "date_naissance", "pv.date", "date_naissance is not a calendar date")
            return None
        day = self._session_day
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if not MIN_AGE <= age <= MAX_AGE:
            self._log.add(line, "date_naissance", "pv.date",
                          f"date_naissance gives an age of {age} at the {self._year} session "
                          f"(expected {MIN_AGE} to {MAX_AGE})")  # fmt: skip
            return None
        self._dates[text] = born
        return born

    def _number(self, line: int, column: str, text: str) -> Decimal | None:
        """A mark or average out of 20 with at most two decimals, quantized to two; None if bad or empty."""
        if not text:
            return None
        if (value := self._numbers.get(text)) is not None:
            return value
        m = _NUMBER.fullmatch(text)
        if m is None:
            self._log.add(line, column, "pv.decimal_format", f"{text!r} is not a decimal number such as 15.25")
            return None
        separator, fraction = m.groups()
        if separator == "," and not self._decimal_comma:
            self._log.add(line, column, "pv.decimal_format",
                          f"{text!r}: a decimal comma is accepted only with the ';' separator; use 15.25")  # fmt: skip
            return None
        if fraction is not None and len(fraction) > 2:
            self._log.add(line, column, "pv.decimal_format", f"{text!r} has more than two decimals")
            return None
        value = Decimal(text.replace(",", ".") if separator else text)
        if text.startswith("-") or value > 20:  # "-0" too: a mark is never signed
            self._log.add(line, column, "pv.mark_range", f"{text} is outside 0 to 20")
            return None
        value = value.quantize(_CENT)
        self._numbers[text] = value
        return value

    def _marks(
        self, line: int, cells: list[str], subjects: tuple[_Subject, ...], out: list[SubjectMark]
    ) -> Decimal | None:
        """Append the marks of ``subjects`` to ``out``; return Σ coefficient × mark, None if one is bad."""
        total = Decimal(0)
        ok = True
        for s in subjects:
            text = cells[s.index]
            if (hit := s.cache.get(text)) is None:
                text = text.strip()
                if not text:
                    message = f"{s.column} is empty: {s.subject} is a {s.exam} subject of the stream"
                    self._log.add(line, s.column, "pv.marks_subjects", message)
                    ok = False
                    continue
                if (mark := self._number(line, s.column, text)) is None:
                    ok = False
                    continue
                hit = (SubjectMark(s.subject, s.exam, s.coefficient, mark), s.coefficient * mark)
                s.cache[cells[s.index]] = hit
            out.append(hit[0])
            total += hit[1]
        return total if ok else None

    def _average(self, line: int, column: str, declared: Decimal, weighted: Decimal, coefficients: int) -> None:
        # Compare declared × Σc with Σ c × mark: exact, no division.
        if abs(declared * coefficients - weighted) > self._ref.tolerance * coefficients:
            exact = (weighted / coefficients).quantize(Decimal("0.0001"))
            self._log.add(line, column, "pv.average_mismatch",
                          f"{column} {declared} does not match the marks: Σ coefficient × mark / Σ coefficients"
                          f" = {weighted}/{coefficients} = {exact} (tolerance {self._ref.tolerance})")  # fmt: skip

    def _verdict(self, line: int, gen: Decimal, session: str, decision: str, mention: str) -> None:
        add, pass_mark = self._log.add, self._pass_mark
        if decision == "admis" and gen < pass_mark:
            add(line, "decision", "pv.decision_mismatch", f"admis needs a general average ≥ {pass_mark}, not {gen}")
            return
        if decision != "admis" and gen >= pass_mark:
            add(line, "decision", "pv.decision_mismatch", f"{decision} needs a general average < {pass_mark}: {gen}")
            return
        if decision == "rattrapage" and session == "rattrapage":
            add(line, "decision", "pv.decision_mismatch", "a rattrapage-session decision is admis or ajourne")
            return
        if decision != "admis":
            if mention:
                add(line, "mention", "pv.mention_mismatch", f"mention must be empty for decision {decision}")
            return
        earned = self._ref.mention_for(gen)
        if earned is not None and mention != earned.code:
            add(line, "mention", "pv.mention_mismatch",
                f"a general average of {gen} earns mention {earned.code}, not {mention or 'none'}")  # fmt: skip

