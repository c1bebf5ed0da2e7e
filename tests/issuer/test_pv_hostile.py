"""Hostile PVs (issue 17, finding 4): each file here passed ``shahada pv check`` before, and either
put on a diploma what must not be there or made ``shahada issue`` stop half-way. Every one must now be
refused with a row (or the file), a column and a stable code.

The files are built here, from the hand-computed rows of ``test_pv``.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import re
import zipfile

import pytest

from shahada.issuer.errors import PVInvalidError
from shahada.issuer.issuance import CredentialPlanner
from shahada.issuer.pv.reader import MAX_ROWS, MAX_SHARED_STRINGS_BYTES, parse_pv_bytes
from shahada.schemas.credential import IssuerProfile
from shahada.schemas.reference import Label, Reference
from tests.issuer.test_pv import BASE, REF, SMA_ADMIS, YEAR, Row, Where, csv_bytes, mutated, parse, problems_of, setter, xlsx_bytes

# --- names and places: what the diploma prints and the credential signs -------------------------------

TEXT_CASES: list[tuple[str, bytes, list[Where]]] = [
    # prints "OUAZZANI-TOUPI" once the override reverses it
    ("bidi-override", mutated(setter(0, nom_fr="\u202eIPUOT-INAZZAUO")), [(2, "nom_fr", "pv.invisible_character")]),
    ("bidi-isolate", mutated(setter(0, nom_ar="آيت \u2067باها\u2069")), [(2, "nom_ar", "pv.invisible_character")]),
    ("arabic-letter-mark", mutated(setter(0, prenom_ar="فاطمة\u061c")), [(2, "prenom_ar", "pv.invisible_character")]),
    ("zero-width-space", mutated(setter(0, prenom_fr="Fati\u200bma")), [(2, "prenom_fr", "pv.invisible_character")]),
    ("zero-width-joiner", mutated(setter(0, nom_ar="آيت\u200dباها")), [(2, "nom_ar", "pv.invisible_character")]),
    ("soft-hyphen", mutated(setter(0, nom_fr="Aït Ba\u00ad'ha")), [(2, "nom_fr", "pv.invisible_character")]),
    ("no-break-space", mutated(setter(0, nom_fr="Aït\u00a0Ba'ha")), [(2, "nom_fr", "pv.invisible_character")]),
    ("tab-inside", mutated(setter(0, lieu_naissance_fr="Tiz\tnit")), [(2, "lieu_naissance_fr", "pv.invisible_character")]),
    ("private-use", mutated(setter(0, prenom_fr="Fatima\ue000")), [(2, "prenom_fr", "pv.invisible_character")]),
    ("combining-stack", mutated(setter(0, prenom_fr="Fa\u0301\u0302\u0303\u0304tima")),
     [(2, "prenom_fr", "pv.combining_marks")]),
    ("arabic-harakat-stack", mutated(setter(1, prenom_ar="مُحَمَّّّد")), [(3, "prenom_ar", "pv.combining_marks")]),
    ("200-combining-marks", mutated(setter(0, prenom_fr="Fatima" + "\u0301" * 200)), [(2, "prenom_fr", "pv.too_long")]),
    ("formula-hyperlink", mutated(setter(0, nom_fr='=HYPERLINK("https://example.org/x","Alaoui")')),
     [(2, "nom_fr", "pv.formula")]),
    ("formula-plus", mutated(setter(0, lieu_naissance_fr="+Tiznit")), [(2, "lieu_naissance_fr", "pv.formula")]),
    ("formula-minus", mutated(setter(0, nom_fr="-Alaoui")), [(2, "nom_fr", "pv.formula")]),
    ("formula-at", mutated(setter(0, prenom_fr="@SUM(A1)Fatima")), [(2, "prenom_fr", "pv.formula")]),
    ("formula-after-tab", mutated(setter(0, nom_fr="\t=1+1 Alaoui")), [(2, "nom_fr", "pv.formula")]),
    ("markup-tag", mutated(setter(0, nom_fr="<b>Alaoui</b>")), [(2, "nom_fr", "pv.markup")]),
    ("markup-script-ar", mutated(setter(0, lieu_naissance_ar="تيزنيت<script>")), [(2, "lieu_naissance_ar", "pv.markup")]),
    ("markup-entity", mutated(setter(0, nom_fr="Alaoui &amp; Fils")), [(2, "nom_fr", "pv.markup")]),
    ("markup-numeric-entity", mutated(setter(0, prenom_fr="Fatima&#x202E;")), [(2, "prenom_fr", "pv.markup")]),
    ("name-488", mutated(setter(0, nom_fr="Alaoui " * 69 + "Alaoui")), [(2, "nom_fr", "pv.too_long")]),
    ("place-32767", mutated(setter(0, lieu_naissance_fr=("Casablanca" * 3277)[:32767])),
     [(2, "lieu_naissance_fr", "pv.too_long")]),
    ("long-code-cell", mutated(setter(0, mention="TB" * 60)), [(2, "mention", "pv.too_long")]),
]  # fmt: skip


@pytest.mark.parametrize(("data", "expected"), [pytest.param(d, e, id=i) for i, d, e in TEXT_CASES])
def test_hostile_names_and_places_are_refused_where_they_are(data: bytes, expected: list[Where]) -> None:
    assert problems_of(data) == expected


def test_text_problems_name_the_character_never_the_value() -> None:
    with pytest.raises(PVInvalidError) as caught:
        parse(mutated(setter(0, nom_fr="\u202eIPUOT-INAZZAUO")))
    (problem,) = caught.value.problems
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in problem.message
    assert "IPUOT" not in str(caught.value)


def test_names_that_need_what_they_have_still_pass() -> None:
    """Harakat (shadda and a vowel), decomposed accents, apostrophes, hyphens and an ampersand-free '&'
    stay valid: the rules refuse stacks and references, not the letters of real names."""
    rows = copy.deepcopy(BASE)
    rows[0] |= {"prenom_fr": "Fa\u0301tima-Zahra", "nom_fr": "Aït Ba'ha & Fils", "prenom_ar": "فَاطِمَةُ الزَّهْرَاءِ"}
    records = parse(csv_bytes(rows))
    assert records[0].given_name_ar == "فَاطِمَةُ الزَّهْرَاءِ"
    assert records[0].family_name_fr == "Aït Ba'ha & Fils"


# --- one person, one Code Massar ---------------------------------------------------------------------------


def test_two_candidates_with_one_cin_are_refused_at_the_later_row() -> None:
    with pytest.raises(PVInvalidError) as caught:
        parse(mutated(setter(1, cin=SMA_ADMIS["cin"])))
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [(3, "cin", "pv.duplicate_cin")]
    assert "row 2 (column cin)" in caught.value.problems[0].message


def test_one_candidate_keeps_its_cin_in_both_sessions() -> None:
    rows = copy.deepcopy(BASE)
    rows[2]["cin"] = rows[3]["cin"] = "BE12345"
    assert len(parse(csv_bytes(rows))) == 4


def test_the_same_person_under_two_code_massar_is_refused() -> None:
    twin: Row = SMA_ADMIS | {"massar": "R130045679", "cin": ""}
    with pytest.raises(PVInvalidError) as caught:
        parse(csv_bytes([*BASE, twin]))
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [(6, "massar", "pv.duplicate_identity")]
    assert "row 2 (column massar)" in caught.value.problems[0].message


def test_namesakes_told_apart_by_their_cins_pass() -> None:
    namesake: Row = SMA_ADMIS | {"massar": "R130045679", "cin": "AB654321"}
    assert len(parse(csv_bytes([*BASE, namesake]))) == 5


# --- every record becomes credentials that the verifier accepts ------------------------------------------


def long_label_reference() -> Reference:
    """Reference data with an academy name over the schemas' 300 characters: rows pass every PV rule,
    yet the credentials built from them would be refused by the ministry's verifier."""
    long = Label(fr="Académie " + "x" * 300, ar="أكاديمية")
    return dataclasses.replace(REF, academies=REF.academies | {"SM": long})


def test_a_record_whose_credential_fails_its_schema_is_refused_during_validation() -> None:
    with pytest.raises(PVInvalidError) as caught:
        parse_pv_bytes(csv_bytes(BASE), filename="pv.csv", reference=long_label_reference(), year=YEAR)
    found = {(p.row, p.column, p.code) for p in caught.value.problems}
    assert found == {(2, "academie", "pv.credential")}  # the diploma and the transcript of row 2
    assert len(caught.value.problems) == 2
    assert all("maxLength is 300" in p.message for p in caught.value.problems)


def test_planning_checks_the_credentials_it_will_sign() -> None:
    records = parse(csv_bytes(BASE))
    with pytest.raises(PVInvalidError) as caught:
        planner = CredentialPlanner(
            year=YEAR, issuer=IssuerProfile(did="did:web:example.org"), issued_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
            secret=bytes(32), reference=long_label_reference(), proof_type="eddsa-rdfc-2022",
        )  # fmt: skip
        planner.plan(records)
        planner.check("PV")
    assert {(p.row, p.column, p.code) for p in caught.value.problems} == {(2, "academie", "pv.credential")}


# --- file limits ---------------------------------------------------------------------------------------------


def rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """A copy of the workbook ``data`` with some parts replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change.pop(info.filename, None) or source.read(info.filename))
        for name, content in change.items():
            assert content is not None
            target.writestr(name, content)
    return out.getvalue()


def sheet_of(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def file_problems(data: bytes) -> list[Where]:
    return problems_of(data)


def test_a_sheet_declaring_30_million_rows_is_refused_before_reading() -> None:
    data = xlsx_bytes(BASE)
    sheet = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:AU30000000"', sheet_of(data))
    assert file_problems(rezip(data, {"xl/worksheets/sheet1.xml": sheet.encode()})) == [(None, None, "pv.too_large")]


def test_a_row_beyond_the_limit_is_refused_at_that_row_whatever_the_dimension_says() -> None:
    data = xlsx_bytes(BASE)
    far = MAX_ROWS + 2
    row = f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>R130045670</t></is></c></row>'
    sheet = sheet_of(data).replace("</sheetData>", row + "</sheetData>")
    assert file_problems(rezip(data, {"xl/worksheets/sheet1.xml": sheet.encode()})) == [(far, None, "pv.too_large")]


def test_a_row_reaching_past_the_column_limit_is_refused_at_that_row() -> None:
    data = xlsx_bytes(BASE)
    sheet = sheet_of(data)
    end = sheet.index("</row>", sheet.index('<row r="3"'))
    sheet = sheet[:end] + '<c r="XFD3" t="inlineStr"><is><t>x</t></is></c>' + sheet[end:]
    assert file_problems(rezip(data, {"xl/worksheets/sheet1.xml": sheet.encode()})) == [(3, None, "pv.too_large")]


def test_a_shared_strings_bomb_is_refused_from_the_zip_directory() -> None:
    """A small file whose shared strings (which openpyxl loads whole, before any row) decompress
    past the limit: refused from the sizes in the zip's directory, without parsing them."""
    data = xlsx_bytes(BASE)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    override = ('<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')  # fmt: skip
    padding = "<si><t>" + "A" * 1000 + "</t></si>"
    count = MAX_SHARED_STRINGS_BYTES // len(padding) + 1
    bomb = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'
    bomb += padding * count + "</sst>"
    packed = rezip(data, {"[Content_Types].xml": types.replace("</Types>", override + "</Types>").encode(),
                          "xl/sharedStrings.xml": bomb.encode()})  # fmt: skip
    assert len(packed) < len(bomb) // 100  # a small file
    assert file_problems(packed) == [(None, None, "pv.too_large")]


def test_a_cell_over_the_agents_request_limit_is_refused_in_an_xlsx() -> None:
    """The PV that issued 256 of 325 credentials and stopped: one name cell of 1.5 MB."""
    rows = copy.deepcopy(BASE)
    rows[1]["nom_fr"] = "Ahmed " * 250_000
    assert problems_of(xlsx_bytes(rows)) == [(3, "nom_fr", "pv.too_long")]


def test_a_csv_field_over_the_parsers_limit_names_its_row() -> None:
    data = mutated(setter(1, nom_fr="A" * 200_000))
    assert problems_of(data) == [(3, None, "pv.format")]


def test_a_csv_past_the_row_limit_is_refused_at_the_first_row_over() -> None:
    data = csv_bytes(BASE) + b"\r\n" * MAX_ROWS + csv_bytes([SMA_ADMIS | {"massar": "R130045670", "cin": ""}]).split(b"\r\n", 1)[1]
    assert problems_of(data) == [(MAX_ROWS + 2, None, "pv.too_large")]
