"""The slowest test files start first (tests/conftest.py SCHEDULED_FIRST), so that `./run test`'s
parallel workers do not end with one long file running alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SCHEDULED_FIRST

ROOT = Path(__file__).resolve().parent.parent


def test_the_files_scheduled_first_exist() -> None:
    assert SCHEDULED_FIRST and len(set(SCHEDULED_FIRST)) == len(SCHEDULED_FIRST)
    assert [path for path in SCHEDULED_FIRST if not (ROOT / path).is_file()] == []


def test_they_are_collected_first_in_their_order_whatever_the_command_line_order() -> None:
    """Given last and in reverse order on the command line, they are still collected first, in the
    order of SCHEDULED_FIRST, before a file that is not listed."""
    other = "tests/test_layers.py"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", other, *reversed(SCHEDULED_FIRST)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    files = [line.split("::", 1)[0] for line in done.stdout.splitlines() if "::" in line]
    assert list(dict.fromkeys(files)) == [*SCHEDULED_FIRST, other]
