"""Events an import creates, written as rows in a few statements instead of as ORM objects.

A large import is mostly new events, each with two or three links and sources and a revision:
as mapped objects each costs the unit of work's bookkeeping, and on SQLite an INSERT per event
(its id must come back, and SQLite cannot return the ids of a batched INSERT in order). Here a
new event is a plain object the importer fills exactly as it fills an `Event` (the same span
setter, the same copies of its actors' names and kinds, the same snapshot), and `write` takes
the events' ids in advance and writes each table in one executemany.

The actors an import creates or changes stay mapped objects (a file names a few hundred at
most) and are flushed first, so every link has its actor's id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Insert, func, insert, select, text
from sqlalchemy.orm import Session

from timeline.domain import Actor, Event, EventActor, Source
from timeline.domain.copies import kinds_of, names_of
from timeline.domain.events import Role, Status
from timeline.domain.versions import touch
from timeline.services.events.schema import WIRE_NAMES

# Event columns the importer sets, beside the contract's fields (ids and timestamps aside).
SPAN_COLUMNS = ("precision", "starts_on", "ends_on", "long_span")
# The SQLite search table's insert trigger and the columns it indexes (migration 7c1d9e4a2b65).
_FTS, _FTS_COLUMNS = "events_fts_insert", "title, summary, actor_names"
EVENT_COLUMNS = (*(n for n in WIRE_NAMES if n not in ("actors", "sources")), *SPAN_COLUMNS)


@dataclass(eq=False, slots=True)
class NewLink:
    """An actor's part in a new event, shaped as `EventActor` for the importer and copies."""

    actor: Actor
    role: Role | None = None
    position: int = 0

    @property
    def actor_id(self) -> int | None:
        return self.actor.id


@dataclass(eq=False, slots=True)
class NewSource:
    """A new event's source, shaped as `Source`."""

    url: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    position: int = 0

    citation = Source.citation  # one definition of what a revision keeps of a source


@dataclass(eq=False, slots=True)
class NewEvent:
    """An event the import creates, shaped as `Event` for everything that reads one."""

    slug: str
    status: Status
    title: str = ""
    summary: str = ""
    category: str = ""
    notes: str | None = None
    start: str = ""
    end: str | None = None
    ongoing: bool = False
    precision: object = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    long_span: bool = False
    links: list[NewLink] = field(default_factory=list)
    sources: list[NewSource] = field(default_factory=list)
    id: int | None = None

    # The same setter as Event's, so the span columns of a created row cannot drift from an
    # edited one's.
    set_span = Event.set_span


def write(session: Session, events: list[NewEvent]) -> None:
    """Write the new events, their links and sources, in the session's transaction; each
    event gets its id. The caller has flushed the actors they link to."""
    if not events:
        return
    connection = session.connection()
    for event, event_id in zip(events, _take_ids(session, len(events)), strict=True):
        event.id = event_id
    with _search_filled_at_once(connection, [event.id for event in events]):
        connection.execute(_insert(Event), [_event_row(event) for event in events])
    links = [_link_row(event, link) for event in events for link in event.links]
    sources = [_source_row(event, source) for event in events for source in event.sources]
    if links:
        connection.execute(_insert(EventActor), links)
    if sources:
        connection.execute(_insert(Source), sources)
    touch(connection, {"events"})  # Core statements bypass the flush that counts changes


@contextmanager
def _search_filled_at_once(connection: Connection, ids: list[int]) -> Iterator[None]:
    """On SQLite, index the new events' text in one statement instead of by the insert
    trigger row by row (four times slower): the trigger is dropped and created again, from
    its own stored definition, inside the import's transaction, which holds the write lock,
    so no other write can miss it and a rollback restores it."""
    trigger = None
    if connection.dialect.name == "sqlite":
        trigger = connection.scalar(text(f"SELECT sql FROM sqlite_master WHERE name = '{_FTS}'"))
    if trigger is None:  # PostgreSQL's search index is an expression index: nothing to do
        yield
        return
    connection.execute(text(f"DROP TRIGGER {_FTS}"))
    yield
    connection.execute(
        text(f"""INSERT INTO events_fts(rowid, {_FTS_COLUMNS})
                 SELECT id, {_FTS_COLUMNS} FROM events WHERE id BETWEEN :low AND :high"""),
        {"low": min(ids), "high": max(ids)},
    )  # fmt: skip
    connection.execute(text(trigger))


def _insert(model: type) -> Insert:
    """An INSERT that an executemany sends as a few multi-row statements ("insertmanyvalues"):
    SQLAlchemy does so only for a statement with RETURNING, without which psycopg sends one
    statement per row. The returned keys are not read."""
    table = model.__table__
    return insert(table).returning(*table.primary_key.columns)


def _take_ids(session: Session, count: int) -> list[int]:
    """Ids no other writer can take: PostgreSQL's sequence hands them out; on SQLite the import
    holds the write lock (BEGIN IMMEDIATE) for its whole transaction, so the ids after the
    largest are free until it commits."""
    if session.get_bind().dialect.name == "postgresql":
        taken = text(
            "SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, :n)"
        )
        return sorted(session.scalars(taken, {"n": count}))
    first = (session.scalar(select(func.max(Event.id))) or 0) + 1
    return list(range(first, first + count))


def _event_row(event: NewEvent) -> dict:
    row = {name: getattr(event, name) for name in EVENT_COLUMNS}
    return row | {
        "id": event.id, "status": event.status,
        "actor_names": names_of(event), "actor_kinds": kinds_of(event),  # type: ignore[arg-type]
    }  # fmt: skip


def _link_row(event: NewEvent, link: NewLink) -> dict:
    return {
        "event_id": event.id, "actor_id": link.actor.id, "role": link.role,
        "position": link.position,
    }  # fmt: skip


def _source_row(event: NewEvent, source: NewSource) -> dict:
    return {
        "event_id": event.id, "url": source.url, "title": source.title,
        "publisher": source.publisher, "published": source.published, "accessed_on": None,
        "position": source.position,
    }  # fmt: skip
