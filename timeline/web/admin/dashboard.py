"""The review queue: drafts and changes of published events waiting for an admin, oldest
first, and the latest changes."""

from __future__ import annotations

from flask import render_template

from timeline.db import db
from timeline.services.events import review
from timeline.web.admin import bp


@bp.get("/")
def dashboard():
    queue = review.drafts(db.session)
    waiting = review.pending_changes(db.session)
    recent = review.recent_revisions(db.session)
    return render_template("admin/dashboard.html", queue=queue, waiting=waiting, recent=recent)
