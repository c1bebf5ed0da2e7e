"""Reference data of the baccalaureate: academies, streams, subjects, options, mentions, weights.

Kept as data (``schemas/reference/*.json``), never as code, so that a new stream or a change of
coefficient is a data change. Loaded once into small frozen data classes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from shahada.schemas.errors import ReferenceDataError
from shahada.schemas.loader import schemas_dir


@dataclass(frozen=True, slots=True)
class Label:
    """A name in French and Arabic (what the ministry signs), and in English (``english.json``: a
    translation for the verifier's English pages, never signed)."""

    fr: str
    ar: str
    en: str | None = None


@dataclass(frozen=True, slots=True)
class SubjectCoefficient:
    subject: str
    coefficient: int


@dataclass(frozen=True, slots=True)
class Stream:
    code: str
    name: Label
    options: tuple[str, ...]
    national: tuple[SubjectCoefficient, ...]
    regional: tuple[SubjectCoefficient, ...]


@dataclass(frozen=True, slots=True)
class Mention:
    code: str
    minimum: Decimal  # inclusive lower bound of the general average
    name: Label


@dataclass(frozen=True, slots=True)
class Weights:
    national: Decimal
    regional: Decimal
    continuous: Decimal


@dataclass(frozen=True, slots=True)
class Reference:
    academies: dict[str, Label]
    subjects: dict[str, Label]
    options: dict[str, Label]
    streams: dict[str, Stream]
    mentions: tuple[Mention, ...]  # ascending by minimum
    weights: dict[str, Weights]  # by candidate type: "scolarise", "libre"
    decisions: dict[str, Label]
    sessions: dict[str, Label]
    tolerance: Decimal

    def mention_for(self, average: Decimal) -> Mention | None:
        """The mention an average earns, or None below the lowest threshold."""
        found = None
        for mention in self.mentions:
            if average >= mention.minimum:
                found = mention
        return found

    def mention(self, code: str) -> Mention:
        for mention in self.mentions:
            if mention.code == code:
                return mention
        raise KeyError(code)


def _bilingual(raw: Any, where: str, english: str | None = None) -> Label:
    if not isinstance(raw, dict) or not isinstance(raw.get("fr"), str) or not isinstance(raw.get("ar"), str):
        raise ReferenceDataError(f"{where}: expected {{'fr': str, 'ar': str}}")
    return Label(fr=raw["fr"], ar=raw["ar"], en=english)


def _coefficients(raw: Any, subjects: dict[str, Label], where: str) -> tuple[SubjectCoefficient, ...]:
    out = []
    for item in raw:
        if item["subject"] not in subjects:
            raise ReferenceDataError(f"{where}: unknown subject {item['subject']!r}")
        out.append(SubjectCoefficient(subject=item["subject"], coefficient=int(item["coefficient"])))
    return tuple(out)


def load_reference(base: Path | None = None) -> Reference:
    """Read and check the reference files under ``base`` (default: the bundled ones)."""
    base = base or schemas_dir() / "reference"
    try:
        academies_raw = json.loads((base / "academies.json").read_text(encoding="utf-8"))["academies"]
        subjects_raw = json.loads((base / "subjects.json").read_text(encoding="utf-8"))["subjects"]
        streams_doc = json.loads((base / "streams.json").read_text(encoding="utf-8"))
        rules = json.loads((base / "rules.json").read_text(encoding="utf-8"))
        english_path = base / "english.json"
        english: dict[str, Any] = json.loads(english_path.read_text(encoding="utf-8")) if english_path.exists() else {}
    except (OSError, ValueError, KeyError) as err:
        raise ReferenceDataError(f"cannot read reference data under {base}: {err}") from err

    def _label(raw: Any, where: str) -> Label:
        table, _, code = where.partition(".")
        found = english.get(table, {}).get(code.split(".")[0]) if isinstance(english.get(table), dict) else None
        return _bilingual(raw, where, found if isinstance(found, str) else None)

    subjects = {code: _label(v, f"subjects.{code}") for code, v in subjects_raw.items()}
    options = {code: _label(v, f"options.{code}") for code, v in streams_doc["options"].items()}
    streams = {}
    for code, raw in streams_doc["streams"].items():
        for opt in raw["options"]:
            if opt not in options:
                raise ReferenceDataError(f"streams.{code}: unknown option {opt!r}")
        streams[code] = Stream(
            code=code,
            name=_label(raw["name"], f"streams.{code}.name"),
            options=tuple(raw["options"]),
            national=_coefficients(raw["national"], subjects, f"streams.{code}.national"),
            regional=_coefficients(raw["regional"], subjects, f"streams.{code}.regional"),
        )
    mentions = tuple(
        sorted(
            (Mention(code=m["code"], minimum=Decimal(m["min"]), name=_label(m, f"mentions.{m['code']}")) for m in rules["mentions"]),
            key=lambda m: m.minimum,
        )
    )
    weights = {
        kind: Weights(Decimal(w["national"]), Decimal(w["regional"]), Decimal(w["continuous"]))
        for kind, w in rules["weights"].items()
    }
    for kind, w in weights.items():
        if w.national + w.regional + w.continuous != 1:
            raise ReferenceDataError(f"rules.weights.{kind}: weights do not sum to 1")
    return Reference(
        academies={code: _label(v, f"academies.{code}") for code, v in academies_raw.items()},
        subjects=subjects,
        options=options,
        streams=streams,
        mentions=mentions,
        weights=weights,
        decisions={k: _label(v, f"decisions.{k}") for k, v in rules["decisions"].items()},
        sessions={k: _label(v, f"sessions.{k}") for k, v in rules["sessions"].items()},
        tolerance=Decimal(rules["tolerance"]),
    )


@cache
def bundled_reference() -> Reference:
    """The bundled reference data, loaded once per process."""
    return load_reference()
