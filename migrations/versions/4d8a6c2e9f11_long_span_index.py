"""an index of the long and ongoing events by end

Reviewed by hand: a window query bounds the start by the earliest start of any event that
may overlap the window; for the long and ongoing events (long_span, a small share) that is
read from this index, by status and end, without visiting the rows. No table is rebuilt.

Revision ID: 4d8a6c2e9f11
Revises: 9b2f4e7c1a30
Create Date: 2026-11-26 05:20:00.000000

"""
from alembic import op

revision = "4d8a6c2e9f11"
down_revision = "9b2f4e7c1a30"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_events_long_spans", "events", ["long_span", "status", "ends_on", "starts_on"]
    )


def downgrade():
    op.drop_index("ix_events_long_spans", table_name="events")
