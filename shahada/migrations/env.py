"""Alembic's environment: the migrations run on the connection :func:`shahada.migrations.upgrade`
opened (inside its transaction, holding the schema lock), or on one to ``sqlalchemy.url``."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from shahada.migrations import migration_engine, schema_metadata

config = context.config


def configure(connection: Connection) -> None:
    # batch mode in generated scripts: SQLite alters a table by copying it
    context.configure(connection=connection, target_metadata=schema_metadata(), render_as_batch=True, compare_type=True)


if context.is_offline_mode():
    raise SystemExit("the archive's migrations run on a database connection (no --sql mode)")

given = config.attributes.get("connection")
if given is not None:
    configure(given)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = migration_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
