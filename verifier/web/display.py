"""What a result page shows of a document: only what its issuer signed, in the reader's language.

The ministry signs names and labels in French and Arabic (language value objects, JSON-LD 1.1
§4.2.4 "String Internationalization": ``@value``, ``@language``, ``@direction``) and codes (stream,
academy, subject…) whose labels are the reference data's (``schemas/reference``). An Arabic reader
sees the Arabic values, a French reader the French ones. The ministry signs no English: an English
reader sees the English label of each signed code (stream, option, subject, academy, session,
mention, decision) from the reference data (``schemas/reference/english.json``), marked as a
translation (``Cell.translated``), and the French of what has no code (names, places). Each value
keeps its own language and direction so that the page marks it up (``lang``, ``dir``). Pure: no Flask.

Nothing is computed from unsigned input: a credential is shown only when its signature and schema
checks passed, a seal only when its signature passed; dates are written out with the month's name
("14 March 2007", "14 mars 2007", "14 مارس 2007": never 03/04 ambiguity), averages out of 20, marks
with a decimal comma in French and Arabic as the paper prints them; never recalculated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from shahada.schemas.reference import Label, Reference
from shahada.schemas.seal.content import SealContent
from shahada.verifier.web.i18n import has, text
from shahada.verifier.web.settings import Language

__all__ = ["Cell", "Content", "Row", "credential_content", "format_date", "format_instant", "seal_content"]

_KINDS: Final = {"BaccalaureateDiploma": "diploma", "BaccalaureateTranscript": "transcript"}


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    lang: str  # the BCP 47 tag of the text ("ar", "fr", or "" for digits and codes)
    dir: str  # "rtl", "ltr" or "auto"
    translated: bool = False  # an English translation of a signed code's French/Arabic label


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # stable, for tests and styling: "familyName", "generalAverage"…
    label: str
    value: Cell


@dataclass(frozen=True, slots=True)
class Content:
    rows: tuple[Row, ...]
    results_header: tuple[str, ...] = ()
    results: tuple[tuple[Cell, ...], ...] = ()
    notes: tuple[str, ...] = field(default=())
    rows_after: tuple[Row, ...] = ()  # shown after the table of marks, as on the paper


_AFTER_MARKS: Final = ("nationalAverage", "regionalAverage", "continuousAverage", "generalAverage")


def _split(rows: list[Row], has_marks: bool) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
    """The rows before and after the table of marks (averages and what follows come after)."""
    if not has_marks:
        return tuple(rows), ()
    cut = next((i for i, r in enumerate(rows) if r.key in _AFTER_MARKS), len(rows))
    return tuple(rows[:cut]), tuple(rows[cut:])


def _plain(value: str) -> Cell:
    return Cell(value, "", "ltr")


def _label_cell(label: Label, lang: Language) -> Cell:
    if lang == "en" and label.en:
        return Cell(label.en, "en", "ltr", translated=True)
    return Cell(label.ar, "ar", "rtl") if lang == "ar" else Cell(label.fr, "fr", "ltr")


# Morocco's month names in Arabic (as the ministry's own documents write them)
_MONTHS: Final[Mapping[str, tuple[str, ...]]] = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"),
}


def format_date(day: dt.date, lang: Language) -> str:
    """A date with its month's name: "12 July 2025", "12 juillet 2025", "12 يوليوز 2025"."""
    first = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[lang][day.month - 1]} {day.year}"


def _day(day: dt.date, lang: Language) -> Cell:
    return Cell(format_date(day, lang), lang, "rtl" if lang == "ar" else "ltr")


def _pick(values: Any, lang: Language) -> Cell | None:
    """The value in ``lang`` of a string or a list of language value objects (English readers
    get French, then whatever there is)."""
    if isinstance(values, str):
        return Cell(values, "", "auto")
    if isinstance(values, Mapping):
        values = [values]
    if not isinstance(values, list):
        return None
    tagged = [v for v in values if isinstance(v, Mapping) and isinstance(v.get("@value"), str)]
    for wanted in (lang, "fr", "ar"):
        for v in tagged:
            if str(v.get("@language", "")).lower() == wanted:
                direction = str(v.get("@direction") or ("rtl" if wanted == "ar" else "ltr"))
                return Cell(v["@value"], wanted, direction if direction in ("rtl", "ltr") else "auto")
    plain = [v for v in values if isinstance(v, str)]
    if plain:
        return Cell(plain[0], "", "auto")
    return Cell(tagged[0]["@value"], "", "auto") if tagged else None


def _date(value: Any, lang: Language) -> Cell | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC)
    return _day(parsed.date(), lang)


def format_instant(moment: dt.datetime, lang: Language = "en") -> str:
    """A moment with its month's name and the time in UTC (a share link's expiry)."""
    utc = moment.astimezone(dt.UTC)
    return f"{format_date(utc.date(), lang)}, {utc.strftime('%H:%M')} UTC"


def _mark(value: Any, lang: Language, *, out_of: bool = False) -> Cell | None:
    """A mark as signed, with a decimal comma in French and Arabic; an average ``/20``."""
    if not isinstance(value, str):
        return None
    shown = value if lang == "en" else value.replace(".", ",")
    return _plain(f"{shown} / 20" if out_of else shown)


def _named(value: Any, lang: Language, labels: Mapping[str, Label] | None = None) -> Cell | None:
    """An object with a ``name`` (stream, academy…), or a plain value; for an English reader the
    reference data's translation of its ``code`` when there is one (``labels``)."""
    if isinstance(value, Mapping):
        code = value.get("code")
        if lang == "en" and labels is not None and isinstance(code, str) and code in labels and labels[code].en:
            return _label_cell(labels[code], lang)
        return _pick(value.get("name"), lang) or (_plain(str(code)) if isinstance(code, str) else None)
    return _pick(value, lang)


def _catalogued(code: Any, lang: Language) -> Cell | None:
    if not isinstance(code, str):
        return None
    label = text(f"value.{code}", lang)
    return Cell(label, lang, "rtl" if lang == "ar" else "ltr") if label != f"value.{code}" else _plain(code)


def credential_content(credential: Mapping[str, Any], lang: Language, reference: Reference | None = None) -> Content:
    """The rows of a verified credential (a baccalaureate diploma or transcript field by field;
    another type's subject as its plain members); ``reference`` gives English readers the
    translations of the signed codes."""
    rows: list[Row] = []
    mentions = {m.code: m.name for m in reference.mentions} if reference is not None else {}

    def add(key: str, cell: Cell | None) -> None:
        if cell is not None and cell.text:
            label = text(f"field.{key}", lang) if has(f"field.{key}") else key
            rows.append(Row(key, label, cell))

    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    kind = next((_KINDS[t] for t in types if isinstance(t, str) and t in _KINDS), None)
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    add("kind", _kind_title(kind, credential.get("name"), lang))
    add("documentNumber", _plain(subject["documentNumber"]) if isinstance(subject.get("documentNumber"), str) else None)
    header: tuple[str, ...] = ()
    results: list[tuple[Cell, ...]] = []
    if kind is None:
        for key, value in subject.items():
            if key == "id":
                continue  # the holder's DID: bound by a presentation, not read by a person
            scalar = isinstance(value, (int, float)) and not isinstance(value, bool)
            add(key, _plain(str(value)) if scalar else _named(value, lang))
    else:
        for key in ("familyName", "givenName"):
            add(key, _pick(subject.get(key), lang))
        add("birthDate", _date(subject.get("birthDate"), lang))
        add("birthPlace", _pick(subject.get("birthPlace"), lang))
        add("massarCode", _plain(subject["massarCode"]) if isinstance(subject.get("massarCode"), str) else None)
        add("candidateType", _catalogued(subject.get("candidateType"), lang))
        add("stream", _named(subject.get("stream"), lang, {k: v.name for k, v in reference.streams.items()} if reference else None))
        add("option", _named(subject.get("option"), lang, reference.options if reference else None))
        session = subject.get("session")
        session_cell = _named(session, lang, reference.sessions if reference else None)
        if session_cell is not None and isinstance(session, Mapping) and isinstance(session.get("year"), int):
            session_cell = Cell(f"{session_cell.text} {session['year']}", session_cell.lang, session_cell.dir, session_cell.translated)
        add("session", session_cell)
        add("academy", _named(subject.get("academy"), lang, reference.academies if reference else None))
        marks = subject.get("result")
        if isinstance(marks, list) and marks:
            header = tuple(text(f"field.{k}", lang) for k in ("subject", "exam", "coefficient", "mark"))
            for r in marks:
                if isinstance(r, Mapping):
                    code = r.get("subjectCode")
                    translated = (
                        _label_cell(reference.subjects[code], lang)
                        if lang == "en" and reference is not None and isinstance(code, str) and code in reference.subjects and reference.subjects[code].en
                        else None
                    )
                    results.append((
                        translated or _pick(r.get("subjectName"), lang) or _plain(str(r.get("subjectCode", ""))),
                        _catalogued(r.get("exam"), lang) or _plain(""),
                        _plain(str(r.get("coefficient", ""))),
                        _mark(r.get("mark"), lang) or _plain(""),
                    ))
        for key in ("nationalAverage", "regionalAverage", "continuousAverage", "generalAverage"):
            add(key, _mark(subject.get(key), lang, out_of=True))
        add("mention", _named(subject.get("mention"), lang, mentions))
        add("decision", _decision(subject.get("decision"), lang, reference))
    add("issued", _date(credential.get("validFrom") or credential.get("issuanceDate"), lang))
    add("validUntil", _date(credential.get("validUntil") or credential.get("expirationDate"), lang))
    issuer = credential.get("issuer")
    add("issuer", _named(issuer, lang) if isinstance(issuer, Mapping) and "name" in issuer else _pick(issuer if isinstance(issuer, str) else (issuer or {}).get("id"), lang))
    add("id", _plain(credential["id"]) if isinstance(credential.get("id"), str) else None)
    return _content(rows, header, results, lang)


def _kind_title(kind: str | None, name: Any, lang: Language) -> Cell | None:
    """The document's title: the name its issuer signed; for an English reader of a diploma or a
    transcript, the English name of its kind, marked as a translation."""
    if lang == "en" and kind is not None:
        return Cell(text(f"value.{kind}", lang), "en", "ltr", translated=True)
    return _pick(name, lang)


def _content(rows: list[Row], header: tuple[str, ...], results: list[tuple[Cell, ...]], lang: Language) -> Content:
    notes = (text("result.content.french", lang),) if lang == "en" else ()
    before, after = _split(rows, bool(results))
    return Content(before, header, tuple(results), notes, after)


def _decision(value: Any, lang: Language, reference: Reference | None) -> Cell | None:
    """The decision: a code (``admis``…) or an object with a ``code`` and ``name``."""
    labels = reference.decisions if reference is not None else None
    if isinstance(value, str) and labels is not None and value in labels:
        return _label_cell(labels[value], lang)
    return _named(value, lang, labels)


def seal_content(content: SealContent, reference: Reference, lang: Language) -> Content:
    """The rows of a verified seal: every field it binds, in the order of the paper, with the
    reference data's labels for its codes and the document number derived from its id."""
    rows: list[Row] = []

    def add(key: str, cell: Cell) -> None:
        rows.append(Row(key, text(f"field.{key}", lang), cell))

    def names(n: Any) -> Cell:
        return Cell(n.ar, "ar", "rtl") if lang == "ar" else Cell(n.fr, "fr", "ltr")

    def coded(labels: Mapping[str, Label], code: str) -> Cell:
        return _label_cell(labels[code], lang) if code in labels else _plain(code)

    add("kind", _catalogued(content.kind, lang) or _plain(content.kind))
    add("documentNumber", _plain(content.document_number))
    add("familyName", names(content.family_name))
    add("givenName", names(content.given_name))
    add("birthDate", _day(content.birth_date, lang))
    add("massarCode", Cell(text("field.massarBound", lang), lang, "rtl" if lang == "ar" else "ltr"))
    if content.candidate_type is not None:
        add("candidateType", _catalogued(content.candidate_type, lang) or _plain(content.candidate_type))
    stream = reference.streams.get(content.stream)
    add("stream", _label_cell(stream.name, lang) if stream else _plain(content.stream))
    if content.option is not None:
        add("option", coded(reference.options, content.option))
    session = coded(reference.sessions, content.session)
    add("session", Cell(f"{session.text} {content.session_year}", session.lang, session.dir, session.translated))
    add("academy", coded(reference.academies, content.academy))
    header: tuple[str, ...] = ()
    results: list[tuple[Cell, ...]] = []
    if content.results:
        header = tuple(text(f"field.{k}", lang) for k in ("subject", "exam", "coefficient", "mark"))
        results = [
            (coded(reference.subjects, r.subject), _catalogued(r.exam, lang) or _plain(r.exam), _plain(str(r.coefficient)), _mark(r.mark, lang) or _plain(r.mark))
            for r in content.results
        ]
    for key, value in (
        ("nationalAverage", content.national_average),
        ("regionalAverage", content.regional_average),
        ("continuousAverage", content.continuous_average),
        ("generalAverage", content.general_average),
    ):
        if value is not None:
            add(key, _mark(value, lang, out_of=True) or _plain(value))
    if content.mention is not None:
        mention = next((m.name for m in reference.mentions if m.code == content.mention), None)
        add("mention", _label_cell(mention, lang) if mention else _plain(content.mention))
    if content.decision is not None:
        add("decision", coded(reference.decisions, content.decision))
    add("issued", _day(content.issued, lang))
    add("id", _plain(content.credential_id))
    return _content(rows, header, results, lang)
