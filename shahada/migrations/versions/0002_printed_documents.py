"""Printed documents: when ``shahada print`` last wrote each document's PDF, and where (for
``shahada session status``, which counts what was printed).

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
    op.create_table(
        "printed_documents",
        sa.Column("credential_id", sa.String(80), sa.ForeignKey("credentials.id"), primary_key=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("printed_documents")
