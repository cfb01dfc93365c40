"""Reading actors for the API: a keyset page of actors by slug, filtered by kind or name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from timeline.domain import Actor, ActorAlias, Event, EventActor, Status


@dataclass(frozen=True, slots=True)
class ActorPage:
    rows: list[tuple[Actor, int]]  # each actor with its number of published events
    next: str | None  # the slug to continue after


def list_actors(
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
