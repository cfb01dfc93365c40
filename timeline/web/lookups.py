"""The records a view is addressed by, or a 404 (in the API's error shape under /api)."""

from __future__ import annotations

from flask import abort

from timeline.db import db
from timeline.domain import Event
from timeline.services.events.edits import get_any_event


def event_or_404(slug: str) -> Event:
    """An event by slug, draft or published, with its actors and sources."""
    event = get_any_event(db.session, slug)
    if event is None:
        abort(404, description=f"there is no event {slug!r}, draft or published")
    return event
