"""sessions that end with logout and password changes; login delays per account and address

Reviewed by hand. `users.session_version` starts at 0 for every existing account; sessions
issued before this migration named the account by its id alone and are refused from now on,
so everyone logs in once more. Login delays are counted per (name, address) pair, so the
(username, at) index becomes (username, address, at); old attempts are deleted by age, which
the new index on `at` serves. Every index is named, so batch mode can rebuild the tables on
SQLite and the downgrade drops them by name.

Revision ID: 5e55101d13a1
Revises: c3f81e5a9d40
Create Date: 2026-11-26 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "5e55101d13a1"
down_revision = "c3f81e5a9d40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_username_at")
        batch_op.create_index(
            "ix_login_attempts_username_address_at", ["username", "address", "at"], unique=False
        )
        batch_op.create_index("ix_login_attempts_at", ["at"], unique=False)


def downgrade():
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_at")
        batch_op.drop_index("ix_login_attempts_username_address_at")
        batch_op.create_index("ix_login_attempts_username_at", ["username", "at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
