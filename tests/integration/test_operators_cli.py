"""What an operator meets on the command line (issue 11, "Operators"), each command run in-process
against the session's agent: revoking by the number printed on the paper or by Code Massar after
seeing whose documents they are, a session's state, progress with an ETA, the print index, one
diagnosis for a PV in the wrong encoding, academy codes in any case."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.reference import bundled_reference
from tests.integration.test_cli import SAMPLE
from tests.support.cli import run, session_agent

pytestmark = pytest.mark.agent
PROGRESS = re.compile(r"^(?P<label>[a-z ]+): (?P<done>\d+)/(?P<total>\d+) \(\d+ %\), [\d.]+/s, (ETA [\d:]+|done in [\d:]+)$", re.MULTILINE)


@pytest.fixture(autouse=True, scope="module")
def _session_agent(ministry: Any) -> Iterator[None]:
    with session_agent(ministry):
        yield


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("operators-home")
    issued = run(home, "issue", str(SAMPLE), "--session", "2025", "--out", str(home / "out"))
    assert issued.returncode == 0, issued.stderr
    home.joinpath("issue.stderr").write_text(issued.stderr, encoding="utf-8")
    return home


def sql(home: Path, statement: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(home / "archive.sqlite3")) as conn:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
    return rows


def documents(home: Path, kind: str) -> list[dict[str, Any]]:
    files = sorted((home / "out" / "credentials").glob(f"{kind}-*.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def names(subject: dict[str, Any], language: str) -> tuple[str, str]:
    def pick(values: list[dict[str, str]]) -> str:
        return next(v["@value"] for v in values if v["@language"] == language)

    return pick(subject["givenName"]), pick(subject["familyName"])


def state_of(home: Path, cid: str) -> dict[str, int]:
    return {p: v for p, v in sql(home, "select purpose, value from status_entries where credential_id = ?", cid)}


def test_revoke_by_the_printed_number_shows_whose_it_is_and_asks(home: Path) -> None:
    diploma = documents(home, "diploma")[0]
    subject = diploma["credentialSubject"]
    number = subject["documentNumber"]
    typed = number.lower().replace("-", "")  # as read aloud over the phone: case and hyphens do not matter

    declined = run(home, "revoke", typed, "--reason", "fraud established", input="n\n")
    assert declined.returncode == 1, declined.stdout + declined.stderr
    assert state_of(home, diploma["id"])["revocation"] == 0  # nothing changed
    shown = declined.stdout
    session = f"{subject['session']['year']} {subject['session']['code']}"  # normale or rattrapage: the first file is random
    assert number in shown and "diploma" in shown and session in shown and subject["academy"]["code"] in shown
    assert subject["massarCode"] in shown and "[valid]" in shown
    for language in ("fr", "ar"):
        given, family = names(subject, language)
        assert given in shown and family in shown
    assert "Revoke 1 document(s)" in declined.stderr and "cannot be undone" in declined.stderr

    unanswered = run(home, "revoke", number, "--reason", "fraud established")  # a script without --yes
    assert unanswered.returncode == 1 and state_of(home, diploma["id"])["revocation"] == 0

    confirmed = run(home, "revoke", typed, "--reason", "fraud established", input="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert f"{number} ({diploma['id']}): revoked; lists published: revocation/" in confirmed.stdout
    assert state_of(home, diploma["id"])["revocation"] == 1
    again = run(home, "revoke", number, "--reason", "fraud established", "--yes")
    assert "[revoked]" in again.stdout and "already revoked" in again.stdout


def test_suspend_and_unsuspend_by_code_massar(home: Path) -> None:
    transcripts = documents(home, "transcript")
    once = [t for t in transcripts if sum(u["credentialSubject"]["massarCode"] == t["credentialSubject"]["massarCode"] for u in transcripts) == 1]
    transcript = once[2]  # a candidate with one session (and so one transcript)
    massar = transcript["credentialSubject"]["massarCode"]
    mine = [d for kind in ("diploma", "transcript") for d in documents(home, kind) if d["credentialSubject"]["massarCode"] == massar]

    listed = run(home, "suspend", massar.lower(), "--reason", "appeal pending", input="n\n")
    assert listed.returncode == 1
    assert f"{len(mine)} document(s) for {massar.lower()}" in listed.stdout
    assert all(d["credentialSubject"]["documentNumber"] in listed.stdout for d in mine)

    only = run(home, "suspend", massar, "--kind", "transcript", "--session", "2025", "--reason", "appeal pending", "--yes")
    assert only.returncode == 0, only.stderr
    assert "1 document(s)" in only.stdout and "suspended; lists published: suspension/" in only.stdout
    assert state_of(home, transcript["id"])["suspension"] == 1
    assert all(state_of(home, d["id"])["suspension"] == 0 for d in mine if d["id"] != transcript["id"])

    number = transcript["credentialSubject"]["documentNumber"]
    lifted = run(home, "unsuspend", number, "--yes")
    assert lifted.returncode == 0 and "[suspended]" in lifted.stdout and "unsuspended" in lifted.stdout
    assert state_of(home, transcript["id"])["suspension"] == 0


def test_a_reference_that_is_nothing_known_is_a_domain_error(home: Path) -> None:
    wrong = run(home, "revoke", "BAC-2025-D-0000-0000-0000", "--reason", "x", "--yes")  # check symbol wrong
    assert wrong.returncode == 1 and "status.reference" in wrong.stderr and "Traceback" not in wrong.stderr
    unknown = run(home, "suspend", "Z999999999", "--reason", "x", "--yes")
    assert unknown.returncode == 1 and "status.unknown" in unknown.stderr


def test_print_writes_an_index_and_session_status_counts_every_state(home: Path) -> None:
    out = home / "print"
    printed = run(home, "print", "--session", "2025", "--out", str(out), "--academy", "cs", "--kind", "diploma", "--jobs", "1")
    assert printed.returncode == 0, printed.stderr
    assert "academy CS" in printed.stdout
    index = out / "print-index-2025-CS-diploma.csv"
    assert f"print index (document number → candidate, file): {index}" in printed.stdout
    with index.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    diplomas = {d["credentialSubject"]["documentNumber"]: d for d in documents(home, "diploma") if d["credentialSubject"]["academy"]["code"] == "CS"}
    assert sorted(r["document_number"] for r in rows) == sorted(diplomas) and rows
    for row in rows:
        subject = diplomas[row["document_number"]]["credentialSubject"]
        assert (row["kind"], row["academy"], row["session"], row["massar"]) == ("diploma", "CS", f"2025 {subject['session']['code']}", subject["massarCode"])
        assert (row["given_name_fr"], row["family_name_fr"]) == names(subject, "fr")
        assert (row["given_name_ar"], row["family_name_ar"]) == names(subject, "ar")
        assert (out / row["file"]).is_file() and row["file"] == f"diploma/CS/{row['document_number']}.pdf"

    # a delivery as the portal records it once the graduate's wallet holds the credential
    delivered = next(iter(diplomas.values()))["id"]
    sql(home, "insert into wallet_deliveries values ('d1', 'X', 'oob', 'msg', '{}', 'delivered', NULL, '2025-07-01 00:00:00', NULL)")
    sql(home, "insert into wallet_delivery_items (delivery_id, position, credential_id, cred_ex_id, state) values ('d1', 0, ?, 'x', 'done')", delivered)

    status = run(home, "session", "status", "2025", "--json")
    assert status.returncode == 0, status.stderr
    counts = json.loads(status.stdout)
    issued = sql(home, "select kind, academy, count(*) from credentials where status = 'issued' group by kind, academy")
    assert {(r["kind"], r["academy"]): r["issued"] for r in counts["byKindAndAcademy"]} == {(k, a): n for k, a, n in issued}
    cs = next(r for r in counts["byKindAndAcademy"] if (r["kind"], r["academy"]) == ("diploma", "CS"))
    assert cs["printed"] == len(diplomas) and cs["delivered"] == 1
    revoked = sql(home, "select count(*) from status_entries where purpose = 'revocation' and value = 1")[0][0]
    suspended = sql(home, "select count(*) from status_entries where purpose = 'suspension' and value = 1")[0][0]
    total = counts["total"]
    assert (total["printed"], total["delivered"], total["revoked"], total["suspended"]) == (len(diplomas), 1, revoked, suspended)
    assert total["issued"] == sum(n for _, _, n in issued) and total["superseded"] == 0 and total["pending"] == 0

    table = run(home, "session", "status", "2025", "--academy", "cs")
    assert table.returncode == 0 and "session 2025, academy CS:" in table.stdout
    header, *lines = table.stdout.splitlines()[1:]
    assert header.split() == ["kind", "academy", "issued", "printed", "delivered", "revoked", "suspended", "superseded", "pending"]
    assert any(line.split()[:4] == ["diploma", "CS", str(cs["issued"]), str(len(diplomas))] for line in lines)


def test_long_commands_show_progress_with_rate_and_eta(home: Path) -> None:
    issued = home.joinpath("issue.stderr").read_text(encoding="utf-8")
    verified = run(home, "archive", "verify")
    assert verified.returncode == 0, verified.stderr
    sql(home, "update status_lists set published_revision = 0")  # as after an interrupted change
    published = run(home, "status", "publish")
    printed = run(home, "print", "--session", "2025", "--out", str(home / "print-dt"), "--academy", "dt", "--jobs", "1")
    for stderr, label in ((issued, "signing"), (verified.stderr, "checking credentials"), (published.stderr, "publishing status lists"),
                          (printed.stderr, "printing")):  # fmt: skip
        lines = [m for m in PROGRESS.finditer(stderr) if m["label"] == label]
        assert lines, (label, stderr)
        assert lines[-1]["done"] == lines[-1]["total"] and "done in" in lines[-1].group()


def test_pv_encoding_is_diagnosed_once_and_pv_check_does_not_speak_of_issuing(home: Path, tmp_path: Path) -> None:
    good = tmp_path / "pv.csv"
    write_csv(generate_records(188, seed=7, reference=bundled_reference(), year=2025), good)
    arabic_windows = tmp_path / "pv-1256.csv"
    arabic_windows.write_bytes(good.read_bytes().decode("utf-8-sig").encode("cp1256"))
    checked = run(home, "pv", "check", str(arabic_windows), "--session", "2025")
    assert checked.returncode == 1
    assert "pv-1256.csv: 1 problem(s)" in checked.stderr and checked.stderr.count("[pv.encoding]") == 1, checked.stderr
    assert "Windows-1256 (Arabic)" in checked.stderr and "188 row(s)" in checked.stderr
    assert "nothing was issued" not in checked.stderr and "issu" not in checked.stderr

    issued = run(home, "issue", str(arabic_windows), "--session", "2025", "--out", str(tmp_path / "out"))
    assert issued.returncode == 1 and "1 problem(s); nothing was issued" in issued.stderr


def test_dry_run_shows_old_and_new_values(home: Path, tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].lstrip("\ufeff").rstrip("\r\n").split(";")
    column = header.index("nom_fr")
    massar = lines[1].split(";")[0]
    old_name = lines[1].split(";")[column]
    for n, line in enumerate(lines[1:], start=1):  # every session of the candidate: names agree across sessions
        cells = line.rstrip("\r\n").split(";")
        if cells[0] == massar:
            cells[column] = old_name + "-Corrige"
            lines[n] = ";".join(cells) + "\r\n"
    corrected = tmp_path / "pv.csv"
    corrected.write_text("".join(lines), encoding="utf-8")
    dry = run(home, "issue", str(corrected), "--session", "2025", "--out", str(tmp_path / "out"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    changes = [line.split() for line in dry.stdout.splitlines() if line.startswith("      ")]
    assert changes and all(c == ["familyName", "(fr)", old_name, "→", old_name + "-Corrige"] for c in changes), dry.stdout
