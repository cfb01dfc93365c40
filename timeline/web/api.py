"""The JSON API and the CSV export: the timeline page's query string, as data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    request,
    stream_with_context,
    url_for,
)

from timeline.db import db
from timeline.services import actors as actor_service
from timeline.services import events as event_service
from timeline.services.filters import EventFilter
from timeline.services.vocabulary import load_vocabulary
from timeline.web.query import (
    BadParameters,
    event_filter,
    event_query,
    next_page_url,
    page_size,
    view_url,
)
from timeline.web.shapes import CSV_COLUMNS, actor_json, event_json, event_row

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


@bp.get("/actors")
def actors():
    """Actors by slug, a page at a time: `kind` (repeatable), `q` (name or alias), `limit`,
    `after` (the slug to continue after; the `next` URL carries it)."""
    vocabulary = load_vocabulary(db.session)
    errors: dict[str, str] = {}
    kinds = tuple(request.args.getlist("kind"))
    unknown = [k for k in kinds if k not in vocabulary.kinds]
    if unknown:
        errors["kind"] = (
            f"no kind {', '.join(map(repr, unknown))}: use one of {', '.join(vocabulary.kinds)}"
        )
    limit = page_size(
        request.args, current_app.config["PAGE_SIZE"], current_app.config["MAX_PAGE_SIZE"], errors
    )
    q = request.args.get("q", "").strip()
    if "\x00" in q or len(q) > 200:
        errors["q"] = "a name search is at most 200 characters, with no NUL"
    if errors:
        raise BadParameters(errors)
    after = request.args.get("after", "").strip()[:100] or None
    page = actor_service.list_actors(db.session, q, kinds, after, limit)
    next_url = view_url("api.actors", external=True, after=page.next) if page.next else None
    return jsonify(actors=[actor_json(a, n) for a, n in page.rows], next=next_url)


@bp.get("/actors/<slug>")
def actor(slug: str):
    """One actor, found by its slug or an alias's."""
    found = event_service.find_actor_by_name(db.session, slug)
    if found is None:
        abort(404, description=f"no actor {slug!r}")
    return jsonify(actor=actor_json(found))


@bp.get("/categories")
def categories():
    """The categories with their published events."""
    rows = event_service.category_counts(db.session)
    return jsonify(
        categories=[
            {"slug": r.slug, "label": r.label, "description": r.description, "events": r.events,
             "events_url": url_for("api.events", category=r.slug, _external=True)}
            for r in rows
        ]
    )  # fmt: skip


@bp.get("/kinds")
def kinds():
    """The actor kinds with how many actors each has."""
    rows = event_service.actors_by_kind(db.session)
    return jsonify(
        kinds=[
            {"slug": k.slug, "label": k.label, "description": k.description,
             "actors": len(k.actors),
             "actors_url": url_for("api.actors", kind=k.slug, _external=True)}
            for k in rows
        ]
    )  # fmt: skip
