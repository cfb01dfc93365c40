"""The HTML pages: the chronology, an event, an actor."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, render_template, request

from timeline.db import db
from timeline.domain.events import ROLE_MEANINGS
from timeline.services import events as event_service
from timeline.services.timeline import LaneBy
from timeline.services.vocabulary import load_vocabulary
from timeline.web.query import BadParameters, event_query
from timeline.web.timeline_chart import DRAW_LIMIT
from timeline.web.timeline_view import timeline_view

bp = Blueprint("pages", __name__)



def _lane_by(args) -> LaneBy:
    typed = args.get("lanes", "").strip() or LaneBy.CATEGORY
    try:
        return LaneBy(typed)
    except ValueError:
        raise BadParameters({"lanes": "draw lanes by 'category' or by actor 'kind'"}) from None


@bp.get("/")
def index():
    """The timeline: the filter form with its counts, the cost chart and the drawing on one
    time axis, then the same events as a list; `?from=&to=&category=...` drive all of it."""
    vocabulary = load_vocabulary(db.session)
    try:
        max_limit = current_app.config["MAX_PAGE_SIZE"]
        query = event_query(db.session, request.args, vocabulary, DRAW_LIMIT, max_limit)
        lane_by = _lane_by(request.args)
    except BadParameters as exc:
        page = dict(view=None, vocabulary=vocabulary, errors=exc.fields)
        return render_template("pages/index.html", **page), 400
    view = timeline_view(db.session, query, lane_by, vocabulary, dt.date.today())
    return render_template("pages/index.html", view=view, vocabulary=vocabulary, errors={})


@bp.get("/events/<slug>")
def event(slug: str):
    """One event with its actors, their roles, and its sources."""
    found = event_service.get_event(db.session, slug)
    if found is None:
        abort(404, description="There is no published event at this address.")
    return render_template("events/show.html", event=found, roles=ROLE_MEANINGS)


@bp.get("/actors/<slug>")
def actor(slug: str):
    """An actor and the events it took part in."""
    found = event_service.get_actor(db.session, slug)
    if found is None:
        abort(404, description="There is no actor at this address.")
    appearances = event_service.actor_events(db.session, found)
    return render_template("actors/show.html", actor=found, appearances=appearances)
