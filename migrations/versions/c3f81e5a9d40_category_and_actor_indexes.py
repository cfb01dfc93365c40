"""indexes for the API's filters: a category's chronology, an actor's events

Reviewed by hand: `ix_events_category_chronology` lets a category plus a window walk only
that category's events in order; `ix_event_actors_actor_event` replaces the index on
actor_id alone, so an actor's event ids come from the index without reading the link rows.
No table is rebuilt, so the full-text triggers on SQLite are untouched.

Revision ID: c3f81e5a9d40
Revises: a51d0c3e7b92
Create Date: 2026-11-25 04:10:00.000000

"""
from alembic import op

revision = "c3f81e5a9d40"
down_revision = "a51d0c3e7b92"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_events_category_chronology",
        "events",
        ["status", "category", "starts_on", "ends_on", "id"],
    )
    op.create_index("ix_event_actors_actor_event", "event_actors", ["actor_id", "event_id"])
    op.drop_index("ix_event_actors_actor_id", table_name="event_actors")


def downgrade():
    op.create_index("ix_event_actors_actor_id", "event_actors", ["actor_id"])
    op.drop_index("ix_event_actors_actor_event", table_name="event_actors")
    op.drop_index("ix_events_category_chronology", table_name="events")
