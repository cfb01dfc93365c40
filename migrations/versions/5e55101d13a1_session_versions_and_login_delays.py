"""sessions that end with logout and password changes; login delays per account and address

Revision ID: 5e55101d13a1
Revises: c3f81e5a9d40
Create Date: 2026-11-26 00:40:00.000000

"""
from alembic import op  # noqa: F401

revision = "5e55101d13a1"
down_revision = "c3f81e5a9d40"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
