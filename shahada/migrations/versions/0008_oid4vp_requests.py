"""OpenID4VP requests of the verifier service (``oid4vp_requests``,
:mod:`shahada.verifier.web.oid4vp_store`), so that every process of ``shahada serve verifier
--processes N`` answers a wallet's calls and a page's polling.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oid4vp_requests",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("transcript", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("phase", sa.String(12), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("presentation", sa.Text(), nullable=True),
    )
    op.create_index("ix_oid4vp_requests_created_at", "oid4vp_requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_oid4vp_requests_created_at", table_name="oid4vp_requests")
    op.drop_table("oid4vp_requests")
