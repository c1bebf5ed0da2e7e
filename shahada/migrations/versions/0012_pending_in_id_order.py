"""The index that finds an import's pending credentials also orders them by id:
``(import_id, status, id)`` instead of ``(import_id, status)``.

Signing reads the pending credentials a page at a time in id order (``id > last LIMIT n``,
:meth:`shahada.issuer.archive.store.Archive.pending`). With the two-column index each page found
every pending row of the import and sorted them: a national session of 658,693 credentials signed
at 15 credentials/s, each page paying for the whole import. With ``id`` in the index a page is one
range read, whatever the import's size.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_credentials_import_status", table_name="credentials")
    op.create_index("ix_credentials_import_status", "credentials", ["import_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_credentials_import_status", table_name="credentials")
    op.create_index("ix_credentials_import_status", "credentials", ["import_id", "status"])
