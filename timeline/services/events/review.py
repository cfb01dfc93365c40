"""What editors review: drafts by age, changes of published events waiting for review, and
the latest revisions across the site. Approving a pending change publishes it through the
same save as any edit; rejecting it leaves the published event as it stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from timeline.domain import Event, EventActor, Revision, Status, Subject, User
from timeline.services import revisions
from timeline.services.events import edits
from timeline.services.events.schema import from_plain


class NothingPending(LookupError):
    """The event has no change waiting for review (approved or rejected meanwhile)."""


@dataclass(frozen=True)
class PendingChange:
    """A proposed change of a published event and what it changes in the public version."""

    event: Event
    proposal: Revision
    changes: dict[str, list[Any]]  # each field: [as published, as proposed]

    @classmethod
    def of(cls, event: Event, proposal: Revision) -> PendingChange:
        """The proposal compared with the event as it stands."""
        published = revisions.event_snapshot(event)
        return cls(event, proposal, revisions.differences(published, proposal.snapshot))


def drafts(session: Session) -> list[Event]:
    """Every draft, the one waiting longest first."""
    statement = (
        select(Event)
        .where(Event.status == Status.DRAFT)
        .order_by(Event.updated_at, Event.id)
        .options(selectinload(Event.links).joinedload(EventActor.actor))
    )
    return list(session.scalars(statement))


def pending_change(session: Session, event: Event) -> PendingChange | None:
    """The change of this event waiting for review, compared with the event as it stands."""
    proposal = revisions.pending(session, Subject.EVENT, event.id)
    return None if proposal is None else PendingChange.of(event, proposal)


def pending_changes(session: Session) -> list[PendingChange]:
    """Every change waiting for review, the one waiting longest first."""
    waiting = select(Revision.record_id).where(
        Revision.pending.is_(True), Revision.subject == Subject.EVENT
    )
    statement = (
        select(Event)
        .where(Event.id.in_(waiting))
        .options(
            selectinload(Event.links).joinedload(EventActor.actor), selectinload(Event.sources)
        )
    )
    found = [pending_change(session, event) for event in session.scalars(statement)]
    return sorted((c for c in found if c is not None), key=lambda c: c.proposal.id)


def approve(session: Session, event: Event, user: User, expected: int | None = None) -> Event:
    """Publish the change waiting for review in place of the public version."""
    proposal = revisions.pending(session, Subject.EVENT, event.id)
    if proposal is None:
        raise NothingPending(event.slug)
    record = from_plain(proposal.snapshot, event.slug)
    return edits.save(session, record, user, publish=True, action="approve", expected=expected)


def reject(session: Session, event: Event, user: User, expected: int | None = None) -> None:
    """Discard the change waiting for review; the history keeps it, and the refusal."""
    proposal = revisions.pending(session, Subject.EVENT, event.id)
    if proposal is None:
        raise NothingPending(event.slug)
    revisions.claim(session, event, expected)
    revisions.settle(session, Subject.EVENT, event.id)
    revisions.record(session, Subject.EVENT, event.id, "reject", user, proposal.snapshot)


def recent_revisions(session: Session, limit: int = 20) -> list[Revision]:
    statement = (
        select(Revision)
        .order_by(Revision.id.desc())
        .limit(limit)
        .options(selectinload(Revision.user))
    )
    return list(session.scalars(statement))
