"""The rattrapage wave and rectification through the library, with the real agent: a PV of both
sessions after the normal session's PV issues only what is new, and touches nothing else."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.rectification import changed_fields
from shahada.issuer.usecases import plan_issue
from shahada.schemas.identifiers import credential_id
from shahada.schemas.reference import bundled_reference

pytestmark = pytest.mark.agent
YEAR = 2021  # a session no other test issues into the shared archive


def _run(ministry: Any, pv: Path, *, dry_run: bool = False, year: int = YEAR) -> Any:
    """The issuance use case (``issue_pv``) or its dry run (``plan_issue``); returns the plan."""
    if dry_run:
        s = ministry.settings
        return plan_issue(pv, archive=ministry.archive, year=year, issuer_did=ministry.identity.did, secret=s.id_secret, proof_type=s.proof_type)
    return ministry.issue(pv, year).plan


def test_the_rattrapage_wave_issues_only_what_is_new(ministry: Any, tmp_path: Path) -> None:
    both = tmp_path / "both.csv"
    write_csv(generate_records(30, seed=77, reference=bundled_reference(), year=YEAR, rattrapage_share=0.3), both)
    with open(both, encoding="utf-8-sig", newline="") as handle:
        dialect = csv.Sniffer().sniff(handle.readline())
    with open(both, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, dialect=dialect))
    assert any(r["session"] == "rattrapage" for r in rows)
    first = tmp_path / "normale.csv"
    with open(first, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), dialect=dialect)
        writer.writeheader()
        writer.writerows(r for r in rows if r["session"] == "normale")
    wave1 = _run(ministry, first)
    assert wave1.changes == [] and wave1.unchanged == 0
    issued_before = {c.id: c.document for c in ministry.archive.credentials(session_year=YEAR)}

    preview = _run(ministry, both, dry_run=True)
    second = [r for r in rows if r["session"] == "rattrapage"]
    admitted = [r for r in second if r["decision"] == "admis"]
    assert preview.changes == []
    assert sorted((c.massar, c.session_kind, c.kind) for c in preview.new) == sorted(
        [(r["massar"], "rattrapage", "transcript") for r in second] + [(r["massar"], "rattrapage", "diploma") for r in admitted]
    )
    assert preview.unchanged == len(issued_before)
    _run(ministry, both)
    after = {c.id: c.document for c in ministry.archive.credentials(session_year=YEAR)}
    assert {k: after[k] for k in issued_before} == issued_before  # the first wave untouched
    assert len(after) == len(issued_before) + len(preview.new)
    verifier = ministry.verifier()
    for credential in preview.new:
        result = verifier.verify(after[credential.id])
        assert result.verified, result.to_dict()


def test_revision_ids_and_field_diffs() -> None:
    secret = b"k" * 32
    ids = {credential_id("R130045678", 2025, "normale", "transcript", secret=secret, revision=n) for n in range(3)}
    assert len(ids) == 3
    old = {"credentialSubject": {"documentNumber": "A", "results": [{"mark": "7.00"}, {"mark": "4.00"}]}}
    new = {"credentialSubject": {"documentNumber": "B", "results": [{"mark": "4.00"}, {"mark": "4.00"}]}}
    assert changed_fields(old, new) == ("credentialSubject.results[0].mark",)


RESULT_COLUMNS = ("moyenne_nationale", "moyenne_regionale", "moyenne_cc", "moyenne_generale", "mention", "decision")


def test_a_rectification_that_withdraws_an_admission_revokes_the_diploma(ministry: Any, tmp_path: Path) -> None:
    """Swap the results of an admitted and a failed candidate of the same stream: the first one's
    diploma is revoked, superseded by the corrected transcript; the second one gets a diploma."""
    year_pv = tmp_path / "pv.csv"
    write_csv(generate_records(40, seed=31, reference=bundled_reference(), year=YEAR - 1, rattrapage_share=0.0), year_pv)
    with open(year_pv, encoding="utf-8-sig", newline="") as handle:
        dialect = csv.Sniffer().sniff(handle.readline())
    with open(year_pv, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, dialect=dialect))
    pair = next(
        (a, b)
        for a in rows
        for b in rows
        if a["decision"] == "admis" and b["decision"] == "ajourne"
        and (a["filiere"], a["type_candidat"]) == (b["filiere"], b["type_candidat"])
    )
    admitted, failed = pair
    swapped = [dict(r) for r in rows]
    result_columns = [c for c in rows[0] if c in RESULT_COLUMNS or c.startswith(("nat_", "reg_"))]
    for row in swapped:
        source = failed if row["massar"] == admitted["massar"] else admitted if row["massar"] == failed["massar"] else None
        if source is not None:
            row.update({c: source[c] for c in result_columns})
    corrected = tmp_path / "corrected.csv"
    with open(corrected, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), dialect=dialect)
        writer.writeheader()
        writer.writerows(swapped)

    def run(pv: Path) -> Any:
        return _run(ministry, pv, year=YEAR - 1)  # a session of its own in the shared archive

    run(year_pv)
    diploma = next(c for c in ministry.archive.credentials(session_year=YEAR - 1) if c.kind == "diploma" and c.document["credentialSubject"]["massarCode"] == admitted["massar"])
    assert ministry.verifier().verify(diploma.document).verified
    plan = run(corrected)
    withdrawn = [c for c in plan.changes if c.kind == "diploma"]
    assert [(c.massar, c.old_id, c.fields) for c in withdrawn] == [(admitted["massar"], diploma.id, ("withdrawn: no longer admitted",))]
    assert {c.massar for c in plan.new if c.kind == "diploma"} == {failed["massar"]}
    result = ministry.verifier().verify(diploma.document)
    assert not result.verified and result.check("status").code == "status.revoked"
    assert ministry.status.registry_entry(diploma.id)["supersededBy"] == withdrawn[0].new_id
