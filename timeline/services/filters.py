"""Which events a view shows: one filter for the timeline page, the JSON and the CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from timeline.domain import Actor, Event, EventActor, Status
from timeline.domain.events import LONG_SPAN_DAYS
from timeline.services.search import SearchQuery, matches

SHORT = dt.timedelta(days=LONG_SPAN_DAYS)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """A day window and the facets a reader narrowed to.

    Categories and kinds accept any of their values (an event has one category; it matches a
    kind when any of its actors is of that kind); actors must all take part, so naming two
    finds what they did together.
    """

    first: dt.date = dt.date.min
    last: dt.date = dt.date.max
    categories: tuple[str, ...] = ()
    actors: tuple[Actor, ...] = ()
    kinds: tuple[str, ...] = ()
    search: SearchQuery | None = None
    status: Status = Status.PUBLISHED
    found: tuple[int, ...] | None = None  # the search's matches, once run (see resolved)

    def without(self, name: str) -> EventFilter:
        """The same filter with one facet cleared, to count that facet's other values."""
        default = next(f.default for f in fields(self) if f.name == name)
        return replace(self, **{name: default})

    @property
    def windowed(self) -> bool:
        return self.first != dt.date.min or self.last != dt.date.max


def clauses(session: Session, where: EventFilter) -> list[ColumnElement[bool]]:
    """The WHERE clauses for a filter, on the events table."""
    found: list[ColumnElement[bool]] = [Event.status == where.status]
    if where.windowed:
        found.append(_overlaps(where))
    if where.categories:
        found.append(Event.category.in_(where.categories))
    for actor in where.actors:
        found.append(
            Event.id.in_(select(EventActor.event_id).where(EventActor.actor_id == actor.id))
        )
    if where.kinds:
        found.append(
            or_(*(Event.actor_kinds.contains(f" {k} ", autoescape=True) for k in where.kinds))
        )
    if where.found is not None:
        found.append(Event.id.in_(where.found))
    elif where.search is not None:
        found.append(matches(session.get_bind().dialect.name, where.search))
    return found


def resolved(session: Session, where: EventFilter, most: int = 5_000) -> EventFilter:
    """The filter with its full-text search run once, for a view that asks several questions
    of it (counts, extent, drawing, list): each then reads a list of ids instead of searching
    again. A search matching more than `most` events is left to run inside each query."""
    if where.search is None or where.found is not None:
        return where
    dialect = session.get_bind().dialect.name
    ids = list(
        session.scalars(select(Event.id).where(matches(dialect, where.search)).limit(most + 1))
    )
    return where if len(ids) > most else replace(where, found=tuple(ids))


def _overlaps(where: EventFilter) -> ColumnElement[bool]:
    """Events that may cover a day in the window.

    A short event (LONG_SPAN_DAYS at most) that overlaps the window starts at most that many
    days before it: the bound lets the window index skip everything older but the few long
    and ongoing events.
    """
    first, last = where.first, where.last
    earliest_short_start = max(first, dt.date.min + SHORT) - SHORT
    return and_(
        Event.starts_on <= last,
        Event.ends_on >= first,
        or_(Event.starts_on >= earliest_short_start, Event.long_span),
    )
