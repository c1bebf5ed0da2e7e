"""A small session issued for real through the ministry fixture's agent, with status entries and
published status lists: the starting point of every test that checks status end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from shahada.issuer.archive.store import StoredCredential
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.usecases import change_status
from shahada.schemas.reference import bundled_reference


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def issue_with_status(ministry: Any, work: Path, *, rows: int, seed: int, year: int) -> dict[str, list[StoredCredential]]:
    """Issue ``rows`` synthetic candidates of ``year`` into the ministry's archive (choose a year
    no other test module issues) and publish the status lists; returns each candidate's
    credentials by Code Massar."""
    pv = work / "pv.csv"
    write_csv(generate_records(rows, seed=seed, reference=bundled_reference(), year=year), pv)
    outcome = ministry.issue(pv, year)  # with status entries; publishes the lists
    by_massar: dict[str, list[StoredCredential]] = {}
    for stored in ministry.archive.credentials(import_id=outcome.info.id):
        by_massar.setdefault(stored.document["credentialSubject"]["massarCode"], []).append(stored)
    return by_massar


def admitted(by_massar: dict[str, list[StoredCredential]]) -> list[str]:
    """The candidates who have a diploma, in a stable order."""
    return [m for m, stored in by_massar.items() if any(c.kind == "diploma" for c in stored)]


def revoke_and_publish(ministry: Any, credential_id: str) -> None:
    """Revoke one credential and publish its list (the operators' ``shahada revoke``)."""
    s = ministry.settings
    change_status(
        credential_id, "revocation", True, archive=ministry.archive, status=ministry.status, signer=ministry.signer(),
        issuer_did=ministry.identity.did, proof_type=s.proof_type, operator=s.operator, reason="test: fraud established",
    )
