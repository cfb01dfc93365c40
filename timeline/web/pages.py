"""The HTML pages: the chronology, an event, an actor."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, current_app, render_template, request

from timeline.db import db
from timeline.domain.events import ROLE_MEANINGS
from timeline.services import events as event_service
from timeline.web.query import BadParameters, event_query, next_page_url

bp = Blueprint("pages", __name__)

LIST_PAGE_SIZE = 100


@bp.get("/")
def index():
    """Published events oldest first, grouped by year, within an optional from/to window."""
    try:
        query = event_query(request.args, LIST_PAGE_SIZE, current_app.config["MAX_PAGE_SIZE"])
    except BadParameters as exc:
        return render_template("pages/index.html", years=[], errors=exc.fields, next_url=None), 400
    page = event_service.list_events(db.session, query)
    years = [
        (year, list(group)) for year, group in groupby(page.events, lambda e: e.starts_on.year)
    ]
    next_url = next_page_url("pages.index", page.next) if page.next else None
    return render_template(
        "pages/index.html", years=years, count=len(page.events), errors={}, next_url=next_url
    )


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
