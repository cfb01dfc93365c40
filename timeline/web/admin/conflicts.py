"""Edits that would overwrite another's: each edit form carries the version of the record it
was opened on, and a save against a record that has moved on since is refused and shows who
changed it, when, and both versions of each field that differs, for the editor to merge and
save again deliberately."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from wtforms import HiddenField

from timeline.db import db
from timeline.domain import Subject
from timeline.services import revisions

# The form field's name differs from the model's `version`, so a POST that leaves it out is
# never filled from the record itself and taken for up to date.
LOADED_VERSION = "loaded_version"


def version_field() -> HiddenField:
    return HiddenField()


def loaded_version(field: HiddenField) -> int:
    """The version the form was opened on; 0 (older than any record) when missing or garbled,
    so such a save is shown as a conflict rather than trusted."""
    text = (field.data or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else 0


@dataclass(frozen=True)
class Conflict:
    """What happened to the record since the form was opened."""

    by: str
    at: dt.datetime | None
    fields: list[tuple[str, Any, Any]]  # each field that differs: its name, theirs, yours


def conflict(
    subject: Subject, record_id: int, theirs: revisions.Snapshot, yours: revisions.Snapshot
) -> Conflict:
    """The last change's author and time, and each field where the saved record (theirs)
    and the form (yours) differ."""
    last = revisions.last_change(db.session, subject, record_id)
    by = (last.user.username if last.user else "an import") if last else "someone"
    differing = [(name, theirs.get(name), value) for name, (_, value) in
                 revisions.differences(theirs, yours).items()
                 if _differs(theirs.get(name), value)]  # fmt: skip
    return Conflict(by, last.at if last else None, sorted(differing))


def _differs(theirs: Any, yours: Any) -> bool:
    """Whether the form's value says something other than the saved one. A form's actor rows
    carry the kind and no slug, the stored record's the slug and no kind: rows are compared on
    the keys both hold, or every unchanged actor list would be shown as a clash."""
    rows = isinstance(theirs, list) and isinstance(yours, list)
    if not rows or not all(isinstance(row, dict) for row in [*theirs, *yours]):
        return theirs != yours
    keys = {key for row in theirs for key in row} & {key for row in yours for key in row}

    def filled(items: list[dict]) -> list[dict]:
        return [{key: row[key] for key in keys if row.get(key) is not None} for row in items]

    return filled(theirs) != filled(yours)
