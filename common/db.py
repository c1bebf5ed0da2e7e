"""The one SQLAlchemy declarative base of the archive's database, and its shared column type.

Every table of the database (the archive's, the status lists', the audit trail's, the
rectifications', the wallet deliveries', the portal's) is declared on :class:`Base`, so
``Base.metadata`` is the whole schema once the modules that declare them are imported
(``shahada.migrations.schema_metadata`` imports them all). The schema is created and upgraded by
the Alembic migrations in ``shahada/migrations``, never by ``create_all``.

No naming convention is set: the constraint and index names are those the databases gave the
tables before there were migrations, so an archive created then has the very schema of revision
0001.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

__all__ = ["Base", "UTCDateTime"]


class Base(DeclarativeBase):
    """The declarative base of every table; ``Base.metadata`` is the schema."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the archive")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)
