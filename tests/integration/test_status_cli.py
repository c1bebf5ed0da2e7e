"""``shahada revoke`` / ``suspend`` / ``unsuspend`` / ``status publish`` and ``shahada verify``'s
exit codes for status, each command a real process with its own agent."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.integration.test_cli import SAMPLE, run

pytestmark = pytest.mark.agent


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
    revoked = run(home, "revoke", diploma, "--reason", "fraud established")
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked; lists published: revocation/" in revoked.stdout
    result = run(home, "verify", str(diploma_file))
    assert result.returncode == 1 and "status.revoked" in result.stdout
    assert run(home, "suspend", transcript, "--reason", "appeal pending").returncode == 0
    result = run(home, "verify", str(transcript_file))
    assert result.returncode == 1 and "status.suspended" in result.stdout
    assert run(home, "unsuspend", transcript).returncode == 0
    assert run(home, "verify", str(transcript_file)).returncode == 0
    assert run(home, "verify", str(credential(home, "diploma", 1)[1])).returncode == 0  # others untouched


def test_unknown_credential_is_a_domain_error(home: Path) -> None:
    result = run(home, "revoke", "urn:uuid:00000000-0000-8000-8000-000000000000", "--reason", "x")
    assert result.returncode == 1 and "status.unknown" in result.stderr


def test_a_list_that_cannot_be_fetched_exits_3(home: Path) -> None:
    _, path = credential(home, "diploma", 2)
    with closing(sqlite3.connect(home / "archive.sqlite3")) as conn:
        saved = conn.execute("select purpose, number, document, published_revision from status_lists").fetchall()
        conn.execute("update status_lists set document = null, published_revision = 0")
        conn.commit()
    try:
        result = run(home, "verify", str(path))
        assert result.returncode == 3, result.stdout + result.stderr
        assert "status.unavailable" in result.stdout
        published = run(home, "status", "publish")  # what a restart after a crash does
        assert published.returncode == 0 and "revocation/0" in published.stdout, published.stderr
        assert run(home, "verify", str(path)).returncode == 0
    finally:
        del saved
