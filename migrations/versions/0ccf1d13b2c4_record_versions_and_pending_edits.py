"""record versions for safe concurrent edits; pending edits of published events

`events.version` and `actors.version` count the changes to each record (SQLAlchemy's
optimistic concurrency: an UPDATE names the version it read, so a stale one changes nothing
and fails); existing rows start at 1. `revisions.pending` marks the one proposed change of a
published event that waits for an admin's review while the published text stays online.

Written by hand with plain ADD COLUMN / DROP COLUMN, which SQLite (3.35 and later) and
PostgreSQL both run in place: a batch-mode rebuild of `events` would drop the full-text
triggers that migration 7c1d9e4a2b65 put on it.

Revision ID: 0ccf1d13b2c4
Revises: 5e55101d13a1
Create Date: 2026-11-26 00:41:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "0ccf1d13b2c4"
down_revision = "5e55101d13a1"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("events", "actors"):
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column(
        "revisions", sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # The review queue asks for every pending proposal; few are pending at any time.
    op.create_index("ix_revisions_pending", "revisions", ["pending", "subject", "record_id"])


def downgrade():
    op.drop_index("ix_revisions_pending", table_name="revisions")
    op.drop_column("revisions", "pending")
    for table in ("actors", "events"):
        op.drop_column(table, "version")
