"""Credentials: the holder binding of the paper seal (4 bytes, ``docs/seal.md`` §5), computed once
when a credential is issued, so that printing and the verifier read it instead of running its
scrypt (~7 ms) for every page and in every verifier process.

Nullable: the rows issued before this revision get their binding the first time they are printed
(``shahada print`` stores it), not here: a national archive is 700,000 scrypts, about 80 minutes
of one core, which an upgrade must not hold a lock for. Until then the verifier computes it, once per
process, as before.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("holder_binding", sa.LargeBinary(4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("holder_binding")
