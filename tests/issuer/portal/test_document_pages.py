"""The documents page through the real app: each document with its status, the printed PDF (the
project's renderer, its QR code carrying a seal that verifies) and the signed credential."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from shahada.common.isolation import WorkLimits
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive, CredentialRow
from shahada.portal.documents import SealedPrinter
from shahada.verifier.scan import read_qr_texts
from shahada.verifier.seal import verify_seal
from tests.issuer.portal.conftest import NOW, SEAL_BASE, Candidate, html, sign_in
from tests.support.local_sealer import MINISTRY_DID, LocalSealer


def documents(page: str) -> dict[str, tuple[str, str]]:
    """document number → (kind, status) as the page marks them."""
    return {n: (k, s) for n, k, s in re.findall(r'data-document="([^"]+)" data-kind="(\w+)" data-status="(\w+)"', page)}


def test_each_document_with_its_signed_values(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    sign_in(client, graduate, outbox)
    diploma = graduate.of_kind("diploma").document["credentialSubject"]
    page = html(client.get("/documents?lang=fr"))
    assert documents(page) == {c.document_number: (c.kind, "valid") for c in graduate.credentials}
    average = f"{float(diploma['generalAverage']):.2f}".replace(".", ",")
    assert f'<dd dir="ltr">{average}</dd>' in page
    mention_fr = next(v["@value"] for v in diploma["mention"]["name"] if v["@language"] == "fr")
    assert f'<span lang="fr" dir="ltr">{mention_fr}</span>' in page and "Session normale" in page
    arabic = html(client.get("/documents?lang=ar"))
    mention_ar = next(v["@value"] for v in diploma["mention"]["name"] if v["@language"] == "ar")
    assert f'<span lang="ar" dir="rtl">{mention_ar}</span>' in arabic and "شهادة البكالوريا" in arabic and "صالحة" in arabic
    english = html(client.get("/documents?lang=en"))
    assert f"{float(diploma['generalAverage']):.2f}" in english and "their values are shown in French" in english


@pytest.mark.parametrize(("purpose", "shown"), [("revocation", ("revoked", "Révoqué")), ("suspension", ("suspended", "Suspendu"))])
def test_the_status_comes_from_the_status_store(client: FlaskClient, graduate: Candidate, outbox: Path, status: StatusStore, purpose: str, shown: tuple[str, str]) -> None:
    transcript = graduate.of_kind("transcript")
    status.set_status(transcript.id, purpose, True, reason="test", at=NOW)  # type: ignore[arg-type]
    sign_in(client, graduate, outbox)
    page = html(client.get("/documents?lang=fr"))
    assert documents(page)[transcript.document_number] == ("transcript", shown[0])
    assert documents(page)[graduate.of_kind("diploma").document_number] == ("diploma", "valid")
    assert f'badge-{shown[0]}">{shown[1]}<' in page


def test_a_pdf_past_its_worker_limits_is_a_503_and_the_portal_stays_up(
    make_app: Callable[..., Flask], graduate: Candidate, outbox: Path, sealer: LocalSealer
) -> None:
    """Issue 17: the PDF is rendered in a limited worker process; a rendering past its time limit
    is killed there and answered 503 print.busy, and the portal's pages are still served."""
    slow = SealedPrinter(sealer, base_url=SEAL_BASE, limits=WorkLimits(processes=1, timeout=0.05, cpu_seconds=1, max_wait=5.0))
    try:
        client = make_app(printer=slow).test_client()
        sign_in(client, graduate, outbox)
        response = client.get(f"/documents/{graduate.of_kind('diploma').document_number}.pdf", headers={"Accept": "application/json"})
        assert (response.status_code, response.get_json()["code"]) == (503, "print.busy"), response.get_data(as_text=True)[:300]
        assert client.get("/documents").status_code == 200
    finally:
        slow.close()


def test_the_pdf_is_the_printed_document_with_a_seal_that_verifies(client: FlaskClient, graduate: Candidate, outbox: Path, sealer: LocalSealer) -> None:
    sign_in(client, graduate, outbox)
    diploma = graduate.of_kind("diploma")
    response = client.get(f"/documents/{diploma.document_number}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{diploma.document_number}.pdf"'
    assert response.data.startswith(b"%PDF-")
    [qr] = read_qr_texts(response.data)
    assert qr.startswith(SEAL_BASE)
    result = verify_seal(qr, resolver=sealer.resolver(), trusted_issuers=frozenset({MINISTRY_DID}))
    assert result.verified and result.content is not None and result.content.credential_id == diploma.id


def test_the_credential_is_served_as_archived(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    sign_in(client, graduate, outbox)
    transcript = graduate.of_kind("transcript")
    response = client.get(f"/documents/{transcript.document_number}.json")
    assert response.status_code == 200 and response.mimetype == "application/vc"
    assert json.loads(response.data) == transcript.document
    assert "attachment" in response.headers["Content-Disposition"]


def test_another_graduates_documents_are_404(client: FlaskClient, graduates: list[Candidate], outbox: Path) -> None:
    mine, theirs = graduates[:2]
    sign_in(client, mine, outbox)
    for suffix in ("pdf", "json"):
        response = client.get(f"/documents/{theirs.of_kind('diploma').document_number}.{suffix}", headers={"Accept-Language": "fr"})
        assert response.status_code == 404 and 'data-code="document.unknown"' in html(response)
        assert "Ce document ne figure pas dans votre espace." in html(response)
    assert client.get("/documents/not-a-number.pdf").status_code == 404


def test_downloads_need_a_sign_in(client: FlaskClient, graduate: Candidate) -> None:
    number = graduate.of_kind("diploma").document_number
    for path in (f"/documents/{number}.pdf", f"/documents/{number}.json"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/"


def test_without_a_printer_the_pdf_is_503(make_app: Callable[..., Flask], graduate: Candidate, outbox: Path) -> None:
    client = make_app(printer=None).test_client()
    sign_in(client, graduate, outbox)
    response = client.get(f"/documents/{graduate.of_kind('diploma').document_number}.pdf", headers={"Accept-Language": "en"})
    assert response.status_code == 503 and 'data-code="print.unavailable"' in html(response)


@pytest.mark.parametrize(("purpose", "state", "words"), [("revocation", "revoked", "a révoqué ce document"), ("suspension", "suspended", "a suspendu ce document")])
def test_a_revoked_or_suspended_document_is_never_handed_out(
    client: FlaskClient, graduate: Candidate, outbox: Path, status: StatusStore, purpose: str, state: str, words: str
) -> None:
    """No clean PDF (nor credential file) of a withdrawn document: its QR code would still open a
    page, and the copy would circulate as if valid (issue 11). The page says why and whom to contact."""
    diploma = graduate.of_kind("diploma")
    status.set_status(diploma.id, purpose, True, reason="test", at=NOW)  # type: ignore[arg-type]
    sign_in(client, graduate, outbox)
    listing = html(client.get("/documents?lang=fr"))
    card = listing.split(f'data-document="{diploma.document_number}"', 1)[1].split("</li>", 1)[0]
    assert "data-download" not in card and f'data-withdrawn="{state}"' in card and "académie régionale" in card
    for suffix in ("pdf", "json"):
        response = client.get(f"/documents/{diploma.document_number}.{suffix}?lang=fr")
        assert response.status_code == 409 and response.mimetype == "text/html", suffix
        page = html(response)
        assert words in page and f'data-code="document.{state}"' in page and not response.data.startswith(b"%PDF")
    other = graduate.of_kind("transcript")
    assert client.get(f"/documents/{other.document_number}.pdf").status_code == 200  # the others still are


def test_the_pdfs_seal_carries_the_holder_binding_the_archive_stored(
    client: FlaskClient, graduate: Candidate, outbox: Path, sealer: LocalSealer, archive: Archive
) -> None:
    """Issue 13: the portal seals with the binding stored at issuance instead of recomputing the
    scrypt per PDF. A marker binding stored in the archive is the one the PDF's seal carries (the
    seal is then, rightly, not the Code Massar's: this proves where the binding came from)."""
    diploma = graduate.of_kind("diploma")
    marker = b"\x5a\xa5\x0f\xf0"
    with archive.engine.begin() as connection:
        connection.execute(update(CredentialRow).where(CredentialRow.id == diploma.id).values(holder_binding=marker))
    sign_in(client, graduate, outbox)
    response = client.get(f"/documents/{diploma.document_number}.pdf")
    assert response.status_code == 200
    [qr] = read_qr_texts(response.data)
    result = verify_seal(qr, resolver=sealer.resolver(), trusted_issuers=frozenset({MINISTRY_DID}))
    assert result.content is not None and result.content.credential_id == diploma.id
    assert result.content.holder == marker
