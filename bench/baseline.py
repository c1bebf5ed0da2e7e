"""Today's code, importable next to this branch's: the benchmarks' baseline in the same run.

``baseline_env(ref)`` exports the commit ``ref`` (default: where this branch left ``main``) into a
temporary folder laid out as the installed ``shahada`` package (``[tool.setuptools.package-dir]`` of
that commit's pyproject.toml) and returns an environment whose ``PYTHONPATH`` puts it first: a
subprocess started with it (``python -m shahada.cli …``, or ``python -c``) runs the old code with
this virtual environment's libraries. The editable install's finder comes after ``sys.path``, so
the exported tree wins. :data:`BEFORE_ISSUE_13` is main as it was before issue 13's speed work
(the baseline of that issue's goals).
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tomllib
from pathlib import Path
from typing import Final

ROOT = Path(__file__).resolve().parent.parent
BEFORE_ISSUE_13: Final = "845047739a5e28f3b12b327d46d6ad87150fc4e2"  # main before issue 13's speed work (the merge of trust, before fastsign)
BEFORE_NATIONAL_STATUS: Final = "647c03f74f08cd17c126695153bf54a57f00f52f"  # main before status allocation at national size (migration 0010, whole-list permutations)


def merge_base(ref: str = "main") -> str:
    return subprocess.run(["git", "merge-base", "HEAD", ref], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def export(ref: str, into: Path) -> Path:
    """The tree of ``ref`` under ``into``/pkg as the ``shahada`` package; returns ``into``/pkg."""
    data = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True, capture_output=True).stdout
    source = into / "src"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(source, filter="data")
    mapping: dict[str, str] = tomllib.loads((source / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    package = into / "pkg" / "shahada"
    package.parent.mkdir(parents=True)
    (source / mapping["shahada"]).rename(package)
    for name, folder in mapping.items():
        if name != "shahada":
            (source / folder).rename(package / name.removeprefix("shahada."))
    return package.parent


def baseline_env(ref: str, into: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's) running the code of ``ref`` (see the module docstring)."""
    tree = export(ref, into)
    base = dict(os.environ if env is None else env)
    base["PYTHONPATH"] = os.pathsep.join([str(tree), *filter(None, [base.get("PYTHONPATH")])])
    return base


UNDO: Final = {  # revision → the SQL script that takes a SQLite archive back to the revision before it
    "0006": "drop index if exists ix_status_entries_set_bits",
    "0007": "drop table if exists verification_counts",
    "0008": "drop table if exists oid4vp_requests",
    "0009": "alter table credentials drop column holder_binding",
    "0010": """
        create table status_entries_0009 (
            credential_id VARCHAR(80) NOT NULL, purpose VARCHAR(20) NOT NULL, list_number INTEGER NOT NULL, bit INTEGER NOT NULL,
            value BOOLEAN NOT NULL, reason TEXT, changed_at DATETIME, PRIMARY KEY (credential_id, purpose)
        );
        insert into status_entries_0009 select credential_id, purpose, list_number, bit, value, reason, changed_at from status_entries;
        drop table status_entries;
        alter table status_entries_0009 rename to status_entries;
        create index ix_status_entries_list_number on status_entries (list_number);
        create index ix_status_entries_set_bits on status_entries (purpose, list_number, bit) where value = true;
    """,
    "0011": "drop table if exists import_failures",
}


def downgraded_copy(database: Path, copy: Path, tree: Path) -> str:
    """A copy of a SQLite archive at the newest schema revision the exported ``tree`` knows: what
    the newer revisions added (:data:`UNDO`: an index, a column) is dropped from the copy, a table
    they rebuilt is rebuilt as it was; today's code does not read what they added. Returns the copy's URL."""
    import sqlite3

    known = sorted(p.name.split("_", 1)[0] for p in (tree / "shahada" / "migrations" / "versions").glob("[0-9]*.py"))[-1]
    with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # the write-ahead log included
    with sqlite3.connect(copy) as conn:
        current = conn.execute("select version_num from alembic_version").fetchone()[0]
        if current > known:
            for revision, statement in sorted(UNDO.items(), reverse=True):
                if known < revision <= current:
                    conn.executescript(statement)
            conn.execute("update alembic_version set version_num = ?", (known,))
    return f"sqlite:///{copy}"
