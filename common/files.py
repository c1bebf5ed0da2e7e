"""Files only the installation's operator may read: directories 0700, files 0600, written atomically.

Credentials, PDFs, secrets and the archive hold personal data; nothing Shahada writes is meant for
other accounts of the machine. Existing directories are tightened, not only new ones.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def private_dir(path: Path) -> Path:
    """``path`` (and missing parents, each 0700 too) as a directory, mode 0700 whatever it was before."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 0600) through a temporary file and an atomic rename.

    Raises:
        OSError: the directory or the file cannot be written.
    """
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_private_once(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (mode 0600) unless it exists: the file appears whole (a
    temporary file hard-linked to its name), and of several writers racing on one name, on one
    machine or sharing a filesystem, exactly one writes it. Returns whether this call wrote it.

    Raises:
        OSError: the directory or the file cannot be written.
    """
    if path.exists():
        return False
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.link(tmp, path)  # fails when the name exists: never replaces what another writer wrote
    except FileExistsError:
        return False
    except FileNotFoundError:  # the temporary file was removed as an orphan: the name was written meanwhile
        if path.exists():
            return False
        raise
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True


def remove_orphans(directory: Path) -> int:
    """Remove from ``directory`` the temporary files (``.NAME.XXXXXXXX.tmp``, as the writers above
    name them) of writers killed mid-write whose file ``NAME`` has been written since (for printing:
    partial PDFs with personal data that nothing would remove).
    One whose file is still missing may be a live writer's and is left. Returns
    how many were removed."""
    removed = 0
    for entry in directory.glob(".*.tmp"):
        target = directory / entry.name[1:-4].rsplit(".", 1)[0]
        if target.exists():
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


@contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """An exclusive lock (``flock``) on the file ``path`` (created 0600), held for the ``with``
    block: processes of one machine sharing a data directory take turns. Threads take turns too,
    each opening the file on its own.

    Raises:
        OSError: the lock file cannot be created.
    """
    private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def generated_secret(path: Path) -> str:
    """The secret stored at ``path``, generated once (32 random bytes, URL-safe) when there is none.

    Two processes starting together get the same secret: the file appears whole, once.
    """
    if not path.exists():
        private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(secrets.token_urlsafe(32))
            os.link(tmp, path)  # appears whole, or not at all when another process was first
        except FileExistsError:
            pass
        finally:
            Path(tmp).unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()
