"""``shahada revoke`` / ``suspend`` / ``unsuspend`` / ``status publish`` and ``shahada verify``'s
exit codes for status, each command run in-process against the session's agent."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_cli import SAMPLE
from tests.support.cli import run, session_agent

pytestmark = pytest.mark.agent


@pytest.fixture(autouse=True, scope="module")
def _session_agent(ministry: Any) -> Iterator[None]:
    with session_agent(ministry):
        yield


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("status-home")
    result = run(home, "issue", str(SAMPLE), "--session", "2025", "--out", str(home / "out"))
    assert result.returncode == 0, result.stderr
    return home


def credential(home: Path, kind: str, nth: int = 0) -> tuple[str, Path]:
    path = sorted((home / "out" / "credentials").glob(f"{kind}-*.json"))[nth]
    return json.loads(path.read_text(encoding="utf-8"))["id"], path


def test_revoke_suspend_unsuspend_through_the_cli(home: Path) -> None:
    diploma, diploma_file = credential(home, "diploma")
    transcript, transcript_file = credential(home, "transcript")
    assert run(home, "verify", str(diploma_file)).returncode == 0
    revoked = run(home, "revoke", diploma, "--reason", "fraud established", "--yes")
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked; lists published: revocation/" in revoked.stdout
    result = run(home, "verify", str(diploma_file))
    assert result.returncode == 1 and "status.revoked" in result.stdout
    assert run(home, "suspend", transcript, "--reason", "appeal pending", "--yes").returncode == 0
    result = run(home, "verify", str(transcript_file))
    assert result.returncode == 1 and "status.suspended" in result.stdout
    assert run(home, "unsuspend", transcript, "--yes").returncode == 0
    assert run(home, "verify", str(transcript_file)).returncode == 0
    assert run(home, "verify", str(credential(home, "diploma", 1)[1])).returncode == 0  # others untouched



def test_the_older_list_served_again_exits_3_not_0(home: Path) -> None:
    """Issue 17 finding 1: the earlier, validly signed revocation list served from the ministry's
    origin made `shahada verify` of a revoked credential exit 0. What one run saw, the next knows."""
    diploma, path = credential(home, "diploma", 3)
    assert run(home, "verify", str(path)).returncode == 0
    [(before,)] = _sql(home, "select document from status_lists where purpose = 'revocation' and number = 0")
    assert run(home, "revoke", diploma, "--reason", "fraud established", "--yes").returncode == 0
    assert run(home, "verify", str(path)).returncode == 1
    [(after,)] = _sql(home, "select document from status_lists where purpose = 'revocation' and number = 0")
    _sql(home, "update status_lists set document = ? where purpose = 'revocation' and number = 0", before)
    try:
        result = run(home, "verify", str(path))
    finally:
        _sql(home, "update status_lists set document = ? where purpose = 'revocation' and number = 0", after)
    assert result.returncode == 3, result.stdout  # cannot verify: never 0
    assert "status.stale" in result.stdout and "older than the one already seen" in result.stdout
    assert run(home, "verify", str(path)).returncode == 1

def test_unknown_credential_is_a_domain_error(home: Path) -> None:
    result = run(home, "revoke", "urn:uuid:00000000-0000-8000-8000-000000000000", "--reason", "x", "--yes")
    assert result.returncode == 1 and "status.unknown" in result.stderr


def test_a_list_that_cannot_be_fetched_exits_3(home: Path) -> None:
    _, path = credential(home, "diploma", 2)
    with closing(sqlite3.connect(home / "archive.sqlite3")) as conn:  # as if no list had been published yet
        conn.execute("update status_lists set document = null, published_revision = 0")
        conn.commit()
    result = run(home, "verify", str(path))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "status.unavailable" in result.stdout
    published = run(home, "status", "publish")  # what a restart after a crash does
    assert published.returncode == 0 and "revocation/0" in published.stdout, published.stderr
    assert run(home, "verify", str(path)).returncode == 0


def _sql(home: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(home / "archive.sqlite3")) as conn:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
    return rows


def test_archive_verify_detects_edits_by_hand(home: Path) -> None:
    intact = run(home, "archive", "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "archive intact" in intact.stdout
    actions = [a for (a,) in _sql(home, "select action from audit_log order by seq")]
    assert actions[0] == "pv.import" and "credentials.issue" in actions
    assert {"status.revoke", "status.suspend", "status.unsuspend"} <= set(actions)

    # a mark edited in a stored transcript
    cid, document = _sql(home, "select id, document from credentials where kind = 'transcript' order by id limit 1")[0]
    edited = json.loads(str(document))
    edited["credentialSubject"]["generalAverage"] = "19.99"
    _sql(home, "update credentials set document = ? where id = ?", json.dumps(edited, ensure_ascii=False, sort_keys=True), cid)
    result = run(home, "archive", "verify", "--processes", "1")  # the parallel path ran above; each pool start costs seconds
    _sql(home, "update credentials set document = ? where id = ?", document, cid)
    assert result.returncode == 1
    assert f"[archive.document_altered] {cid}" in result.stdout
    assert f"[archive.signature_invalid] {cid}" in result.stdout

    # a revocation bit cleared by hand (the published list is left alone)
    revoked = _sql(home, "select credential_id from status_entries where purpose = 'revocation' and value = 1")[0][0]
    _sql(home, "update status_entries set value = 0 where credential_id = ? and purpose = 'revocation'", revoked)
    result = run(home, "archive", "verify", "--no-signatures", "--processes", "1")
    _sql(home, "update status_entries set value = 1 where credential_id = ? and purpose = 'revocation'", revoked)
    assert result.returncode == 1
    assert f"[archive.status_mismatch] {revoked}" in result.stdout and "[status.list_mismatch]" in result.stdout

    # the audit trail itself rewritten: the reason of the revocation
    seq, reason = _sql(home, "select seq, reason from audit_log where action = 'status.revoke'")[0]
    _sql(home, "update audit_log set reason = 'clerical' where seq = ?", seq)
    result = run(home, "archive", "verify", "--no-signatures", "--processes", "1")
    _sql(home, "update audit_log set reason = ? where seq = ?", reason, seq)
    assert result.returncode == 1 and f"[audit.altered] audit:{seq}" in result.stdout
    assert run(home, "archive", "verify", "--no-signatures", "--processes", "1").returncode == 0


def _corrected_pv(source: Path, target: Path) -> str:
    """The sample PV with one admitted candidate's PHILO and ANG national marks swapped (same
    coefficient in SMA: the averages still hold). Returns the candidate's Code Massar."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].lstrip("\ufeff").rstrip("\r\n").split(";")
    philo, ang, stream = header.index("nat_PHILO"), header.index("nat_ANG"), header.index("filiere")
    decision, session = header.index("decision"), header.index("session")
    for n, line in enumerate(lines[1:], start=1):
        cells = line.rstrip("\r\n").split(";")
        if cells[stream] == "SMA" and cells[decision] == "admis" and cells[session] == "normale" and cells[philo] and cells[ang] and cells[philo] != cells[ang]:
            cells[philo], cells[ang] = cells[ang], cells[philo]
            lines[n] = ";".join(cells) + line[len(line.rstrip("\r\n")):]
            target.write_text("".join(lines), encoding="utf-8")
            return cells[0]
    raise AssertionError("no SMA candidate with distinct PHILO and ANG marks")


def test_rectification_end_to_end(home: Path, tmp_path: Path) -> None:
    corrected = tmp_path / "pv-corrected.csv"
    massar = _corrected_pv(SAMPLE, corrected)
    before = _sql(home, "select id, document from credentials")
    dry = run(home, "issue", str(corrected), "--session", "2025", "--out", str(tmp_path / "out"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    changed = [line for line in lines if line.strip().startswith("changed ")]
    assert "changed: 1" in dry.stdout and "new: 0" in dry.stdout and len(changed) == 1, dry.stdout
    assert f"changed {massar} transcript (normale)" in changed[0]
    fields = [line.split() for line in lines[lines.index(changed[0]) + 1 :] if line.startswith("      ")]
    # one line per changed field, in words, with its old and new value: the two swapped marks
    assert len(fields) == 2 and all(f[1:3] == ["(national)", "mark"] and f[4] == "→" for f in fields), dry.stdout
    assert {f[0] for f in fields} == {"PHILO", "ANG"} and fields[0][3] == fields[1][5] and fields[0][5] == fields[1][3], fields
    assert "credentialSubject" not in dry.stdout
    assert _sql(home, "select id, document from credentials") == before  # a dry run stores nothing

    applied = run(home, "issue", str(corrected), "--session", "2025", "--out", str(tmp_path / "out"))
    assert applied.returncode == 0, applied.stderr
    written = list((tmp_path / "out" / "credentials").glob("*.json"))
    assert len(written) == 1  # the replacement only
    replacement = json.loads(written[0].read_text(encoding="utf-8"))
    old_id = changed[0].rsplit(": ", 1)[1].split(" → ")[0]
    assert replacement["id"] == changed[0].rsplit(" → ", 1)[1]
    old_file = next(
        p for p in (home / "out" / "credentials").glob("transcript-*.json") if json.loads(p.read_text(encoding="utf-8"))["id"] == old_id
    )
    old = run(home, "verify", str(old_file))
    assert old.returncode == 1 and "status.revoked" in old.stdout and "registry.superseded" in old.stdout
    assert replacement["id"] in old.stdout  # the link to the replacement
    assert run(home, "verify", str(written[0])).returncode == 0
    untouched = {cid: doc for cid, doc in before if cid != old_id}
    assert {cid: doc for cid, doc in _sql(home, "select id, document from credentials") if cid in untouched} == untouched
    reasons = _sql(home, "select reason from status_entries where credential_id = ? and purpose = 'revocation'", old_id)
    assert reasons[0][0] == f"superseded by {replacement['id']}"
    assert "credentials.rectify" in [a for (a,) in _sql(home, "select action from audit_log")]
    again = run(home, "issue", str(corrected), "--session", "2025", "--out", str(tmp_path / "out2"), "--dry-run")
    assert "changed: 0" in again.stdout or "resumed" in again.stdout or again.returncode == 0
    assert run(home, "archive", "verify").returncode == 0


def test_the_printed_seal_reports_a_revocation(home: Path) -> None:
    from shahada.schemas.seal.content import SealContent
    from shahada.schemas.seal.cose import decode_sign1
    from shahada.schemas.seal.text import seal_bytes
    from shahada.verifier.scan import read_qr_texts

    printed = run(home, "print", "--session", "2025", "--out", str(home / "print"), "--academy", "DT", "--kind", "diploma", "--jobs", "1")
    assert printed.returncode == 0, printed.stderr
    revoked = {cid for (cid,) in _sql(home, "select credential_id from status_entries where purpose = 'revocation' and value = 1")}
    for pdf in sorted((home / "print").rglob("*.pdf")):
        text = read_qr_texts(pdf.read_bytes())[0]
        cid = SealContent.from_cbor(decode_sign1(seal_bytes(text)).payload).credential_id
        if cid not in revoked:
            break
    else:
        raise AssertionError("every printed diploma is already revoked")
    before = run(home, "verify", text)
    assert before.returncode == 0 and "valid according to the ministry's registry" in before.stdout, before.stdout
    assert run(home, "revoke", cid, "--reason", "diploma withdrawn", "--yes").returncode == 0
    after = run(home, "verify", text)
    assert after.returncode == 1 and after.stdout.startswith("REVOKED") and "since 20" in after.stdout and "registry.revoked" in after.stdout, after.stdout
