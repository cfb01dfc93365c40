"""data versions: a counter per body of public data, for cheap conditional requests

Reviewed by hand: the table starts with its two rows (events, costs), stamped with the time
of the upgrade, since the data already there changed at some unknown earlier time.

Revision ID: a51d0c3e7b92
Revises: fd4295c26b1f
Create Date: 2026-11-25 03:30:00.000000

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "a51d0c3e7b92"
down_revision = "fd4295c26b1f"
branch_labels = None
depends_on = None


def upgrade():
    versions = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(
        versions,
        [{"name": name, "version": 0, "changed_at": now} for name in ("events", "costs")],
    )


def downgrade():
    op.drop_table("data_versions")
