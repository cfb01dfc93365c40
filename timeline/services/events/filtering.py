"""Which events a view shows: one filter for the timeline page, the JSON and the CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

from sqlalchemy import ColumnElement, Integer, and_, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import Session

from timeline.domain import Actor, Event, EventActor, Status
from timeline.domain.events import LONG_SPAN_DAYS
from timeline.services.events.search import SearchQuery, matches, matching_ids

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
    linked: tuple[int, ...] | None = None  # the events all the actors share (see resolved)
    # The earliest start of any event that may overlap the window (see resolved): the
    # window's lower bound on the start, which the window index can range over.
    reach: dt.date | None = None
    looked_up: bool = False  # resolved already: a list too long to use stays unread
    # Every event the filter finds, when counted already (the facet index) and few: the
    # queries then fetch these alone instead of testing each event of a window or a word.
    exact: tuple[int, ...] | None = None

    def without(self, name: str) -> EventFilter:
        """The same filter with one facet cleared, to count that facet's other values."""
        default = next(f.default for f in fields(self) if f.name == name)
        cleared = {"actors": {"linked": None, "looked_up": False},
                   "search": {"found": None, "looked_up": False}}.get(name, {})  # fmt: skip
        return replace(self, **{name: default}, **cleared, exact=None)

    @property
    def windowed(self) -> bool:
        return self.first != dt.date.min or self.last != dt.date.max


def clauses(session: Session, where: EventFilter) -> list[ColumnElement[bool]]:
    """The WHERE clauses for a filter, on the events table."""
    found: list[ColumnElement[bool]] = [_status(session, where)]
    if where.exact is not None:
        return [*found, among(where.exact)]
    if where.windowed:
        found.append(_overlaps(where, session.get_bind().dialect.name))
    if where.categories:
        found.append(Event.category.in_(where.categories))
    if where.linked is not None:
        found.append(among(where.linked))
    else:
        found += [
            Event.id.in_(select(EventActor.event_id).where(EventActor.actor_id == actor.id))
            for actor in where.actors
        ]
    if where.kinds:
        found.append(
            or_(*(Event.actor_kinds.contains(f" {k} ", autoescape=True) for k in where.kinds))
        )
    if where.found is not None:
        found.append(among(where.found))
    elif where.search is not None:
        found.append(matches(session.get_bind().dialect.name, where.search))
    return found


def among(ids: tuple[int, ...], column: ColumnElement[int] = Event.id) -> ColumnElement[bool]:
    """`column IN (ids)` with the list bound as one parameter: `in_` given the list itself
    checks each of thousands of ids as a SQL element first (a fifth of a search's request)."""
    return column.in_(bindparam(None, list(ids), type_=Integer(), expanding=True))


def _status(session: Session, where: EventFilter) -> ColumnElement[bool]:
    """The status test. Given a list of ids, SQLite should fetch those events and sort them;
    while an index on status is usable it walks the whole chronology instead, testing each
    event against the list (94 ms against 2 ms for 80 ids at a million events). A unary plus
    makes the column an expression no index serves; other databases plan this well as is."""
    narrowed = where.found is not None or where.linked is not None or where.exact is not None
    if narrowed and session.get_bind().dialect.name == "sqlite":
        return literal_column("+events.status") == str(where.status)
    return Event.status == where.status


def resolved(session: Session, where: EventFilter, most: int = 5_000) -> EventFilter:
    """The filter with its full-text search and its actors looked up once, as lists of ids.

    A view that asks several questions of a filter (counts, extent, drawing, list) then reads
    a list instead of searching again. And a short list turns the query around: the database
    fetches those few events and sorts them, where it would otherwise walk the whole
    chronology testing each event against the search or the actor. A search matching more
    than `most` events, or actors who share more, are left to run inside each query.
    """
    if where.looked_up or where.exact is not None:
        return where
    found, linked = _search_ids(session, where, most), _shared(session, where, most)
    if found is not None and linked is not None:
        # Both lists bound into every query would send thousands of ids for a few events.
        found = linked = tuple(sorted(set(found).intersection(linked)))
    reach = _reach(session, where)
    return replace(where, found=found, linked=linked, reach=reach, looked_up=True)


def _reach(session: Session, where: EventFilter) -> dt.date | None:
    """How far before the window an overlapping event can start: LONG_SPAN_DAYS for a short
    one, and for the few long and ongoing ones, as far back as the earliest of them that
    overlaps (read from their own index). As a plain bound on the start it lets a query range
    over the window index from there, where "short ones from here, or any long one" made it
    walk the timeline from its beginning (a nine-day window in 2020: 14 ms to 1 ms)."""
    if not where.windowed:
        return None
    # Left to itself, SQLite's planner takes the window index by status, the very walk this
    # avoids (11 ms at 100,000 events against 0.2 ms): the status as an expression leaves it
    # the long spans' index alone.
    sqlite = session.get_bind().dialect.name == "sqlite"
    status = literal_column("+events.status") if sqlite else Event.status
    statement = select(func.min(Event.starts_on)).where(
        status == str(where.status), Event.long_span,
        Event.ends_on >= where.first, Event.starts_on <= where.last,
    )  # fmt: skip
    earliest = session.scalar(statement)
    short = _earliest_short_start(where.first)
    return min(short, earliest) if earliest is not None else short


def _earliest_short_start(first: dt.date) -> dt.date:
    return max(first, dt.date.min + SHORT) - SHORT


def _search_ids(session: Session, where: EventFilter, most: int) -> tuple[int, ...] | None:
    if where.search is None or where.found is not None:
        return where.found
    dialect = session.get_bind().dialect.name
    # Through the connection: thousands of ids are plain integers, which the ORM's result
    # handling would take one row at a time.
    found = session.connection().execute(matching_ids(dialect, where.search, most + 1))
    found = tuple(found.scalars().all())  # fetched at once, not a row at a time
    return None if len(found) > most else found


def _shared(session: Session, where: EventFilter, most: int) -> tuple[int, ...] | None:
    """The events every actor takes part in, if the first few of them have at most `most`."""
    if not where.actors or where.linked is not None:
        return where.linked
    shared: set[int] | None = None
    for actor in where.actors:
        statement = select(EventActor.event_id).where(EventActor.actor_id == actor.id)
        ids = set(session.connection().execute(statement.limit(most + 1)).scalars().all())
        if len(ids) > most:
            return None
        shared = ids if shared is None else shared & ids
    return tuple(sorted(shared or ()))


def _overlaps(where: EventFilter, dialect: str) -> ColumnElement[bool]:
    """Events that may cover a day in the window.

    A short event (LONG_SPAN_DAYS at most) that overlaps the window starts at most that many
    days before it: the bound lets the window index skip everything older but the few long
    and ongoing events.

    On SQLite the end is tested as an expression no index serves (a unary plus): without
    statistics its planner reads `ends_on >= first` as selective and walks the index on the
    end from there, which for a window early in the data is nearly every event (146 ms for a
    six-day window in 2015 at 100,000 events), where the window index from the start takes
    3 ms. Late windows lose nothing: the window index holds the end, so no row is read.
    """
    first, last = where.first, where.last
    ends_on = literal_column("+events.ends_on") if dialect == "sqlite" else Event.ends_on
    if where.reach is not None:
        lower: ColumnElement[bool] = Event.starts_on >= where.reach
    else:  # not resolved: the same events, by the short ones' bound or the long-span flag
        lower = or_(Event.starts_on >= _earliest_short_start(first), Event.long_span)
    return and_(Event.starts_on <= last, ends_on >= first, lower)
