"""indexes for every sort of the events API

Reviewed by hand: each sort walks an index in its order and stops at the page's end, where
it sorted every published event first. Title, slug and category are plain column indexes
(the models declare them); the sorts by creation and change compare, on SQLite, the time
rewritten by strftime (ordering.py: a time written by the database's clock and one written
by Python differ in text), so there the index is over that same expression, and on
PostgreSQL over the column. Those two are made here per database and left out of the
models' comparison (timeline.db.SORT_INDEXES). No table is rebuilt.

Revision ID: 9b2f4e7c1a30
Revises: 0ccf1d13b2c4
Create Date: 2026-11-26 04:30:00.000000

"""
from alembic import op

revision = "9b2f4e7c1a30"
down_revision = "0ccf1d13b2c4"
branch_labels = None
depends_on = None

SQLITE_TIME = "'%Y-%m-%d %H:%M:%f'"  # timeline.services.events.ordering.SQLITE_TIME


def upgrade():
    op.create_index("ix_events_status_title", "events", ["status", "title", "id"])
    op.create_index("ix_events_status_slug", "events", ["status", "slug", "id"])
    op.create_index("ix_events_status_category", "events", ["status", "category", "id"])
    for column in ("created", "updated"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(
                f"CREATE INDEX ix_events_status_{column} ON events "
                f"(status, strftime({SQLITE_TIME}, {column}_at), id)"
            )
        else:
            op.create_index(f"ix_events_status_{column}", "events", ["status", f"{column}_at", "id"])


def downgrade():
    for name in ("updated", "created", "category", "slug", "title"):
        op.drop_index(f"ix_events_status_{name}", table_name="events")
