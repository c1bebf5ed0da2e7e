"""Distributed issuance's permanent failures (``import_failures``, :mod:`shahada.issuer.archive.failures`):
an import whose batch exhausted its retries is marked ``failed`` until the coordinator runs again.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_failures",
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("pv_imports.id"), primary_key=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("batch", sa.Text(), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("import_failures")
