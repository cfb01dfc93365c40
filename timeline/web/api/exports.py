"""The filtered events view as a calendar, a feed and a TimelineJS timeline.

Each takes the query string of /api/events (from, to, category, actor, kind, q, status), so
any view a reader narrows on the timeline page can be subscribed to or embedded.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from timeline.config import DEFAULTS
from timeline.db import db
from timeline.services.events import queries as event_service
from timeline.services.events.filtering import EventFilter
from timeline.services.events.ordering import NEWEST_FIRST
from timeline.services.events.queries import EventQuery
from timeline.services.vocabulary import Vocabulary
from timeline.web.api import formats as exports
from timeline.web.api.openapi import Param, documented
from timeline.web.event_params import (
    FILTER_PARAMS,
    BadParameters,
    event_filter,
    page_size,
    view_url,
)
from timeline.web.lookups import vocabulary as cached_vocabulary

bp = Blueprint("api_exports", __name__, url_prefix="/api")

LIMIT = Param(
    "limit",
    f"How many of the newest events (default {DEFAULTS['PAGE_SIZE']}, "
    f"at most {DEFAULTS['MAX_PAGE_SIZE']})",
    {"type": "integer", "minimum": 1, "maximum": DEFAULTS["MAX_PAGE_SIZE"]},
)


def _filter_and_limit(vocabulary: Vocabulary) -> tuple[EventFilter, int]:
    """The filters and `limit`, with every bad parameter named in one BadParameters."""
    errors: dict[str, str] = {}
    try:
        where = event_filter(db.session, request.args, vocabulary)
    except BadParameters as exc:
        errors, where = exc.fields, EventFilter()
    config = current_app.config
    limit = page_size(request.args, config["PAGE_SIZE"], config["MAX_PAGE_SIZE"], errors)
    if errors:
        raise BadParameters(errors)
    return where, limit


@bp.get("/events.ics")
@documented(params=FILTER_PARAMS, media_type="text/calendar", errors=(400,))
def events_ics():
    """Every event the filters find, as an iCalendar file of all-day events.

    A day, month or year covers all its days; an ongoing event runs to the day the file is
    made (UTC) and its description says it is ongoing.
    """
    vocabulary = cached_vocabulary()
    where = event_filter(db.session, request.args, vocabulary)
    name = exports.view_name(where, vocabulary)
    events = event_service.stream_events(db.session, where)
    today = dt.datetime.now(dt.UTC).date()
    found = exports.calendar(events, name, vocabulary.categories, today)
    response = Response(found.to_ical(), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


@bp.get("/events.atom")
@documented(params=(*FILTER_PARAMS, LIMIT), media_type="application/atom+xml", errors=(400,))
def events_atom():
    """The newest events the filters find, as an Atom feed: latest start date first."""
    vocabulary = cached_vocabulary()
    where, limit = _filter_and_limit(vocabulary)
    name = exports.view_name(where, vocabulary)
    page = event_service.list_events(db.session, EventQuery(where, limit, order=NEWEST_FIRST))
    view = view_url("pages.index", external=True, limit=None)
    feed = exports.atom_feed(page.events, name, vocabulary.categories, request.url, view)
    body = render_template("api/events.atom.xml", feed=feed, site=exports.SITE)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/events.timelinejs.json")
@documented(params=FILTER_PARAMS, response=exports.TimelineJSData, errors=(400,))
def events_timelinejs():
    """The events the filters find, oldest first, as TimelineJS 3 data (at most 2,000).

    Dates keep their precision; when more than 2,000 events match, the title slide says so.
    """
    vocabulary = cached_vocabulary()
    where = event_filter(db.session, request.args, vocabulary)
    name = exports.view_name(where, vocabulary)
    page = view_url("pages.index", external=True)
    events = event_service.stream_events(db.session, where)
    return jsonify(exports.timeline_data(events, name, vocabulary.categories, page))
