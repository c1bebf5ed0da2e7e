"""Fresh archives at the newest schema for tests, without running the migrations for each.

The first call in a test process migrates one SQLite template (``shahada.migrations.upgrade``, as
``open_archive`` would); every archive after that is a copy of the template file. Tests of the
migrations themselves keep calling ``upgrade``.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from shahada.issuer.archive.store import Archive
from shahada.migrations import upgrade

__all__ = ["fresh_archive", "migrated_sqlite"]

_lock = threading.Lock()
_template: list[Path] = []
_keep: list[tempfile.TemporaryDirectory[str]] = []  # removed when the test process exits


def _template_file() -> Path:
    with _lock:
        if not _template:
            folder = tempfile.TemporaryDirectory(prefix="shahada-archive-template-")
            _keep.append(folder)
            path = Path(folder.name) / "archive.sqlite3"
            upgrade(f"sqlite:///{path}")
            _template.append(path)
        return _template[0]


def migrated_sqlite(path: Path) -> str:
    """The URL of a new SQLite archive at ``path`` (which must not exist yet), at the newest schema."""
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_template_file(), path)
    return f"sqlite:///{path}"


def fresh_archive(path: Path) -> Archive:
    """A new, empty archive in the SQLite file ``path``, at the newest schema."""
    return Archive(migrated_sqlite(path))
