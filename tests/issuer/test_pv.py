"""Tests of shahada.issuer.pv.reader: reading a PV, every check and its code, on rows computed by hand.

The rows below were computed on paper (the arithmetic is in the comments), not with the code under
test, so that the reader and the generator cannot share a mistake unnoticed.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from shahada.issuer.errors import PVInvalidError, PVProblem
from shahada.issuer.pv.reader import PROBLEM_CODES, parse_pv_bytes, pv_columns, read_pv
from shahada.schemas.records import PVRecord, SubjectMark
from shahada.schemas.reference import Reference, bundled_reference

REF: Reference = bundled_reference()
COLUMNS = pv_columns(REF)
YEAR = 2025
DOCS = Path(__file__).resolve().parents[2] / "docs" / "pv-format.md"

type Row = dict[str, str]
type Where = tuple[int | None, str | None, str]  # (row, column, code) of a problem

# Line 2. SMA, scolarisé, admitted with B.
#   national  MATH 16×9 + PC 14×7 + SVT 12×3 + PHILO 10×2 + ANG 15×2 = 144+98+36+20+30 = 328; /23 = 14.2609
#   regional  FR 13×4 + AR 15×2 + EI 17×2 + HG 14×2 = 52+30+34+28 = 144; /10 = 14.40
#   general   0.50×14.26 + 0.25×14.40 + 0.25×15.50 = 7.13 + 3.60 + 3.875 = 14.605 → 14.61 → B
SMA_ADMIS: Row = {
    "massar": "R130045678", "cin": "AB123456", "nom_fr": "Aït Ba'ha", "prenom_fr": "Fatima-Zahra",
    "nom_ar": "آيت باها", "prenom_ar": "فاطمة الزهراء", "date_naissance": "2007-03-14",
    "lieu_naissance_fr": "Tiznit", "lieu_naissance_ar": "تيزنيت", "filiere": "SMA", "option": "FR",
    "academie": "SM", "session": "normale", "type_candidat": "scolarise",
    "moyenne_nationale": "14.26", "moyenne_regionale": "14.40", "moyenne_cc": "15.50",
    "moyenne_generale": "14.61", "mention": "B", "decision": "admis",
    "nat_MATH": "16", "nat_PC": "14", "nat_SVT": "12", "nat_PHILO": "10", "nat_ANG": "15",
    "reg_FR": "13", "reg_AR": "15", "reg_EI": "17", "reg_HG": "14",
}  # fmt: skip
# Line 3. LET, candidat libre (no continuous assessment), failed.
#   national  LIT 8×4 + PHILO 7.5×3 + ANG 9×4 + LANG2 6×2 + TRAD 10×2 = 32+22.5+36+12+20 = 122.5; /15 = 8.1667
#   regional  FR 9×4 + EI 12×2 + HG 8.5×3 + MATH 5×1 = 36+24+25.5+5 = 90.5; /10 = 9.05
#   general   0.75×8.17 + 0.25×9.05 = 6.1275 + 2.2625 = 8.39
LET_LIBRE: Row = {
    "massar": "S123456789", "cin": "SH45210", "nom_fr": "Ould Ahmed Salem", "prenom_fr": "Mohamed",
    "nom_ar": "ولد أحمد سالم", "prenom_ar": "مُحَمَّد", "date_naissance": "1990-11-02",
    "lieu_naissance_fr": "Laâyoune", "lieu_naissance_ar": "العيون", "filiere": "LET", "option": "",
    "academie": "LSH", "session": "normale", "type_candidat": "libre",
    "moyenne_nationale": "8.17", "moyenne_regionale": "9.05", "moyenne_cc": "",
    "moyenne_generale": "8.39", "mention": "", "decision": "ajourne",
    "nat_LIT": "8", "nat_PHILO": "7.5", "nat_ANG": "9", "nat_LANG2": "6", "nat_TRAD": "10",
    "reg_FR": "9", "reg_EI": "12", "reg_HG": "8.5", "reg_MATH": "5",
}  # fmt: skip
# Line 4. SE, normal session, sent to the rattrapage; no CIN, French date.
#   national  ECO 8×6 + COMPTA 9×4 + EOAE 10×4 + MATH 7×4 + PHILO 9×2 + ANG 11×2 = 48+36+40+28+18+22 = 192; /22 = 8.7273
#   regional  FR 10×4 + AR 12×2 + EI 14×2 + HG 11×2 + DROIT 9×2 = 40+24+28+22+18 = 132; /12 = 11.00
#   general   0.50×8.73 + 0.25×11.00 + 0.25×9.00 = 4.365 + 2.75 + 2.25 = 9.365 → 9.37
SE_NORMALE: Row = {
    "massar": "B987654321", "cin": "", "nom_fr": "Ben Abdellah", "prenom_fr": "Mohammed Amine",
    "nom_ar": "بن عبد الله", "prenom_ar": "محمد أمين", "date_naissance": "15/09/2006",
    "lieu_naissance_fr": "Casablanca", "lieu_naissance_ar": "الدار البيضاء", "filiere": "SE", "option": "",
    "academie": "CS", "session": "normale", "type_candidat": "scolarise",
    "moyenne_nationale": "8.73", "moyenne_regionale": "11.00", "moyenne_cc": "9.00",
    "moyenne_generale": "9.37", "mention": "", "decision": "rattrapage",
    "nat_ECO": "8", "nat_COMPTA": "9", "nat_EOAE": "10", "nat_MATH": "7", "nat_PHILO": "9", "nat_ANG": "11",
    "reg_FR": "10", "reg_AR": "12", "reg_EI": "14", "reg_HG": "11", "reg_DROIT": "9",
}  # fmt: skip
# Line 5. The same candidate at the rattrapage: ECO 12 and MATH 10 replace 8 and 7; COMPTA retaken
# at 8 keeps 9 (the better mark is kept).
#   national  12×6 + 9×4 + 10×4 + 10×4 + 9×2 + 11×2 = 72+36+40+40+18+22 = 228; /22 = 10.3636
#   general   0.50×10.36 + 0.25×11.00 + 0.25×9.00 = 5.18 + 2.75 + 2.25 = 10.18 → P
SE_RATTRAPAGE: Row = SE_NORMALE | {
    "session": "rattrapage", "moyenne_nationale": "10.36", "moyenne_generale": "10.18", "mention": "P",
    "decision": "admis", "nat_ECO": "12", "nat_MATH": "10",
}  # fmt: skip
BASE: list[Row] = [SMA_ADMIS, LET_LIBRE, SE_NORMALE, SE_RATTRAPAGE]


def csv_bytes(rows: list[Row], *, delimiter: str = ";", bom: bool = True, newline: str = "\r\n",
              decimal_comma: bool = False, columns: tuple[str, ...] = COLUMNS) -> bytes:  # fmt: skip
    """A CSV export written with the csv module only (independent of shahada.issuer.pv.synthetic.write_csv)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(columns)
    for row in rows:
        cells = [row.get(c, "") for c in columns]
        if decimal_comma:
            cells = [v.replace(".", ",") if c.startswith(("moyenne_", "nat_", "reg_")) else v
                     for c, v in zip(columns, cells, strict=True)]  # fmt: skip
        writer.writerow(cells)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[Row]) -> bytes:
    """A workbook as Excel keeps one: numbers as numbers, the birth date as a date cell."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        values: list[object] = []
        for c in COLUMNS:
            text = row.get(c, "")
            if not text:
                values.append(None)
            elif c.startswith(("moyenne_", "nat_", "reg_")):
                values.append(float(text) if "." in text else int(text))
            elif c == "date_naissance":
                day, month, year = text.split("/") if "/" in text else reversed(text.split("-"))
                values.append(date(int(year), int(month), int(day)))
            else:
                values.append(text)
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parse(data: bytes, filename: str = "pv.csv") -> list[PVRecord]:
    return parse_pv_bytes(data, filename=filename, reference=REF, year=YEAR)


def problems_of(data: bytes) -> list[Where]:
    with pytest.raises(PVInvalidError) as caught:
        parse(data)
    return [(p.row, p.column, p.code) for p in caught.value.problems]


def mutated(change: Callable[[list[Row]], object]) -> bytes:
    rows = copy.deepcopy(BASE)
    change(rows)
    return csv_bytes(rows)


def setter(index: int, **cells: str) -> Callable[[list[Row]], None]:
    return lambda rows: rows[index].update(cells)


# --- valid files -------------------------------------------------------------------------------


def test_hand_computed_rows_parse_to_the_expected_records() -> None:
    records = parse(csv_bytes(BASE))
    assert [r.row for r in records] == [2, 3, 4, 5]
    sma, let, se, ratt = records
    assert sma.massar == "R130045678" and sma.cin == "AB123456" and sma.option == "FR"
    assert (sma.family_name_fr, sma.given_name_fr) == ("Aït Ba'ha", "Fatima-Zahra")
    assert (sma.family_name_ar, sma.given_name_ar) == ("آيت باها", "فاطمة الزهراء")
    assert sma.birth_date == date(2007, 3, 14) and sma.birth_place_ar == "تيزنيت"
    assert (sma.national_average, sma.regional_average) == (Decimal("14.26"), Decimal("14.40"))
    assert (sma.continuous_average, sma.general_average) == (Decimal("15.50"), Decimal("14.61"))
    assert (sma.mention, sma.decision, sma.admitted) == ("B", "admis", True)
    assert sma.marks == (
        SubjectMark("MATH", "national", 9, Decimal("16.00")), SubjectMark("PC", "national", 7, Decimal("14.00")),
        SubjectMark("SVT", "national", 3, Decimal("12.00")), SubjectMark("PHILO", "national", 2, Decimal("10.00")),
        SubjectMark("ANG", "national", 2, Decimal("15.00")), SubjectMark("FR", "regional", 4, Decimal("13.00")),
        SubjectMark("AR", "regional", 2, Decimal("15.00")), SubjectMark("EI", "regional", 2, Decimal("17.00")),
        SubjectMark("HG", "regional", 2, Decimal("14.00")),
    )  # fmt: skip
    assert str(sma.marks[0].mark) == "16.00"  # two decimals, whatever the cell said
    assert let.candidate_type == "libre" and let.continuous_average is None
    assert let.option is None and let.mention is None and let.decision == "ajourne"
    assert let.given_name_ar == "مُحَمَّد"  # harakat kept as written
    assert se.cin is None and se.birth_date == date(2006, 9, 15) and se.decision == "rattrapage"
    assert (ratt.session, ratt.decision, ratt.mention) == ("rattrapage", "admis", "P")
    assert dict((m.subject, m.mark) for m in ratt.marks if m.exam == "national")["ECO"] == Decimal("12.00")


def test_read_pv_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "pv-2025.csv"
    path.write_bytes(csv_bytes(BASE))
    assert read_pv(path, reference=REF, year=YEAR) == parse(csv_bytes(BASE))


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param({"delimiter": ",", "bom": False, "newline": "\n"}, id="comma-nobom-lf"),
        pytest.param({"delimiter": ";", "bom": False, "newline": "\n"}, id="semicolon-nobom-lf"),
        pytest.param({"delimiter": ",", "bom": True, "newline": "\r\n"}, id="comma-bom-crlf"),
        pytest.param({"delimiter": ";", "bom": True, "newline": "\r"}, id="semicolon-cr"),
        pytest.param({"delimiter": ";", "bom": True, "newline": "\r\n", "decimal_comma": True}, id="french-decimals"),
    ],
)
def test_csv_variants_parse_to_equal_records(variant: dict[str, object]) -> None:
    reference = parse(csv_bytes(BASE))
    assert parse(csv_bytes(BASE, **variant)) == reference  # type: ignore[arg-type]


def test_xlsx_parses_to_the_same_records_as_csv() -> None:
    assert parse(xlsx_bytes(BASE), "pv.xlsx") == parse(csv_bytes(BASE))


def test_xlsx_with_text_cells_and_french_decimals() -> None:
    rows = copy.deepcopy(BASE)
    rows[0]["moyenne_generale"] = "14,61"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(c) or None for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    assert parse(out.getvalue(), "pv.xlsx") == parse(csv_bytes(BASE))


def test_column_order_is_free_and_quoted_separators_are_kept() -> None:
    rows = copy.deepcopy(BASE)
    rows[0]["lieu_naissance_fr"] = "Paris; France"
    records = parse(csv_bytes(rows, columns=tuple(reversed(COLUMNS))))
    assert records[0].birth_place_fr == "Paris; France"


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers() -> None:
    data = csv_bytes(BASE[:2]).replace(b"\r\n", b"\r\n\r\n;;;\r\n", 1)
    assert [r.row for r in parse(data)] == [4, 5]


def test_tolerance_is_inclusive() -> None:
    # exact general average 14.605: 14.60 and 14.61 are within 0.01; 14.59 and 14.62 are not
    assert parse(mutated(setter(0, moyenne_generale="14.60")))
    for bad in ("14.59", "14.62"):
        assert problems_of(mutated(setter(0, moyenne_generale=bad))) == [(2, "moyenne_generale", "pv.average_mismatch")]


# --- one bad thing, one problem, at the right place ---------------------------------------------


def drop_column(name: str) -> bytes:
    return csv_bytes(BASE, columns=tuple(c for c in COLUMNS if c != name))


BAD_CASES: list[tuple[str, bytes, list[Where]]] = [
    ("massar-short", mutated(setter(0, massar="R13004567")), [(2, "massar", "pv.massar_format")]),
    ("massar-lowercase", mutated(setter(0, massar="r130045678")), [(2, "massar", "pv.massar_format")]),
    ("cin", mutated(setter(0, cin="AB1234567")), [(2, "cin", "pv.cin_format")]),
    ("average-21", mutated(setter(0, moyenne_generale="21")), [(2, "moyenne_generale", "pv.mark_range")]),
    ("mark-21", mutated(setter(0, nat_MATH="21")), [(2, "nat_MATH", "pv.mark_range")]),
    ("mark-negative", mutated(setter(0, nat_MATH="-1")), [(2, "nat_MATH", "pv.mark_range")]),
    ("mark-3-decimals", mutated(setter(0, nat_MATH="15.255")), [(2, "nat_MATH", "pv.decimal_format")]),
    ("mark-text", mutated(setter(0, nat_MATH="ABS")), [(2, "nat_MATH", "pv.decimal_format")]),
    ("mention-too-high", mutated(setter(0, mention="TB")), [(2, "mention", "pv.mention_mismatch")]),
    ("mention-missing", mutated(setter(0, mention="")), [(2, "mention", "pv.mention_mismatch")]),
    ("mention-when-failed", mutated(setter(1, mention="P")), [(3, "mention", "pv.mention_mismatch")]),
    ("mention-unknown", mutated(setter(0, mention="X")), [(2, "mention", "pv.unknown_code")]),
    ("arabic-name-missing", mutated(setter(1, nom_ar="")), [(3, "nom_ar", "pv.missing_value")]),
    ("latin-in-arabic", mutated(setter(1, prenom_ar="Mohamed")), [(3, "prenom_ar", "pv.script")]),
    ("mixed-in-arabic", mutated(setter(1, lieu_naissance_ar="العيون Laayoune")),
     [(3, "lieu_naissance_ar", "pv.script")]),
    ("arabic-in-latin", mutated(setter(0, nom_fr="بناني")), [(2, "nom_fr", "pv.script")]),
    ("date-not-calendar", mutated(setter(0, date_naissance="2007-02-30")), [(2, "date_naissance", "pv.date")]),
    ("date-format", mutated(setter(0, date_naissance="2007/03/14")), [(2, "date_naissance", "pv.date")]),
    ("date-too-young", mutated(setter(0, date_naissance="14/03/2015")), [(2, "date_naissance", "pv.date")]),
    ("date-too-old", mutated(setter(1, date_naissance="1940-01-01")), [(3, "date_naissance", "pv.date")]),
    ("stream-unknown", mutated(setter(0, filiere="XX")), [(2, "filiere", "pv.unknown_code")]),
    ("option-unknown", mutated(setter(0, option="DE")), [(2, "option", "pv.unknown_code")]),
    ("option-not-offered", mutated(setter(1, option="FR")), [(3, "option", "pv.unknown_code")]),
    ("academy-unknown", mutated(setter(0, academie="ZZ")), [(2, "academie", "pv.unknown_code")]),
    ("session-unknown", mutated(setter(0, session="Normale")), [(2, "session", "pv.unknown_code")]),
    ("cc-missing", mutated(setter(0, moyenne_cc="")), [(2, "moyenne_cc", "pv.missing_value")]),
    ("cc-for-libre", mutated(setter(1, moyenne_cc="12")), [(3, "moyenne_cc", "pv.unexpected_value")]),
    # the libre weights (0.75, 0.25) give 14.295, not 14.61
    ("libre-weights", mutated(setter(0, type_candidat="libre", moyenne_cc="")),
     [(2, "moyenne_generale", "pv.average_mismatch")]),
    ("general-inconsistent", mutated(setter(0, moyenne_generale="15.61")),
     [(2, "moyenne_generale", "pv.average_mismatch")]),
    # 14.28 is 0.019 from 14.2609; the general average 14.615 still matches 14.61
    ("national-inconsistent", mutated(setter(0, moyenne_nationale="14.28")),
     [(2, "moyenne_nationale", "pv.average_mismatch")]),
    ("regional-inconsistent", mutated(setter(0, moyenne_regionale="14.42")),
     [(2, "moyenne_regionale", "pv.average_mismatch")]),
    ("mark-changed", mutated(setter(0, nat_MATH="17")), [(2, "moyenne_nationale", "pv.average_mismatch")]),
    ("subject-not-in-stream", mutated(setter(0, nat_SOC="12")), [(2, "nat_SOC", "pv.marks_subjects")]),
    ("regional-subject-not-in-stream", mutated(setter(0, reg_DROIT="12")), [(2, "reg_DROIT", "pv.marks_subjects")]),
    ("stream-mark-missing", mutated(setter(0, nat_SVT="")), [(2, "nat_SVT", "pv.marks_subjects")]),
    ("admis-below-10", mutated(setter(1, decision="admis")), [(3, "decision", "pv.decision_mismatch")]),
    ("ajourne-above-10", mutated(setter(0, decision="ajourne", mention="")), [(2, "decision", "pv.decision_mismatch")]),
    # (another person: the same names and birth would also be a pv.duplicate_identity of row 5)
    ("rattrapage-at-rattrapage", mutated(setter(2, massar="B987654322", session="rattrapage", prenom_fr="Yassine",
                                                prenom_ar="ياسين")),
     [(4, "decision", "pv.decision_mismatch")]),
    ("duplicate", mutated(lambda rows: rows.append(dict(rows[1]))), [(6, "massar", "pv.duplicate_candidate")]),
    ("normale-not-sent", mutated(setter(2, decision="ajourne")), [(5, "decision", "pv.session_mismatch")]),
    ("name-differs", mutated(setter(3, nom_fr="Benabdellah")), [(5, "nom_fr", "pv.session_mismatch")]),
    # ANG 11 → 10 (−2) compensated by EOAE 10 → 10.5 (+2): averages hold, the better mark was not kept
    ("mark-lowered", mutated(setter(3, nat_ANG="10", nat_EOAE="10.5")), [(5, "nat_ANG", "pv.session_mismatch")]),
    ("comma-decimal-with-comma-separator",
     csv_bytes([SMA_ADMIS | {"moyenne_cc": "15,50"}], delimiter=","), [(2, "moyenne_cc", "pv.decimal_format")]),
    ("empty", b"", [(None, None, "pv.empty")]),
    ("bom-only", b"\xef\xbb\xbf\r\n", [(None, None, "pv.empty")]),
    ("header-only", csv_bytes([]), [(None, None, "pv.empty")]),
    ("column-renamed", csv_bytes(BASE, columns=tuple("nom" if c == "nom_fr" else c for c in COLUMNS)),
     [(1, "nom", "pv.columns"), (1, "nom_fr", "pv.columns")]),
    ("column-missing", drop_column("nat_SOC"), [(1, "nat_SOC", "pv.columns")]),
    ("column-case", csv_bytes(BASE, columns=tuple("NAT_MATH" if c == "nat_MATH" else c for c in COLUMNS)),
     [(1, "NAT_MATH", "pv.columns"), (1, "nat_MATH", "pv.columns")]),
    ("column-extra", csv_bytes(BASE, columns=(*COLUMNS, "commentaire")), [(1, "commentaire", "pv.columns")]),
    ("column-twice", csv_bytes(BASE, columns=(*COLUMNS, "cin")), [(1, "cin", "pv.columns")]),
    ("utf16", "massar;cin\r\n".encode("utf-16"), [(None, None, "pv.encoding")]),
    ("legacy-xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), [(None, None, "pv.format")]),
    ("zip-not-xlsx", b"PK\x03\x04" + bytes(100), [(None, None, "pv.format")]),
]  # fmt: skip


@pytest.mark.parametrize(("data", "expected"), [pytest.param(d, e, id=i) for i, d, e in BAD_CASES])
def test_bad_case_gives_exactly_the_expected_problem(data: bytes, expected: list[Where]) -> None:
    assert problems_of(data) == expected


def test_field_count() -> None:
    data = csv_bytes(BASE)
    lines = data.split(b"\r\n")
    lines[2] += b";extra"
    lines[3] = lines[3].rsplit(b";", 1)[0]  # one cell short
    assert problems_of(b"\r\n".join(lines)) == [(3, None, "pv.field_count"), (4, None, "pv.field_count")]


def test_broken_encoding_names_the_row_and_column_and_checks_the_rest() -> None:
    rows = copy.deepcopy(BASE)
    rows[0]["massar"] = "bad"
    data = csv_bytes(rows).replace("Laâyoune".encode(), "Laâyoune".encode("latin-1"))  # a Windows-1252 byte
    assert b"La\xe2youne" in data
    assert problems_of(data) == [(2, "massar", "pv.massar_format"), (3, "lieu_naissance_fr", "pv.encoding")]


def test_broken_encoding_in_the_header() -> None:
    data = csv_bytes(BASE).replace(b"massar", b"m\xe2ssar", 1)
    assert problems_of(data) == [(1, None, "pv.encoding")]


def test_several_bad_rows_are_all_reported_in_row_order() -> None:
    rows = copy.deepcopy(BASE)
    rows[0] |= {"massar": "X1", "mention": "TB"}
    rows[1] |= {"nom_ar": "Ould", "moyenne_cc": "10"}
    rows[3] |= {"nat_SOC": "3"}
    assert problems_of(csv_bytes(rows)) == [
        (2, "massar", "pv.massar_format"), (2, "mention", "pv.mention_mismatch"),
        (3, "nom_ar", "pv.script"), (3, "moyenne_cc", "pv.unexpected_value"),
        (5, "nat_SOC", "pv.marks_subjects"),
    ]  # fmt: skip


def test_problems_are_capped_with_a_count_of_the_rest() -> None:
    rows = [SMA_ADMIS | {"massar": f"bad{i}"} for i in range(1200)]
    with pytest.raises(PVInvalidError) as caught:
        parse(csv_bytes(rows))
    problems = caught.value.problems
    assert len(problems) == 1001
    assert {p.code for p in problems[:1000]} == {"pv.massar_format"}
    assert problems[-1] == PVProblem(None, None, "pv.truncated", "200 more problem(s) not listed; 1200 in all")


def test_xlsx_problems_carry_sheet_rows() -> None:
    rows = copy.deepcopy(BASE)
    rows[2]["nat_ECO"] = "25"
    with pytest.raises(PVInvalidError) as caught:
        parse(xlsx_bytes(rows), "pv.xlsx")
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [(4, "nat_ECO", "pv.mark_range")]


def test_error_names_the_file_and_keeps_identities_out_of_messages(tmp_path: Path) -> None:
    rows = copy.deepcopy(BASE)
    rows[0] |= {"cin": "ABC1", "date_naissance": "2007-02-30", "prenom_ar": "Fatima"}
    path = tmp_path / "pv-casablanca.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(PVInvalidError) as caught:
        read_pv(path, reference=REF, year=YEAR)
    text = str(caught.value)
    assert text.startswith("pv-casablanca.csv: 3 problem(s)")
    assert caught.value.code == "pv.invalid"
    for personal in ("R130045678", "ABC1", "Fatima", "2007-02-30", "Aït"):
        assert personal not in text


def test_every_problem_code_is_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    assert {code for code in PROBLEM_CODES if f"`{code}`" not in documented} == set()
    assert {code for _, _, expected in BAD_CASES for _, _, code in expected} <= PROBLEM_CODES
