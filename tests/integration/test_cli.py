"""The ``shahada`` CLI: commands run in-process against the session's agent (``tests.support.cli``);
the killed issuance and the README's demo run as real processes, each starting its own agent."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run, session_agent

pytestmark = pytest.mark.agent
SHAHADA = str(Path(sys.executable).with_name("shahada"))
SAMPLE = Path(str(resources.files("shahada") / "data" / "sample-pv.csv"))


@pytest.fixture(autouse=True, scope="module")
def _session_agent(ministry: Any) -> Iterator[None]:
    with session_agent(ministry):
        yield


def run_process(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``shahada ARGS`` as a separate process, which starts its own agent."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    env.update(SHAHADA_HOME=str(home), SHAHADA_OPERATOR="cli-test")
    return subprocess.run([SHAHADA, *args], env=env, capture_output=True, text=True, timeout=timeout)


def db_counts(home: Path) -> tuple[int, int, int]:
    with closing(sqlite3.connect(home / "archive.sqlite3")) as conn:
        total = conn.execute("select count(*) from credentials").fetchone()[0]
        distinct = conn.execute("select count(distinct id) from credentials").fetchone()[0]
        issued = conn.execute("select count(*) from credentials where status='issued'").fetchone()[0]
    return total, distinct, issued


@pytest.fixture(scope="module")
def issued_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-home")
    result = run(home, "issue", str(SAMPLE), "--session", "2025", "--out", str(home / "out"))
    assert result.returncode == 0, result.stderr
    return home


def test_issue_writes_credentials_that_verify(issued_home: Path) -> None:
    files = sorted((issued_home / "out" / "credentials").glob("*.json"))
    assert files and {f.name.split("-")[0] for f in files} == {"diploma", "transcript"}
    assert len(files) == db_counts(issued_home)[2]
    result = run(issued_home, "verify", str(files[0]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID")
    as_json = json.loads(run(issued_home, "verify", "--json", str(files[-1])).stdout)
    assert as_json["verified"] is True
    assert {c["name"] for c in as_json["checks"]} >= {"context", "issuer", "key", "signature", "validity"}


def test_written_credentials_are_for_the_operator_only(issued_home: Path) -> None:
    target = issued_home / "out" / "credentials"
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in target.glob("*.json")} == {0o600}


def test_tampered_credential_exits_1_naming_the_check(issued_home: Path, tmp_path: Path) -> None:
    source = next((issued_home / "out" / "credentials").glob("diploma-*.json"))
    credential = json.loads(source.read_text(encoding="utf-8"))
    credential["credentialSubject"]["generalAverage"] = "19.99"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(credential), encoding="utf-8")
    result = run(issued_home, "verify", str(forged))
    assert result.returncode == 1
    assert "INVALID" in result.stdout and "signature.invalid" in result.stdout


def test_unusable_input_exits_2(issued_home: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe not json")
    assert run(issued_home, "verify", str(garbage)).returncode == 2


def test_unreachable_did_document_exits_3(issued_home: Path) -> None:
    """The site's port answers but never speaks TLS: the check cannot complete, which is not "invalid"."""
    settings_port = int(next(ln for ln in (issued_home / "config.toml").read_text().splitlines() if ln.startswith("site_port")).split("=")[1])
    source = next((issued_home / "out" / "credentials").glob("diploma-*.json"))
    with socket.socket() as blocker:
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", settings_port))
        blocker.listen()
        result = run(issued_home, "verify", str(source))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "did.resolution" in result.stdout


def test_the_did_is_the_same_across_restarts(issued_home: Path) -> None:
    first = json.loads(run(issued_home, "did", "document").stdout)
    second = json.loads(run(issued_home, "did", "document").stdout)
    assert first == second
    assert first["id"].startswith("did:web:localhost%3A")
    assert first["assertionMethod"] == [f"{first['id']}#key-1", f"{first['id']}#vc-api-1"]  # the diploma key, the VC API's (issue 17)
    assert first["authentication"] == [f"{first['id']}#key-1"]


def test_bad_pv_exits_nonzero_with_the_report_and_changes_nothing(issued_home: Path, tmp_path: Path) -> None:
    before = db_counts(issued_home)
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    cells = lines[1].split(";")
    cells[header.index("moyenne_generale")] = "21.00"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], ";".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    result = run(issued_home, "issue", str(bad), "--session", "2026", "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "row 2" in result.stderr and "moyenne_generale" in result.stderr
    assert db_counts(issued_home) == before
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run(issued_home, "issue", str(empty), "--session", "2026", "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "pv.empty" in result.stderr
    assert db_counts(issued_home) == before


def bindings_of(home: Path) -> dict[str, bytes | None]:
    with closing(sqlite3.connect(home / "archive.sqlite3")) as conn:
        return dict(conn.execute("select id, holder_binding from credentials where status='issued'").fetchall())


def test_issue_stores_every_seal_holder_binding_at_the_end(issued_home: Path) -> None:
    from shahada.schemas.seal import credential_holder_binding

    written = [json.loads(f.read_text(encoding="utf-8")) for f in (issued_home / "out" / "credentials").glob("*.json")]
    assert written and bindings_of(issued_home) == {c["id"]: credential_holder_binding(c) for c in written}


def test_issue_without_bindings_then_archive_bindings_stores_them(tmp_path: Path) -> None:
    from shahada.schemas.seal import credential_holder_binding

    home = tmp_path / "home"
    result = run(home, "issue", str(SAMPLE), "--session", "2025", "--out", str(home / "out"), "--no-bindings")
    assert result.returncode == 0, result.stderr
    stored = bindings_of(home)
    assert stored and set(stored.values()) == {None}  # left for later
    result = run(home, "archive", "bindings", "--threads", "2")
    assert result.returncode == 0, result.stderr
    assert f"holder bindings stored: {len(stored)}" in result.stdout
    written = [json.loads(f.read_text(encoding="utf-8")) for f in (home / "out" / "credentials").glob("*.json")]
    assert bindings_of(home) == {c["id"]: credential_holder_binding(c) for c in written}
    again = run(home, "archive", "bindings")
    assert again.returncode == 0 and "holder bindings stored: 0" in again.stdout


def test_killed_issuance_resumes_with_every_credential_exactly_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pv = tmp_path / "pv.csv"
    assert run_process(home, "pv", "generate", str(pv), "--rows", "300", "--seed", "3").returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    env.update(SHAHADA_HOME=str(home))
    proc = subprocess.Popen([SHAHADA, "issue", str(pv), "--session", "2025", "--out", str(tmp_path / "out")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    issued = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.3)
        try:
            total, _, issued = db_counts(home)
        except sqlite3.Error:
            continue
        if issued >= 100:
            break
    assert proc.poll() is None, "issuance finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    total, distinct, issued = db_counts(home)
    assert 0 < issued < total
    result = run_process(home, "issue", str(pv), "--session", "2025", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "resumed" in result.stdout
    total2, distinct2, issued2 = db_counts(home)
    assert total2 == distinct2 == issued2 == total
    assert len(list((tmp_path / "out" / "credentials").glob("*.json"))) == total


def test_demo_ends_with_every_credential_verified(tmp_path: Path) -> None:
    """Exactly the README's command, from the repository root."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    env["SHAHADA_HOME"] = str(tmp_path / "demo-home")
    result = subprocess.run(["./run", "demo"], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("verified by the independent verifier"))
    done, total = line.rsplit(" ", 1)[1].split("/")
    assert done == total and int(total) > 50
