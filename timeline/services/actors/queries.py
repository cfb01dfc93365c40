"""Reading actors: the API's keyset pages by slug, and the editors' searchable list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from timeline.domain import Actor, ActorAlias, Event, EventActor, Status


@dataclass(frozen=True, slots=True)
class ActorPage:
    rows: list[tuple[Actor, int]]  # each actor with its number of published events
    next: str | None  # the slug to continue after


def actor_page(
    session: Session, q: str, kinds: tuple[str, ...], after: str | None, limit: int
) -> ActorPage:
    """Actors by slug; `q` matches a name or alias anywhere, any case."""
    events = (
        select(func.count())
        .select_from(EventActor)
        .join(Event, Event.id == EventActor.event_id)
        .where(EventActor.actor_id == Actor.id, Event.status == Status.PUBLISHED)
        .scalar_subquery()
    )
    statement = select(Actor, events).order_by(Actor.slug).limit(limit + 1)
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
