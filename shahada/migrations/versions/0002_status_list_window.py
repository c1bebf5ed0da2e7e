"""Status lists carry a validity window: ``valid_from`` and ``valid_until`` of the stored list.

A list published before this revision has neither; the next ``shahada status publish`` re-signs it
with a window (W3C Bitstring Status List 1.0 lists with ``validUntil``; issue 17).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_lists") as table:
        table.add_column(sa.Column("valid_from", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("valid_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_lists") as table:
        table.drop_column("valid_until")
        table.drop_column("valid_from")
