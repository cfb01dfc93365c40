"""Writing checked records into the database: match, create or update, and say what changed.

Events are matched by slug, then by title and start date; actors by the slug of their name or
of any alias. A field the record leaves out (a role, a source's publisher) keeps its stored
value, so loading a plainer file over richer data loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeline.domain import Actor, ActorAlias, Event, EventActor, Role, Source
from timeline.domain.events import Status
from timeline.services.actors.edits import KEPT_ON_WRITE
from timeline.services.actors.schema import ACTOR_WIRE, ActorRecord
from timeline.services.events.schema import LISTS, WIRE_NAMES, ActorLink, EventRecord
from timeline.services.fields import event_slug, name_slug
from timeline.services.imports.checks import Bundle
from timeline.services.imports.documents import ImportRejected, Problem
from timeline.services.imports.known import Known
from timeline.services.imports.rows import NewEvent, NewLink, NewSource, write

Progress = Callable[[int], None]
# The contract's fields an event takes as they come; the slug is matched on, the dates are
# stored as a span, and actors and sources are rows of their own.
WRITTEN_AS_IS = tuple(
    name for name in WIRE_NAMES if name not in {"slug", "start", "end", "ongoing", *LISTS}
)


@dataclass
class Report:
    """What an import created, changed and left alone."""

    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    actors_created: list[str] = field(default_factory=list)
    actors_updated: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.actors_created or self.actors_updated)

    def summary(self) -> str:
        return (
            f"events: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged; actors: {len(self.actors_created)} created, "
            f"{len(self.actors_updated)} updated"
        )


def free_slug(session: Session, title: str) -> str:
    """A slug made from the title that no event holds yet."""
    base = event_slug(title) or "event"
    candidate, n = base, 1
    while session.scalars(select(Event.id).where(Event.slug == candidate)).first():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _assign(target: object, values: dict[str, object], changes: list[str]) -> None:
    """Set only the fields that differ, so an unchanged row is not rewritten."""
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changes.append(name)


class Importer:
    """Applies one checked bundle inside the caller's transaction. With `bulk`, the events it
    creates are written as rows after all records are applied (see rows.py), not as mapped
    objects: for files, where new events are most of the work; a form's one event stays an
    `Event` in the session, as the code after it expects."""

    def __init__(self, session: Session, status: Status = Status.PUBLISHED, bulk: bool = False):
        self.session, self.status, self.bulk = session, status, bulk
        self.new_events: list[NewEvent] = []
        self.report = Report()
        self.problems: list[Problem] = []
        self.known = Known(session)
        self.events: dict[str, Event | NewEvent] = {}  # every event the records named, by slug

    def run(self, *bundles: Bundle, progress: Progress | None = None) -> Report:
        """Apply every record that passed its checks; raise ImportRejected with the problems
        of the checks and of the writing, every file's (the caller rolls back)."""
        self.known = Known.load(self.session, list(bundles))
        # Every lookup is answered from `known`: nothing needs flushing until all is applied,
        # when the unit of work writes each table in a few batched statements.
        with self.session.no_autoflush:
            for bundle in bundles:
                self._apply(bundle, progress)
        if self.problems:
            raise ImportRejected(self.problems)
        self.session.flush()
        write(self.session, self.new_events)
        return self.report

    def changed_events(self) -> list[Event | NewEvent]:
        """The events created or updated, in the order they were first written."""
        slugs = dict.fromkeys([*self.report.created, *self.report.updated])
        return sorted((self.events[slug] for slug in slugs), key=lambda event: event.id)

    def _apply(self, bundle: Bundle, progress: Progress | None) -> None:
        self.report.warnings.extend(bundle.warnings)
        self.problems.extend(bundle.problems)
        for record in bundle.actors:
            self._apply_actor(bundle.file, record)
            progress and progress(1)
        for record in bundle.events:
            self._apply_event(bundle.file, record)
            progress and progress(1)

    def _apply_actor(self, file: str, record: ActorRecord) -> None:
        actor = self.known.actors.get(record.slug)
        actor = actor or self.known.actor_named(name_slug(record.name))
        changes: list[str] = []
        if actor is None:
            actor = Actor(slug=record.slug)
            self.session.add(actor)
            self.known.add_actor(actor)
            self.report.actors_created.append(record.slug)
        values = {name: getattr(record, name) for name in ACTOR_WIRE if name not in KEPT_ON_WRITE}
        _assign(actor, {k: v for k, v in values.items() if v is not None}, changes)
        for alias in record.aliases:
            self._add_alias(file, record, actor, alias, changes)
        if changes and actor.slug not in self.report.actors_created:
            self.report.actors_updated[actor.slug] = changes

    def _add_alias(
        self, file: str, record: ActorRecord, actor: Actor, alias: str, changes: list[str]
    ) -> None:
        slug = name_slug(alias)
        owner = self.known.actor_named(slug)
        if owner is not None and owner is not actor:
            message = f"{alias!r} already names the actor {owner.slug!r}"
            self.problems.append(Problem(file, record.index, record.name, "aliases", message))
        elif owner is None and slug != actor.slug:
            actor.aliases.append(ActorAlias(name=alias, slug=slug))
            self.known.aliases[slug] = actor  # later records of this import must see it
            changes.append("aliases")

    def _apply_event(self, file: str, record: EventRecord) -> None:
        event = self.known.event_for(record)
        created, changes = event is None, []
        if event is None:
            event = self._new_event(self._free_slug(record))
            self.known.taken.add(event.slug)
        before = (event.start, event.end, event.ongoing)
        event.set_span(record.span)
        if (event.start, event.end, event.ongoing) != before:
            changes.append("dates")
        _assign(event, {name: getattr(record, name) for name in WRITTEN_AS_IS}, changes)
        self._sync_links(file, record, event, changes)
        self._sync_sources(record, event, changes)
        self._report_event(event, created, changes)
        self.known.add_event(event)

    def _new_event(self, slug: str) -> Event | NewEvent:
        if self.bulk:
            self.new_events.append(NewEvent(slug=slug, status=self.status))
            return self.new_events[-1]
        event = Event(slug=slug, status=self.status, links=[], sources=[])
        self.session.add(event)
        return event

    def _report_event(self, event: Event | NewEvent, created: bool, changes: list[str]) -> None:
        self.events[event.slug] = event
        if created:
            self.report.created.append(event.slug)
        elif changes:
            self.report.updated[event.slug] = changes
        else:
            self.report.unchanged.append(event.slug)

    def _free_slug(self, record: EventRecord) -> str:
        """The record's slug, or one made from its title that no other event holds."""
        return record.slug or self.known.free_slug(record.title)

    def _sync_links(
        self, file: str, record: EventRecord, event: Event | NewEvent, changes: list[str]
    ) -> None:
        before = [(link.actor_id, link.role, link.position) for link in event.links]
        # By the actor itself: an actor this import creates has no id until the flush, and two
        # such would share the key None.
        existing = {link.actor: link for link in event.links}
        wanted: list[EventActor] = []
        for position, item in enumerate(record.actors):
            actor = self._resolve_actor(file, record, item)
            if actor is None:
                continue
            if any(link.actor is actor for link in wanted):
                message = f"{item.name!r} names an actor listed before it ({actor.slug!r})"
                self.problems.append(Problem(file, record.index, record.title, "actors", message))
                continue
            link = existing.get(actor)
            if link is None and isinstance(event, NewEvent):
                link = NewLink(actor)
            elif link is None:
                # SQLAlchemy 2 does not cascade along backrefs: add the new link explicitly.
                link = EventActor(event=event, actor=actor)
                self.session.add(link)
            role = item.role or link.role or Role.PARTICIPANT
            _assign(link, {"role": role, "position": position}, [])
            wanted.append(link)
        event.links = wanted
        if [(link.actor.id, link.role, link.position) for link in wanted] != before:
            changes.append("actors")

    def _resolve_actor(self, file: str, record: EventRecord, item: ActorLink) -> Actor | None:
        actor = self.known.actor_named(item.slug or name_slug(item.name))
        if actor is not None:
            return actor
        if item.kind is None:
            message = f"{item.name!r} is a new actor: give its 'kind'"
            self.problems.append(Problem(file, record.index, record.title, "actors", message))
            return None
        actor = Actor(slug=item.slug or name_slug(item.name), name=item.name, kind=item.kind)
        self.session.add(actor)
        self.known.add_actor(actor)
        self.report.actors_created.append(actor.slug)
        return actor

    def _sync_sources(
        self, record: EventRecord, event: Event | NewEvent, changes: list[str]
    ) -> None:
        existing = {source.url: source for source in event.sources}
        new = NewSource if isinstance(event, NewEvent) else Source
        before = [(s.url, s.title, s.publisher, s.published, s.position) for s in event.sources]
        wanted = []
        for position, item in enumerate(record.sources):
            source = existing.get(item.url) or new(url=item.url)
            given = {"title": item.title, "publisher": item.publisher, "published": item.published}
            _assign(source, {k: v for k, v in given.items() if v is not None}, [])
            source.position = position
            wanted.append(source)
        event.sources = wanted
        if [(s.url, s.title, s.publisher, s.published, s.position) for s in wanted] != before:
            changes.append("sources")
