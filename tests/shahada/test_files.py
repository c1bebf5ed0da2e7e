"""What Shahada writes is for the operator only: 0700 directories, 0600 files, an existing home tightened."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

from shahada.common.files import generated_secret, private_dir, write_private
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
