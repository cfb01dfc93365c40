"""full-text search over events: actor_names, then SQLite FTS5 or a PostgreSQL GIN index over
title, summary and actor_names; actor_kinds, a long_span flag and a covering window index

actor_names and actor_kinds copy the actors' names, aliases and kinds onto each event
(timeline.domain.copies keeps them current); long_span marks events that may cover more than
366 days, so a window query can skip older short events inside the window index.

Written by hand: neither index is part of the models' metadata (each exists on one database
only), so autogenerate skips them by name (see timeline.db.include_object).

On SQLite the FTS5 table reads its text from `events` and three triggers keep it current. A
later migration that rebuilds `events` in batch mode drops those triggers with the old table and
must create them again (SEARCH_TRIGGERS below) and rebuild the index.

Revision ID: 7c1d9e4a2b65
Revises: 3b345d6380e4
Create Date: 2026-11-25 09:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c1d9e4a2b65'
down_revision = '3b345d6380e4'
branch_labels = None
depends_on = None

COLUMNS = "title, summary, actor_names"

FTS_TABLE = f"""
CREATE VIRTUAL TABLE events_fts USING fts5(
    {COLUMNS}, content='events', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)"""

SEARCH_TRIGGERS = {
    "events_fts_insert": f"""
        CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
            INSERT INTO events_fts(rowid, {COLUMNS})
            VALUES (new.id, new.title, new.summary, new.actor_names);
        END""",
    "events_fts_delete": f"""
        CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
            INSERT INTO events_fts(events_fts, rowid, {COLUMNS})
            VALUES ('delete', old.id, old.title, old.summary, old.actor_names);
        END""",
    "events_fts_update": f"""
        CREATE TRIGGER events_fts_update AFTER UPDATE OF {COLUMNS} ON events BEGIN
            INSERT INTO events_fts(events_fts, rowid, {COLUMNS})
            VALUES ('delete', old.id, old.title, old.summary, old.actor_names);
            INSERT INTO events_fts(rowid, {COLUMNS})
            VALUES (new.id, new.title, new.summary, new.actor_names);
        END""",
}

# The same expression timeline.services.search queries with, so the planner uses the index.
PG_INDEX = """
CREATE INDEX ix_events_search ON events USING gin (
    to_tsvector('english'::regconfig, title || ' ' || summary || ' ' || actor_names)
)"""


def _backfill_actor_copies(connection) -> None:
    rows = connection.execute(sa.text("""
        SELECT ea.event_id, a.name, a.kind, al.name
        FROM event_actors ea
        JOIN actors a ON a.id = ea.actor_id
        LEFT JOIN actor_aliases al ON al.actor_id = a.id
        ORDER BY ea.event_id, ea.position, al.name
    """))
    names: dict[int, dict[str, None]] = {}
    kinds: dict[int, dict[str, None]] = {}
    for event_id, name, kind, alias in rows:
        names.setdefault(event_id, {})[name] = None
        kinds.setdefault(event_id, {})[kind] = None
        if alias:
            names[event_id][alias] = None
    update = sa.text("UPDATE events SET actor_names = :names, actor_kinds = :kinds WHERE id = :id")
    params = [
        {"id": k, "names": " ".join(v), "kinds": f" {' '.join(kinds[k])} "}
        for k, v in names.items()
    ]
    if params:
        connection.execute(update, params)


# Events that may cover more than 366 days (LONG_SPAN_DAYS in timeline.domain.events).
LONG_SPAN = {
    'sqlite': "ongoing OR julianday(ends_on) - julianday(starts_on) > 366",
    'postgresql': "ongoing OR ends_on - starts_on > 366",
}


def upgrade():
    op.add_column('events', sa.Column('actor_names', sa.Text(), server_default='', nullable=False))
    op.add_column('events', sa.Column('actor_kinds', sa.String(length=400), server_default='', nullable=False))
    op.add_column('events', sa.Column('long_span', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index(
        'ix_events_window', 'events',
        ['status', 'starts_on', 'ends_on', 'long_span', 'category', 'start', 'actor_kinds'],
    )
    connection = op.get_bind()
    op.execute(f"UPDATE events SET long_span = ({LONG_SPAN[connection.dialect.name]})")
    _backfill_actor_copies(connection)
    if connection.dialect.name == 'sqlite':
        op.execute(FTS_TABLE)
        for ddl in SEARCH_TRIGGERS.values():
            op.execute(ddl)
        op.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
    elif connection.dialect.name == 'postgresql':
        op.execute(PG_INDEX)


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'sqlite':
        for name in SEARCH_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS events_fts")
    elif connection.dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_events_search")
    op.drop_index('ix_events_window', table_name='events')
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_column('long_span')
        batch_op.drop_column('actor_kinds')
        batch_op.drop_column('actor_names')
