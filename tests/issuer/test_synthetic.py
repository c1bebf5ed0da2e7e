"""Tests of shahada.issuer.pv.synthetic and of the bundled sample PV it produced (shahada/data/sample-pv.csv)."""

from __future__ import annotations

import cProfile
import pstats
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from shahada.issuer.pv.reader import parse_pv_bytes, pv_columns, read_pv
from shahada.issuer.pv.synthetic import generate_records, main, write_csv
from shahada.schemas.records import PVRecord
from shahada.schemas.reference import Reference, bundled_reference

REF: Reference = bundled_reference()
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "shahada" / "data" / "sample-pv.csv"
# The command line of shahada/data/README.md.
SAMPLE_ARGS = ["-n", "50", "--seed", "2025", "--year", "2025", "--rattrapage-share", "0.2", "--decimal-comma"]
HARAKAT = re.compile("[\u064b-\u0652]")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(generate_records(2000, seed=7, reference=REF, year=2025))


@pytest.fixture(scope="module")
def records(rows: list[dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> list[PVRecord]:
    path = tmp_path_factory.mktemp("pv") / "generated.csv"
    write_csv(rows, path)
    return read_pv(path, reference=REF, year=2025)


def test_2000_generated_rows_parse(rows: list[dict[str, str]], records: list[PVRecord]) -> None:
    assert len(records) == len(rows) == 2000
    assert [r.massar for r in records] == [row["massar"] for row in rows]


def test_rows_have_every_column_and_only_text(rows: list[dict[str, str]]) -> None:
    assert all(tuple(row) == pv_columns(REF) for row in rows)
    assert all(isinstance(v, str) for row in rows for v in row.values())


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    def make(seed: int) -> list[dict[str, str]]:
        return list(generate_records(100, seed=seed, reference=REF, year=2025))

    assert make(1) == make(1)
    assert make(1) != make(2)


def test_sessions_and_pairs(records: list[PVRecord]) -> None:
    by_session = Counter(r.session for r in records)
    assert by_session == {"normale": 1800, "rattrapage": 200}
    normale = {r.massar: r for r in records if r.session == "normale"}
    assert len(normale) == 1800  # unique Code Massar per candidate
    rattrapage = [r for r in records if r.session == "rattrapage"]
    assert len({r.massar for r in rattrapage}) == 200
    for r in rattrapage:
        assert normale[r.massar].decision == "rattrapage"
    # whoever is sent to the rattrapage sits it, when both sessions are generated
    assert sum(r.decision == "rattrapage" for r in normale.values()) == 200
    assert records.index(rattrapage[0]) == 1800  # the rattrapage rows follow the normal session


def test_coverage(records: list[PVRecord]) -> None:
    assert {r.stream for r in records} == set(REF.streams)
    assert {r.academy for r in records} == set(REF.academies)
    assert {r.candidate_type for r in records} == {"scolarise", "libre"}
    assert {r.option for r in records} == {"FR", "EN", "ES", None}
    assert {r.decision for r in records} == {"admis", "ajourne", "rattrapage"}
    assert {r.mention for r in records} == {"P", "AB", "B", "TB", None}
    assert any(r.cin is None for r in records) and any(r.cin for r in records)
    ages = [2025 - r.birth_date.year for r in records]
    assert min(ages) >= 16 and max(ages) <= 46


def test_names_include_the_hard_cases(records: list[PVRecord]) -> None:
    latin = [f"{r.family_name_fr} {r.given_name_fr}" for r in records]
    assert any("'" in n for n in latin) and any("-" in n for n in latin)
    for particle in ("Ben ", "El ", "Ould ", "Aït "):
        assert any(particle in n for n in latin), particle
    assert any(re.search("[àâäéèêëîïôöûüç]", n) for n in latin)
    assert any(len(r.given_name_fr.split()) >= 3 for r in records)  # several given names
    assert any(HARAKAT.search(r.given_name_ar) for r in records)


def test_averages_follow_the_marks(records: list[PVRecord]) -> None:
    # An independent re-computation: half-up rounding of the exact weighted means.
    cent = Decimal("0.01")
    for r in records[:300]:
        for exam, declared in (("national", r.national_average), ("regional", r.regional_average)):
            marks = [m for m in r.marks if m.exam == exam]
            exact = sum((m.coefficient * m.mark for m in marks), Decimal(0)) / sum(m.coefficient for m in marks)
            assert declared == exact.quantize(cent, rounding="ROUND_HALF_UP")
        w = REF.weights[r.candidate_type]
        exact = w.national * r.national_average + w.regional * r.regional_average
        exact += w.continuous * (r.continuous_average or Decimal(0))
        assert r.general_average == exact.quantize(cent, rounding="ROUND_HALF_UP")
        assert r.admitted == (r.general_average >= 10)


def test_rattrapage_keeps_the_better_mark(records: list[PVRecord]) -> None:
    normale = {r.massar: r for r in records if r.session == "normale"}
    improved = 0
    for r in records:
        if r.session == "rattrapage":
            before = normale[r.massar]
            for old, new in zip(before.marks, r.marks, strict=True):
                assert (new.subject, new.exam) == (old.subject, old.exam)
                assert new.mark == old.mark if new.exam == "regional" else new.mark >= old.mark
            improved += r.national_average > before.national_average
    assert improved > 150


@pytest.mark.parametrize(
    ("share", "sessions", "sent"), [(0.0, {"normale": 200}, True), (1.0, {"rattrapage": 200}, False)]
)
def test_single_session_pvs(share: float, sessions: dict[str, int], sent: bool, tmp_path: Path) -> None:
    path = tmp_path / "pv.csv"
    write_csv(generate_records(200, seed=3, reference=REF, year=2025, rattrapage_share=share), path)
    records = read_pv(path, reference=REF, year=2025)
    assert Counter(r.session for r in records) == sessions
    assert any(r.decision == "rattrapage" for r in records) is sent


@pytest.mark.parametrize(("n", "share"), [(-1, 0.1), (10, -0.1), (10, 1.5)])
def test_bad_arguments(n: int, share: float) -> None:
    with pytest.raises(ValueError):
        generate_records(n, seed=1, reference=REF, year=2025, rattrapage_share=share)


def test_write_csv_options(tmp_path: Path) -> None:
    rows = list(generate_records(5, seed=1, reference=REF, year=2025))
    path = tmp_path / "pv.csv"
    assert write_csv(rows, path) == 5
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfmassar;") and data.count(b"\r\n") == 6
    write_csv(rows, path, delimiter=",", bom=False, crlf=False)
    data = path.read_bytes()
    assert data.startswith(b"massar,") and b"\r" not in data and data.count(b"\n") == 6
    with pytest.raises(ValueError):
        write_csv(rows, path, delimiter=",", decimal_comma=True)


def _calls(rows: int, tmp_path: Path) -> int:
    """Python function calls made to generate ``rows`` rows, write them and read them back with
    the row rules (what issuance's planning reads with)."""
    path = tmp_path / f"pv-{rows}.csv"
    profiler = cProfile.Profile()
    profiler.enable()
    write_csv(generate_records(rows, seed=5, reference=REF, year=2025), path)
    read = read_pv(path, reference=REF, year=2025, build=False)
    profiler.disable()
    assert len(read) == rows
    calls: int = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
    return calls


def test_generate_and_parse_do_work_linear_in_the_rows(tmp_path: Path) -> None:
    """Counted, not timed: doubling the rows at most doubles the function calls (plus a little), so
    no step is quadratic (e.g. a duplicate check comparing every pair). The speed, rows per
    second next to the row rules' baseline, is bench/pv.py's."""
    small, large = _calls(1_000, tmp_path), _calls(2_000, tmp_path)
    assert large <= 2.05 * small, (small, large)
    assert large >= 1.8 * small, (small, large)  # the count does grow with the rows: the profile saw the work


# --- the bundled sample --------------------------------------------------------------------------


def test_sample_parses_and_covers_the_session() -> None:
    records = read_pv(SAMPLE, reference=REF, year=2025)
    assert 45 <= len(records) <= 60
    assert {r.stream for r in records} == set(REF.streams)
    assert len({r.academy for r in records}) >= 6
    assert {r.session for r in records} == {"normale", "rattrapage"}
    assert {r.decision for r in records} == {"admis", "ajourne", "rattrapage"}
    assert any(r.candidate_type == "libre" for r in records)
    assert any(r.candidate_type == "libre" and r.session == "rattrapage" for r in records)
    latin = " ".join(f"{r.family_name_fr} {r.given_name_fr}" for r in records)
    for hard in ("'", "-", "Aït ", "Ben ", "El ", "Ould ", "ï"):
        assert hard in latin, hard
    assert any(HARAKAT.search(r.given_name_ar) for r in records)


def test_sample_is_a_french_ministry_export() -> None:
    data = SAMPLE.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfmassar;")
    assert data.count(b"\r\n") == data.count(b"\n")
    assert re.search(rb";1[0-9],[0-9]{2};", data)  # decimal comma


def test_sample_is_what_the_documented_command_produces(tmp_path: Path) -> None:
    out = tmp_path / "sample-pv.csv"
    assert main([str(out), *SAMPLE_ARGS]) == 0
    assert out.read_bytes() == SAMPLE.read_bytes()
    readme = (ROOT / "shahada" / "data" / "README.md").read_text(encoding="utf-8")
    assert " ".join(SAMPLE_ARGS) in readme


def test_sample_through_parse_pv_bytes_equals_read_pv() -> None:
    assert parse_pv_bytes(SAMPLE.read_bytes(), filename=SAMPLE.name, reference=REF, year=2025) == read_pv(
        SAMPLE, reference=REF, year=2025
    )
