"""What an import matches its records against, loaded in a few queries before any is applied:
the actors its records name (by slug or alias), the events they may update (by slug, or by
title and start) and the slugs new events could clash with.

The importer then works from these maps with autoflush off, keeping them current as it creates
actors, aliases and events, so a file of any size costs a handful of queries and one flush
instead of several of each per record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from timeline.domain import Actor, ActorAlias, Event
from timeline.services.events.schema import EventRecord
from timeline.services.fields import event_slug, name_slug
from timeline.services.imports.checks import Bundle
from timeline.services.imports.rows import NewEvent

_IN_CHUNK = 500  # values per IN (...), well under every driver's parameter limit
TitleKey = tuple[str, str]  # a title in lower case, and the start as text


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), _IN_CHUNK):
        yield ordered[start : start + _IN_CHUNK]


def actor_names(bundles: Iterable[Bundle]) -> set[str]:
    """Every slug an actor of these files may be known by."""
    names: set[str] = set()
    for bundle in bundles:
        for actor in bundle.actors:
            names |= {actor.slug, name_slug(actor.name), *map(name_slug, actor.aliases)}
        for record in bundle.events:
            names |= {item.slug or name_slug(item.name) for item in record.actors}
    return names


class Known:
    """The rows an import reads, by the keys it looks them up with."""

    def __init__(self, session: Session):
        self.session = session
        self.actors: dict[str, Actor] = {}  # by the actor's own slug
        self.aliases: dict[str, Actor] = {}  # by an alias's slug
        self.by_slug: dict[str, Event | NewEvent] = {}
        self.by_title: dict[TitleKey, Event | NewEvent] = {}
        self.taken: set[str] = set()  # event slugs held, in the database or by this import
        self._looked_up: set[str] = set()  # slugs whose being taken or not is in `taken`
        self._bases: dict[str, str] = {}  # by title

    @classmethod
    def load(cls, session: Session, bundles: list[Bundle]) -> Known:
        known = cls(session)
        known._load_actors(actor_names(bundles))
        records = [record for bundle in bundles for record in bundle.events]
        known._load_events([r.slug for r in records if r.slug], [r for r in records if not r.slug])
        known._load_taken_slugs([known.base_slug(r.title) for r in records if not r.slug])
        return known

    def _load_actors(self, slugs: set[str]) -> None:
        for chunk in _chunks(slugs):
            owners = select(ActorAlias.actor_id).where(ActorAlias.slug.in_(chunk))
            found = select(Actor).where(Actor.slug.in_(chunk) | Actor.id.in_(owners))
            for actor in self.session.scalars(found.options(selectinload(Actor.aliases))):
                self.add_actor(actor)

    def _load_events(self, slugs: list[str], untitled: list[EventRecord]) -> None:
        details = (selectinload(Event.links), selectinload(Event.sources))
        for chunk in _chunks(slugs):
            for event in self.session.scalars(
                select(Event).where(Event.slug.in_(chunk)).options(*details)
            ):
                self.by_slug[event.slug] = event
                self.taken.add(event.slug)
        lowered = func.lower(Event.title)  # as the database lowers it, which is what matched
        for chunk in _chunks(r.title.lower() for r in untitled):
            statement = select(lowered, Event).where(lowered.in_(chunk)).order_by(Event.id)
            for title, event in self.session.execute(statement.options(*details)):
                self.by_title.setdefault((title, event.start), event)

    def _load_taken_slugs(self, bases: list[str]) -> None:
        """The slugs new events could take, and which of them are held: each title's own, and
        for a title that is held or that several records share, as many numbered ones as it
        could need (`base-2`, `base-3`...), so `free_slug` rarely has to ask the database."""
        self._load_taken(bases)
        counts = Counter(bases)
        self._load_taken(
            f"{base}-{n}"
            for base, count in counts.items()
            if count > 1 or base in self.taken
            for n in range(2, count + 2)
        )

    def _load_taken(self, bases: Iterable[str]) -> None:
        for chunk in _chunks(bases):
            self.taken.update(self.session.scalars(select(Event.slug).where(Event.slug.in_(chunk))))
            self._looked_up.update(chunk)

    def add_actor(self, actor: Actor) -> None:
        self.actors[actor.slug] = actor
        for alias in actor.aliases:
            self.aliases[alias.slug] = actor

    def actor_named(self, slug: str) -> Actor | None:
        """The actor whose slug, or one of whose aliases' slugs, this is."""
        return self.actors.get(slug) or self.aliases.get(slug)

    def event_for(self, record: EventRecord) -> Event | NewEvent | None:
        """The event a record updates: by its slug, else by its title and start."""
        if record.slug:
            return self.by_slug.get(record.slug)
        start = str(record.span.start)
        event = self.by_title.get((record.title.lower(), start))
        # An earlier record of this import may have changed that event's title or start.
        if event is not None and event.start == start:
            return event
        return None

    def add_event(self, event: Event | NewEvent) -> None:
        """A new or changed event, for the records after it to match."""
        self.by_slug[event.slug] = event
        self.by_title.setdefault((event.title.lower(), event.start), event)
        self.taken.add(event.slug)

    def base_slug(self, title: str) -> str:
        """The slug a title gives, made once per title (slugify is slow enough to show)."""
        if title not in self._bases:
            self._bases[title] = event_slug(title) or "event"
        return self._bases[title]

    def free_slug(self, title: str) -> str:
        """A slug made from the title that no event holds, in the database or in this import."""
        base = self.base_slug(title)
        candidate, n = base, 1
        while self._is_taken(candidate):
            n += 1
            candidate = f"{base}-{n}"
        self.taken.add(candidate)
        return candidate

    def _is_taken(self, slug: str) -> bool:
        if slug not in self.taken and slug not in self._looked_up:
            held = select(Event.id).where(Event.slug == slug)
            if self.session.scalars(held).first() is not None:
                self.taken.add(slug)
            self._looked_up.add(slug)
        return slug in self.taken
