"""Writing events from the editors' form: through the importer (one write path for files and
forms), as drafts unless an admin publishes, with a revision for every change."""

from __future__ import annotations

import datetime as dt
import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from timeline.dates import clamped_after, clamped_before
from timeline.domain import (
    Actor,
    ActorAlias,
    Event,
    EventActor,
    Source,
    Status,
    Subject,
    User,
)
from timeline.services import revisions
from timeline.services.events.schema import EventRecord
from timeline.services.imports.checks import Bundle
from timeline.services.imports.documents import ImportRejected, Problem
from timeline.services.imports.writer import Importer, free_slug

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
    for title, when in session.execute(nearby):
        if difflib.SequenceMatcher(None, title.lower(), record.title.lower()).ratio() >= SIMILAR:
            warnings.append(f"“{title}” ({when}) has a similar title and a nearby date.")
    return warnings


def save(
    session: Session, record: EventRecord, user: User, publish: bool, action: str | None = None
) -> Event:
    """Create or update the event the record names by slug, as a draft unless `publish`;
    raises EditRejected when the importer refuses a field (the caller rolls back)."""
    existing = get_any_event(session, record.slug)
    if existing is not None:
        keep_baseline(session, existing)
    importer = Importer(session, Status.DRAFT)
    try:
        importer.run(Bundle(FORM, events=[record]))
    except ImportRejected as exc:
        raise EditRejected(exc.problems) from exc
    event = get_any_event(session, record.slug)
    assert event is not None
    created = record.slug in importer.report.created
    event.status = Status.PUBLISHED if publish else Status.DRAFT
    session.flush()
    revisions.record(
        session, Subject.EVENT, event.id, action or ("create" if created else "update"), user,
        revisions.event_snapshot(event),
    )  # fmt: skip
    return event


def keep_baseline(session: Session, event: Event) -> None:
    """Record how an event stood before its first change here (seeded or imported events have
    no revision yet), so the first edit's diff and a restore have something to start from."""
    if revisions.latest(session, Subject.EVENT, event.id) is None:
        snapshot = revisions.event_snapshot(event)
        revisions.record(session, Subject.EVENT, event.id, "as found", None, snapshot)


def set_status(session: Session, event: Event, status: Status, user: User) -> None:
    """Publish or withdraw an event, with a revision saying so."""
    keep_baseline(session, event)
    event.status = status
    session.flush()
    action = "publish" if status is Status.PUBLISHED else "withdraw"
    revisions.record(
        session, Subject.EVENT, event.id, action, user, revisions.event_snapshot(event)
    )


def delete(session: Session, event: Event, user: User) -> None:
    """Remove an event; its history stays, ending with the deletion."""
    keep_baseline(session, event)
    snapshot = revisions.event_snapshot(event) | {"status": "deleted"}
    revisions.record(session, Subject.EVENT, event.id, "delete", user, snapshot)
    session.delete(event)
    session.flush()
