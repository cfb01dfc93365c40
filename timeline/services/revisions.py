"""Recording and restoring revisions: a snapshot of an event or an actor after each change,
and the field-by-field difference from the one before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeline.domain import Actor, Event, Revision, Subject, User
from timeline.services.actors.schema import actor_plain, actor_record_of
from timeline.services.events.schema import plain, record_of

Snapshot = dict[str, Any]


def event_snapshot(event: Event) -> Snapshot:
    """What an editor can change on an event, in plain values a JSON column keeps: the
    contract's fields, and where the event stands in review."""
    return plain(record_of(event)) | {"status": event.status.value}


def actor_snapshot(actor: Actor) -> Snapshot:
    """An actor's contract fields, in plain values."""
    return actor_plain(actor_record_of(actor))


def differences(before: Snapshot | None, after: Snapshot) -> dict[str, list[Any]]:
    """Each field whose value changed, as [before, after] (before is None for a new record)."""
    before = before or {}
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def record(
    session: Session,
    subject: Subject,
    record_id: int,
    action: str,
    user: User | None,
    after: Snapshot,
) -> Revision | None:
    """Store a revision unless nothing changed since the last one of this record."""
    previous = latest(session, subject, record_id)
    changes = differences(previous.snapshot if previous else None, after)
    if previous is not None and not changes:
        return None
    revision = Revision(
        subject=subject, record_id=record_id, action=action, user=user, snapshot=after,
        changes=changes,
    )  # fmt: skip
    session.add(revision)
    return revision


def latest(session: Session, subject: Subject, record_id: int) -> Revision | None:
    statement = (
        select(Revision)
        .where(Revision.subject == subject, Revision.record_id == record_id)
        .order_by(Revision.id.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def revision_of(
    session: Session, subject: Subject, record_id: int, revision_id: int
) -> Revision | None:
    """A revision by id, but only one of this record's."""
    revision = session.get(Revision, revision_id)
    if revision is None or revision.subject != subject or revision.record_id != record_id:
        return None
    return revision


def history(session: Session, subject: Subject, record_id: int) -> list[Revision]:
    """A record's revisions, newest first."""
    statement = (
        select(Revision)
        .where(Revision.subject == subject, Revision.record_id == record_id)
        .order_by(Revision.id.desc())
    )
    return list(session.scalars(statement))
