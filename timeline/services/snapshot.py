"""A public snapshot: the published timeline as a SQLite file that Datasette serves as it is,
full-text search included, with a metadata.json that says what each table holds.

Only what the site shows goes in: published events, their links and sources, the actors they
name (an actor only drafts name stays private), the vocabularies and the cost reference data.
Accounts, tokens, login attempts, revisions (drafts' and pending edits' text among them) and
the cache counters stay out. Every table of the models is either PUBLISHED or PRIVATE, and a
test fails on one that is neither, so a new table cannot slip into the file unread.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, select
from sqlalchemy.orm import Session

from timeline.db import Base
from timeline.domain import Actor, Event, EventActor, Status

SITE = "Hollywood AI-adoption timeline"
PUBLISHED = {
    "categories": "The categories of events: demo, lawsuit, labor action…",
    "actor_kinds": "The kinds of actors: studio, union, AI company, person…",
    "events": "Dated events of generative AI's arrival in film and TV. `start` and `end` keep "
    "their precision (2024, 2024-03, 2024-03-25); `starts_on` and `ends_on` are the first and "
    "last day an event may cover. Search titles, summaries and actor names with ?_search=.",
    "actors": "People and organisations that take part in the published events.",
    "actor_aliases": "Other names of the actors.",
    "event_actors": "Who took part in which event, and in what role.",
    "sources": "The published pages each event rests on.",
    "gpus": "GPUs of the cost model, with their peak throughput.",
    "gpu_prices": "Observed rental prices of a GPU-hour.",
    "video_models": "Video-generation model architectures the cost model computes with.",
    "measured_runs": "Published measured generation times, which check the cost model.",
    "api_prices": "Observed prices of video-generation APIs, per second of video.",
    "llm_prices": "Observed prices of language-model APIs.",
    "scenarios": "Published claims about what a minute of generated video costs.",
}
PRIVATE = {
    "users": "accounts",
    "api_tokens": "secrets",
    "login_attempts": "who tried to log in, from where",
    "revisions": "the history of every change, drafts and unreviewed edits included",
    "data_versions": "cache counters, of no use outside the running site",
}
FTS_COLUMNS = "title, summary, actor_names"
# Datasette finds a table's search index by its declaration: content="events" in double
# quotes (the migrations' single-quoted form is invisible to it).
FTS_TABLE = f"""CREATE VIRTUAL TABLE events_fts USING fts5(
    {FTS_COLUMNS}, content="events", content_rowid="id",
    tokenize='porter unicode61 remove_diacritics 2'
)"""
_CHUNK = 1000


def _public_events():
    return select(Event.id).where(Event.status == Status.PUBLISHED)


def _public_actors():
    return select(EventActor.actor_id).where(EventActor.event_id.in_(_public_events()))


def _rows_shown(table: Table):
    """The rows of a published table the public site shows."""
    chosen = select(table)
    if table.name == "events":
        chosen = chosen.where(table.c.status == Status.PUBLISHED)
    elif table.name in ("event_actors", "sources"):
        chosen = chosen.where(table.c.event_id.in_(_public_events()))
    elif table.name == "actors":
        chosen = chosen.where(Actor.id.in_(_public_actors()))
    elif table.name == "actor_aliases":
        chosen = chosen.where(table.c.actor_id.in_(_public_actors()))
    return chosen.order_by(*table.primary_key.columns)


def published_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name in PUBLISHED]


def write_snapshot(session: Session, path: Path, about: dict[str, str] | None = None) -> dict:
    """Write the public snapshot to `path` (replacing any file there only once it is whole)
    and its Datasette metadata beside it, with `about` (license, license_url, source_url)
    added; returns the rows written per table."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{partial}")
    try:
        counts = _fill(session, engine)
    finally:
        engine.dispose()
    os.replace(partial, path)
    metadata = datasette_metadata(path.stem) | {k: v for k, v in (about or {}).items() if v}
    path.with_name("metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    return counts


def _fill(session: Session, engine) -> dict[str, int]:
    tables = published_tables()
    Base.metadata.create_all(engine, tables=tables)
    counts = {}
    with engine.begin() as target:
        for table in tables:
            counts[table.name] = 0
            for chunk in _chunks(session.execute(_rows_shown(table)).mappings()):
                target.execute(table.insert(), chunk)
                counts[table.name] += len(chunk)
        target.exec_driver_sql(FTS_TABLE)
        target.exec_driver_sql("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
    return counts


def _chunks(rows) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(dict(row))
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata.json for the snapshot named `database` (its file name's stem)."""
    tables = {name: {"description": text} for name, text in PUBLISHED.items()}
    tables["events"] |= {"sort": "starts_on"}
    return {
        "title": SITE,
        "description": "The published events of generative AI's arrival in film and "
        "television, the people and organisations involved, the sources behind every event, "
        "and the cost model's reference data. Drafts and accounts are not included.",
        "source": f"{SITE} (each event cites its sources in the sources table)",
        "databases": {database: {"tables": tables}},
    }
