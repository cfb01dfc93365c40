"""Recording and restoring revisions: a snapshot of an event or an actor after each change,
and the field-by-field difference from the one before; and claiming a record's next version,
so two changes of one record never silently overwrite each other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from timeline.domain import Actor, Event, Revision, Subject, User
from timeline.services.actors.schema import actor_plain, actor_record_of
from timeline.services.events.schema import plain, record_of

Snapshot = dict[str, Any]
_IN_CHUNK = 500  # ids per IN (...), well under every driver's parameter limit
# Revisions that left the record as it was: a change proposed for review, and its refusal.
# A later change's diff is taken against the last revision that was applied.
NOT_APPLIED = ("propose", "reject")


class VersionConflict(Exception):
    """The record moved on from the version a change was based on."""


def claim(session: Session, record: Event | Actor, expected: int | None = None) -> None:
    """Move the record to its next version as the first write of a change, so concurrent
    changes of one record queue on its row (or fail) before writing anything else; raises
    VersionConflict when the record is not at `expected`, or another change committed after
    this session read it (the UPDATE names the version read, and then matches no row)."""
    if expected is not None and record.version != expected:
        raise VersionConflict(f"version {expected} is not the current version {record.version}")
    record.updated_at = func.now()  # any column would do: version_id_col moves on every UPDATE
    try:
        session.flush()
    except StaleDataError as exc:
        raise VersionConflict("another change was saved after this one read the record") from exc


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


class Unread:
    """`record` was not told the record's latest revision, and reads it."""


UNREAD = Unread()


def record(
    session: Session,
    subject: Subject,
    record_id: int,
    action: str,
    user: User | None,
    after: Snapshot,
    pending: bool = False,
    previous: Revision | Unread | None = UNREAD,
) -> Revision | None:
    """Store a revision unless nothing changed since the last applied one of this record;
    a `pending` one is a proposal, which changes nothing until it is applied. A caller that
    has just read (or made) that last one passes it as `previous`, saving a query."""
    if isinstance(previous, Unread):
        previous = latest(session, subject, record_id)
    changes = differences(previous.snapshot if previous else None, after)
    if previous is not None and not changes:
        return None
    revision = Revision(
        subject=subject, record_id=record_id, action=action, user=user, snapshot=after,
        changes=changes, pending=pending,
    )  # fmt: skip
    session.add(revision)
    return revision


def record_many(
    session: Session, subject: Subject, entries: list[tuple[int, str, User | None, Snapshot]]
) -> None:
    """`record` for many records at once (an import): each one's latest revision is read
    beforehand in a few queries, and the new ones are written in one executemany rather than
    as mapped objects (nothing reads them back in this transaction)."""
    previous = latest_of(session, subject, [record_id for record_id, *_ in entries])
    rows = []
    for record_id, action, user, after in entries:
        before = previous.get(record_id)
        changes = differences(before.snapshot if before else None, after)
        if before is None or changes:
            rows.append({
                "subject": subject, "record_id": record_id, "action": action,
                "user_id": user.id if user else None, "snapshot": after, "changes": changes,
                "pending": False,
            })  # fmt: skip
    if rows:
        session.connection().execute(insert(Revision.__table__), rows)


def latest_of(session: Session, subject: Subject, record_ids: list[int]) -> dict[int, Revision]:
    """`latest` for each of these records that has a revision, by record id."""
    found: dict[int, Revision] = {}
    for start in range(0, len(record_ids), _IN_CHUNK):
        chunk = record_ids[start : start + _IN_CHUNK]
        newest = (
            select(func.max(Revision.id))
            .where(Revision.subject == subject, Revision.record_id.in_(chunk))
            .where(Revision.action.not_in(NOT_APPLIED))
            .group_by(Revision.record_id)
        )
        for revision in session.scalars(select(Revision).where(Revision.id.in_(newest))):
            found[revision.record_id] = revision
    return found


def latest(session: Session, subject: Subject, record_id: int) -> Revision | None:
    """The last revision that changed the record: the record as it stands."""
    statement = (
        select(Revision)
        .where(Revision.subject == subject, Revision.record_id == record_id)
        .where(Revision.action.not_in(NOT_APPLIED))
        .order_by(Revision.id.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def last_change(session: Session, subject: Subject, record_id: int) -> Revision | None:
    """The newest revision of any kind, proposals included: who last touched the record."""
    statement = (
        select(Revision)
        .where(Revision.subject == subject, Revision.record_id == record_id)
        .order_by(Revision.id.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def pending(session: Session, subject: Subject, record_id: int) -> Revision | None:
    """The change proposed for the record and waiting for review, if any."""
    statement = select(Revision).where(
        Revision.pending.is_(True), Revision.subject == subject, Revision.record_id == record_id
    )
    return session.scalars(statement.order_by(Revision.id.desc()).limit(1)).first()


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


def settle(session: Session, subject: Subject, record_id: int) -> None:
    """Leave no change of the record waiting for review: it was applied, replaced or refused."""
    waiting = (Revision.pending.is_(True), Revision.subject == subject)
    session.execute(
        update(Revision).where(*waiting, Revision.record_id == record_id).values(pending=False)
    )
