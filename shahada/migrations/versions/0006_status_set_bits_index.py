"""Status entries: a partial index of the bits that are set, by purpose and list, so that
publishing a list reads its few set bits instead of scanning its 262,144 entries (both purposes
share the list numbers): the lists of a national session are re-signed in well under 2 s.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SET = sa.text("value = true")


def upgrade() -> None:
    op.create_index(
        "ix_status_entries_set_bits", "status_entries", ["purpose", "list_number", "bit"], sqlite_where=SET, postgresql_where=SET
    )


def downgrade() -> None:
    op.drop_index("ix_status_entries_set_bits", table_name="status_entries")
