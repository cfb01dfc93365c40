"""Reading actors: the public's (the API's keyset pages by slug, one actor by its slug or an
alias's), and the editors' searchable list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from timeline.domain import Actor, ActorAlias, Event, EventActor, Status


def shown_publicly() -> ColumnElement[bool]:
    """Whether the public may see an actor: a published event names it, or no event names it
    yet. One that only drafts name stays private until one of them is published, so an
    unreviewed draft never puts a name on the site."""
    # Aliases of their own, so a query that already joins links and events (the kinds page
    # counting them) does not have its joins mistaken for these.
    link, event = aliased(EventActor), aliased(Event)
    links = select(link.event_id).where(link.actor_id == Actor.id).correlate(Actor)
    # Each event's status read by its key, rather than a join: given a join, SQLite walks
    # every published event and looks for the link, instead of the actor's few links.
    status = select(event.status).where(event.id == link.event_id).scalar_subquery()
    return links.where(status == Status.PUBLISHED).exists() | ~links.exists()


def public_actor(session: Session, slug: str) -> Actor | None:
    """An actor the public may see, by its slug, with its aliases."""
    statement = select(Actor).where(Actor.slug == slug, shown_publicly())
    return session.scalars(statement.options(selectinload(Actor.aliases))).first()


def public_actor_by_name(session: Session, slug: str) -> Actor | None:
    """An actor the public may see whose slug, or one of whose alias slugs, is this one."""
    # The slug first, then the aliases: asked as one OR, SQLite tests every actor against
    # both (8 ms at 2,000 actors, against a lookup by index).
    by_alias = select(ActorAlias.actor_id).where(ActorAlias.slug == slug).scalar_subquery()
    for named in (Actor.slug == slug, Actor.id == by_alias):
        statement = select(Actor).where(named, shown_publicly())
        found = session.scalars(statement.options(joinedload(Actor.aliases))).unique().first()
        if found is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class ActorPage:
    rows: list[tuple[Actor, int]]  # each actor with its number of published events
    next: str | None  # the slug to continue after


def actor_page(
    session: Session, q: str, kinds: tuple[str, ...], after: str | None, limit: int
) -> ActorPage:
    """Actors the public may see, by slug; `q` matches a name or alias anywhere, any case."""
    events = (
        select(func.count())
        .select_from(EventActor)
        .join(Event, Event.id == EventActor.event_id)
        .where(EventActor.actor_id == Actor.id, Event.status == Status.PUBLISHED)
        .scalar_subquery()
    )
    statement = select(Actor, events).where(shown_publicly()).order_by(Actor.slug)
    statement = statement.limit(limit + 1)
    if q:
        aliased = select(ActorAlias.actor_id).where(ActorAlias.name.icontains(q, autoescape=True))
        statement = statement.where(
            or_(Actor.name.icontains(q, autoescape=True), Actor.id.in_(aliased))
        )
    if kinds:
        statement = statement.where(Actor.kind.in_(kinds))
    if after:
        statement = statement.where(Actor.slug > after)
    rows = [
        (actor, count)
        for actor, count in session.execute(statement.options(selectinload(Actor.aliases)))
    ]
    more = len(rows) > limit
    rows = rows[:limit]
    return ActorPage(rows, rows[-1][0].slug if more else None)


LIST_LIMIT = 200


@dataclass(frozen=True, slots=True)
class ActorList:
    """Up to LIST_LIMIT rows of (actor, its number of events), and how many matched."""

    rows: list[tuple[Actor, int]]
    total: int


def actor_list(session: Session, q: str = "", kind: str | None = None) -> ActorList:
    """Actors whose name, slug or an alias contains `q` (any case), of one kind if given."""
    where = _matching(q, kind)
    total = session.scalar(select(func.count()).select_from(Actor).where(*where)) or 0
    events = func.count(EventActor.event_id)
    statement = (
        select(Actor, events)
        .outerjoin(EventActor, EventActor.actor_id == Actor.id)
        .where(*where)
        .group_by(Actor.id)
        .order_by(Actor.name, Actor.id)
        .limit(LIST_LIMIT)
        .options(selectinload(Actor.aliases))
    )
    return ActorList([(actor, count) for actor, count in session.execute(statement)], total)


def _matching(q: str, kind: str | None) -> list[ColumnElement[bool]]:
    where = [Actor.kind == kind] if kind else []
    if q.strip():
        text = q.strip()
        by_alias = select(ActorAlias.actor_id).where(
            ActorAlias.name.icontains(text, autoescape=True)
        )
        where.append(
            Actor.name.icontains(text, autoescape=True)
            | Actor.slug.icontains(text, autoescape=True)
            | Actor.id.in_(by_alias)
        )
    return where
