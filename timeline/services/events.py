"""Reading events: windows, chronological order and keyset pages."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from timeline.domain import Actor, ActorAlias, Event, EventActor, Status
from timeline.services.filters import EventFilter, clauses

CHRONOLOGY = (Event.starts_on, Event.ends_on, Event.id)


class CursorError(ValueError):
    """A pagination cursor that this site did not make."""


@dataclass(frozen=True, slots=True)
class Cursor:
    """The position after the last event of a page, in chronological order."""

    starts_on: dt.date
    ends_on: dt.date
    id: int

    def encode(self) -> str:
        text = f"{self.starts_on.isoformat()}|{self.ends_on.isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            padded = token + "=" * (-len(token) % 4)
            first, last, ident = base64.urlsafe_b64decode(padded).decode().split("|")
            return cls(dt.date.fromisoformat(first), dt.date.fromisoformat(last), int(ident))
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise CursorError("not a cursor from this site: use the 'next' link as given") from exc

    @classmethod
    def after(cls, event: Event) -> Cursor:
        return cls(event.starts_on, event.ends_on, event.id)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which events to list: a filter, a page size and a starting point."""

    where: EventFilter = field(default_factory=EventFilter)
    limit: int = 50
    after: Cursor | None = None


@dataclass(frozen=True, slots=True)
class EventPage:
    events: list[Event]
    next: Cursor | None


def _with_details(statement: Select) -> Select:
    return statement.options(
        selectinload(Event.links).joinedload(EventActor.actor),
        selectinload(Event.sources),
    )


def list_events(session: Session, query: EventQuery) -> EventPage:
    """Events the filter finds, oldest first, one page at a time."""
    statement = (
        select(Event)
        .where(*clauses(session, query.where))
        .order_by(*CHRONOLOGY)
        .limit(query.limit + 1)
    )
    if query.after is not None:
        a = query.after
        statement = statement.where(tuple_(*CHRONOLOGY) > tuple_(a.starts_on, a.ends_on, a.id))
    events = list(session.scalars(_with_details(statement)))
    more = len(events) > query.limit
    events = events[: query.limit]
    return EventPage(events, Cursor.after(events[-1]) if more else None)


def stream_events(session: Session, where: EventFilter, batch: int = 500) -> Iterator[Event]:
    """Every event the filter finds, oldest first, read a batch at a time (for exports)."""
    after: Cursor | None = None
    while True:
        page = list_events(session, EventQuery(where, batch, after))
        yield from page.events
        if page.next is None:
            return
        after = page.next
        session.expunge_all()  # a long export must not hold every event it has written


def get_event(session: Session, slug: str) -> Event | None:
    """One published event by slug, with its actors and sources."""
    statement = select(Event).where(Event.slug == slug, Event.status == Status.PUBLISHED)
    return session.scalars(_with_details(statement)).first()


def get_actor(session: Session, slug: str) -> Actor | None:
    """An actor by slug, with its aliases."""
    statement = select(Actor).where(Actor.slug == slug).options(selectinload(Actor.aliases))
    return session.scalars(statement).first()


def actor_events(session: Session, actor: Actor) -> list[tuple[Event, EventActor]]:
    """An actor's published events in chronological order, each with the actor's link."""
    statement = (
        select(Event, EventActor)
        .join(EventActor, EventActor.event_id == Event.id)
        .where(EventActor.actor_id == actor.id, Event.status == Status.PUBLISHED)
        .order_by(*CHRONOLOGY)
    )
    return [(event, link) for event, link in session.execute(statement)]


def find_actor_by_name(session: Session, slug: str) -> Actor | None:
    """The actor whose slug or one of whose alias slugs is this one."""
    by_alias = select(ActorAlias.actor_id).where(ActorAlias.slug == slug).scalar_subquery()
    statement = select(Actor).where((Actor.slug == slug) | (Actor.id == by_alias))
    return session.scalars(statement.options(joinedload(Actor.aliases))).unique().first()
