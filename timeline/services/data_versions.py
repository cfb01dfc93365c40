"""The counters every write moves: what tells a reader's cached answer from a stale one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeline.domain import DataVersion


def data_versions(session: Session) -> list[tuple[str, int, dt.datetime]]:
    """Each body of data's name, version and when it last changed, in order of name."""
    statement = select(DataVersion.name, DataVersion.version, DataVersion.changed_at)
    # On the connection: every request asks, and the ORM's result handling costs more than
    # the query.
    return sorted(tuple(row) for row in session.connection().execute(statement).all())


def data_version(session: Session, name: str) -> int | None:
    """One body of data's version, None before the migration that makes its counter."""
    return session.scalar(select(DataVersion.version).where(DataVersion.name == name))
