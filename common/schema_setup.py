"""Create a module's tables safely when several processes start at once.

``MetaData.create_all`` checks, then creates: two processes starting together on one PostgreSQL
database can both see a table missing, and the second ``CREATE TABLE`` then fails on the
catalogue's unique index (``pg_type_typname_nsp_index``). On PostgreSQL the check-and-create runs
under a transaction-scoped advisory lock, so one process creates and the others find the tables.
SQLite serialises writers by itself.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

# an arbitrary constant naming "Shahada creates its tables" among the database's advisory locks
DDL_LOCK_KEY: Final = 0x5348_4144_4144_4131  # "SHADADA1"


def create_tables(metadata: MetaData, engine: Engine) -> None:
    """``metadata.create_all(engine)``, serialised across processes on PostgreSQL."""
    if engine.dialect.name != "postgresql":
        metadata.create_all(engine)
        return
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DDL_LOCK_KEY})
        metadata.create_all(connection)
