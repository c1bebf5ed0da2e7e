"""What Shahada writes is for the operator only: 0700 directories, 0600 files, an existing home tightened."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from shahada.common.files import generated_secret, private_dir, remove_orphans, write_private, write_private_once
from shahada.config import load_settings
from shahada.printing.pdf import write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_existing_loose_home_is_tightened_on_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    load_settings({"SHAHADA_HOME": str(home)})
    assert mode(home) == 0o700


def test_private_files_and_their_directories(tmp_path: Path) -> None:
    target = tmp_path / "out" / "credentials" / "diploma-1.json"
    write_private(target, b"{}")
    assert target.read_bytes() == b"{}" and mode(target) == 0o600
    assert mode(target.parent) == 0o700 and mode(target.parent.parent) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o777)
    loose.chmod(0o777)
    assert mode(private_dir(loose)) == 0o700


def test_printed_pdfs_are_private(tmp_path: Path) -> None:
    target = tmp_path / "print" / "diploma" / "CS" / "D1.pdf"
    write_atomic(target, b"%PDF-1.7")
    assert mode(target) == 0o600 and mode(target.parent) == 0o700


def test_a_generated_secret_is_created_once_even_by_racing_processes(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "issuer_token"
    seen: list[str] = []
    threads = [threading.Thread(target=lambda: seen.append(generated_secret(path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 1 and len(seen[0]) >= 40
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_a_file_written_once_is_written_by_exactly_one_of_racing_writers(tmp_path: Path) -> None:
    """Two print workers handed the same batch (a redelivered message) race on each PDF: one
    writes it, the others leave it as it is (never replaced: same inode, first content)."""
    path = tmp_path / "print" / "diploma" / "CS" / "D1.pdf"
    barrier = threading.Barrier(8)
    wrote: list[tuple[int, bool]] = []

    def write(n: int) -> None:
        barrier.wait()
        wrote.append((n, write_private_once(path, f"%PDF writer {n}".encode() * 20_000)))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [n for n, written in wrote if written]
    assert len(winners) == 1 and len(wrote) == 8
    assert path.read_bytes() == f"%PDF writer {winners[0]}".encode() * 20_000 and mode(path) == 0o600
    inode = path.stat().st_ino
    assert write_private_once(path, b"again") is False and path.stat().st_ino == inode
    assert sorted(p.name for p in path.parent.iterdir()) == ["D1.pdf"]  # no temporary file left


def test_what_a_writer_killed_mid_write_leaves_is_removed_once_its_document_exists(tmp_path: Path) -> None:
    """A worker SIGKILLed between creating its temporary file and linking it leaves a partial PDF
    (personal data) under a hidden name; the print index's writer removes it once the document was
    written by another, and leaves one whose document is still missing (it may be a live writer's)."""
    directory = tmp_path / "print" / "diploma" / "CS"
    directory.mkdir(parents=True)
    (directory / "BAC-2025-D-1.pdf").write_bytes(b"%PDF whole")
    orphan = directory / ".BAC-2025-D-1.pdf.k3j_9x2a.tmp"
    orphan.write_bytes(b"%PDF half")
    pending = directory / ".BAC-2025-D-2.pdf.a8s7d6f5.tmp"
    pending.write_bytes(b"%PDF being written")
    assert remove_orphans(directory) == 1
    assert not orphan.exists() and pending.exists() and (directory / "BAC-2025-D-1.pdf").read_bytes() == b"%PDF whole"


def test_a_write_whose_temporary_file_was_removed_as_an_orphan_is_another_writers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The removal above races with a late writer of the same document (a batch delivered again):
    its temporary file gone, it finds the document written and reports it written by another."""
    path = tmp_path / "print" / "D1.pdf"
    real_link = os.link

    def link(src: str, dst: str) -> None:  # meanwhile: another writer wrote the document, and its orphans were removed
        Path(dst).write_bytes(b"%PDF the other writer's")
        os.unlink(src)
        real_link(src, dst)

    monkeypatch.setattr(os, "link", link)
    assert write_private_once(path, b"%PDF mine") is False
    assert path.read_bytes() == b"%PDF the other writer's" and not list(path.parent.glob("*.tmp"))
