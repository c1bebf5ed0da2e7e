"""The rattrapage wave and rectification through the library, with the real agent: a PV of both
sessions after the normal session's PV issues only what is new, and touches nothing else."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from issuer.audit import AuditLog
from issuer.issuance import AgentSigner, sign_pending
from issuer.rectification import apply_supersessions, changed_fields, plan_pv, record_plan
from issuer.synthetic import generate_records, write_csv
from schemas.credential import MINISTRY_NAME, IssuerProfile
from schemas.identifiers import credential_id
from schemas.reference import bundled_reference
from shahada.status_setup import publish_lists

pytestmark = pytest.mark.agent
YEAR = 2021  # a session no other test issues into the shared archive
NOW = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


def _run(ministry: Any, pv: Path, *, dry_run: bool = False) -> Any:
    s = ministry.settings
    plan = plan_pv(
        pv, archive=ministry.archive, year=YEAR, issuer=IssuerProfile(did=ministry.identity.did, name=MINISTRY_NAME),
        secret=s.id_secret, reference=bundled_reference(), proof_type=s.proof_type, now=NOW(),
    )
    if dry_run:
        return plan
    audit = AuditLog(ministry.archive.engine)
    info = record_plan(plan, archive=ministry.archive, operator="test", now=NOW(), attach_status=ministry.status.attach, audit=audit)
    signer = AgentSigner(ministry.client, ministry.identity.verification_method, s.proof_type)
    sign_pending(ministry.archive, info.id, signer, clock=NOW, audit=audit, operator="test")
    apply_supersessions(ministry.archive, ministry.status, audit, operator="test", now=NOW())
    publish_lists(ministry.status, signer, ministry.identity.did, s.proof_type)
    return plan


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
