"""Time the chronology page and /api/events on a synthetic database of N events.

    make bench                      # 100,000 events
    .venv/bin/python bench/events_list.py --events 20000 --runs 50

Builds a migrated SQLite file in a temporary folder (or uses --database URL), fills it with
realistic events (points, ranges, month- and year-precision dates, 1-3 actors, 2 sources
each), then requests each URL through the WSGI app and prints median and p95 latency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select

from timeline import create_app
from timeline.dates import PartialDate, span_of
from timeline.db import db
from timeline.domain import Actor, ActorKind, Category, Event, EventActor, Source

FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 365 * 12


def synthetic_span(rng: random.Random):
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    kind = rng.random()
    if kind < 0.10:
        return span_of(f"{day:%Y-%m}")
    if kind < 0.13:
        return span_of(f"{day:%Y}")
    if kind < 0.28:
        return span_of(
            day.isoformat(), (day + dt.timedelta(days=rng.randrange(1, 200))).isoformat()
        )
    if kind < 0.30:
        return span_of(day.isoformat(), ongoing=True)
    return span_of(day.isoformat())


def fill(n_events: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    session = db.session
    kinds = list(session.scalars(select(ActorKind.slug)))
    categories = list(session.scalars(select(Category.slug)))
    n_actors = max(50, n_events // 50)
    session.execute(insert(Actor), [
        {"slug": f"actor-{i}", "name": f"Actor {i}", "kind": rng.choice(kinds)}
        for i in range(1, n_actors + 1)
    ])  # fmt: skip
    events, links, sources = [], [], []
    for i in range(1, n_events + 1):
        span = synthetic_span(rng)
        events.append({
            "id": i, "slug": f"event-{i}", "title": f"Synthetic event {i}",
            "summary": "A synthetic event for timing. " * 4, "category": rng.choice(categories),
            "start": str(span.start), "end": str(span.end) if span.end else None,
            "precision": span.start.precision.value, "ongoing": span.ongoing,
            "starts_on": span.earliest, "ends_on": span.latest, "status": "published",
        })  # fmt: skip
        for position, actor in enumerate(rng.sample(range(1, n_actors + 1), rng.randint(1, 3))):
            links.append(
                {"event_id": i, "actor_id": actor, "role": "subject", "position": position}
            )
        for position in range(2):
            sources.append({"event_id": i, "url": f"https://example.org/{i}/{position}",
                            "publisher": "Example", "position": position})  # fmt: skip
    for model, rows in ((Event, events), (EventActor, links), (Source, sources)):
        for start in range(0, len(rows), 5000):
            session.execute(insert(model), rows[start : start + 5000])
    session.commit()


def measure(client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)  # warm caches once
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        fill(args.events)
        print(f"filled {args.events:,} events in {time.perf_counter() - started:.1f} s ({url})")
    client = app.test_client()
    middle = PartialDate(2021, 6)
    cursor = client.get(f"/api/events?from={middle}&limit=50").get_json()["next"]
    cases = {
        "api, first page (50)": "/api/events",
        "api, one month window": f"/api/events?from={middle}&to={middle}",
        "api, page 2 via cursor": cursor.removeprefix("http://localhost"),
        "api, 500 per page": "/api/events?from=2020&limit=500",
        "page /, one month window": f"/?from={middle}&to={middle}",
        "page /, first 100": "/",
    }
    print(f"{'request':28} {'median ms':>10} {'p95 ms':>8} {'bytes':>9}")
    for name, path in cases.items():
        median, p95, size = measure(client, path, args.runs)
        print(f"{name:28} {median:10.1f} {p95:8.1f} {size:9,}")


if __name__ == "__main__":
    main()
