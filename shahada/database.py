"""The installation's archive database: upgraded to the current schema, then opened.

Every place the installation opens the archive (the local ministry, the site, the services, the
paper check, ``shahada archive verify``, the benchmarks) goes through :func:`open_archive`, which
runs the migrations (:func:`shahada.migrations.upgrade`) the first time a process opens a given
database; the constructors of the stores never create tables.
"""

from __future__ import annotations

import threading

from shahada.issuer.archive.store import Archive
from shahada.migrations import upgrade

__all__ = ["open_archive", "upgrade_once"]

_upgraded: set[str] = set()
_lock = threading.Lock()


def upgrade_once(url: str) -> None:
    """:func:`shahada.migrations.upgrade` ``url``, unless this process already did.

    Raises:
        ArchiveError: ``archive.open``, ``archive.upgrade``.
    """
    with _lock:
        if url not in _upgraded:
            upgrade(url)
            _upgraded.add(url)


def open_archive(url: str) -> Archive:
    """The archive at ``url``, its schema upgraded to the newest revision first.

    Raises:
        ArchiveError: ``archive.open`` (unreachable), ``archive.upgrade`` (a migration failed).
    """
    upgrade_once(url)
    return Archive(url)
