"""The archive's schema migrations (shahada/migrations) on SQLite and PostgreSQL: from an empty
database, from a database made before migrations (adopted, its rows kept), two processes at once,
and ``shahada archive upgrade``."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner

from shahada.cli import main
from shahada.common.db import Base
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive
from shahada.issuer.errors import ArchiveError
from shahada.migrations import head_revision, pre_migration_schema, schema_metadata, upgrade
from shahada.portal.store import PortalStore

NOW = dt.datetime(2025, 7, 1, 12, 0)  # naive: the columns of revision 0001 are plain DateTime, in UTC
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


def schema_diff(url: str) -> list[object]:
    """Alembic's autogenerate diff between the database and the models: empty when they agree."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), schema_metadata()))
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def tables_of(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def all_tables() -> set[str]:
    return set(schema_metadata().tables) | {"alembic_version"}


def make_pre_migration_database(url: str, tables: list[str] | None = None) -> None:
    """What the code before migrations left: ``create_all`` of (some of) revision 0001's tables,
    and an import with one credential in them; no ``alembic_version``."""
    engine = sa.create_engine(url)
    try:
        old = pre_migration_schema()
        old.create_all(engine, tables=None if tables is None else [old.tables[name] for name in tables])
        with engine.begin() as connection:
            connection.execute(
                sa.insert(old.tables["pv_imports"]).values(
                    id=1, session_year=2025, filename="pv.csv", file_sha256="a" * 64, operator="op",
                    imported_at=NOW, record_count=1, credential_count=1, completed_at=NOW,
                )
            )
            connection.execute(
                sa.insert(old.tables["credentials"]).values(
                    id="urn:uuid:kept", import_id=1, kind="diploma", session_year=2025, session_kind="normal", massar="R130045678",
                    academy="RSK", document_number="BAC-2025-1", record_digest="d" * 64, status="issued", document="{}", issued_at=NOW,
                )
            )
    finally:
        engine.dispose()


def test_the_migrations_are_the_tables_declared_in_the_code(url: str) -> None:
    """Revision 0001 (and every later one) makes exactly the schema the models declare."""
    upgrade(url)
    assert schema_diff(url) == []
    # one MetaData holds the tables of every module: archive, status, audit, rectification, delivery, portal
    assert schema_metadata() is Base.metadata
    assert {"credentials", "status_entries", "audit_log", "supersessions", "wallet_deliveries", "portal_shares"} <= set(Base.metadata.tables)


def test_an_empty_database_is_upgraded_to_head_and_again_is_a_no_op(url: str) -> None:
    first = upgrade(url)
    assert (first.before, first.after, first.adopted) == (None, head_revision(), False)
    assert revision_of(url) == head_revision()
    assert tables_of(url) == all_tables()
    again = upgrade(url)
    assert (again.before, again.after, again.adopted) == (head_revision(), head_revision(), False)
    assert again.describe() == f"the archive's schema is current (revision {head_revision()})"


def test_a_database_made_before_migrations_is_adopted_with_its_rows(url: str) -> None:
    make_pre_migration_database(url)
    assert "alembic_version" not in tables_of(url)
    done = upgrade(url)
    assert (done.before, done.after, done.adopted) == (None, head_revision(), True)
    assert "made before migrations" in done.describe()
    assert revision_of(url) == head_revision() and schema_diff(url) == []
    archive = Archive(url)
    try:
        kept = archive.get("urn:uuid:kept")
        assert kept is not None and kept.status == "issued" and kept.document_number == "BAC-2025-1"
        assert [(i.filename, i.imported_at) for i in archive.imports()] == [("pv.csv", NOW.replace(tzinfo=dt.UTC))]
    finally:
        archive.close()


def test_a_database_with_only_some_tables_gets_the_others(url: str) -> None:
    """Before migrations each module created its own tables on first use: an archive that never
    ran the portal, delivery or a rectification has only the archive's tables."""
    make_pre_migration_database(url, tables=["pv_imports", "credentials", "status_counters", "status_entries", "status_lists"])
    done = upgrade(url)
    assert done.adopted and revision_of(url) == head_revision()
    assert tables_of(url) == all_tables() and schema_diff(url) == []
    archive = Archive(url)
    try:
        assert archive.count(status="issued") == 1
    finally:
        archive.close()


def test_the_stores_never_create_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bare.sqlite3'}"
    archive = Archive(url)
    try:
        AuditLog(archive.engine)
        StatusStore(archive.engine, secret=b"s" * 32, origin="https://localhost:8443")
        PortalStore(archive.engine)
    finally:
        archive.close()
    assert tables_of(url) == set()


UPGRADER = textwrap.dedent(
    """
    import sys
    from shahada.migrations import upgrade
    sys.stdin.readline()  # start together
    print(upgrade(sys.argv[1]).describe())
    """
)


def test_two_processes_upgrading_at_once_both_succeed(url: str) -> None:
    """Two services starting together on a new database: one creates the tables, the other waits
    (the advisory lock on PostgreSQL, the write lock on SQLite) and finds them."""
    workers = [
        subprocess.Popen([sys.executable, "-c", UPGRADER, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True)
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], [err for _, err in results]
    outputs = [out.strip() for out, _ in results]
    assert sorted(outputs) == sorted(
        [f"the archive's schema was upgraded from an empty database to revision {head_revision()}",
         f"the archive's schema is current (revision {head_revision()})"]
    )
    assert revision_of(url) == head_revision() and schema_diff(url) == []


def test_archive_upgrade_command(url: str, tmp_path: Path) -> None:
    make_pre_migration_database(url)
    runner = CliRunner()
    env = {"SHAHADA_HOME": str(tmp_path / "home"), "SHAHADA_ARCHIVE_URL": url}
    first = runner.invoke(main, ["archive", "upgrade"], env=env)
    assert first.exit_code == 0, first.output
    assert first.output == f"the archive's schema was upgraded from a database made before migrations to revision {head_revision()}\n"
    again = runner.invoke(main, ["archive", "upgrade"], env=env)
    assert again.exit_code == 0 and again.output == f"the archive's schema is current (revision {head_revision()})\n"
    assert revision_of(url) == head_revision()


def test_archive_upgrade_of_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"SHAHADA_HOME": str(tmp_path / "home"), "SHAHADA_ARCHIVE_URL": "postgresql+psycopg://shahada:pw@127.0.0.1:1/archive"}
    result = runner.invoke(main, ["archive", "upgrade"], env=env)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error [archive.open]: cannot open the archive at postgresql+psycopg://shahada:***@127.0.0.1:1/archive: ")
    assert "pw" not in result.output and "Traceback" not in result.output


def test_an_archive_at_an_unknown_revision_is_refused(tmp_path: Path) -> None:
    """An archive upgraded by a newer Shahada: this one says so, and touches nothing."""
    url = f"sqlite:///{tmp_path / 'odd.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('9999')"))
    engine.dispose()
    with pytest.raises(ArchiveError) as err:
        upgrade(url)
    assert err.value.code == "archive.upgrade" and "9999" in err.value.message and "\n" not in err.value.message
    assert tables_of(url) == {"alembic_version"}


def _migrate(url: str, revision: str, *, down: bool = False) -> None:
    """``alembic upgrade/downgrade REVISION`` as :func:`upgrade` runs it (its engine, one transaction)."""
    from alembic import command

    from shahada.migrations import alembic_config, migration_engine

    engine = migration_engine(url)
    try:
        with engine.connect() as connection, connection.begin():
            (command.downgrade if down else command.upgrade)(alembic_config(connection=connection), revision)
    finally:
        engine.dispose()


def _status_layout(url: str) -> tuple[set[str], bool | None, list[tuple[str, str, int, int, bool]]]:
    """The indexes of ``status_entries``, whether it has a rowid (SQLite; None elsewhere), its rows."""
    engine = sa.create_engine(url)
    try:
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("status_entries") if i["name"]}
        with engine.connect() as connection:
            rowid = None
            if engine.dialect.name == "sqlite":
                sql = connection.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'status_entries'")).scalar_one()
                rowid = "WITHOUT ROWID" not in sql.upper()
            rows = connection.execute(
                sa.text("SELECT credential_id, purpose, list_number, bit, value FROM status_entries ORDER BY credential_id, purpose")
            ).all()
        return indexes, rowid, [(c, p, n, b, bool(v)) for c, p, n, b, v in rows]
    finally:
        engine.dispose()


def test_0010_makes_status_entries_one_btree_and_keeps_its_rows_both_ways(url: str) -> None:
    """From revision 0009 with entries in it: 0010 drops the list index (and on SQLite rebuilds the
    table WITHOUT ROWID), keeping every row and the set-bits index; its downgrade gives 0009's back."""
    _migrate(url, "0009")
    engine = sa.create_engine(url)
    rows = [(f"urn:uuid:{i:04d}", purpose, i % 3, (7 * i) % 101, i % 5 == 0) for i in range(40) for purpose in ("revocation", "suspension")]
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO status_entries (credential_id, purpose, list_number, bit, value) VALUES (:c, :p, :n, :b, :v)"),
            [{"c": c, "p": p, "n": n, "b": b, "v": v} for c, p, n, b, v in rows],
        )
    engine.dispose()
    sqlite = url.startswith("sqlite")
    before = _status_layout(url)
    assert before == ({"ix_status_entries_list_number", "ix_status_entries_set_bits"}, True if sqlite else None, sorted(rows))
    done = upgrade(url)
    assert (done.before, done.after) == ("0009", head_revision()) and schema_diff(url) == []
    assert _status_layout(url) == ({"ix_status_entries_set_bits"}, False if sqlite else None, sorted(rows))
    store = StatusStore(sa.create_engine(url), secret=b"s" * 32, origin="https://localhost:8443")
    try:  # the set-bits index still answers publishing's query
        bits = store.bits("revocation", 0)
        assert {i for i in range(101) if bits.get(i)} == {b for c, p, n, b, v in rows if p == "revocation" and n == 0 and v}
    finally:
        store.engine.dispose()
    _migrate(url, "0009", down=True)
    assert revision_of(url) == "0009" and _status_layout(url) == before
    assert upgrade(url).after == head_revision() and schema_diff(url) == []
