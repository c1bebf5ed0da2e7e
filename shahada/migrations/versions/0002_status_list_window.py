"""Fresh status lists and a signed registry (issue 17).

- ``status_lists.valid_from`` / ``valid_until``: the window of the stored list. A list published
  before this revision has neither; the next ``shahada status publish`` re-signs it with one.
- ``registry_records``: the public registry's signed record of each issued credential; the next
  publication signs the records of credentials issued before this revision.

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
    op.create_table(
        "registry_records",
        sa.Column("credential_id", sa.String(80), primary_key=True),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("registry_records")
    with op.batch_alter_table("status_lists") as table:
        table.drop_column("valid_until")
        table.drop_column("valid_from")
