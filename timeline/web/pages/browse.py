"""The HTML pages: the timeline, an event, an actor, and the category and actor-kind indexes."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from timeline.db import db
from timeline.domain import Actor
from timeline.domain.events import ROLE_MEANINGS
from timeline.services.actors import queries as actor_service
from timeline.services.events import layout as timeline_service
from timeline.services.events import queries as event_service
from timeline.services.events.filtering import EventFilter
from timeline.services.events.layout import LaneBy
from timeline.services.events.queries import EventQuery
from timeline.services.vocabulary import Vocabulary
from timeline.web.api.shapes import event_linked_data
from timeline.web.charts.cost_chart import TimeAxis
from timeline.web.charts.timeline_chart import DRAW_LIMIT, TimelineChart, drawing
from timeline.web.event_params import BadParameters, event_query
from timeline.web.lookups import vocabulary as cached_vocabulary
from timeline.web.pages.timeline_view import lane_labels, shown_window, timeline_view

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
    vocabulary = cached_vocabulary()
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
    """One event with its actors, their roles, its sources and the events related to it."""
    found = event_service.get_event(db.session, slug)
    if found is None:
        abort(404, description="There is no published event at this address.")
    related = event_service.related_events(db.session, found)
    linked_data = event_linked_data(found)
    page = dict(event=found, roles=ROLE_MEANINGS, related=related, linked_data=linked_data)
    return render_template("events/show.html", **page)


@bp.get("/actors/<slug>")
def actor(slug: str):
    """An actor and the events it took part in, drawn and listed; an alias's address
    redirects to the actor's own."""
    found = actor_service.public_actor(db.session, slug)
    if found is None:
        return _redirect_alias(slug)
    appearances = event_service.actor_events(db.session, found)
    vocabulary = cached_vocabulary()
    chart = _actor_chart(db.session, found, len(appearances), vocabulary, dt.date.today())
    page = dict(actor=found, appearances=appearances, chart=chart, vocabulary=vocabulary)
    return render_template("actors/show.html", **page, draw_limit=DRAW_LIMIT)


@bp.get("/categories")
def categories():
    """Every category, what it covers and how many published events it holds."""
    rows = event_service.category_counts(db.session)
    return render_template("pages/categories.html", categories=rows)


@bp.get("/kinds")
def kinds():
    """Every kind of actor with its actors, the most active first."""
    return render_template("pages/kinds.html", kinds=event_service.actors_by_kind(db.session))


def _redirect_alias(slug: str):
    """A permanent redirect from an alias's address to its actor's, or a 404."""
    named = actor_service.public_actor_by_name(db.session, slug)
    if named is None:
        abort(404, description="There is no actor at this address.")
    return redirect(url_for("pages.actor", slug=named.slug), 301)


def _actor_chart(
    session: Session, actor: Actor, count: int, vocabulary: Vocabulary, today: dt.date
) -> TimelineChart | None:
    """The actor's events drawn on their own time axis; None when it has none, or too many to
    draw one by one (the timeline page counts those instead)."""
    if not 0 < count <= DRAW_LIMIT:
        return None
    where = EventFilter(actors=(actor,))
    span = shown_window(session, EventQuery(where), today)
    drawn = timeline_service.drawn_events(session, where, LaneBy.CATEGORY, DRAW_LIMIT)
    return drawing(TimeAxis(*span), lane_labels(vocabulary, LaneBy.CATEGORY), drawn, today)
