"""A PV that passes ``pv check`` is a PV that ``issue`` signs in full (issue 17, finding 4).

Before, a PV that passed the check issued 256 of its 325 credentials and stopped on a cell over the
agent's request limit, leaving the rest pending for ever. Here every name and place sits at the
longest the rules allow (100 characters, Arabic with harakat), in every stream, admitted or not: the
check passes, the real agent signs every credential, and the ministry's verifier accepts each one.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest

from shahada.issuer.pv.reader import read_pv
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.pv.text import CELL_MAX_LENGTH, text_problem
from shahada.schemas.jsonschema import check_signable
from shahada.schemas.reference import bundled_reference
from tests.support.archives import fresh_archive

pytestmark = pytest.mark.agent
REF = bundled_reference()
YEAR = 2025


def at_limit(tag: str, filler: str) -> str:
    """``tag`` then ``filler`` repeated, cut at the limit, ending on a letter (no trailing space)."""
    text = (tag + " " + filler * CELL_MAX_LENGTH)[:CELL_MAX_LENGTH]
    while text[-1] == " " or not text[-1].isalpha():
        text = text[:-1] + filler.strip()[0]
    assert len(text) == CELL_MAX_LENGTH and text_problem(text) is None, text
    return text


def tag_of(i: int) -> tuple[str, str]:
    """A distinct word per candidate, in each script, so that no two candidates share an identity."""
    latin = string.ascii_uppercase[i % 26] + string.ascii_lowercase[i // 26 % 26] + "ri"
    arabic = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"[i % 27] + "ا" + "بتثجحخدذرزسشصضطظعغفقكلمنهوي"[i // 27 % 27]
    return latin, arabic


def test_a_pv_at_the_limits_that_passes_the_check_issues_every_credential(ministry: Any, tmp_path: Path) -> None:
    rows = list(generate_records(40, seed=17, reference=REF, year=YEAR, rattrapage_share=0.2))
    people = {massar: i for i, massar in enumerate(dict.fromkeys(row["massar"] for row in rows))}
    for row in rows:
        latin, arabic = tag_of(people[row["massar"]])  # both sessions' rows of a candidate agree
        row["nom_fr"] = at_limit(latin, "Ouazzani-Touhami Ben Abdelkader El Idrissi ")
        row["prenom_fr"] = at_limit(latin, "Fatima-Zahra Ait Ba'ha ")
        row["nom_ar"] = at_limit(arabic, "الوَزَّانِي التُّهَامِي بْنُ عَبْدِ القَادِرِ ")
        row["prenom_ar"] = at_limit(arabic, "فَاطِمَةُ الزَّهْرَاءِ ")
        row["lieu_naissance_fr"] = at_limit(latin, "Sidi Slimane Moul Al Kifane ")
        row["lieu_naissance_ar"] = at_limit(arabic, "سِيدِي سْلِيمَانْ مُولْ الكِيفَانْ ")
    pv = tmp_path / "pv-at-limits.csv"
    write_csv(rows, pv)

    records = read_pv(pv, reference=REF, year=YEAR)  # what `shahada pv check` runs
    assert len(records) == 40 and {r.stream for r in records} == set(REF.streams)
    expected = len(records) + sum(1 for r in records if r.admitted)

    archive = fresh_archive(tmp_path / "archive.sqlite3")
    try:
        outcome = ministry.issue(pv, YEAR, archive=archive, batch_size=16)
        assert outcome.signed == expected
        assert archive.count(import_id=outcome.info.id, status="pending") == 0
        stored = list(archive.credentials(import_id=outcome.info.id))
        assert len(stored) == expected
        verifier = ministry.verifier()
        for credential in stored:
            subject = credential.document["credentialSubject"]
            assert len(subject["familyName"][1]["@value"]) == CELL_MAX_LENGTH
            assert check_signable({k: v for k, v in credential.document.items() if k not in ("proof", "credentialStatus")}) == []
            result = verifier.verify(credential.document)
            assert result.verified, (credential.id, result.to_dict())
    finally:
        archive.close()
