"""A PV in the wrong encoding, or with a title above its header, gets one diagnosis per file that
says what happened and what to do (issue 11: a Windows-1256 PV gave 188 identical lines, a
Windows-1252 one "nom_ar must be written in Arabic script" on every row)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from shahada.issuer.errors import PVInvalidError
from shahada.issuer.pv.synthetic import generate_records, write_csv
from tests.issuer.test_pv import BASE, COLUMNS, REF, YEAR, csv_bytes, parse, problems_of


@pytest.fixture(scope="module")
def national_like(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A valid synthetic PV of 188 candidates, as text."""
    path = tmp_path_factory.mktemp("pv") / "pv.csv"
    write_csv(generate_records(188, seed=11, reference=REF, year=YEAR), path)
    return path.read_bytes().decode("utf-8-sig")


def _problems(data: bytes) -> list[tuple[int | None, str | None, str, str]]:
    with pytest.raises(PVInvalidError) as caught:
        parse(data)
    return [(p.row, p.column, p.code, p.message) for p in caught.value.problems]


def test_a_windows_1256_pv_gets_one_diagnosis_naming_the_encoding(national_like: str) -> None:
    problems = _problems(national_like.encode("cp1256"))
    assert len(problems) == 1, problems[:3]
    row, column, code, message = problems[0]
    assert (row, column, code) == (None, None, "pv.encoding")
    assert "not UTF-8" in message and "Windows-1256 (Arabic)" in message and "save it as UTF-8" in message
    rows = national_like.count("\n") - 1
    assert f"{rows} row(s)" in message and "line 2" in message


def test_a_windows_1252_pv_whose_arabic_became_question_marks(national_like: str) -> None:
    problems = _problems(national_like.encode("cp1252", errors="replace"))
    assert [p[:3] for p in problems] == [(None, None, "pv.encoding")], problems[:3]
    message = problems[0][3]
    assert "question marks" in message and "Windows-1252" in message and "UTF-8" in message
    assert "Arabic script" not in message


def test_a_pv_whose_utf8_was_read_as_windows_1252_and_saved_again(national_like: str) -> None:
    lines = national_like.splitlines(keepends=True)
    garbled = lines[0] + "".join(line.encode("utf-8").decode("cp1252", errors="replace") for line in lines[1:])
    problems = _problems(garbled.encode("utf-8"))
    assert [p[:3] for p in problems] == [(None, None, "pv.encoding")], problems[:3]
    assert "read as Windows-1252 and saved again" in problems[0][3]


def test_a_few_stray_bytes_are_still_named_cell_by_cell() -> None:
    data = csv_bytes(BASE).replace("Laâyoune".encode(), "Laâyoune".encode("latin-1"))
    assert problems_of(data) == [(3, "lieu_naissance_fr", "pv.encoding")]


def _with_title(lines_above: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in lines_above:
        sheet.append(line)
    sheet.append(list(COLUMNS))
    for row in BASE:
        sheet.append([row.get(c) or None for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_title_above_the_header_is_explained() -> None:
    data = _with_title([["Procès-verbal des délibérations — session normale 2025"], []])
    problems = _problems(data)
    assert [p[:3] for p in problems] == [(3, None, "pv.header_row")]
    assert "line 3" in problems[0][3] and "delete the 2 line(s) above it" in problems[0][3]


def test_a_csv_title_above_the_header_is_explained() -> None:
    data = b"PV session 2025;;\r\n" + csv_bytes(BASE, bom=False)
    assert [p[:3] for p in _problems(data)] == [(2, None, "pv.header_row")]


def test_a_header_that_is_simply_wrong_is_still_a_columns_problem() -> None:
    renamed = tuple("nom" if c == "nom_fr" else c for c in COLUMNS)
    assert {code for _, _, code in problems_of(csv_bytes(BASE, columns=renamed))} == {"pv.columns"}
