"""Writing events from the editors' form and the API: through the importer (one write path for
files and forms), with a revision for every change. A draft stays a draft unless an admin
publishes; a published event stays online as it stands while a change of it waits for review
as a pending revision, unless an admin publishes the change at once."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from timeline.dates import clamped_after, clamped_before
from timeline.domain import (
    Actor,
    ActorAlias,
    Event,
    EventActor,
    Revision,
    Source,
    Status,
    Subject,
    User,
)
from timeline.services import revisions
from timeline.services.events.schema import EventRecord, from_plain
from timeline.services.fields import name_slug
from timeline.services.imports.checks import Bundle
from timeline.services.imports.documents import ImportRejected, Problem
from timeline.services.imports.writer import WRITTEN_AS_IS, Importer, free_slug

FORM = "the form"
NEARBY = dt.timedelta(days=30)
SIMILAR = 0.8  # how alike two titles must be (difflib ratio) to warn of a likely duplicate


class SlugTaken(ValueError):
    """Another event holds the address asked for."""


class EditRejected(Exception):
    """The form's values cannot be saved; each problem names its field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def get_any_event(session: Session, slug: str) -> Event | None:
    """An event by slug, draft or published, with its actors and sources."""
    statement = (
        select(Event)
        .where(Event.slug == slug)
        .options(
            selectinload(Event.links).joinedload(EventActor.actor), selectinload(Event.sources)
        )
    )
    return session.scalars(statement).first()


def new_slug(session: Session, typed: str | None, title: str) -> str:
    """The address a new event gets: the one typed, or one made from its title that no event
    holds; raises SlugTaken, naming the event, when another holds the one typed."""
    if not typed:
        return free_slug(session, title)
    holder = get_any_event(session, typed)
    if holder is not None:
        raise SlugTaken(f"The address /events/{typed} is taken by “{holder.title}”.")
    return typed


def actor_names(session: Session, limit: int = 5000) -> list[str]:
    """Actor names and aliases for the form's pick list (a datalist: no JavaScript needed)."""
    names = select(Actor.name).union(select(ActorAlias.name))
    return list(session.scalars(select(names.subquery().c.name).order_by("name").limit(limit)))


def likely_duplicates(session: Session, record: EventRecord, own_id: int | None) -> list[str]:
    """Warnings for an event that may already be here: a source URL another event cites, or
    a similar title starting within NEARBY of this one."""
    others = Event.id != own_id if own_id else True
    warnings = []
    urls = [s.url for s in record.sources]
    if urls:
        cited = select(Event.title, Source.url).join(Source.event).where(Source.url.in_(urls))
        for title, url in session.execute(cited.where(others)):
            warnings.append(f"{url} is already a source of “{title}”.")
    start = record.span.earliest
    nearby = select(Event.title, Event.start).where(
        others, Event.starts_on.between(clamped_before(start, NEARBY), clamped_after(start, NEARBY))
    )
    similar = _similar_to(record.title.lower())
    for title, when in session.execute(nearby):
        if similar(title.lower()):
            warnings.append(f"“{title}” ({when}) has a similar title and a nearby date.")
    return warnings


def _similar_to(title: str) -> Callable[[str], bool]:
    """A test of difflib's ratio against `title` at least SIMILAR. A write compares its
    title with every event starting near it, hundreds on a busy month: the matcher indexes
    `title` (its second sequence) once for all of them, and its cheap upper bounds rule out
    most titles before the full ratio."""
    matcher = difflib.SequenceMatcher(None, "", title)

    def similar(other: str) -> bool:
        matcher.set_seq1(other)
        return (
            matcher.real_quick_ratio() >= SIMILAR
            and matcher.quick_ratio() >= SIMILAR
            and matcher.ratio() >= SIMILAR
        )

    return similar


def save(
    session: Session,
    record: EventRecord,
    user: User,
    publish: bool,
    action: str | None = None,
    expected: int | None = None,
    existing: Event | None = None,
) -> Event:
    """Create or update the event the record names by slug: published when `publish`, else a
    draft, or for a published event a change pending review (the event stays as it is).
    Raises EditRejected when the importer refuses a field, and revisions.VersionConflict when
    the event is not at version `expected` or moved on meanwhile (the caller rolls back).
    `existing` is that event as the caller read it in this transaction (get_any_event), to
    save reading it again."""
    return change(session, record, user, publish, action, expected, existing)[0]


def change(
    session: Session,
    record: EventRecord,
    user: User,
    publish: bool,
    action: str | None = None,
    expected: int | None = None,
    existing: Event | None = None,
    new: bool = False,
) -> tuple[Event, Revision | None]:
    """`save`, also returning the change it left waiting for review, if it proposed one.
    `new` says the caller made sure no event holds the record's slug: none is looked for."""
    if existing is None and not new:
        existing = get_any_event(session, record.slug)
    assert existing is None or existing.slug == record.slug
    previous: Revision | revisions.Unread | None = None  # a new event has no history
    if existing is not None:
        revisions.claim(session, existing, expected)
        previous = keep_baseline(session, existing)
        if existing.status is Status.PUBLISHED and not publish:
            return existing, propose(session, existing, record, user, previous)
    status = Status.PUBLISHED if publish else Status.DRAFT
    # A new event is written with its status: set afterwards, it would cost an UPDATE.
    importer = _imported(session, record, status)
    # The importer's own object, its actors and sources as written: no need to read it back.
    event = importer.events[record.slug]
    assert isinstance(event, Event)
    created = record.slug in importer.report.created
    event.status = status
    session.flush()
    if not created:  # what the editor saw and sent included any change that was waiting
        revisions.settle(session, Subject.EVENT, event.id)
    revisions.record(
        session, Subject.EVENT, event.id, action or ("create" if created else "update"), user,
        revisions.event_snapshot(event), previous=previous,
    )  # fmt: skip
    return event, None


def _imported(session: Session, record: EventRecord, status: Status = Status.DRAFT) -> Importer:
    """Write the record through the importer (a new event with `status`); EditRejected names
    what it refuses."""
    importer = Importer(session, status)
    try:
        importer.run(Bundle(FORM, events=[record]))
    except ImportRejected as exc:
        raise EditRejected(exc.problems) from exc
    return importer


def propose(
    session: Session,
    event: Event,
    record: EventRecord,
    user: User,
    previous: Revision | revisions.Unread | None = revisions.UNREAD,
) -> Revision | None:
    """Record the change as pending review and leave the event as it stands; returns the
    proposal (None when it would change nothing). A change of actors or sources is written
    in a savepoint and rolled back, so the importer refuses now what it would refuse on
    approval, and the proposal is the event exactly as approving it would store it."""
    proposed = _columns_changed(event, record)
    if proposed is None:
        with session.begin_nested() as trial:
            importer = _imported(session, record)
            proposed = _proposed(event, importer.report.actors_created)
            trial.rollback()
    revisions.settle(session, Subject.EVENT, event.id)  # a new proposal replaces the last
    return revisions.record(
        session, Subject.EVENT, event.id, "propose", user, proposed, pending=True,
        previous=previous,
    )  # fmt: skip


def _columns_changed(event: Event, record: EventRecord) -> revisions.Snapshot | None:
    """The proposal, worked out without a trial, when the record leaves the event's actors and
    sources as they stand: the importer then changes only the event's own columns, which it
    takes as they come (the dates as a span) and never refuses. None otherwise."""
    if not (_same_links(event, record) and _same_sources(event, record)):
        return None
    span = record.span
    columns = {name: getattr(record, name) for name in WRITTEN_AS_IS}
    dates = {"start": str(span.start), "end": str(span.end) if span.end else None}
    return revisions.event_snapshot(event) | columns | dates | {"ongoing": span.ongoing}


def _same_links(event: Event, record: EventRecord) -> bool:
    """Whether the importer would keep the event's links as they are: the same actors, each
    by its own slug (an alias resolves elsewhere), in order, with its role or none."""
    if len(record.actors) != len(event.links):
        return False
    return all(
        (item.slug or name_slug(item.name)) == link.actor.slug and item.role in (None, link.role)
        for item, link in zip(record.actors, event.links, strict=True)
    )


def _same_sources(event: Event, record: EventRecord) -> bool:
    """Whether the importer would keep the event's sources as they are: the same URLs in
    order, each detail given either left out or as stored."""
    if len(record.sources) != len(event.sources):
        return False
    return all(
        item.url == source.url
        and all(
            given is None or given == getattr(source, name)
            for name, given in (
                ("title", item.title), ("publisher", item.publisher), ("published", item.published)
            )
        )
        for item, source in zip(record.sources, event.sources, strict=True)
    )  # fmt: skip


def _proposed(event: Event, new_actors: list[str]) -> revisions.Snapshot:
    """The event's snapshot, with the kind of each actor the change would create: the trial
    that created them is rolled back, and approving creates them again."""
    snapshot = revisions.event_snapshot(event)
    kinds = {link.actor.slug: link.actor.kind for link in event.links}
    for actor in snapshot["actors"]:
        if actor.get("slug") in new_actors:
            actor["kind"] = kinds[actor["slug"]]
    return snapshot


def current_text(session: Session, event: Event) -> revisions.Snapshot:
    """The event as an editor goes on from: the change waiting for review if there is one
    (so a second edit builds on it), otherwise the event as stored."""
    proposal = revisions.pending(session, Subject.EVENT, event.id)
    return dict(proposal.snapshot) if proposal else revisions.event_snapshot(event)


def keep_baseline(session: Session, event: Event) -> Revision | None:
    """Record how an event stood before its first change here (seeded or imported events have
    no revision yet), so the first edit's diff and a restore have something to start from.
    Returns the event's latest revision, that one included."""
    found = revisions.latest(session, Subject.EVENT, event.id)
    if found is not None:
        return found
    snapshot = revisions.event_snapshot(event)
    return revisions.record(
        session, Subject.EVENT, event.id, "as found", None, snapshot, previous=None
    )


def set_status(
    session: Session, event: Event, status: Status, user: User, expected: int | None = None
) -> None:
    """Publish or withdraw an event, with a revision saying so. Withdrawing takes a change
    waiting for review into the draft, so no editor's work is dropped."""
    revisions.claim(session, event, expected)
    keep_baseline(session, event)
    event.status = status
    session.flush()
    action = "publish" if status is Status.PUBLISHED else "withdraw"
    revisions.record(
        session, Subject.EVENT, event.id, action, user, revisions.event_snapshot(event)
    )
    proposal = revisions.pending(session, Subject.EVENT, event.id)
    if status is Status.DRAFT and proposal is not None:
        record = from_plain(proposal.snapshot, event.slug)
        save(session, record, user, publish=False, action="take up pending change")


def delete(session: Session, event: Event, user: User, expected: int | None = None) -> None:
    """Remove an event; its history stays, ending with the deletion."""
    revisions.claim(session, event, expected)
    keep_baseline(session, event)
    snapshot = revisions.event_snapshot(event) | {"status": "deleted"}
    revisions.settle(session, Subject.EVENT, event.id)
    revisions.record(session, Subject.EVENT, event.id, "delete", user, snapshot)
    session.delete(event)
    session.flush()
