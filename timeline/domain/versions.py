"""A counter per body of public data, moved by every write, so a reader's cached copy can be
checked with one row read instead of rebuilding the answer.

Every ORM flush or bulk statement through a session that adds, changes or deletes an event,
actor or source moves `events` when its transaction commits; one that touches the cost
reference data moves `costs`.
Writes that bypass the session (raw SQL on a connection) must call `touch` themselves.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Integer, String, event, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from timeline.db import Base
from timeline.domain.actors import Actor, ActorAlias
from timeline.domain.costs import (
    ApiPrice,
    Gpu,
    GpuPrice,
    LlmPrice,
    MeasuredRun,
    Scenario,
    VideoModel,
)
from timeline.domain.events import Event, EventActor, Source

TRACKED: dict[type, str] = {
    Event: "events", EventActor: "events", Source: "events", Actor: "events",
    ActorAlias: "events",
    Gpu: "costs", GpuPrice: "costs", VideoModel: "costs", MeasuredRun: "costs",
    ApiPrice: "costs", LlmPrice: "costs", Scenario: "costs",
}  # fmt: skip


class DataVersion(Base):
    """How many times a body of data has changed, and when it last did."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime]


def touch(connection: Connection, names: set[str]) -> None:
    """Move the named counters, inside the caller's transaction."""
    if names:
        connection.execute(
            update(DataVersion)
            .where(DataVersion.name.in_(sorted(names)))  # one lock order: no deadlock
            .values(version=DataVersion.version + 1, changed_at=dt.datetime.now(dt.UTC))
        )


# The counters a session's transaction has to move, moved just before it commits: the
# counter's row is one that every writer updates, and its lock is held from that UPDATE to
# the commit, so it is taken last, not in the middle of a write that has more to do.
_TO_TOUCH = "timeline.data_versions_to_touch"


def _note(session: Session, names: set[str]) -> None:
    if names:
        session.info.setdefault(_TO_TOUCH, set()).update(names)


@event.listens_for(Session, "do_orm_execute")
def _count_bulk_changes(state: ORMExecuteState) -> None:
    """Bulk INSERT, UPDATE and DELETE through a session bypass the flush: count them here."""
    if state.is_insert or state.is_update or state.is_delete:
        mapper = state.bind_mapper
        name = TRACKED.get(mapper.class_) if mapper is not None else None
        if name:
            _note(state.session, {name})


@event.listens_for(Session, "after_flush")
def _count_changes(session: Session, _context) -> None:
    dirty = session.dirty  # worked out anew on each read: once, not once per object
    _note(session, {
        TRACKED[type(obj)]
        for obj in (*session.new, *dirty, *session.deleted)
        if type(obj) in TRACKED and (obj not in dirty or session.is_modified(obj))
    })  # fmt: skip


@event.listens_for(Session, "before_commit")
def _touch_before_commit(session: Session) -> None:
    """Move the counters of what the transaction changed (a savepoint's release included:
    what it changed is then part of the transaction around it)."""
    session.flush()  # the commit flushes after this hook: what it would write counts too
    names = session.info.pop(_TO_TOUCH, None)
    if names:
        touch(session.connection(), names)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TO_TOUCH, None)
