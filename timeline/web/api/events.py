"""The JSON API and the CSV export: the timeline page's query string, as data."""

from __future__ import annotations

from dataclasses import replace
from typing import NotRequired, get_type_hints

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
from typing_extensions import TypedDict

from timeline.db import db
from timeline.services.actors import queries as actor_service
from timeline.services.events import facet_index
from timeline.services.events import queries as event_service
from timeline.services.events.filtering import EventFilter, resolved
from timeline.services.events.queries import EventQuery
from timeline.web.api import formats
from timeline.web.api.openapi import Param, documented
from timeline.web.api.record_tags import stamped
from timeline.web.api.shapes import (
    CSV_COLUMNS,
    EVENT_FIELDS,
    ActorShape,
    EventShape,
    PageShapes,
    actor_json,
    event_json,
    event_row,
)
from timeline.web.event_params import (
    FILTER_PARAMS,
    PAGE_PARAMS,
    BadParameters,
    event_filter,
    event_query,
    next_page_url,
    page_size,
    view_url,
)
from timeline.web.http_cache import current_version
from timeline.web.lookups import vocabulary as cached_vocabulary

bp = Blueprint("api", __name__, url_prefix="/api")

FIELD_NAMES = "|".join(EVENT_FIELDS)
LIST_PARAMS = (
    *FILTER_PARAMS,
    *PAGE_PARAMS,
    Param("fields", f"Only these fields of each event, comma-separated: {', '.join(EVENT_FIELDS)}",
          {"type": "string", "pattern": f"^({FIELD_NAMES})(,({FIELD_NAMES}))*$"}),
    Param("total", "`true` adds `total`, how many events match on all pages together",
          {"type": "string", "enum": ["true", "false"]}),
)  # fmt: skip


# An event cut down to the `fields` asked for: any of EventShape's fields, each as typed there.
ChosenFields = TypedDict(
    "ChosenFields", {name: NotRequired[kind] for name, kind in get_type_hints(EventShape).items()}
)


class EventList(TypedDict):
    """A page of events (with `fields`, each holds only the fields asked for). `next` is the
    URL of the next page, null on the last."""

    events: list[EventShape | ChosenFields]
    next: str | None
    total: NotRequired[int]


def _fields(errors: dict[str, str]) -> tuple[str, ...] | None:
    names = [n.strip() for n in request.args.get("fields", "").split(",") if n.strip()]
    unknown = [n for n in names if n not in EVENT_FIELDS]
    if unknown:
        named = ", ".join(repr(name[:40]) for name in unknown[:5])
        errors["fields"] = f"no field {named}: use {', '.join(EVENT_FIELDS)}"
    return tuple(dict.fromkeys(names)) or None


def _total(errors: dict[str, str]) -> bool:
    text = request.args.get("total", "").strip().lower()
    if text not in ("", "true", "false"):
        errors["total"] = "use total=true to count every match, or leave it out"
    return text == "true"


def _list_request() -> tuple[EventQuery, tuple[str, ...] | None, bool]:
    """The page, the fields and whether to count: every bad parameter named at once."""
    config, errors = current_app.config, {}
    try:
        query = event_query(db.session, request.args, cached_vocabulary(),
                            config["PAGE_SIZE"], config["MAX_PAGE_SIZE"])  # fmt: skip
    except BadParameters as exc:
        errors, query = exc.fields, EventQuery()
    fields, total = _fields(errors), _total(errors)
    if errors:
        raise BadParameters(errors)
    return query, fields, total


@bp.get("/events.json")
@bp.get("/events")
@documented(params=LIST_PARAMS, response=EventList, errors=(400,))
def events():
    """Events the filters find, oldest first unless sorted, a page at a time."""
    query, fields, total = _list_request()
    counted = facet_index.selection(db.session, query.where, current_version("events"))
    ids = counted.page_ids(db.session, query) if counted is not None else None
    if ids is not None:
        page = event_service.event_rows_by_ids(db.session, ids, query)
    else:  # the index is being read, or the cursor's event has changed since: by SQL
        query = replace(query, where=resolved(db.session, query.where))
        page = event_service.list_event_rows(db.session, query)
    shapes = list(PageShapes(page))
    if fields:
        shapes = [{name: shape[name] for name in fields} for shape in shapes]
    body: dict = {"events": shapes, "next": None}
    if page.next:
        body["next"] = next_page_url(request.endpoint or "api.events", page.next, external=True)
    if total:
        body["total"] = (counted.total() if counted is not None
                         else event_service.count_events(db.session, query.where))  # fmt: skip
    return jsonify(body)


BOM = Param(
    "bom",
    "`1` starts the file with a UTF-8 byte-order mark, so Excel on Windows reads it as UTF-8",
    {"type": "string", "enum": ["0", "1"]},
)


def _csv_request() -> tuple[EventFilter, bool]:
    """The filters and `bom`, every bad parameter named at once."""
    errors: dict[str, str] = {}
    try:
        where = event_filter(db.session, request.args, cached_vocabulary())
    except BadParameters as exc:
        errors, where = exc.fields, EventFilter()
    bom = request.args.get("bom", "0").strip()
    if bom not in ("0", "1"):
        errors["bom"] = "use bom=1 for a byte-order mark, or leave it out"
    if errors:
        raise BadParameters(errors)
    return where, bom == "1"


@bp.get("/events.csv")
@documented(params=(*FILTER_PARAMS, BOM), media_type="text/csv", errors=(400,))
def events_csv():
    """Every event the filters find, as CSV, written while it is read (no page size): one
    event a row, a column for every field an editor sets, actors as `Name (role, kind)` and
    sources as URLs (each list joined with `; `), the sources' titles, publishers and dates as
    JSON in `source_details`. A cell a spreadsheet would run as a formula (one that starts with
    `=`, `+`, `-`, `@`, a tab or a carriage return, after any single quotes) gets one `'` more
    in front, as OWASP advises, and the importer takes it off: the file imports back unchanged.
    """
    where, bom = _csv_request()
    events = event_service.stream_events(db.session, where)
    lines = formats.csv_lines(CSV_COLUMNS, events, event_row, bom)
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="events.csv"'
    return response


class OneEvent(TypedDict):
    event: EventShape


@bp.get("/events/<slug>")
@documented(response=OneEvent, etag=True)
def event(slug: str):
    """One published event. Its ETag is the event's version, for a write's If-Match."""
    found = event_service.get_event(db.session, slug)
    if found is None:
        abort(404, description=f"no published event {slug!r}")
    return stamped(jsonify(event=event_json(found)), found)


class ActorList(TypedDict):
    actors: list[ActorShape]
    next: str | None


ACTOR_PARAMS = (
    Param("kind", "Actors of any of these kinds (see /api/kinds)", repeatable=True),
    Param("q", "Actors whose name or an alias contains this text"),
    Param("limit", "Actors per page", {"type": "integer", "minimum": 1}),
    Param("after", "The slug to continue after: take it from the previous page's `next` link"),
)


@bp.get("/actors")
@documented(params=ACTOR_PARAMS, response=ActorList, errors=(400,), tag="actors")
def actors():
    """Actors by slug, a page at a time, each with its count of published events.

    Filter by `kind`, search names and aliases with `q`; the `next` URL carries `after`."""
    vocabulary = cached_vocabulary()
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
    page = actor_service.actor_page(db.session, q, kinds, after, limit)
    next_url = view_url("api.actors", external=True, after=page.next) if page.next else None
    return jsonify(actors=[actor_json(a, n) for a, n in page.rows], next=next_url)


class OneActor(TypedDict):
    actor: ActorShape


@bp.get("/actors/<slug>")
@documented(response=OneActor, tag="actors", etag=True)
def actor(slug: str):
    """One actor, found by its slug or an alias's. Its ETag is the actor's version."""
    found = actor_service.public_actor_by_name(db.session, slug)
    if found is None:
        abort(404, description=f"no actor {slug!r}")
    return stamped(jsonify(actor=actor_json(found)), found)


class CategoryShape(TypedDict):
    slug: str
    label: str
    description: str | None
    events: int
    events_url: str


class CategoryList(TypedDict):
    categories: list[CategoryShape]


@bp.get("/categories")
@documented(response=CategoryList)
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


class KindShape(TypedDict):
    slug: str
    label: str
    description: str | None
    actors: int
    actors_url: str


class KindList(TypedDict):
    kinds: list[KindShape]


@bp.get("/kinds")
@documented(response=KindList, tag="actors")
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
