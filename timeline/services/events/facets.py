"""How many events each category, actor kind and actor would leave: the counts beside the
filter form's choices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from timeline.domain import Actor, Event, EventActor, Status
from timeline.services.events.filtering import EventFilter, clauses
from timeline.services.vocabulary import Vocabulary

TOP_ACTORS = 12


@dataclass(frozen=True, slots=True)
class FacetValue:
    slug: str
    label: str
    count: int | None
    selected: bool


@dataclass(frozen=True, slots=True)
class Facets:
    total: int
    categories: list[FacetValue]
    kinds: list[FacetValue]
    actors: list[FacetValue]


class Counts(Protocol):
    """What the facets are counted from: SQL (SqlCounts) or the facet index's Selection."""

    def category_counts(self) -> dict[str, int]: ...

    def kind_counts(self) -> Mapping[str, int]: ...

    def top_actors(self, limit: int) -> list[tuple[int, int]]: ...


@dataclass(frozen=True, slots=True)
class SqlCounts:
    """The facets' counts by grouped queries over the filter's events."""

    session: Session
    where: EventFilter

    def category_counts(self) -> dict[str, int]:
        return _category_counts(self.session, self.where)

    def kind_counts(self) -> Mapping[str, int]:
        return _kind_counts(self.session, self.where)

    def top_actors(self, limit: int) -> list[tuple[int, int]]:
        if self.where == EventFilter():
            return _top_actors_overall(self.session, limit)
        return _top_actors(self.session, self.where, limit)


def facets(
    session: Session,
    where: EventFilter,
    vocabulary: Vocabulary,
    by_category: dict[str, int] | None = None,
    counts: Counts | None = None,
) -> Facets:
    """Counts for each choice. A category or kind counts as if it alone of its facet were
    chosen (so choosing another widens); an actor counts within the current matches (actors
    combine with AND, so choosing another narrows). `by_category` brings the category counts
    when the caller has them already; `counts` counts the rest (by SQL when not given)."""
    counts = counts or SqlCounts(session, where)
    if by_category is None:
        by_category = counts.category_counts()
    chosen = where.categories or tuple(by_category)
    return Facets(
        total=sum(by_category.get(slug, 0) for slug in chosen),
        categories=_values(vocabulary.categories, by_category, where.categories),
        kinds=_values(vocabulary.kinds, counts.kind_counts(), where.kinds),
        actors=_actor_counts(session, where, counts),
    )


def _values(labels: dict[str, str], counts: Mapping[str, int], chosen) -> list[FacetValue]:
    return [
        FacetValue(slug, label, counts.get(slug, 0), slug in chosen)
        for slug, label in labels.items()
        if counts.get(slug) or slug in chosen
    ]


def _category_counts(session: Session, where: EventFilter) -> dict[str, int]:
    statement = (
        select(Event.category, func.count())
        .where(*clauses(session, where.without("categories")))
        .group_by(Event.category)
    )
    return {key: count for key, count in session.execute(statement)}


def _kind_counts(session: Session, where: EventFilter) -> dict[str, int]:
    # Grouped by the event's set of kinds (few distinct sets, read from the window index),
    # then split: each event counts once for every kind among its actors.
    statement = (
        select(Event.actor_kinds, func.count())
        .where(*clauses(session, where.without("kinds")))
        .group_by(Event.actor_kinds)
    )
    counts: Counter[str] = Counter()
    for kinds, count in session.execute(statement):
        for kind in kinds.split():
            counts[kind] += count
    return counts


def _actor_counts(session: Session, where: EventFilter, counts: Counts) -> list[FacetValue]:
    counted = counts.top_actors(TOP_ACTORS + len(where.actors))
    chosen = {actor.slug for actor in where.actors}
    rows = [FacetValue(slug, name, n, slug in chosen) for slug, name, n in _named(session, counted)]
    return sorted(rows, key=lambda v: not v.selected)


def _top_actors(session: Session, where: EventFilter, limit: int) -> list[tuple[int, int]]:
    # Counted on the link table, then joined to the few actors shown: naming every linked
    # actor first would cost a lookup per link.
    count = func.count().label("n")
    statement = (
        select(EventActor.actor_id, count)
        .join(Event, Event.id == EventActor.event_id)
        .where(*clauses(session, where))
        .group_by(EventActor.actor_id)
        .order_by(count.desc(), EventActor.actor_id)
        .limit(limit)
    )
    return [(actor_id, n) for actor_id, n in session.execute(statement)]


def _top_actors_overall(session: Session, limit: int) -> list[tuple[int, int]]:
    """The unfiltered view counts every link: read the links' actor index alone and take off
    the links of unpublished events (few), rather than join every link to its event."""
    links = select(EventActor.actor_id, func.count()).group_by(EventActor.actor_id)
    others = [status for status in Status if status is not Status.PUBLISHED]
    unpublished = links.join(Event, Event.id == EventActor.event_id).where(Event.status.in_(others))
    counts = Counter({actor_id: n for actor_id, n in session.execute(links)})
    counts.subtract({actor_id: n for actor_id, n in session.execute(unpublished)})
    top = sorted(((n, -a) for a, n in counts.items() if n > 0), reverse=True)[:limit]
    return [(-negated, n) for n, negated in top]


def _named(session: Session, counted: list[tuple[int, int]]) -> list[tuple[str, str, int]]:
    """Slug, name and count for each counted actor, most events first, then by name."""
    names = dict(
        (row.id, (row.slug, row.name))
        for row in session.execute(
            select(Actor.id, Actor.slug, Actor.name).where(Actor.id.in_([a for a, _ in counted]))
        )
    )
    rows = [(*names[actor_id], n) for actor_id, n in counted if actor_id in names]
    return sorted(rows, key=lambda row: (-row[2], row[1]))
