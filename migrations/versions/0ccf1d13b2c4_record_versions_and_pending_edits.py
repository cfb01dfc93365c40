"""record versions for safe concurrent edits; pending edits of published events

Revision ID: 0ccf1d13b2c4
Revises: 5e55101d13a1
Create Date: 2026-11-26 00:41:00.000000

"""
from alembic import op  # noqa: F401

revision = "0ccf1d13b2c4"
down_revision = "5e55101d13a1"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
