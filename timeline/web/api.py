"""The JSON API and the CSV export: the timeline page's query string, as data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, jsonify, request, stream_with_context

from timeline.db import db
from timeline.services import events as event_service
from timeline.services.filters import EventFilter
from timeline.services.vocabulary import load_vocabulary
from timeline.web.query import event_filter, event_query, next_page_url
from timeline.web.shapes import CSV_COLUMNS, event_json, event_row

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/events")
def events():
    """Events the filters find, in chronological order, a page at a time."""
    config = current_app.config
    vocabulary = load_vocabulary(db.session)
    query = event_query(
        db.session, request.args, vocabulary, config["PAGE_SIZE"], config["MAX_PAGE_SIZE"]
    )
    page = event_service.list_events(db.session, query)
    next_url = next_page_url("api.events", page.next, external=True) if page.next else None
    return jsonify(events=[event_json(e) for e in page.events], next=next_url)


def _csv_lines(where: EventFilter) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in event_service.stream_events(db.session, where):
        writer.writerow(event_row(event))
        if buffer.tell() > 32_768:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/events.csv")
def events_csv():
    """Every event the filters find, as CSV, written while it is read (no page size)."""
    where = event_filter(db.session, request.args, load_vocabulary(db.session))
    response = Response(stream_with_context(_csv_lines(where)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="events.csv"'
    return response


@bp.get("/events/<slug>")
def event(slug: str):
    """One published event."""
    found = event_service.get_event(db.session, slug)
    if found is None:
        abort(404, description=f"no published event {slug!r}")
    return jsonify(event=event_json(found))
