"""The archive database's schema migrations (Alembic), and the function that runs them.

The schema is :class:`shahada.common.db.Base`'s metadata, declared by the archive, the status
store, the audit trail, rectification, wallet delivery and the portal; revisions live in
``versions/`` (``0001`` is the schema as it stood before migrations). :func:`upgrade` brings a
database to the newest revision. It is run by ``shahada archive upgrade`` and, once per process,
whenever the installation opens the archive (:func:`shahada.database.open_archive`).

A database created before migrations existed (its tables made by ``create_all``, no
``alembic_version``) is adopted: revision 0001 creates only the tables it lacks (each module used
to create its own on first use, so such a database may hold only some of them) and leaves the
others, and their rows, as they are.

Two processes may start at once on one database. On PostgreSQL the upgrade runs in one
transaction holding an advisory lock, so the second waits, then finds the schema current. On
SQLite the transaction begins with ``BEGIN IMMEDIATE``: the database's write lock plays that part.

A new revision, once the tables' declarations changed (``rev_id`` the next number)::

    from alembic import command
from alembic.util import CommandError
    from shahada.migrations import alembic_config
    command.revision(alembic_config(url), "why", autogenerate=True, rev_id="0002")

with ``url`` a database at the current head; then read and correct the generated script.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from shahada.issuer.errors import ArchiveError

__all__ = ["DDL_LOCK_KEY", "SchemaUpgrade", "alembic_config", "head_revision", "pre_migration_schema", "schema_metadata", "upgrade"]

HERE: Final = Path(__file__).resolve().parent

# an arbitrary constant naming "Shahada changes its schema" among the database's advisory locks
DDL_LOCK_KEY: Final = 0x5348_4144_4144_4131  # "SHADADA1"



@dataclass(frozen=True, slots=True)
class SchemaUpgrade:
    """What :func:`upgrade` found and left."""

    before: str | None  # the revision found; None for an empty database or one made before migrations
    after: str
    adopted: bool  # the database held tables made before migrations

    def describe(self) -> str:
        if self.before == self.after:
            return f"the archive's schema is current (revision {self.after})"
        start = "a database made before migrations" if self.adopted else f"revision {self.before}" if self.before else "an empty database"
        return f"the archive's schema was upgraded from {start} to revision {self.after}"


def schema_metadata() -> MetaData:
    """The whole schema: ``Base.metadata`` once every module declaring tables is imported."""
    import shahada.console.accounts
    import shahada.console.workflow
    import shahada.issuer.archive.audit
    import shahada.issuer.archive.failures
    import shahada.issuer.archive.publication
    import shahada.issuer.archive.status
    import shahada.issuer.archive.store
    import shahada.issuer.delivery
    import shahada.issuer.rectification
    import shahada.portal.store
    import shahada.verifier.traffic
    import shahada.verifier.web.oid4vp_store
    import shahada.wallet.claims
    import shahada.wallet.credential_endpoint
    import shahada.wallet.exchanges  # noqa: F401
    from shahada.common.db import Base

    return Base.metadata


@cache
def pre_migration_schema() -> MetaData:
    """Revision 0001's frozen tables: the schema ``create_all`` made before there were migrations."""
    script = ScriptDirectory.from_config(alembic_config()).get_revision("0001")
    assert script is not None
    schema: MetaData = script.module.SCHEMA
    return schema


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Alembic's configuration for the migrations in this package (no ``alembic.ini`` needed).

    ``env.py`` runs the migrations on ``connection`` when given (the caller holds the lock and the
    transaction), or on a connection of its own to ``url``.
    """
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def migration_engine(url: str) -> Engine:
    """An engine whose transactions serialise schema changes: ``BEGIN IMMEDIATE`` on SQLite."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # pysqlite would begin its own deferred transaction at the first DML and run DDL outside
        # any: take the control back (SQLAlchemy's documented recipe) and take the write lock first
        @event.listens_for(engine, "connect")
        def _manual_transactions(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA busy_timeout=30000")

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade(url: str) -> SchemaUpgrade:
    """Bring the database at ``url`` to the newest revision, in one transaction (idempotent).

    Raises:
        ArchiveError: ``archive.open`` when the database cannot be reached; ``archive.upgrade``
            when a migration fails (nothing is changed then: the transaction is rolled back).
    """
    try:
        shown = make_url(url).render_as_string(hide_password=True)
        engine = migration_engine(url)
    except (ArgumentError, ValueError) as err:
        raise ArchiveError(f"the archive URL {url!r} is not a database URL: {err}", code="archive.open") from err
    try:
        try:
            connection = engine.connect()
        except SQLAlchemyError as err:
            raise ArchiveError(f"cannot open the archive at {shown}: {_reason(err)}", code="archive.open") from err
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DDL_LOCK_KEY})
                before = MigrationContext.configure(connection).get_current_revision()
                # a table of 0001 without ``alembic_version``: a database made before migrations
                adopted = before is None and bool(set(pre_migration_schema().tables) & set(inspect(connection).get_table_names()))
                command.upgrade(alembic_config(connection=connection), "head")
                after = MigrationContext.configure(connection).get_current_revision()
        except SQLAlchemyError as err:
            raise ArchiveError(f"the archive at {shown} could not be upgraded, nothing was changed: {_reason(err)}", code="archive.upgrade") from err
        except CommandError as err:  # e.g. a revision this version does not know: a newer Shahada upgraded it
            raise ArchiveError(f"the archive at {shown} could not be upgraded, nothing was changed: {err}", code="archive.upgrade") from err
        finally:
            connection.close()
    finally:
        engine.dispose()
    assert after is not None
    return SchemaUpgrade(before=before, after=after, adopted=adopted)


def _reason(err: SQLAlchemyError) -> str:
    """The driver's own message, on one line (SQLAlchemy's adds the statement and a link)."""
    original = getattr(err, "orig", None) or err
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__
