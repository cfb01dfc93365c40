"""Time the chronology page, search and the events API on a synthetic database of N events.

    .venv/bin/python bench/timeline_page.py                      # 100,000 events, 30 runs
    .venv/bin/python bench/timeline_page.py --events 20000 --repeat 10 --database /tmp/t.db

Migrates a SQLite file (by default one per N in the temporary folder, so a second run reuses
it), loads the seed files, adds N synthetic events (bench/synthetic.py), then requests each URL
through the WSGI test client: 3 warm-ups, R timed requests. Prints a Markdown table of median
and p95 wall time and response size; any status but 200 stops the run (a 404 from the CSV
export only marks it "not available", as it may not exist yet).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from synthetic import ACTORS, COMMON_WORD, EVENTS, LINKS, count_in_window, fill, window_holding

from timeline import create_app
from timeline.db import db

WARM_UPS = 3
SMALL, LARGE = 1_000, 10_000  # events wanted in the short and the long window


@dataclass(frozen=True, slots=True)
class Case:
    """One URL to time, with the number of events it covers (None: not meaningful)."""

    what: str
    url: str
    events: int | None
    optional: bool = False  # a 404 means "not built yet", not a failure


@dataclass(frozen=True, slots=True)
class Timing:
    median_ms: float
    p95_ms: float
    kb: float


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="synthetic events to add")
    parser.add_argument("--database", type=Path, help="SQLite file (default: under the temp dir)")
    parser.add_argument("--url", help="a database URL instead, e.g. postgresql://postgres@/bench")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL")
    args = parser.parse_args()
    if args.database is None:
        args.database = (
            Path(tempfile.gettempdir())
            / "timeline-bench"
            / (f"timeline-page-{args.events}.sqlite3")
        )
    return args


def prepare(app: Flask, wanted: int, path: Path | str) -> None:
    """Migrate, then seed and fill unless the file already holds `wanted` events.

    A file holding fewer is topped up rather than deleted: --database may name a file
    someone cares about, and the synthetic rows never clash with what is there."""
    with app.app_context():
        upgrade()  # also brings a reused file up to the current schema
        held = db.session.scalar(select(func.count()).select_from(EVENTS))
        db.session.rollback()
        if held >= wanted:
            print(f"reusing {path}: it holds {held:,} events (>= {wanted:,})")
            return
        seed(app)
        started = time.perf_counter()
        fill(db.engine, wanted - held)
        settle(db.engine)
        elapsed = time.perf_counter() - started
        print(f"filled {wanted - held:,} events in {elapsed:.1f} s ({path})")


def settle(engine: Engine) -> None:
    """On PostgreSQL, what autovacuum would soon do: planner statistics, and the visibility map
    that lets index-only scans skip the table. (SQLite plans well without statistics.)"""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def seed(app: Flask) -> None:
    """The seed events, actors and cost data, through the `flask seed` command."""
    result = app.test_cli_runner().invoke(args=["seed"])
    if result.exit_code != 0:
        raise SystemExit(f"flask seed failed ({result.exit_code}):\n{result.output}")


def rare_person(engine: Engine) -> str:
    """The name of the person in the fewest events (at least one): a search with few hits."""
    links = func.count(LINKS.c.event_id)
    statement = (
        select(ACTORS.c.name)
        .join(LINKS, LINKS.c.actor_id == ACTORS.c.id)
        .where(ACTORS.c.kind == "person")
        .group_by(ACTORS.c.id, ACTORS.c.name)
        .order_by(links, ACTORS.c.id)
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.scalar(statement)


def count_matching(engine: Engine, text: str) -> int:
    """Published events whose title, summary or actors' names contain `text` (any case).

    An approximation of the site's search (no stemming), to show how many hits to expect."""
    document = func.lower(EVENTS.c.title + " " + EVENTS.c.summary + " " + EVENTS.c.actor_names)
    statement = select(func.count()).where(
        EVENTS.c.status == "published", document.contains(text.lower(), autoescape=True)
    )
    with engine.connect() as conn:
        return conn.scalar(statement)


def window(engine: Engine, wanted: int) -> tuple[str, str, int]:
    """A window from 1 January 2024 holding about `wanted` events, and its actual count."""
    first, last = window_holding(engine, wanted)
    held = count_in_window(engine, dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    print(f"window {first} .. {last} holds {held:,} events (asked for ~{wanted:,})")
    return first, last, held


def cases(engine: Engine) -> list[Case]:
    """The URLs to time, built from windows and names found in this database."""
    small_from, small_to, small = window(engine, SMALL)
    large_from, large_to, large = window(engine, LARGE)
    small_q = urlencode({"from": small_from, "to": small_to})
    large_q = urlencode({"from": large_from, "to": large_to})
    everything = count_in_window(engine, dt.date.min, dt.date.max)
    name = rare_person(engine)
    common = urlencode({"q": COMMON_WORD})
    rare = urlencode({"q": f'"{name}"'})  # a phrase: both words, together
    hits, rare_hits = count_matching(engine, COMMON_WORD), count_matching(engine, name)
    return [
        Case(f"page, {small_from}..{small_to}", f"/?{small_q}", small),
        Case(f"page, {large_from}..{large_to}", f"/?{large_q}", large),
        Case("page, no filter", "/", everything),
        Case(f"page, search {COMMON_WORD!r}", f"/?{common}", hits),
        Case(f"page, search rare name {name!r}", f"/?{rare}", rare_hits),
        Case(f"api, search {COMMON_WORD!r}", f"/api/events?{common}", hits),
        Case(f"api, {small_from}..{small_to}", f"/api/events?{small_q}", small),
        Case(f"csv, {large_from}..{large_to}", f"/api/events.csv?{large_q}", large, True),
    ]


def get(client: FlaskClient, case: Case) -> tuple[float, bytes] | None:
    """One request: seconds and body; None for a missing optional URL; stops on any error."""
    started = time.perf_counter()
    response = client.get(case.url)
    elapsed = time.perf_counter() - started
    if response.status_code == 404 and case.optional:
        return None
    if response.status_code != 200:
        raise SystemExit(
            f"{case.url} answered {response.status_code}:\n{response.get_data(as_text=True)[:500]}"
        )
    return elapsed, response.data


def measure(client: FlaskClient, case: Case, repeat: int) -> Timing | None:
    """Median and p95 (nearest rank) of `repeat` requests after the warm-ups."""
    for _ in range(WARM_UPS):  # first requests fill caches and compile templates
        if get(client, case) is None:
            return None
    samples, size = [], 0
    for _ in range(repeat):
        answer = get(client, case)
        assert answer is not None  # the URL answered 200 during the warm-ups
        samples.append(answer[0] * 1000)
        size = len(answer[1])
    samples.sort()
    p95 = samples[math.ceil(len(samples) * 0.95) - 1]
    return Timing(statistics.median(samples), p95, size / 1024)


def print_table(rows: list[tuple[Case, Timing | None]]) -> None:
    print("| what | events in window | median ms | p95 ms | KB |")
    print("|---|---:|---:|---:|---:|")
    for case, timing in rows:
        events = "" if case.events is None else f"{case.events:,}"
        if timing is None:
            print(f"| {case.what} | {events} | not available | | |")
        else:
            print(f"| {case.what} | {events} | {timing.median_ms:,.1f} | {timing.p95_ms:,.1f} "
                  f"| {timing.kb:,.1f} |")  # fmt: skip


def main() -> None:
    args = parse_args()
    args.database.parent.mkdir(parents=True, exist_ok=True)
    url = args.url or f"sqlite:///{args.database}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    prepare(app, args.events, args.url or args.database)
    with app.app_context():
        todo = cases(db.engine)
    client = app.test_client()
    rows = []
    for case in todo:
        rows.append((case, measure(client, case, args.repeat)))
        print(f"  timed {case.url}", flush=True)  # progress: a slow page takes minutes
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
