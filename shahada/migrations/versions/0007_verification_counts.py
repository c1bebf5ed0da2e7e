"""Verification traffic (issue 16): counts of verifications per UTC day, kind, verdict and failure
code, written in batches by the verifier of ``shahada serve public`` (``shahada.verifier.traffic``)
and read by the staff console's dashboard. Counts only: no document, no person, no address.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_counts",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("verdict", sa.String(16), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("verification_counts")
