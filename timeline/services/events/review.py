"""What editors review: drafts by age, and the latest revisions across the site."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from timeline.domain import Event, EventActor, Revision, Status


def drafts(session: Session) -> list[Event]:
    """Every draft, the one waiting longest first."""
    statement = (
        select(Event)
        .where(Event.status == Status.DRAFT)
        .order_by(Event.updated_at, Event.id)
        .options(selectinload(Event.links).joinedload(EventActor.actor))
    )
    return list(session.scalars(statement))


def recent_revisions(session: Session, limit: int = 20) -> list[Revision]:
    statement = (
        select(Revision)
        .order_by(Revision.id.desc())
        .limit(limit)
        .options(selectinload(Revision.user))
    )
    return list(session.scalars(statement))
