"""Synthetic procès-verbaux (PV) for tests, demos and load measurements; nobody in them is real.

Every row is internally consistent the way a jury's row is: marks (quarter points) → national and
regional averages (coefficient-weighted, rounded half up to two decimals) → general average (the
candidate type's weights applied to those rounded averages, rounded the same way) → decision →
mention. Every row therefore passes :func:`shahada.issuer.pv.reader.read_pv`. Identities come from
``shahada.issuer.pv.synthetic_names``; the first rows cycle through every academy and stream so that even a
small PV covers them all.

Command line (the bundled sample, see ``shahada/data/README.md``)::

    python -m shahada.issuer.pv.synthetic OUT.csv -n 50 --seed 2025 --year 2025 --rattrapage-share 0.2 --decimal-comma
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Final

from shahada.issuer.pv.rules import mark_column, pv_columns
from shahada.issuer.pv.synthetic_names import (
    ABROAD,
    CIN_PREFIXES,
    FAMILY_NAMES,
    FEMALE_GIVEN_NAMES,
    MALE_GIVEN_NAMES,
    PLACES,
    SOUTHERN_ACADEMIES,
    SOUTHERN_FAMILY_NAMES,
)  # fmt: skip
from shahada.schemas.reference import Reference, Stream, bundled_reference

__all__ = ["generate_records", "main", "write_csv"]

# Rough shares of candidates, so that a large PV looks like a national session.
_STREAM_WEIGHTS: Final = {"SVT": 25, "PC": 22, "SH": 18, "SE": 7, "LET": 6, "SMA": 5, "SGC": 4, "SCH": 2,
                          "SAGR": 2, "STE": 2, "STM": 1, "SMB": 1, "AA": 1, "LA": 1}  # fmt: skip
_ACADEMY_WEIGHTS: Final = {"CS": 15, "RSK": 12, "FM": 12, "MS": 12, "TTA": 10, "SM": 9, "ORI": 7, "BMK": 7,
                           "DT": 5, "GON": 2, "LSH": 2, "DOE": 1}  # fmt: skip
_OPTION_WEIGHTS: Final = {"FR": 55, "EN": 20, "ES": 5, "": 20}
_FREE_SHARE: Final = 0.12
_MASSAR_LETTERS: Final = "ABCDEFGHJKLMNPRSTUVWZ"
# Ability (expected mark): (low, high, mode) of a triangular law, by the fate the candidate is drawn for.
_ABILITY: Final = {"admis": (10.5, 18.5, 12.0), "rattrapage": (6.8, 9.0, 8.5), "ajourne": (2.5, 7.5, 6.5)}
_DECIMAL_PREFIXES: Final = ("moyenne_", "nat_", "reg_")


@dataclass(slots=True)
class _Candidate:
    identity: dict[str, str]  # the cells that do not change between the two sessions
    stream: Stream
    kind: str  # candidate type
    national: dict[str, int]  # subject → mark in hundredths
    regional: dict[str, int]
    continuous: int | None  # hundredths; None for free candidates


def generate_records(
    n: int, *, seed: int, reference: Reference, year: int, rattrapage_share: float = 0.1
) -> Iterator[dict[str, str]]:
    """Yield ``n`` PV rows (column → cell text, every column of :func:`shahada.issuer.pv.reader.pv_columns`).

    Args:
        n: number of rows.
        seed: the same seed (with the same reference data) gives the same rows.
        reference: streams, coefficients, weights and mentions the rows obey.
        year: the session's year; candidates are 16 to 20 (schooled) or 18 to 45 (free) on 1 June.
        rattrapage_share: the share of rows of the session de rattrapage, yielded after the
            normal session. Each has its normal-session row (decision ``rattrapage``) among the
            ``n`` rows as long as there are enough of those; 0 makes a normal-session-only PV, in
            which some candidates are sent to the rattrapage; 1 a rattrapage-only PV.

    Raises:
        ValueError: ``n`` < 0 or ``rattrapage_share`` outside [0, 1].
    """
    if n < 0 or not 0 <= rattrapage_share <= 1:
        raise ValueError(f"need n >= 0 and 0 <= rattrapage_share <= 1, got {n} and {rattrapage_share}")
    return _Generator(reference, seed, year).rows(n, rattrapage_share)


def write_csv(
    rows: Iterable[Mapping[str, str]],
    path: Path,
    *,
    delimiter: str = ";",
    bom: bool = True,
    crlf: bool = True,
    decimal_comma: bool = False,
) -> int:
    """Write rows as a CSV export (header from the first row's keys); return the number of rows.

    ``decimal_comma`` writes averages and marks as "15,25", as a French-locale export does; it
    needs the ``;`` separator.
    """
    if decimal_comma and delimiter != ";":
        raise ValueError("a decimal comma needs the ';' separator")
    count = 0
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
        header: list[str] = []
        converted: set[str] = set()
        for row in rows:
            if not header:
                header = list(row)
                converted = {c for c in header if decimal_comma and c.startswith(_DECIMAL_PREFIXES)}
                writer.writerow(header)
            writer.writerow([row[c].replace(".", ",") if c in converted else row[c] for c in header])
            count += 1
    return count


def _cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


class _Generator:
    def __init__(self, reference: Reference, seed: int, year: int) -> None:
        self.ref = reference
        self.rng = random.Random(seed)
        self.year = year
        self.columns = pv_columns(reference)
        self.streams = list(reference.streams.values())
        self.stream_weights = list(accumulate(_STREAM_WEIGHTS.get(s.code, 1) for s in self.streams))
        self.academies = list(reference.academies)
        self.academy_weights = list(accumulate(_ACADEMY_WEIGHTS.get(a, 1) for a in self.academies))
        self.coefficients = {
            s.code: (sum(sc.coefficient for sc in s.national), sum(sc.coefficient for sc in s.regional))
            for s in self.streams
        }
        self.massars: set[str] = set()
        self.cins: set[str] = set()  # a CIN, like a Code Massar, belongs to one candidate
        self.identities: set[tuple[object, ...]] = set()  # names, birth date and place: one candidate each
        # Weights as integers over a common scale, so that averages stay exact integer arithmetic.
        scale = 10 ** max(-int(d.as_tuple().exponent) for w in reference.weights.values()
                          for d in (w.national, w.regional, w.continuous))  # fmt: skip
        self.scale = scale
        self.weights = {k: (int(w.national * scale), int(w.regional * scale), int(w.continuous * scale))
                        for k, w in reference.weights.items()}  # fmt: skip
        self.pass_mark = int(reference.mentions[0].minimum * 100)

    def rows(self, n: int, share: float) -> Iterator[dict[str, str]]:
        rng = self.rng
        retakes = round(n * share)
        paired = min(retakes, n - retakes)
        normale = n - retakes
        sent = set(rng.sample(range(normale), paired))
        later: list[_Candidate] = []
        for i in range(normale):
            if i in sent:
                fate = "rattrapage"
            elif retakes:  # both sessions: whoever is sent to the rattrapage appears there
                fate = "admis" if rng.random() < 0.78 else "ajourne"
            else:
                fate = rng.choices(("admis", "rattrapage", "ajourne"), (55, 25, 20))[0]
            candidate = self.candidate(i, fate)
            yield self.row(candidate, "normale", fate)
            if i in sent:
                later.append(candidate)
        later += [self.candidate(normale + j, "rattrapage") for j in range(retakes - paired)]
        for candidate in later:
            self.retake(candidate)
            yield self.row(candidate, "rattrapage", None)

    def candidate(self, i: int, fate: str) -> _Candidate:
        rng = self.rng
        # The first rows take every academy and stream in turn, so that a small PV covers them all.
        if i < len(self.academies):
            academy = self.academies[i]
        else:
            academy = rng.choices(self.academies, cum_weights=self.academy_weights)[0]
        if i < len(self.streams):
            stream = self.streams[i]
        else:
            stream = rng.choices(self.streams, cum_weights=self.stream_weights)[0]
        kind = "libre" if i == 2 or (i > 2 and rng.random() < _FREE_SHARE) else "scolarise"
        identity = self.identity(academy, stream, kind)
        low, high, mode = _ABILITY[fate]
        continuous = self.weights[kind][2] > 0
        for _ in range(50):
            ability = rng.triangular(low, high, mode)
            national = {sc.subject: self.mark(ability, 0.0) for sc in stream.national}
            regional = {sc.subject: self.mark(ability, 0.8) for sc in stream.regional}
            cc = min(2000, max(0, round((ability + rng.gauss(2.0, 1.5)) * 100))) if continuous else None
            c = _Candidate(identity, stream, kind, national, regional, cc)
            if (self.averages(c)[3] >= self.pass_mark) == (fate == "admis"):
                return c
        flat = 1400 if fate == "admis" else 900  # never reached in practice; keeps the loop finite
        return _Candidate(identity, stream, kind, dict.fromkeys(national, flat), dict.fromkeys(regional, flat),
                          flat if continuous else None)  # fmt: skip

    def mark(self, ability: float, bias: float) -> int:
        quarters = round((ability + bias + self.rng.gauss(0, 2.6)) * 4)
        return min(80, max(0, quarters)) * 25

    def identity(self, academy: str, stream: Stream, kind: str) -> dict[str, str]:
        rng = self.rng
        while (massar := rng.choice(_MASSAR_LETTERS) + f"{rng.randrange(10**9):09d}") in self.massars:
            pass
        self.massars.add(massar)
        age = rng.randint(18, 45) if kind == "libre" else rng.choices((16, 17, 18, 19, 20), (3, 60, 28, 6, 3))[0]
        start = date(self.year - age - 1, 6, 2)  # born in the year before 1 June of the session
        born = start + timedelta(days=rng.randrange((date(self.year - age, 6, 1) - start).days + 1))
        cin = ""
        if kind == "libre" or age >= 18 or rng.random() < 0.4:
            while (cin := rng.choice(CIN_PREFIXES.get(academy, ("A",))) + str(rng.randint(1000, 999999))) in self.cins:
                pass
            self.cins.add(cin)
        given = FEMALE_GIVEN_NAMES if rng.random() < 0.5 else MALE_GIVEN_NAMES
        first = rng.choice(given)
        if rng.random() < 0.12 and (second := rng.choice(given)) != first:
            first = (f"{first[0]} {second[0]}", f"{first[1]} {second[1]}")
        south = academy in SOUTHERN_ACADEMIES and rng.random() < 0.6
        family = rng.choice(SOUTHERN_FAMILY_NAMES if south else FAMILY_NAMES)
        places = PLACES.get(academy) or ABROAD
        place = rng.choice(ABROAD) if rng.random() < 0.04 else rng.choice(places)
        while (family, first, born, place) in self.identities:  # namesakes are born on different days
            born = start + timedelta(days=rng.randrange((date(self.year - age, 6, 1) - start).days + 1))
        self.identities.add((family, first, born, place))
        option = ""
        if stream.options:
            choices = [o for o in _OPTION_WEIGHTS if o in stream.options or not o]
            option = rng.choices(choices, [_OPTION_WEIGHTS[o] for o in choices])[0]
        return {
            "massar": massar, "cin": cin, "nom_fr": family[0], "prenom_fr": first[0], "nom_ar": family[1],
            "prenom_ar": first[1], "date_naissance": born.isoformat(), "lieu_naissance_fr": place[0],
            "lieu_naissance_ar": place[1], "filiere": stream.code, "option": option, "academie": academy,
            "type_candidat": kind,
        }  # fmt: skip

    def retake(self, c: _Candidate) -> None:
        """Sit the rattrapage: national subjects retaken, the better of the two marks kept."""
        for subject, old in c.national.items():
            if self.rng.random() < 0.75:
                new = min(80, max(0, round((old / 100 + self.rng.gauss(1.2, 2.5)) * 4))) * 25
                c.national[subject] = max(old, new)

    def averages(self, c: _Candidate) -> tuple[int, int, int | None, int]:
        """(national, regional, continuous, general) in hundredths, each rounded half up."""
        stream = c.stream
        nat_total, reg_total = self.coefficients[stream.code]
        nat = _round_div(sum([sc.coefficient * c.national[sc.subject] for sc in stream.national]), nat_total)
        reg = _round_div(sum([sc.coefficient * c.regional[sc.subject] for sc in stream.regional]), reg_total)
        wn, wr, wc = self.weights[c.kind]
        gen = _round_div(wn * nat + wr * reg + wc * (c.continuous or 0), self.scale)
        return nat, reg, c.continuous, gen

    def row(self, c: _Candidate, session: str, fate: str | None) -> dict[str, str]:
        nat, reg, cc, gen = self.averages(c)
        decision = fate or ("admis" if gen >= self.pass_mark else "ajourne")
        mention = self.ref.mention_for(Decimal(gen) / 100) if decision == "admis" else None
        row = dict.fromkeys(self.columns, "")
        row.update(c.identity)
        row |= {
            "session": session, "moyenne_nationale": _cents(nat), "moyenne_regionale": _cents(reg),
            "moyenne_cc": "" if cc is None else _cents(cc), "moyenne_generale": _cents(gen),
            "mention": mention.code if mention else "", "decision": decision,
        }  # fmt: skip
        for subject, mark in c.national.items():
            row[mark_column("national", subject)] = _cents(mark)
        for subject, mark in c.regional.items():
            row[mark_column("regional", subject)] = _cents(mark)
        return row


def main(argv: Sequence[str] | None = None) -> int:
    """Write a synthetic PV to a CSV file (bundled reference data)."""
    parser = argparse.ArgumentParser(prog="python -m shahada.issuer.pv.synthetic", description=main.__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("-n", type=int, default=50, help="number of rows (default 50)")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--year", type=int, required=True, help="the session's year")
    parser.add_argument("--rattrapage-share", type=float, default=0.1)
    parser.add_argument("--delimiter", choices=(";", ","), default=";")
    parser.add_argument("--no-bom", action="store_true")
    parser.add_argument("--lf", action="store_true", help="LF line ends instead of CRLF")
    parser.add_argument("--decimal-comma", action="store_true", help='write "15,25" (French locale)')
    args = parser.parse_args(argv)
    rows = generate_records(args.n, seed=args.seed, reference=bundled_reference(), year=args.year,
                            rattrapage_share=args.rattrapage_share)  # fmt: skip
    count = write_csv(rows, args.output, delimiter=args.delimiter, bom=not args.no_bom, crlf=not args.lf,
                      decimal_comma=args.decimal_comma)  # fmt: skip
    print(f"{count} rows written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
