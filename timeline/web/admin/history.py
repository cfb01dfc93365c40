"""The history of an event or an actor: every revision with its changes, and a revision to
restore, for both kinds of record alike."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from timeline.db import db
from timeline.domain import Revision, Subject
from timeline.services import revisions

# The editors' name for each kind of record, which is also its views' prefix.
AREAS = {Subject.EVENT: "event", Subject.ACTOR: "actor"}


def history_page(subject: Subject, record_id: int, name: str, slug: str) -> str:
    """The record's revisions, newest first, each with what it changed."""
    area = AREAS[subject]
    return render_template(
        "admin/history.html", name=name, slug=slug,
        history=revisions.history(db.session, subject, record_id),
        edit_endpoint=f"admin.{area}_edit", restore_endpoint=f"admin.{area}_restore",
    )  # fmt: skip


def revision_or_404(subject: Subject, record_id: int, revision_id: int) -> Revision:
    """One of this record's revisions; another record's, or none, is a 404."""
    revision = revisions.revision_of(db.session, subject, record_id, revision_id)
    if revision is None:
        abort(404, description=f"That revision is not one of this {AREAS[subject]}'s.")
    return revision


def restored(subject: Subject, slug: str, revision_id: int, refusal: str | None):
    """Commit a restore and say so, or roll it back and say why; back to the history."""
    if refusal:
        db.session.rollback()
        flash(f"That revision cannot be restored: {refusal}")
    else:
        db.session.commit()
        flash(f"Revision {revision_id} is restored.")
    return redirect(url_for(f"admin.{AREAS[subject]}_history", slug=slug))
