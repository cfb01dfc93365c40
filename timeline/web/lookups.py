"""The records a view is addressed by, or a 404 (in the API's error shape under /api); and
the vocabulary every view reads."""

from __future__ import annotations

from flask import abort, current_app

from timeline.db import db
from timeline.domain import Event
from timeline.services.events.edits import get_any_event
from timeline.services.vocabulary import Vocabulary, load_vocabulary

_VOCABULARY = "timeline.vocabulary"  # the app's copy of the categories and kinds


def event_or_404(slug: str) -> Event:
    """An event by slug, draft or published, with its actors and sources."""
    event = get_any_event(db.session, slug)
    if event is None:
        abort(404, description=f"there is no event {slug!r}, draft or published")
    return event


def vocabulary() -> Vocabulary:
    """The categories and actor kinds, read once per process: only migrations change them,
    and a server is restarted after migrating, so two queries on every request buy nothing."""
    if _VOCABULARY not in current_app.extensions:
        current_app.extensions[_VOCABULARY] = load_vocabulary(db.session)
    return current_app.extensions[_VOCABULARY]
