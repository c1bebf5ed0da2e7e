"""Printed documents: when ``shahada print`` last wrote each document's PDF, and where (for
``shahada session status``, which counts what was printed).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "printed_documents",
        sa.Column("credential_id", sa.String(80), sa.ForeignKey("credentials.id"), primary_key=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("printed_documents")
