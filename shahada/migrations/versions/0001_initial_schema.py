"""The schema as it stood before migrations: what ``create_all`` made of each module's tables.

The tables are written out here, frozen, rather than taken from the models: later revisions
change the models, never this revision. ``DateTime`` columns are ``UTCDateTime`` in the models,
the same column in the database.

A database made before migrations has some of these tables already (each module created its own
when first used: the portal's only where the portal ran, ``supersessions`` at the first import
after rectification existed, …). Those are left as they are, with their rows; only the missing
ones are created. On an empty database, that is all of them.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = sa.MetaData()

# the archive (shahada.issuer.archive.store)
sa.Table(
    "pv_imports", SCHEMA,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("session_year", sa.Integer(), nullable=False),
    sa.Column("filename", sa.String(500), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("operator", sa.String(200), nullable=False),
    sa.Column("imported_at", sa.DateTime(), nullable=False),
    sa.Column("record_count", sa.Integer(), nullable=False),
    sa.Column("credential_count", sa.Integer(), nullable=False),
    sa.Column("completed_at", sa.DateTime(), nullable=True),
    sa.UniqueConstraint("session_year", "file_sha256", name="uq_import_file"),
)
sa.Table(
    "credentials", SCHEMA,
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("import_id", sa.Integer(), sa.ForeignKey("pv_imports.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("session_year", sa.Integer(), nullable=False),
    sa.Column("session_kind", sa.String(20), nullable=False),
    sa.Column("massar", sa.String(10), nullable=False),
    sa.Column("academy", sa.String(10), nullable=False),
    sa.Column("document_number", sa.String(60), nullable=False, unique=True),
    sa.Column("record_digest", sa.String(64), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("document", sa.Text(), nullable=False),
    sa.Column("issued_at", sa.DateTime(), nullable=True),
    sa.Index("ix_credentials_import_status", "import_id", "status"),
    sa.Index("ix_credentials_massar", "massar"),
)

# credential status (shahada.issuer.archive.status)
sa.Table(
    "status_counters", SCHEMA,
    sa.Column("purpose", sa.String(20), primary_key=True),
    sa.Column("next", sa.Integer(), nullable=False),
)
sa.Table(
    "status_entries", SCHEMA,
    sa.Column("credential_id", sa.String(80), primary_key=True),
    sa.Column("purpose", sa.String(20), primary_key=True),
    sa.Column("list_number", sa.Integer(), nullable=False, index=True),
    sa.Column("bit", sa.Integer(), nullable=False),
    sa.Column("value", sa.Boolean(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("changed_at", sa.DateTime(), nullable=True),
)
sa.Table(
    "status_lists", SCHEMA,
    sa.Column("purpose", sa.String(20), primary_key=True),
    sa.Column("number", sa.Integer(), primary_key=True),
    sa.Column("revision", sa.Integer(), nullable=False),
    sa.Column("published_revision", sa.Integer(), nullable=False),
    sa.Column("document", sa.Text(), nullable=True),
    sa.Column("etag", sa.String(80), nullable=True),
    sa.Column("published_at", sa.DateTime(), nullable=True),
)

# the audit trail (shahada.issuer.archive.audit)
sa.Table(
    "audit_head", SCHEMA,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)
sa.Table(
    "audit_log", SCHEMA,
    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("operator", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("details", sa.Text(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

# rectification (shahada.issuer.rectification)
sa.Table(
    "supersessions", SCHEMA,
    sa.Column("old_id", sa.String(80), primary_key=True),
    sa.Column("new_id", sa.String(80), nullable=False, index=True),
    sa.Column("import_id", sa.Integer(), nullable=False),
    sa.Column("applied", sa.Boolean(), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False),
)

# wallet delivery (shahada.issuer.delivery)
sa.Table(
    "wallet_deliveries", SCHEMA,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("massar", sa.String(10), nullable=False, index=True),
    sa.Column("oob_id", sa.String(80), nullable=False),
    sa.Column("invitation_msg_id", sa.String(80), nullable=False),
    sa.Column("invitation", sa.Text(), nullable=False),
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("holder_did", sa.String(200), nullable=True),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("delivered_at", sa.DateTime(), nullable=True),
)
sa.Table(
    "wallet_delivery_items", SCHEMA,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.String(40), sa.ForeignKey("wallet_deliveries.id"), nullable=False, index=True),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("credential_id", sa.String(80), nullable=False),
    sa.Column("cred_ex_id", sa.String(80), nullable=True),
    sa.Column("state", sa.String(30), nullable=False),
    sa.Column("document", sa.Text(), nullable=True),
)

# the graduate portal (shahada.portal.store)
sa.Table(
    "portal_challenges", SCHEMA,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(64), nullable=False, index=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("expires_at", sa.DateTime(), nullable=False, index=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("used_at", sa.DateTime(), nullable=True),
)
sa.Table(
    "portal_logins", SCHEMA,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    sa.Column("massar", sa.String(10), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("expires_at", sa.DateTime(), nullable=False, index=True),
    sa.Column("ended_at", sa.DateTime(), nullable=True),
)
sa.Table(
    "portal_rate_events", SCHEMA,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(32), nullable=False),
    sa.Column("subject", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Index("ix_portal_rate_events", "scope", "subject", "at"),
    sa.Index("ix_portal_rate_events_age", "scope", "at"),
)
sa.Table(
    "portal_locks", SCHEMA,
    sa.Column("scope", sa.String(32), primary_key=True),
    sa.Column("subject", sa.String(64), primary_key=True),
    sa.Column("until", sa.DateTime(), nullable=False),
)
sa.Table(
    "portal_wallet_offers", SCHEMA,
    sa.Column("delivery_id", sa.String(200), primary_key=True),
    sa.Column("massar", sa.String(10), nullable=False, index=True),
    sa.Column("short_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("url", sa.Text(), nullable=False),
    sa.Column("deep_link", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
)
sa.Table(
    "portal_shares", SCHEMA,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("massar", sa.String(10), nullable=False, index=True),
    sa.Column("recipient", sa.String(200), nullable=False),
    sa.Column("credential_ids", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("expires_at", sa.DateTime(), nullable=False),
    sa.Column("revoked_at", sa.DateTime(), nullable=True),
)
sa.Table(
    "portal_share_accesses", SCHEMA,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("share_id", sa.Integer(), sa.ForeignKey("portal_shares.id"), nullable=False, index=True),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("outcome", sa.String(10), nullable=False),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("client", sa.String(64), nullable=False),
    sa.Column("user_agent", sa.String(300), nullable=False),
)


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    missing = [table for table in SCHEMA.sorted_tables if table.name not in existing]
    SCHEMA.create_all(bind, tables=missing, checkfirst=False)


def downgrade() -> None:
    SCHEMA.drop_all(op.get_bind())
