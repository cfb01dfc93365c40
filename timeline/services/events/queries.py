"""Reading events: keyset pages of a filter, streams for exports, one event and its related
events, an actor's events, and the counts behind the category and actor-kind pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Integer, Row, Select, bindparam, func, literal, select
from sqlalchemy.orm import Session, joinedload, selectinload

from timeline.dates import clamped_after, clamped_before
from timeline.domain import (
    Actor,
    ActorAlias,
    ActorKind,
    Category,
    Event,
    EventActor,
    Source,
    Status,
)
from timeline.domain.events import CITATION
from timeline.services.actors.queries import shown_publicly
from timeline.services.events.filtering import EventFilter, clauses, resolved
from timeline.services.events.ordering import CHRONOLOGICAL, Cursor, Ordering

CHRONOLOGY = (Event.starts_on, Event.ends_on, Event.id)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which events to list: a filter, a page size and a starting point."""

    where: EventFilter = field(default_factory=EventFilter)
    limit: int = 50
    after: Cursor | None = None
    order: Ordering = CHRONOLOGICAL


@dataclass(frozen=True, slots=True)
class EventPage:
    events: list[Event]
    next: Cursor | None


def _with_details(statement: Select, sources: bool = True) -> Select:
    actors = selectinload(Event.links).joinedload(EventActor.actor)
    return (
        statement.options(actors, selectinload(Event.sources))
        if sources
        else statement.options(actors)
    )


def _page(session: Session, query: EventQuery, *columns) -> Select:
    """The statement for a page of `columns` (one more row than the page, to tell if another
    follows)."""
    dialect = session.get_bind().dialect.name
    where = resolved(session, query.where)
    # A list of ids is fetched by key and sorted: SQLite would otherwise walk the sort's index.
    listed = where.exact is not None and not query.order.chronological
    sorted_here = dialect == "sqlite" and (listed or _few(session, where, query.order))
    statement = (
        select(*columns)
        .where(*clauses(session, where))
        .order_by(*query.order.order_by(dialect, sorted_here))
        .limit(query.limit + 1)
    )
    if query.after is not None:
        statement = statement.where(query.order.after(query.after, dialect, sorted_here))
    return statement


# At most this many matches are fetched by the filter's index and sorted, rather than found by
# walking the sort's index: the walk reads about limit × events ÷ matches rows, so a title sort
# of a 19-day window at 100,000 events read 40,000 of them (230 ms) to list 67.
FEW = 2_000


def _few(session: Session, where: EventFilter, order: Ordering) -> bool:
    """Whether a window or categories leave so few events that SQLite should fetch them and
    sort them: counted up to FEW by the filter's own index. A chronological order is the
    window index's own, and a list of ids is fetched by key already."""
    if order.chronological or not (where.windowed or where.categories):
        return False
    if any(ids is not None for ids in (where.found, where.linked, where.exact)):
        return False
    matches = select(literal(1)).where(*clauses(session, where)).limit(FEW).subquery()
    return session.connection().scalar(select(func.count()).select_from(matches)) < FEW


def list_events(session: Session, query: EventQuery, sources: bool = True) -> EventPage:
    """Events the filter finds in the query's order (oldest first unless told), a page at a
    time, with their actors and (unless a list that shows none asks) their sources."""
    events = list(session.scalars(_with_details(_page(session, query, Event), sources)))
    more = len(events) > query.limit
    events = events[: query.limit]
    return EventPage(events, query.order.cursor(events[-1]) if more else None)


@dataclass(frozen=True, slots=True)
class RowPage:
    """A page as plain rows, for answers that only read it: the events' columns, and each
    event's actors (slug, name, kind, role) and sources (url, title, publisher, published) in
    their order, by event id."""

    events: list[Row]
    links: dict[int, list[Row]]
    sources: dict[int, list[Row]]
    next: Cursor | None


EVENT_COLUMNS = tuple(Event.__table__.c)
LINK_COLUMNS = (EventActor.event_id, Actor.slug, Actor.name, Actor.kind, EventActor.role)
SOURCE_COLUMNS = (Source.event_id, *(getattr(Source, name) for name in CITATION))


# Built once: the same statements serve every page, their ids bound as one expanding parameter.
_IDS = bindparam("ids", type_=Integer(), expanding=True)
_BY_IDS = select(*EVENT_COLUMNS).where(Event.id.in_(_IDS))
_LINKS = (
    select(*LINK_COLUMNS)
    .join(Actor, Actor.id == EventActor.actor_id)
    .where(EventActor.event_id.in_(_IDS))
    .order_by(EventActor.event_id, EventActor.position)
)
_SOURCES = (
    select(*SOURCE_COLUMNS)
    .where(Source.event_id.in_(_IDS))
    .order_by(Source.event_id, Source.position)
)


def list_event_rows(session: Session, query: EventQuery) -> RowPage:
    """`list_events` as rows: three set-based queries and no mapped objects, which cost about
    as much to build as the rest of an answer (a page of 50 makes some 300 of them). Run on
    the connection: the ORM's result handling of plain columns costs as much again."""
    events = session.connection().execute(_page(session, query, *EVENT_COLUMNS)).all()
    return _row_page(session, events, query)


def event_rows_by_ids(session: Session, ids: tuple[int, ...], query: EventQuery) -> RowPage:
    """`list_event_rows` for a page whose events are known already, in its order, with the
    one after it when another page follows (the facet index's Selection.page_ids)."""
    found = session.connection().execute(_BY_IDS, {"ids": ids}).all()
    # The status tested here: in the WHERE clause, SQLite would walk every published event.
    found = [row for row in found if row.status == Status.PUBLISHED]
    place = {ident: n for n, ident in enumerate(ids)}
    return _row_page(session, sorted(found, key=lambda row: place[row.id]), query)


def _row_page(session: Session, events: list[Row], query: EventQuery) -> RowPage:
    """The page's rows (one more than the page when another follows) with their actors and
    sources."""
    more = len(events) > query.limit
    events = events[: query.limit]
    ids = [row.id for row in events]
    links: dict[int, list[Row]] = defaultdict(list)
    sources: dict[int, list[Row]] = defaultdict(list)
    if ids:
        conn = session.connection()
        for row in conn.execute(_LINKS, {"ids": ids}).all():
            links[row.event_id].append(row)
        for row in conn.execute(_SOURCES, {"ids": ids}).all():
            sources[row.event_id].append(row)
    return RowPage(events, links, sources, query.order.cursor(events[-1]) if more else None)


def count_events(session: Session, where: EventFilter) -> int:
    """How many events the filter finds, on every page together."""
    statement = select(func.count()).select_from(Event).where(*clauses(session, where))
    return session.scalar(statement) or 0


def stream_events(
    session: Session, where: EventFilter, batch: int = 500, order: Ordering = CHRONOLOGICAL
) -> Iterator[Event]:
    """Every event the filter finds, oldest first unless told, a batch at a time (for exports)."""
    after: Cursor | None = None
    where = resolved(session, where)
    while True:
        page = list_events(session, EventQuery(where, batch, after, order))
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


NEAR_DAYS = 45  # how soon before or after an event another must start to be related by time


@dataclass(frozen=True, slots=True)
class RelatedEvent:
    """An event shown beside another, with the names of the actors the two share, if any."""

    event: Event
    shared: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return f"shares {', '.join(self.shared)}" if self.shared else f"within {NEAR_DAYS} days"


def related_events(session: Session, event: Event, limit: int = 8) -> list[RelatedEvent]:
    """Published events sharing actors with this one, most shared and then nearest in time
    first, topped up with events that start within NEAR_DAYS days of it."""
    mine = {link.actor_id: link.actor.name for link in event.links}
    related = [
        RelatedEvent(other, tuple(name for id_, name in mine.items() if id_ in theirs))
        for other, theirs in _sharing_actors(session, event, list(mine), limit)
    ]
    if len(related) < limit:
        taken = [event.id, *(r.event.id for r in related)]
        near = _near_in_time(session, event, taken, limit - len(related))
        related += [RelatedEvent(other) for other in near]
    return related


def _days_from(session: Session, day: dt.date) -> ColumnElement[float]:
    """How many days before or after `day` an event starts, to rank events by closeness."""
    if session.get_bind().dialect.name == "sqlite":  # SQLite keeps dates as ISO text
        return func.abs(func.julianday(Event.starts_on) - func.julianday(day.isoformat()))
    return func.abs(Event.starts_on - day)


def _sharing_actors(
    session: Session, event: Event, actor_ids: list[int], limit: int
) -> list[tuple[Event, set[int]]]:
    """The events with most actors in common, each with its actors' ids, in one grouped query."""
    if not actor_ids:
        return []
    statement = (
        select(Event)
        .join(EventActor, EventActor.event_id == Event.id)
        .where(EventActor.actor_id.in_(actor_ids), Event.id != event.id)
        .where(Event.status == Status.PUBLISHED)
        .group_by(Event.id)
        .order_by(func.count().desc(), _days_from(session, event.starts_on), Event.id)
        .limit(limit)
        .options(selectinload(Event.links))
    )
    found = session.scalars(statement)
    return [(other, {link.actor_id for link in other.links}) for other in found]


def _near_in_time(session: Session, event: Event, taken: list[int], limit: int) -> list[Event]:
    """Published events not yet taken that start within NEAR_DAYS days of the event's span."""
    reach = dt.timedelta(days=NEAR_DAYS)
    last = event.starts_on if event.ongoing else event.ends_on
    statement = (
        select(Event)
        .where(Event.status == Status.PUBLISHED, Event.id.not_in(taken))
        .where(
            Event.starts_on.between(
                clamped_before(event.starts_on, reach), clamped_after(last, reach)
            )
        )
        .order_by(_days_from(session, event.starts_on), Event.id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def category_counts(session: Session) -> list[Row]:
    """Every category by label: slug, label, description and `events`, its published count."""
    events = func.count(Event.id).label("events")
    published = (Event.category == Category.slug) & (Event.status == Status.PUBLISHED)
    statement = (
        select(Category.slug, Category.label, Category.description, events)
        .outerjoin(Event, published)
        .group_by(Category.slug)
        .order_by(Category.label)
    )
    return list(session.execute(statement))


@dataclass(frozen=True, slots=True)
class KindOfActors:
    """An actor kind and its actors (rows of slug, name, event_count), most active first."""

    slug: str
    label: str
    description: str | None
    actors: list[Row]


def actors_by_kind(session: Session) -> list[KindOfActors]:
    """Every actor kind by label, each with the actors the public may see and their counts of
    published events."""
    events = func.count(Event.id).label("event_count")
    published = (Event.id == EventActor.event_id) & (Event.status == Status.PUBLISHED)
    statement = (
        select(Actor.kind, Actor.slug, Actor.name, events)
        .outerjoin(EventActor, EventActor.actor_id == Actor.id)
        .outerjoin(Event, published)
        .where(shown_publicly())
        .group_by(Actor.id)
        .order_by(events.desc(), Actor.name)
    )
    actors: dict[str, list[Row]] = defaultdict(list)
    for row in session.execute(statement):
        actors[row.kind].append(row)
    kinds = session.scalars(select(ActorKind).order_by(ActorKind.label))
    return [KindOfActors(k.slug, k.label, k.description, actors[k.slug]) for k in kinds]
