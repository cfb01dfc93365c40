"""The events API with no features: the reference that the load benchmarks hold ours against.

    gunicorn -w 2 --chdir bench 'bare_api:create_app("sqlite:////path/to/events.sqlite3")'
    gunicorn -w 2 --chdir bench 'bare_api:create_app("postgresql://postgres@127.0.0.1/bench")'

Flask and SQLAlchemy Core only, on SQLite or PostgreSQL. `GET /api/events` takes from, to
(whole days), category (once or more), actor (a slug), q (words, all of which must match),
sort (the API's fields, `-` for descending, up to four), limit and cursor, and runs the SQL
text that `timeline.services.events.list_events` sends on that database for the same
parameters, typed as ours types them: the search's and the actor's ids looked up, the page,
then the actors and the sources of the page's events. Rows go out as they come, with no
validation, no ORM, no ETag, no error shape; a bad parameter is a 500. Its cursor is its own:
the last row's sort values and id, base64. bench/bare_check.py tells whether it still sends
ours' statements.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections import defaultdict
from urllib.parse import urlencode

from flask import Flask, jsonify, request
from sqlalchemy import Date, DateTime, Integer, String, bindparam, create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import TextClause

LONG_SPAN_DAYS = 366  # timeline.domain.events.LONG_SPAN_DAYS: not imported, to stay bare

EVENT_COLUMNS = (
    "events.id, events.slug, events.title, events.summary, events.category, events.start, "
    'events."end", events.precision, events.ongoing, events.starts_on, events.ends_on, '
    "events.long_span, events.status, events.notes, events.actor_names, events.actor_kinds, "
    "events.created_at, events.updated_at, events.version"
)
# The API's sort fields and their columns (timeline.services.events.ordering.SORTABLE).
SORTABLE = {"start": "starts_on", "end": "ends_on", "title": "title", "category": "category",
            "slug": "slug", "created": "created_at", "updated": "updated_at"}  # fmt: skip
CHRONOLOGICAL = "start,end"
# Parameters typed as ours types them, by name or, for a cursor's, by column: PostgreSQL
# is sent a cast for each (SQLite is sent the values as they are).
TYPES = {"first": Date(), "last": Date(), "reach": Date(), "categories": String(),
         "actor_id": Integer(), "linked": Integer(), "found": Integer(), "ids": Integer(),
         "most": Integer(), "limit": Integer(), "word": String(), "starts_on": Date(),
         "ends_on": Date(), "title": String(), "category": String(), "slug": String(),
         "created_at": DateTime(timezone=True), "updated_at": DateTime(timezone=True),
         "id": Integer()}  # fmt: skip
LISTS = {"categories", "linked", "found", "ids"}  # each sent as one expanding parameter
NAMED = re.compile(r"(?<![:\w]):(\w+)")
# SQLite keeps timestamps as text, written two ways: ours compares them rewritten alike, the
# format written as a literal (as a parameter, no index over the expression would serve it).
SQLITE_TIME = "strftime('%Y-%m-%d %H:%M:%f', {})"
TIMES = ("created_at", "updated_at")
# A window bounds the start by the earliest start of any event that may overlap it: a short
# one's (LONG_SPAN_DAYS before the window), or a long one's, looked up first. On SQLite ours
# tests the end through a unary plus, so that no index on it is chosen, and writes a boolean
# column's truth as `= 1`; it looks the long ones up with the status as an expression, which
# leaves the planner the long spans' index alone.
REACH = (
    "SELECT min(events.starts_on) AS min_1 \nFROM events \nWHERE {status} = :status "
    "AND events.long_span{is_true} AND events.ends_on >= :first AND events.starts_on <= :last"
)
WINDOW = "events.starts_on <= :last AND {ends_on} >= :first AND events.starts_on >= :reach"
IN_CATEGORY = "events.category IN :categories"
ACTOR_ID = text("SELECT id FROM actors WHERE slug = :slug")
# Ours looks a search's matches and an actor's events up first and, when there are at most
# MOST, sends them as a list of ids (timeline.services.events.filtering.resolved); so does this.
MOST = 5_000
ACTOR_EVENTS = (
    "SELECT event_actors.event_id \nFROM event_actors \nWHERE event_actors.actor_id = :actor_id"
)
BY_ACTOR = f"events.id IN ({ACTOR_EVENTS})"
# How each database matches `q` (timeline.services.events.search): FTS5, or on PostgreSQL the
# generated tsvector column its GIN index ix_events_search holds, one plainto_tsquery per
# word, all ANDed.
FTS5_IDS = "SELECT rowid FROM events_fts WHERE events_fts MATCH :fts LIMIT :most"
FTS5_MATCHING = "events.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH :fts)"
PG_DOCUMENT = "events.search_document"
PG_WORD = "plainto_tsquery('english'::regconfig, :word_{})"
LINKS = (
    "SELECT event_actors.event_id, actors.slug, actors.name, actors.kind, event_actors.role \n"
    "FROM event_actors JOIN actors ON actors.id = event_actors.actor_id \n"
    "WHERE event_actors.event_id IN :ids ORDER BY event_actors.event_id, event_actors.position"
)
SOURCES = (
    "SELECT sources.event_id, sources.url, sources.title, sources.publisher, sources.published "
    "\nFROM sources \nWHERE sources.event_id IN :ids "
    "ORDER BY sources.event_id, sources.position"
)


def create_app(url: str) -> Flask:
    """The bare app, reading the database at `url` (sqlite:///… or postgresql://…)."""
    app = Flask(__name__)
    for prefix in ("postgres://", "postgresql://"):  # psycopg 3, as the project connects
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    engine = create_engine(url)

    @app.get("/api/events")
    def events():
        limit = int(request.args.get("limit", 50))
        keys = sort_keys(request.args.get("sort", CHRONOLOGICAL))
        with engine.connect() as conn:
            sql, params = page_query(conn, request.args, keys, limit)
            rows = [dict(row) for row in run(conn, sql, params).mappings()]
            more = len(rows) > limit
            rows = rows[:limit]
            attach_details(conn, rows)
        return jsonify(events=rows, next=next_url(rows[-1], keys) if more else None)

    return app


def run(conn: Connection, sql: str, params: dict):
    """Execute SQL text, its lists expanded and, on PostgreSQL, its parameters typed."""
    return conn.execute(statement(sql, conn.dialect.name == "sqlite"), params)


def statement(sql: str, sqlite: bool) -> TextClause:
    """The text with its lists as expanding parameters and, on PostgreSQL, each parameter
    typed, so that it is sent with the cast ours sends (`%(limit)s::INTEGER`)."""
    names = dict.fromkeys(NAMED.findall(sql))
    return text(sql).bindparams(
        *(bindparam(name, expanding=name in LISTS, type_=None if sqlite else _type(name))
          for name in names if name in LISTS or not sqlite)
    )  # fmt: skip


def _type(name: str):
    key = name.removeprefix("after_")
    return TYPES.get("word" if key.startswith("word_") else key)


def sort_keys(typed: str) -> list[tuple[str, bool]]:
    """(column, descending) per key, then the id in the last key's direction, as ours."""
    keys = [(SORTABLE[name.strip().lstrip("-")], name.strip().startswith("-"))
            for name in typed.split(",")]  # fmt: skip
    return [*keys, ("id", keys[-1][1])]


def limited(sql: str, sqlite: bool, limit: str) -> str:
    """A LIMIT as the ORM writes one: SQLite's with an OFFSET."""
    return f"{sql} \n LIMIT :{limit} OFFSET :offset" if sqlite else f"{sql} \n LIMIT :{limit}"


def page_query(conn: Connection, args, keys: list[tuple[str, bool]], limit: int):
    """The page's SQL text and its parameters, clause by clause as the ORM writes them; the
    search's ids are looked up before the actor's, as ours does."""
    sqlite = conn.dialect.name == "sqlite"
    params = {"status": "published", "limit": limit + 1, "offset": 0, "most": MOST + 1}
    found = search(conn, args["q"].split(), params) if "q" in args else None
    linked = actor(conn, args["actor"], params) if "actor" in args else None
    if found and linked and len(found[0]) <= MOST and len(linked[0]) <= MOST:
        # As ours: both short lists become the one list of the events in both.
        both = sorted(set(found[0]).intersection(linked[0]))
        found, linked = (both, found[1]), (both, linked[1])
    where = ["events.status = :status"]
    if "from" in args or "to" in args:
        window(conn, args.get("from", "0001-01-01"), args.get("to", "9999-12-31"), params)
        where.append(WINDOW.format(ends_on="+events.ends_on" if sqlite else "events.ends_on"))
    if "category" in args:
        where.append(IN_CATEGORY)
        params["categories"] = args.getlist("category")
    for name, looked_up in (("linked", linked), ("found", found)):
        if looked_up is not None:
            _known_ids(where, params, name, *looked_up, sqlite)
    listed = any(ids is not None and len(ids[0]) <= MOST for ids in (found, linked))
    sort_here = sqlite and not listed and _few(conn, args, keys, where, params)
    if "cursor" in args:
        where.append(after(keys, sqlite, sort_here))
        params |= cursor_params(args["cursor"], keys, sqlite)
    order = ", ".join(f"{_sorted(c, sqlite, sort_here)} {'DESC' if down else 'ASC'}"
                      for c, down in keys)  # fmt: skip
    sql = f"SELECT {EVENT_COLUMNS} \nFROM events \nWHERE {' AND '.join(where)} ORDER BY {order}"
    return limited(sql, sqlite, "limit"), params


def search(conn: Connection, words: list[str], params: dict) -> tuple[list, str]:
    """At most MOST + 1 matching ids, and the WHERE clause used when there are more."""
    if conn.dialect.name == "sqlite":
        params["fts"] = " AND ".join('("' + word.replace('"', '""') + '")' for word in words)
        return run(conn, FTS5_IDS, params).scalars().all(), FTS5_MATCHING
    wanted = PG_WORD.format(0)
    for i in range(1, len(words)):
        wanted = f"tsquery_and({wanted}, {PG_WORD.format(i)})"
    params |= {f"word_{i}": word for i, word in enumerate(words)}
    matching = f"{PG_DOCUMENT} @@ {wanted}"
    ids = limited(f"SELECT events.id \nFROM events \nWHERE {matching}", False, "most")
    return run(conn, ids, params).scalars().all(), f"({matching})"


def actor(conn: Connection, slug: str, params: dict) -> tuple[list, str]:
    """At most MOST + 1 of the actor's events, and the WHERE clause used when there are more."""
    params["actor_id"] = conn.scalar(ACTOR_ID, {"slug": slug})
    ids = run(conn, limited(ACTOR_EVENTS, conn.dialect.name == "sqlite", "most"), params)
    return ids.scalars().all(), BY_ACTOR


def _known_ids(where: list, params: dict, name: str, ids, otherwise: str, sqlite: bool) -> None:
    """As ours: a short list of ids is sent as a list; a long one stays in the query."""
    if len(ids) > MOST:
        where.append(otherwise)
        return
    if ids or sqlite:
        where.append(f"events.id IN :{name}")
        params[name] = list(ids)
    else:  # as ours renders an empty list on PostgreSQL
        where.append("events.id IN (NULL) AND (1 != 1)")
    if sqlite:  # as ours: fetch the listed rows, then sort them
        where[0] = "+events.status = :status"


def _column(name: str, sqlite: bool) -> str:
    column = f"events.{name}"
    return SQLITE_TIME.format(column) if sqlite and name in TIMES else column


# As ours (timeline.services.events.queries.FEW): on SQLite, a window or categories with fewer
# matches than this (counted first, by the filter's index) are sorted, their sort keys written
# behind a unary plus so that no index is walked for the order.
FEW = 2_000
FEW_COUNT = ("SELECT count(*) AS count_1 \nFROM (SELECT :one AS anon_2 \nFROM events \nWHERE "
             "{where}\n LIMIT :few OFFSET :offset) AS anon_1")  # fmt: skip


def _few(conn: Connection, args, keys: list[tuple[str, bool]], where: list, params: dict) -> bool:
    if keys[0][0] == "starts_on" or not ({"from", "to", "category"} & set(args)):
        return False
    count = FEW_COUNT.format(where=" AND ".join(where))
    return run(conn, count, params | {"one": 1, "few": FEW}).scalar() < FEW


def _sorted(name: str, sqlite: bool, sort_here: bool) -> str:
    column = _column(name, sqlite)
    return f"+{column}" if sort_here and name != "id" else column


def after(keys: list[tuple[str, bool]], sqlite: bool, sort_here: bool = False) -> str:
    """Rows after the cursor's: a row-value comparison in one direction, as ours; with mixed
    directions, equal on the keys before and past the cursor on the next, ORed."""
    pairs = [(_sorted(c, sqlite, sort_here),
              _column(c, sqlite).replace(f"events.{c}", f":after_{c}"), down)
             for c, down in keys]  # fmt: skip
    if len({down for _, _, down in pairs}) == 1:
        columns, values = (", ".join(part) for part in zip(*(p[:2] for p in pairs), strict=True))
        return f"({columns}) {'<' if pairs[0][2] else '>'} ({values})"
    branches = []
    for i, (column, value, down) in enumerate(pairs):
        equal = [f"{c} = {v}" for c, v, _ in pairs[:i]]
        branches.append(" AND ".join([*equal, f"{column} {'<' if down else '>'} {value}"]))
    return "(" + " OR ".join(branches) + ")"


def cursor_params(token: str, keys: list[tuple[str, bool]], sqlite: bool) -> dict:
    """The cursor's values by column, typed for PostgreSQL (SQLite compares text as stored)."""
    values = json.loads(base64.urlsafe_b64decode(token))
    typed = {}
    for (column, _), value in zip(keys, values, strict=True):
        if not sqlite and column in ("starts_on", "ends_on"):
            value = dt.date.fromisoformat(value)
        elif not sqlite and column in TIMES:
            value = dt.datetime.fromisoformat(value)
        typed[f"after_{column}"] = value
    return typed


def window(conn: Connection, first: str, last: str, params: dict) -> None:
    """The window's bounds (ISO text on SQLite, which keeps dates so; dates on PostgreSQL) and
    the earliest start of an event that may overlap it, looked up for the long ones."""
    sqlite = conn.dialect.name == "sqlite"
    first_day, last_day = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    reach = dt.timedelta(LONG_SPAN_DAYS)
    short = max(first_day, dt.date.min + reach) - reach
    if sqlite:
        first_day, last_day, short = first, last, short.isoformat()
    params |= {"first": first_day, "last": last_day}
    status = "+events.status" if sqlite else "events.status"
    reach_sql = REACH.format(status=status, is_true=" = 1" if sqlite else "")
    earliest = run(conn, reach_sql, params).scalar()
    params["reach"] = min(short, earliest) if earliest is not None else short


def attach_details(conn: Connection, rows: list[dict]) -> None:
    """Each event's actors and sources, read for the whole page in one query each (none for
    an empty page, as ours)."""
    if not rows:
        return
    ids = {"ids": [row["id"] for row in rows]}
    actors, sources = defaultdict(list), defaultdict(list)
    for link in run(conn, LINKS, ids).mappings():
        actors[link["event_id"]].append(
            {"slug": link["slug"], "name": link["name"], "kind": link["kind"],
             "role": link["role"]}
        )  # fmt: skip
    for source in run(conn, SOURCES, ids).mappings():
        sources[source["event_id"]].append(
            {"url": source["url"], "title": source["title"], "publisher": source["publisher"],
             "published": source["published"]}
        )  # fmt: skip
    for row in rows:
        row["actors"], row["sources"] = actors[row["id"]], sources[row["id"]]


def next_url(last: dict, keys: list[tuple[str, bool]]) -> str:
    """This URL with a cursor after the last row: its sort values and id as JSON, base64."""
    values = [last[column] for column, _ in keys]
    token = json.dumps([v.isoformat() if isinstance(v, dt.date) else v for v in values])
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    query = urlencode([*args, ("cursor", base64.urlsafe_b64encode(token.encode()).decode())])
    return f"{request.base_url}?{query}"
