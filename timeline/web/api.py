"""The JSON API."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from timeline.db import db
from timeline.services import events as event_service
from timeline.web.query import event_query, next_page_url
from timeline.web.shapes import event_json

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/events")
def events():
    """Published events in chronological order, a page at a time."""
    config = current_app.config
    query = event_query(request.args, config["PAGE_SIZE"], config["MAX_PAGE_SIZE"])
    page = event_service.list_events(db.session, query)
    next_url = next_page_url("api.events", page.next, external=True) if page.next else None
    return jsonify(events=[event_json(e) for e in page.events], next=next_url)


@bp.get("/events/<slug>")
def event(slug: str):
    """One published event."""
    found = event_service.get_event(db.session, slug)
    if found is None:
        abort(404, description=f"no published event {slug!r}")
    return jsonify(event=event_json(found))
