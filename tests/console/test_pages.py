"""The console's pages through Flask's test client over a real archive: sign-in, a PV's report and
summary, four eyes on approval, issuance through ``issue_pv`` in the background, suspension and a
revocation approved by a second person, results day, the portal's gate, roles refused, CSRF, the
audit trail under each account."""

from __future__ import annotations

import csv
import io
import re

import pytest

from shahada.console.web import CONSOLE_KEY
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.publication import results_open
from shahada.issuer.archive.store import ISSUED
from tests.console.conftest import PASSWORD, Setup, code, csrf, post


def upload(client: object, data: bytes, name: str = "pv.csv", year: int = 2025) -> int:
    response = post(client, "/sessions/upload", year=str(year), pv=(io.BytesIO(data), name))  # type: ignore[arg-type]
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.search(r"/sessions/(\d+)$", response.headers["Location"])
    assert found
    return int(found.group(1))


def wait_issued(setup: Setup, submission_id: int) -> None:
    setup.app.config[CONSOLE_KEY].jobs.join(f"issue/{submission_id}", timeout=120)


def test_pages_need_a_sign_in_and_refuse_forged_forms(setup: Setup) -> None:
    client = setup.client()
    assert client.get("/").status_code == 303
    assert client.get("/sessions/").headers["Location"].endswith("/signin")
    staff = setup.account("nabil", "national_operator")
    response = client.post("/signin", data={"account": "nabil", "password": PASSWORD, "code": code(staff, setup.clock)})
    assert response.status_code == 400  # no anti-forgery token
    page = client.get("/").get_data(as_text=True)
    assert "form.csrf" not in page
    response = post(client, "/signin", account="nabil", password="wrong-password", code="123456")
    assert response.status_code == 401
    assert "Compte, mot de passe ou code incorrect." in response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_an_invalid_pv_gets_a_report_by_row_and_column_filterable_and_downloadable(setup: Setup) -> None:
    operator = setup.client(setup.account("nabil", "national_operator"))
    text = setup.pv(4).decode("utf-8-sig").replace("2008-", "2031-", 1)  # a birth date in the future
    lines = text.split("\r\n")
    lines[2] = lines[2].replace(lines[2].split(";")[0], "BAD", 1)  # a Code Massar that is not one
    sid = upload(operator, "\r\n".join(lines).encode("utf-8"))
    page = operator.get(f"/sessions/{sid}").get_data(as_text=True)
    assert 'data-state="invalid"' in page
    assert "pv.massar" in page
    filtered = operator.get(f"/sessions/{sid}?filter=massar").get_data(as_text=True)
    assert "pv.massar" in filtered
    report = operator.get(f"/sessions/{sid}/report.csv")
    assert report.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["row", "column", "code", "message"]
    assert any(r[0] == "3" and r[2].startswith("pv.massar") for r in rows[1:]), rows
    assert post(operator, f"/sessions/{sid}/submit").status_code == 409  # an invalid PV cannot be submitted


def test_a_pv_is_issued_only_after_someone_else_approves(setup: Setup) -> None:
    nabil = setup.account("nabil", "national_operator")
    aya_staff = setup.account("aya", "approver")
    operator = setup.client(nabil)
    sid = upload(operator, setup.pv(5))
    page = operator.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "data-summary" in page and 'data-by="academy"' in page and 'data-by="mention"' in page
    assert post(operator, f"/sessions/{sid}/approve").status_code == 403  # an operator does not approve
    assert post(operator, f"/sessions/{sid}/submit").status_code == 303
    assert setup.archive.count(status=ISSUED) == 0
    aya = setup.client(aya_staff)
    assert post(aya, f"/sessions/{sid}/approve").status_code == 303
    wait_issued(setup, sid)
    page = aya.get(f"/sessions/{sid}").get_data(as_text=True)
    assert 'data-state="issued"' in page, page
    issued = setup.archive.count(status=ISSUED)
    assert issued >= 5
    progress = aya.get(f"/sessions/{sid}/progress.json").get_json()
    assert progress["state"] == "issued" and progress["done"] == progress["total"] == issued
    entries = [(e.operator, e.action) for e in AuditLog(setup.archive.engine).entries()]
    assert ("nabil", "console.pv.upload") in entries and ("nabil", "console.pv.submit") in entries and ("aya", "console.pv.approve") in entries
    assert any(op == "nabil+aya" for op, _ in entries), entries[6:]  # issue_pv's own entries name both


def test_the_summary_names_decisions_streams_and_academies_in_the_readers_language(setup: Setup) -> None:
    from markupsafe import escape

    from shahada.schemas.reference import bundled_reference

    reference = bundled_reference()
    operator = setup.client(setup.account("nabil", "national_operator"))
    sid = upload(operator, setup.pv(8, seed=17))
    for lang in ("fr", "ar"):
        page = operator.get(f"/sessions/{sid}?lang={lang}").get_data(as_text=True)
        for key in ("academy", "stream", "decision"):
            table = re.search(rf'data-by="{key}">(.*?)</table>', page, re.S)
            assert table, key
            codes = re.findall(r'<tr data-code="([^"]+)">', table.group(1))
            assert codes, key
            for found in codes:
                label = {"academy": reference.academies.get(found), "decision": reference.decisions.get(found)}.get(key) or reference.streams[found].name
                name = label.ar if lang == "ar" else label.fr
                assert f"{escape(name)} <span class=\"code\" dir=\"ltr\">{found}</span>" in table.group(1), (key, found)
    assert '<td dir="auto">admis' not in page and "ناجح" in page


def test_a_rejected_pv_cannot_be_approved_afterwards(setup: Setup) -> None:
    aya = setup.client(setup.account("aya", "approver"))
    nabil = setup.client(setup.account("nabil", "national_operator"))
    sid = upload(nabil, setup.pv(3))
    assert post(aya, f"/sessions/{sid}/approve").status_code == 409  # not submitted yet
    post(nabil, f"/sessions/{sid}/submit")
    assert post(aya, f"/sessions/{sid}/reject").status_code == 303
    assert 'data-state="rejected"' in aya.get(f"/sessions/{sid}").get_data(as_text=True)
    assert post(aya, f"/sessions/{sid}/approve").status_code == 409
    assert setup.archive.count(status=ISSUED) == 0


def test_an_academy_operator_uploads_and_sees_their_academy_only(setup: Setup) -> None:
    amina = setup.client(setup.account("amina", "academy_operator", "CS"))
    mixed = upload(amina, setup.pv(6, seed=5))
    page = amina.get(f"/sessions/{mixed}").get_data(as_text=True)
    assert 'data-state="invalid"' in page and "role.academy" in page
    own = upload(amina, setup.pv(3, seed=6, academy="CS"))
    assert 'data-state="valid"' in amina.get(f"/sessions/{own}").get_data(as_text=True)
    nabil = setup.client(setup.account("nabil", "national_operator"))
    theirs = upload(nabil, setup.pv(3, seed=7, academy="RSK"))
    assert amina.get(f"/sessions/{theirs}").status_code == 404


def test_suspension_at_once_and_revocation_with_four_eyes(setup: Setup) -> None:
    nabil = setup.account("nabil", "national_operator")
    aya_staff = setup.account("aya", "approver")
    sami_staff = setup.account("sami", "approver")
    operator = setup.client(nabil)
    sid = upload(operator, setup.pv(3, seed=21))
    post(operator, f"/sessions/{sid}/submit")
    aya = setup.client(aya_staff)
    post(aya, f"/sessions/{sid}/approve")
    wait_issued(setup, sid)
    document = next(setup.archive.credentials(status=ISSUED, kind="diploma"))
    number = document.document_number
    page = operator.get(f"/documents?q={number}").get_data(as_text=True)
    assert f'data-document="{number}"' in page and 'data-state="valid"' in page
    assert post(operator, "/documents/status", credential=document.id, action="suspend", reason="", q=number).status_code == 400  # no reason
    assert post(operator, "/documents/status", credential=document.id, action="suspend", reason="fraud inquiry", q=number).status_code == 303
    assert setup.status.status_of(document.id)["suspension"] is True
    response = post(aya, "/documents/status", credential=document.id, action="request_revocation", reason="fraud established")
    assert response.status_code == 303
    request_id = int(re.search(r"created=(\d+)", response.headers["Location"]).group(1))  # type: ignore[union-attr]
    subject = document.document["credentialSubject"]
    for lang, academy_name, session_name in (("fr", "Casablanca-Settat", "Session normale"), ("ar", "الدار البيضاء", "الدورة العادية")):
        shown = aya.get(f"/requests?lang={lang}").get_data(as_text=True)
        card = re.search(rf'<section class="card" data-request="{request_id}">(.*?)</section>', shown, re.S)
        assert card
        names = dict(re.findall(r'<bdi lang="(fr|ar)" dir="(?:ltr|rtl)" data-name="(?:fr|ar)">([^<]+)</bdi>', card.group(1)))
        assert names["fr"].split()[0] in str(subject["givenName"]) and names["ar"].split()[0] in str(subject["givenName"]), names
        assert f'data-candidate="{subject["massarCode"]}"' in card.group(1)
        listed = re.findall(r'<li data-document="([^"]+)"( class="target")?', card.group(1))
        assert (number, ' class="target"') in listed and len(listed) == 2  # the diploma asked about, beside the transcript
        assert session_name in card.group(1), card.group(1)
        academy_code = document.document["credentialSubject"]["academy"]["code"]
        assert f'data-academy="{academy_code}"' in card.group(1)
        if academy_code == "CS":
            assert academy_name in card.group(1)
    assert post(aya, f"/requests/{request_id}", decision="approve").status_code == 403  # four eyes: not the requester
    assert setup.status.status_of(document.id)["revocation"] is False
    assert post(operator, f"/requests/{request_id}", decision="approve").status_code == 403  # an operator does not approve
    sami = setup.client(sami_staff)
    assert post(sami, f"/requests/{request_id}", decision="approve").status_code == 303
    assert setup.status.status_of(document.id)["revocation"] is True
    assert post(sami, f"/requests/{request_id}", decision="approve").status_code == 409  # decided once
    audit = [(e.operator, e.action, e.subject) for e in AuditLog(setup.archive.engine).entries()]
    assert ("aya+sami", "status.revoke", document.id) in audit
    assert ("nabil", "status.suspend", document.id) in audit


def test_results_day_opens_the_portal_to_graduates(setup: Setup) -> None:
    from shahada.portal import OutboxSender
    from shahada.portal import create_app as create_portal

    portal = create_portal(
        {"secret": "p" * 40, "signin_min_seconds": 0, "results_gate": True}, archive=setup.archive, sender=OutboxSender(setup.work / "outbox.jsonl")
    ).test_client()
    portal.get("/?lang=fr")
    token = re.search(r'name="csrf" value="([^"]+)"', portal.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    refused = portal.post("/signin", data={"csrf": token, "massar": "C273878287", "birth_date": "2008-01-18"})
    assert refused.status_code == 403 and "pas encore ouverts" in refused.get_data(as_text=True)
    operator = setup.client(setup.account("nabil", "national_operator"))
    assert post(operator, "/results/2025").status_code == 403  # an operator cannot open it
    aya = setup.client(setup.account("aya", "approver"))
    assert post(aya, "/results/2025").status_code == 303
    assert results_open(setup.archive.engine, 2025)
    assert 'data-results="open"' in aya.get("/?year=2025").get_data(as_text=True)
    accepted = portal.post("/signin", data={"csrf": token, "massar": "C273878287", "birth_date": "2008-01-18"})
    assert accepted.status_code == 303


@pytest.mark.parametrize("url", ["/audit", "/accounts"])
def test_operators_see_neither_the_audit_trail_nor_the_accounts(setup: Setup, url: str) -> None:
    operator = setup.client(setup.account("nabil", "national_operator"))
    assert operator.get(url).status_code == 403


def test_the_auditor_reads_the_chain_and_changes_nothing(setup: Setup) -> None:
    auditor = setup.client(setup.account("omar", "auditor"))
    page = auditor.get("/audit").get_data(as_text=True)
    assert 'data-chain="intact"' in page and "console.signin" in page
    assert post(auditor, "/sessions/upload", year="2025", pv=(io.BytesIO(setup.pv(2)), "pv.csv")).status_code == 403
    assert post(auditor, "/results/2025").status_code == 403


def test_the_dashboard_counts_per_academy_in_an_svg_chart(setup: Setup) -> None:
    nabil = setup.client(setup.account("nabil", "national_operator"), lang="ar")
    sid = upload(nabil, setup.pv(4, seed=31))
    post(nabil, f"/sessions/{sid}/submit")
    aya = setup.client(setup.account("aya", "approver"), lang="ar")
    post(aya, f"/sessions/{sid}/approve")
    wait_issued(setup, sid)
    page = aya.get("/?year=2025").get_data(as_text=True)
    assert 'dir="rtl"' in page and "لوحة القيادة" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'data-chart="day"' in page
    total = sum(int(n) for n in re.findall(r'data-state="issued">(\d+)<', page))
    assert total == setup.archive.count(status=ISSUED)
    assert "style=" not in page  # the CSP allows no inline style


def test_the_csrf_token_rotates_at_sign_in(setup: Setup) -> None:
    staff = setup.account("nabil", "national_operator")
    client = setup.client()
    before = csrf(client)
    setup.clock.advance(seconds=31)
    post(client, "/signin", account="nabil", password=PASSWORD, code=code(staff, setup.clock))
    assert csrf(client) != before


def test_an_interrupted_issuance_is_shown_and_resumed_where_it_stopped(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    from shahada.issuer.errors import IssuanceError

    nabil = setup.client(setup.account("nabil", "national_operator"))
    aya = setup.client(setup.account("aya", "approver"))
    sid = upload(nabil, setup.pv(4, seed=41))
    post(nabil, f"/sessions/{sid}/submit")
    signer = setup.app.config[CONSOLE_KEY].workflow.ministry.signer()
    sign = signer.sign
    calls = {"n": 0}

    def flaky(credential: dict[str, object]) -> dict[str, object]:
        calls["n"] += 1
        if calls["n"] > 3:
            raise IssuanceError("the agent went away", code="agent.unavailable")
        return sign(credential)  # type: ignore[arg-type]

    monkeypatch.setattr(signer, "sign", flaky)
    post(aya, f"/sessions/{sid}/approve")
    wait_issued(setup, sid)
    page = aya.get(f"/sessions/{sid}").get_data(as_text=True)
    assert 'data-state="failed"' in page and "agent.unavailable" in page and 'data-action="resume"' in page
    signed_before = setup.archive.count(status=ISSUED)  # a batch is committed whole or not at all
    monkeypatch.setattr(signer, "sign", sign)
    assert post(aya, f"/sessions/{sid}/resume").status_code == 303
    wait_issued(setup, sid)
    assert 'data-state="issued"' in aya.get(f"/sessions/{sid}").get_data(as_text=True)
    assert setup.archive.count(status=ISSUED) > signed_before
    assert ("aya", "console.pv.resume") in [(e.operator, e.action) for e in AuditLog(setup.archive.engine).entries()]


def test_a_rectification_shows_old_and_new_values_and_needs_approval(setup: Setup) -> None:
    nabil = setup.client(setup.account("nabil", "national_operator"))
    aya = setup.client(setup.account("aya", "approver"))
    original = setup.pv(3, seed=51)
    sid = upload(nabil, original)
    post(nabil, f"/sessions/{sid}/submit")
    post(aya, f"/sessions/{sid}/approve")
    wait_issued(setup, sid)
    issued = setup.archive.count(status=ISSUED)
    lines = original.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(";")
    row = lines[1].split(";")
    birth_place = header.index("lieu_naissance_fr")
    old_place = row[birth_place]
    row[birth_place] = "Chefchaouen"
    lines[1] = ";".join(row)
    corrected = upload(nabil, "\r\n".join(lines).encode("utf-8"), name="pv-corrige.csv")
    page = nabil.get(f"/sessions/{corrected}").get_data(as_text=True)
    assert "data-changes" in page and "Rectifications" in page
    assert f"<del dir=\"auto\">{old_place}</del> → <ins dir=\"auto\">Chefchaouen</ins>" in page, page
    assert setup.archive.count(status=ISSUED) == issued  # nothing changes before approval
    post(nabil, f"/sessions/{corrected}/submit")
    post(aya, f"/sessions/{corrected}/approve")
    wait_issued(setup, corrected)
    assert 'data-state="issued"' in aya.get(f"/sessions/{corrected}").get_data(as_text=True)
    assert setup.archive.count(status=ISSUED) > issued  # the replacements, the old ones revoked as superseded


@pytest.mark.parametrize(
    ("data", "year", "status", "code"),
    [
        (b"", "2025", 400, "form.file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "2025", 303, ""),  # not a PV: a report, not an error page
        (b"massar;nom_fr\r\nX;Y\r\n", "1999", 400, "form.year"),
    ],
)
def test_bad_uploads_are_refused_precisely(setup: Setup, data: bytes, year: str, status: int, code: str) -> None:
    nabil = setup.client(setup.account("nabil", "national_operator"))
    response = post(nabil, "/sessions/upload", year=year, pv=(io.BytesIO(data), "x.csv"))
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if code:
        assert f'data-code="{code}"' in response.get_data(as_text=True)
    else:
        page = nabil.get(response.headers["Location"]).get_data(as_text=True)
        assert 'data-state="invalid"' in page and "pv." in page


def test_an_upload_past_the_limit_gets_413(setup: Setup) -> None:
    nabil = setup.client(setup.account("nabil", "national_operator"))
    limit = setup.app.config["MAX_CONTENT_LENGTH"]
    response = nabil.post("/sessions/upload", data=b"x" * (limit + 1), content_type="multipart/form-data; boundary=b")  # refused on its length
    assert response.status_code == 413
    assert "Fichier trop volumineux." in response.get_data(as_text=True)


def test_an_academy_operator_sees_only_their_academy_on_the_dashboard(setup: Setup) -> None:
    nabil = setup.client(setup.account("nabil", "national_operator"))
    aya = setup.client(setup.account("aya", "approver"))
    sid = upload(nabil, setup.pv(6, seed=61))
    post(nabil, f"/sessions/{sid}/submit")
    post(aya, f"/sessions/{sid}/approve")
    wait_issued(setup, sid)
    def academy(c: object) -> str:
        return str(c.document["credentialSubject"]["academy"]["code"])  # type: ignore[attr-defined]

    academies = {academy(c) for c in setup.archive.credentials(status=ISSUED)}
    mine = sorted(academies)[0]
    amina = setup.client(setup.account("amina", "academy_operator", mine))
    page = amina.get("/?year=2025").get_data(as_text=True)
    assert set(re.findall(r'<tr data-academy="([A-Z]+)">', page)) == {mine}
    other = next(c for c in setup.archive.credentials(status=ISSUED) if academy(c) != mine)
    assert amina.get(f"/documents?q={other.document_number}").status_code == 200
    assert f'data-document="{other.document_number}"' not in amina.get(f"/documents?q={other.document_number}").get_data(as_text=True)


@pytest.mark.parametrize(("reference", "status", "code"), [("hello", 400, "status.reference"), ("Z999999999", 404, "status.unknown")])
def test_a_bad_reference_gets_its_message_not_an_error_page(setup: Setup, reference: str, status: int, code: str) -> None:
    nabil = setup.client(setup.account("nabil", "national_operator"))
    response = nabil.get(f"/documents?q={reference}")
    assert response.status_code == status
    assert f'data-code="{code}"' in response.get_data(as_text=True)


def test_printing_without_a_printer_is_refused_with_its_code(setup: Setup) -> None:
    nabil = setup.client(setup.account("nabil", "national_operator"))
    response = post(nabil, "/sessions/print/2025/CS")
    assert response.status_code == 409 and 'data-code="print.unavailable"' in response.get_data(as_text=True)
    assert post(nabil, "/sessions/print/2025/NOPE").status_code == 404


def test_the_administrator_creates_an_account_whose_secret_is_shown_once(setup: Setup) -> None:
    root = setup.client(setup.account("root", "administrator"))
    response = post(root, "/accounts", name="amina", role="academy_operator", academy="CS", password=PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-created="amina"' in page
    secret = re.search(r"<code data-totp>([A-Z2-7]+)</code>", page)
    assert secret
    assert "data-totp" not in root.get("/accounts").get_data(as_text=True)  # once
    from tests.console.conftest import Staff

    amina = setup.client(Staff("amina", secret.group(1)))
    assert "Opérateur d'académie · CS" in amina.get("/").get_data(as_text=True).replace("&#39;", "'")
    refused = post(root, "/accounts", name="omar", role="approver", academy="CS", password=PASSWORD)
    assert refused.status_code == 400 and 'data-code="form.account"' in refused.get_data(as_text=True)
    assert post(amina, "/accounts", name="x1", role="administrator", password=PASSWORD).status_code == 403
    assert ("root", "console.account.create", "amina") in [(e.operator, e.action, e.subject) for e in AuditLog(setup.archive.engine).entries()]


def test_an_issuance_left_running_by_a_stopped_console_is_resumed(setup: Setup) -> None:
    """A console stopped mid-issuance leaves the submission ``issuing`` with no job: the page offers
    "resume" instead of waiting for ever, and ``issue_pv`` finishes the import."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from shahada.console.workflow import Submission

    nabil = setup.client(setup.account("nabil", "national_operator"))
    aya = setup.client(setup.account("aya", "approver"))
    sid = upload(nabil, setup.pv(3, seed=71))
    post(nabil, f"/sessions/{sid}/submit")
    with Session(setup.archive.engine) as session, session.begin():  # approved, then the process died before its thread ran
        session.execute(update(Submission).where(Submission.id == sid).values(state="issuing", approved_by="aya", approved_at=setup.clock()))
    page = aya.get(f"/sessions/{sid}").get_data(as_text=True)
    assert 'data-action="resume"' in page and 'http-equiv="refresh"' not in page
    assert post(aya, f"/sessions/{sid}/resume").status_code == 303
    wait_issued(setup, sid)
    assert 'data-state="issued"' in aya.get(f"/sessions/{sid}").get_data(as_text=True)
    assert setup.archive.count(status=ISSUED) >= 3
