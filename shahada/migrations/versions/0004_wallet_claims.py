"""Wallet claims: the OID4VCI pre-authorized code flow's state (``wallet_claims``) and its
one-time nonces (``wallet_nonces``), :mod:`shahada.wallet.claims`; the VC API exchanges of those
claims (``wallet_exchanges``), :mod:`shahada.wallet.exchanges`.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wallet_claims",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("massar", sa.String(10), nullable=False, index=True),
        sa.Column("credential_ids", sa.Text(), nullable=False),
        sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("tx_digest", sa.String(64), nullable=False),
        sa.Column("tx_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(), nullable=True),
        sa.Column("token_sha256", sa.String(64), nullable=True, unique=True),
        sa.Column("token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("holder_did", sa.String(200), nullable=True),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("didcomm", sa.Text(), nullable=True),
    )
    op.create_table(
        "wallet_nonces",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False, index=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "wallet_exchanges",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("challenge", sa.String(64), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("wallet_exchanges")
    op.drop_table("wallet_nonces")
    op.drop_table("wallet_claims")
