"""The events API with no features: the reference that bench/api_load.py holds ours against.

    gunicorn -w 2 --chdir bench 'bare_api:create_app("/path/to/events.sqlite3")'

Flask and SQLAlchemy Core only. `GET /api/events` takes one each of from, to (whole days),
category, actor (a slug), q (a word or phrase), limit and cursor, and runs the SQL text that
`timeline.services.events.list_events` sends for the same filters: the page, then the event
actors with their actors and the sources of the page's events. Rows go out as they come, with
no validation, no ORM, no ETag, no error shape; a bad parameter is a 500.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from flask import Flask, jsonify, request
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import Connection

LONG_SPAN_DAYS = 366  # timeline.domain.events.LONG_SPAN_DAYS: not imported, to stay bare

EVENT_COLUMNS = (
    "events.id, events.slug, events.title, events.summary, events.category, events.start, "
    'events."end", events.precision, events.ongoing, events.starts_on, events.ends_on, '
    "events.long_span, events.status, events.notes, events.actor_names, events.actor_kinds, "
    "events.created_at, events.updated_at"
)
ORDER = "ORDER BY events.starts_on ASC, events.ends_on ASC, events.id ASC"
WINDOW = (
    "events.starts_on <= :last AND events.ends_on >= :first "
    "AND (events.starts_on >= :earliest_short OR events.long_span = 1)"
)
IN_CATEGORY = "events.category IN (:category)"
BY_ACTOR = (
    "events.id IN (SELECT event_actors.event_id \nFROM event_actors \n"
    "WHERE event_actors.actor_id = :actor_id)"
)
MATCHING = "events.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH :fts)"
AFTER = "(events.starts_on, events.ends_on, events.id) > (:after_start, :after_end, :after_id)"
ACTOR_ID = text("SELECT id FROM actors WHERE slug = :slug")
# Ours looks an actor's events and a search's matches up first and, when there are at most
# MOST, sends them as a list of ids (timeline.services.filters.resolved); so does this.
MOST = 5_000
ACTOR_EVENTS = "SELECT event_id FROM event_actors WHERE actor_id = :actor_id LIMIT :most"
SEARCH_IDS = "SELECT rowid FROM events_fts WHERE events_fts MATCH :fts LIMIT :most"
LINKS = text(
    "SELECT event_actors.event_id, event_actors.actor_id, event_actors.role, "
    "event_actors.position, actors_1.id, actors_1.slug, actors_1.name, actors_1.kind, "
    "actors_1.description, actors_1.homepage, actors_1.created_at, actors_1.updated_at \n"
    "FROM event_actors LEFT OUTER JOIN actors AS actors_1 "
    "ON actors_1.id = event_actors.actor_id \n"
    "WHERE event_actors.event_id IN :ids ORDER BY event_actors.position"
).bindparams(bindparam("ids", expanding=True))
SOURCES = text(
    "SELECT sources.event_id, sources.id, sources.url, sources.title, sources.publisher, "
    "sources.published, sources.accessed_on, sources.position \nFROM sources \n"
    "WHERE sources.event_id IN :ids ORDER BY sources.position"
).bindparams(bindparam("ids", expanding=True))


def create_app(database: str) -> Flask:
    """The bare app, reading the SQLite file at `database`."""
    app = Flask(__name__)
    engine = create_engine(f"sqlite:///{database}")

    @app.get("/api/events")
    def events():
        limit = int(request.args.get("limit", 50))
        with engine.connect() as conn:
            sql, params = page_query(conn, request.args, limit)
            rows = [dict(row) for row in conn.execute(text(sql), params).mappings()]
            more = len(rows) > limit
            rows = rows[:limit]
            attach_details(conn, rows)
        return jsonify(events=rows, next=next_url(rows[-1]) if more else None)

    return app


def page_query(conn: Connection, args, limit: int) -> tuple[str, dict]:
    """The page's SQL text and its parameters, clause by clause as the ORM writes them."""
    where, params = ["events.status = :status"], {"status": "published"}
    if "from" in args or "to" in args:
        where.append(WINDOW)
        params |= window(args.get("from", "0001-01-01"), args.get("to", "9999-12-31"))
    if "category" in args:
        where.append(IN_CATEGORY)
        params["category"] = args["category"]
    if "actor" in args:
        actor_id = conn.scalar(ACTOR_ID, {"slug": args["actor"]})
        ids = conn.scalars(text(ACTOR_EVENTS), {"actor_id": actor_id, "most": MOST + 1}).all()
        _known_ids(where, params, ids, BY_ACTOR, {"actor_id": actor_id})
    if "q" in args:
        fts = '("' + args["q"].replace('"', '""') + '")'
        ids = conn.scalars(text(SEARCH_IDS), {"fts": fts, "most": MOST + 1}).all()
        _known_ids(where, params, ids, MATCHING, {"fts": fts})
    if "cursor" in args:
        where.append(AFTER)
        start, end, ident = base64.urlsafe_b64decode(args["cursor"]).decode().split("|")
        params |= {"after_start": start, "after_end": end, "after_id": int(ident)}
    params |= {"limit": limit + 1, "offset": 0}
    sql = f"SELECT {EVENT_COLUMNS} \nFROM events \nWHERE {' AND '.join(where)} {ORDER}\n"
    return sql + " LIMIT :limit OFFSET :offset", params


def _known_ids(where: list, params: dict, ids, otherwise: str, bound: dict) -> None:
    """As ours: a short list of ids is sent as a list; a long one stays a subquery."""
    if len(ids) <= MOST:
        where.append(f"events.id IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})")
        where[0] = "+events.status = :status"  # as ours: fetch the listed rows, then sort
    else:
        where.append(otherwise)
        params |= bound


def window(first: str, last: str) -> dict[str, str]:
    """The window's bounds, and the earliest start of a short event that can reach into it."""
    reach = dt.timedelta(LONG_SPAN_DAYS)
    day = dt.date.fromisoformat(first)
    earliest_short = max(day, dt.date.min + reach) - reach
    return {"first": first, "last": last, "earliest_short": earliest_short.isoformat()}


def attach_details(conn: Connection, rows: list[dict]) -> None:
    """Each event's actors and sources, read for the whole page in one query each."""
    ids = [row["id"] for row in rows]
    actors, sources = defaultdict(list), defaultdict(list)
    for link in conn.execute(LINKS, {"ids": ids}).mappings():
        actors[link["event_id"]].append(
            {"slug": link["slug"], "name": link["name"], "kind": link["kind"],
             "role": link["role"]}
        )  # fmt: skip
    for source in conn.execute(SOURCES, {"ids": ids}).mappings():
        sources[source["event_id"]].append(
            {"url": source["url"], "title": source["title"], "publisher": source["publisher"],
             "published": source["published"]}
        )  # fmt: skip
    for row in rows:
        row["actors"], row["sources"] = actors[row["id"]], sources[row["id"]]


def next_url(last: dict) -> str:
    """This URL with a cursor after the last row: start|end|id, base64."""
    token = f"{last['starts_on']}|{last['ends_on']}|{last['id']}"
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    args["cursor"] = base64.urlsafe_b64encode(token.encode()).decode()
    return f"{request.base_url}?{urlencode(args)}"
