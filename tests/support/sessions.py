"""A small session issued for real through the ministry fixture's agent, with status entries and
published status lists: the starting point of every test that checks status end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from shahada.issuer.archive.store import StoredCredential
from shahada.issuer.issuance import AgentSigner, import_pv, sign_pending
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.credential import MINISTRY_NAME, IssuerProfile
from shahada.schemas.reference import bundled_reference
from shahada.status_setup import publish_lists


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def issue_with_status(ministry: Any, work: Path, *, rows: int, seed: int, year: int) -> dict[str, list[StoredCredential]]:
    """Issue ``rows`` synthetic candidates of ``year`` into the ministry's archive (choose a year
    no other test module issues) and publish the status lists; returns each candidate's
    credentials by Code Massar."""
    pv = work / "pv.csv"
    write_csv(generate_records(rows, seed=seed, reference=bundled_reference(), year=year), pv)
    proof_type = ministry.settings.proof_type
    outcome = import_pv(
        pv, archive=ministry.archive, year=year, issuer=IssuerProfile(did=ministry.identity.did, name=MINISTRY_NAME),
        secret=ministry.settings.id_secret, reference=bundled_reference(), proof_type=proof_type,
        operator="test", now=now(), attach_status=ministry.status.attach,
    )
    signer = AgentSigner(ministry.client, ministry.identity.verification_method, proof_type)
    sign_pending(ministry.archive, outcome.info.id, signer, clock=now)
    publish_lists(ministry.status, signer, ministry.identity.did, proof_type)
    by_massar: dict[str, list[StoredCredential]] = {}
    for stored in ministry.archive.credentials(import_id=outcome.info.id):
        by_massar.setdefault(stored.document["credentialSubject"]["massarCode"], []).append(stored)
    return by_massar


def admitted(by_massar: dict[str, list[StoredCredential]]) -> list[str]:
    """The candidates who have a diploma, in a stable order."""
    return [m for m, stored in by_massar.items() if any(c.kind == "diploma" for c in stored)]


def revoke_and_publish(ministry: Any, credential_id: str) -> None:
    """Revoke one credential and publish its list."""
    ministry.status.set_status(credential_id, "revocation", True, reason="test: fraud established", at=now())
    signer = AgentSigner(ministry.client, ministry.identity.verification_method, ministry.settings.proof_type)
    publish_lists(ministry.status, signer, ministry.identity.did, ministry.settings.proof_type)
