"""The history of events and actors: every change, who made it and when, as a snapshot of the
record after the change and the fields it changed."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from timeline.db import Base, intpk, vocabulary_column
from timeline.domain.accounts import User


class Subject(StrEnum):
    """What a revision is of."""

    EVENT = "event"
    ACTOR = "actor"


class Revision(Base):
    """One change to an event or an actor.

    `record_id` is not a foreign key: the history of a deleted or merged record stays readable.
    `snapshot` is the whole record after the change, so any revision can be restored;
    `changes` maps each changed field to its value before and after.
    A `pending` revision is a proposed change of a published event, not yet applied: its
    snapshot is the event as it would stand, and the public keeps seeing the event as stored.
    """

    __tablename__ = "revisions"
    __table_args__ = (
        Index("ix_revisions_subject_record_id", "subject", "record_id", "id"),
        Index("ix_revisions_pending", "pending", "subject", "record_id"),
    )

    id: Mapped[intpk]
    subject: Mapped[Subject] = mapped_column(vocabulary_column(Subject, "revision_subject"))
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User | None] = relationship()
    # The INSERT returns `at`, which the database sets: a write's answer shows it at no
    # extra query.
    __mapper_args__: ClassVar[dict] = {"eager_defaults": True}
