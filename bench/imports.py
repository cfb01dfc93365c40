"""How fast `flask import` loads a file of 20,000 synthetic events into a seeded database.

    .venv/bin/python bench/imports.py                                 # SQLite, 20,000 events
    .venv/bin/python bench/imports.py --events 5000 --url postgresql://postgres@127.0.0.1/bench

Writes a JSON file in the import format: an `actors` list (about N/50, a fifth with aliases)
and N events, each naming 1-4 of those actors with roles and citing 1-2 sources, drawn by
bench/synthetic.py's generator (the shapes the other benchmarks fill their tables with). Then,
on a freshly migrated and seeded database (a SQLite file under instance/bench/, or the
PostgreSQL database --url names, emptied first), runs `flask import FILE` as a user would,
twice: the first run creates everything, the second finds nothing to change. Prints the seconds
and events per second of each, and checks the rows and revisions written.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from databases import emptied
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select
from synthetic import CATEGORIES, _event_rows, _make_actors

from timeline import create_app
from timeline.config import PROJECT_ROOT, database_url
from timeline.db import db
from timeline.domain import Event, EventActor, Revision, Source
from timeline.services.fields import name_slug

FLASK = str(Path(sys.executable).parent / "flask")
TARGET = 1_000  # events per second, for the first (creating) run


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--url", help="a PostgreSQL database to use (emptied first)")
    parser.add_argument("--folder", type=Path, default=PROJECT_ROOT / "instance" / "bench")
    return parser.parse_args()


def synthetic_document(url: str, count: int, seed: int = 11) -> dict:
    """Actors and events in the import format, drawn against the database's vocabularies
    (written in a transaction that is rolled back: only the names and shapes are kept)."""
    rng = random.Random(seed)
    engine = create_engine(database_url(url))
    with engine.connect() as conn:
        transaction = conn.begin()
        categories = sorted(conn.scalars(select(CATEGORIES.c.slug)))
        actors = _make_actors(conn, rng, max(200, count // 50))
        transaction.rollback()
    engine.dispose()
    named = _distinct_names(actors)
    events: dict[tuple[str, str], dict] = {}
    while len(events) < count:  # a file with no slugs: title and start tell its events apart
        record = _record(rng, len(events), rng.choice(categories), actors, named)
        events.setdefault((record["title"].lower(), record["start"]), record)
    used = {link["name"] for event in events.values() for link in event["actors"]}
    listed = [_actor(actors, i) for i in named if actors.name[i] in used]
    return {"actors": listed, "events": list(events.values())}


def _distinct_names(actors) -> set[int]:
    """The actors whose names and aliases no earlier one goes by (the generator may repeat a
    name, which a file may not: a name means one actor)."""
    taken: set[str] = set()
    kept: set[int] = set()
    for actor_id in actors.ids:
        slugs = {name_slug(name) for name in actors.known_as[actor_id]}
        if not slugs & taken:
            kept.add(actor_id)
            taken |= slugs
    return kept


def _actor(actors, actor_id: int) -> dict:
    name, *aliases = actors.known_as[actor_id]
    return {"name": name, "kind": actors.kind[actor_id], "aliases": aliases}


def _record(rng: random.Random, index: int, category: str, actors, named: set[int]) -> dict:
    """One event of synthetic.py's shapes, as a file gives it (a slug made from its title)."""
    row, links, sources = _event_rows(rng, index + 1, 1, category, actors)
    links = [link for link in links if link["actor_id"] in named] or [
        {"actor_id": min(named), "role": "subject"}
    ]
    return {
        "title": row["title"], "start": row["start"], "end": row["end"],
        "ongoing": row["ongoing"], "category": category, "summary": row["summary"],
        "actors": [{"name": actors.name[link["actor_id"]], "role": link["role"]}
                   for link in links],
        "sources": [{"url": s["url"], "title": s["title"], "publisher": s["publisher"],
                     "published": s["published"]} for s in sources],
    }  # fmt: skip


def fresh_database(args: argparse.Namespace) -> str:
    """A migrated database holding the seed and nothing else."""
    url = emptied(args.url, args.folder, "imports")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    run_flask(url, "seed")
    return url


def run_flask(url: str, *args: str) -> tuple[float, str]:
    """A flask command as a user types it; the seconds it took and its last line of output."""
    env = os.environ | {"TIMELINE_DATABASE_URL": url, "TIMELINE_SECRET_KEY": "bench"}
    started = time.perf_counter()
    done = subprocess.run(
        [FLASK, "--app", "timeline", *args], env=env, cwd=PROJECT_ROOT, capture_output=True,
        text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return elapsed, done.stdout.strip().splitlines()[-1]


def counts(url: str) -> dict[str, int]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        found = {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Event, EventActor, Source, Revision)
        }
        db.engine.dispose()
    return found


def main() -> None:
    args = parse_args()
    url = fresh_database(args)
    before = counts(url)
    path = args.folder / f"import-{args.events}.json"
    args.folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(synthetic_document(url, args.events)), encoding="utf-8")
    print(f"{path}: {args.events:,} events, {path.stat().st_size / 1e6:.1f} MB")
    for label in ("first run (creates)", "second run (unchanged)"):
        seconds, summary = run_flask(url, "import", str(path))
        rate = args.events / seconds
        print(f"{label:24} {seconds:7.1f} s  {rate:8,.0f} events/s   {summary}")
    after = counts(url)
    grown = {name: after[name] - before[name] for name in after}
    print("rows written:", ", ".join(f"{name} +{n:,}" for name, n in grown.items()))
    if grown["events"] != args.events or grown["revisions"] != args.events:
        raise SystemExit("expected one event and one revision per record")
    print(
        f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
