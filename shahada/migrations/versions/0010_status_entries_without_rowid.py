"""Status entries: one B-tree instead of three. The index on ``list_number`` alone is dropped (no
query reads by list alone: publishing reads a list's set bits through ``ix_status_entries_set_bits``),
and on SQLite the table becomes a ``WITHOUT ROWID`` table clustered on its primary key (credential
id, purpose), so that allocating a national session's 1.6 M entries writes each row once, not a
row, its primary-key index entry and its list index entry.

SQLite cannot change a table into ``WITHOUT ROWID``: the table is copied (batch mode, in the
upgrade's transaction). PostgreSQL has no rowid: only the index goes.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SET = sa.text("value = true")


def _set_bits_index() -> None:
    op.create_index(
        "ix_status_entries_set_bits", "status_entries", ["purpose", "list_number", "bit"], sqlite_where=SET, postgresql_where=SET
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_index("ix_status_entries_list_number", table_name="status_entries")
        return
    op.drop_index("ix_status_entries_set_bits", table_name="status_entries")  # partial: created again below, as 0006 did
    with op.batch_alter_table("status_entries", recreate="always", table_kwargs={"sqlite_with_rowid": False}) as batch:
        batch.drop_index("ix_status_entries_list_number")
    _set_bits_index()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.create_index("ix_status_entries_list_number", "status_entries", ["list_number"])
        return
    op.drop_index("ix_status_entries_set_bits", table_name="status_entries")
    with op.batch_alter_table("status_entries", recreate="always", table_kwargs={"sqlite_with_rowid": True}) as batch:
        batch.create_index("ix_status_entries_list_number", ["list_number"])
    _set_bits_index()
