"""Load test of the events API on a diverse workload: 20,000 distinct queries, no repeats.

    .venv/bin/python bench/diverse_load.py                    # 100,000 and 1,000,000 events
    .venv/bin/python bench/diverse_load.py --sizes 20000 --duration 3
    .venv/bin/python bench/diverse_load.py --url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python bench/diverse_load.py --sizes 100000 --record /tmp/before.json
    .venv/bin/python bench/diverse_load.py --compare /tmp/before.json /tmp/after.json

bench/api_load.py replays 16 URLs, which the answers each worker keeps soon serve alone. Here
the queries (bench/diverse_queries.py) are drawn from the data with a seeded RNG: windows,
categories, actors, search words of every frequency, sorts and page sizes, and 15% page 2s
whose cursor each target's own page 1 gave in a preparation pass; none repeats. On SQLite (a
file per size, as api_load.py keeps them) or on the PostgreSQL database --url names (a schema
per size, kept between runs), one target at a time under wrk: ours keeping no answers, ours as
shipped, the bare endpoint, Datasette (SQLite only) and the timeline page `/` on thousands of
filters (ours keeping no answers). Prints requests/s, p50 and p99, the ratios the targets are
set in, the load average and each worker's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from api_load import cpu_seconds, database, drive, ensure_wrk
from api_targets import Target, serving
from diverse_queries import Material, Workload, api_path, api_queries, page_queries
from diverse_report import Outcome, compare, print_results
from diverse_targets import (
    CHECKED,
    Database,
    backend_seconds,
    checked,
    local,
    request,
    target_paths,
    targets,
    worker_rss,
)
from sqlalchemy import create_engine, text
from synthetic import COMMON_WORD
from timeline_page import prepare

from timeline import create_app
from timeline.config import PROJECT_ROOT, database_url
from timeline.db import db

WARM_UP_SECONDS = 3
PAGE_TWO_SHARE = 0.15
RECORDED = 500  # answers --record keeps
ALONE_REPEAT = 15  # sequential requests of `/` and of the common word's `/`, after two


# --- the databases ------------------------------------------------------------------------


def sqlite_database(size: int, folder: Path) -> Database:
    path = database(size, folder)
    return Database("sqlite", size, f"sqlite:///{path}", path)


def postgresql_database(url: str, size: int) -> Database:
    """A schema of the database at `url` for this size, reached through the search path:
    migrated to head, filled once (then VACUUM ANALYZE) and kept for the next run."""
    schema = f"events_{size}"
    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    engine.dispose()
    scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    app = create_app({"DATABASE_URL": scoped, "SECRET_KEY": "bench"})
    prepare(app, size, scoped)  # migrates to head; seeds and fills unless already full
    with app.app_context():
        db.engine.dispose()
    return Database("postgresql", size, scoped, None)


# --- the workload, and ours' answers in this process --------------------------------------


@contextmanager
def in_process(url: str, facet_index: bool = True) -> Iterator[Callable[[str], tuple[int, bytes]]]:
    """GET through our app's test client, keeping no answers and limiting no rate (and with
    `facet_index` false, every page by SQL)."""
    config = {"DATABASE_URL": url, "SECRET_KEY": "bench", "API_ANSWERS_KEPT": 0,
              "RATELIMIT_ENABLED": False, "FACET_INDEX": facet_index}  # fmt: skip
    app = create_app(config)
    client = app.test_client()

    def get(path: str) -> tuple[int, bytes]:
        response = client.get(path)
        return response.status_code, response.data

    try:
        yield get
    finally:
        with app.app_context():
            db.engine.dispose()


def answered(get: Callable[[str], tuple[int, bytes]], path: str) -> dict:
    """The JSON answer at `path`; any status but 200 stops the run with the URL and body."""
    status, body = get(path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}:\n{body[:500]!r}")
    return json.loads(body)


def build_workload(db: Database, args) -> Workload:
    """The queries for this database, with ours' page 2s, in a seeded random order."""
    engine = create_engine(database_url(db.url))
    material = Material(engine)
    engine.dispose()
    wanted = round(args.queries * PAGE_TWO_SHARE)
    firsts = api_queries(material, args.queries - wanted, args.seed)
    started = time.perf_counter()
    with in_process(db.url) as get:
        page_two, asked, empty = ours_page_twos(get, firsts, wanted)
        twos = sorted(page_two.values())
        for path in random.Random(args.seed).sample(twos, min(CHECKED, len(twos))):
            answered(get, path)
    order = [(i, False) for i in range(len(firsts))] + [(i, True) for i in page_two]
    random.Random(args.seed).shuffle(order)
    pages = page_queries(material, args.pages, args.seed + 1)
    print(f"{db.name} events: {len(order):,} queries ({len(page_two):,} page 2s), "
          f"{len(pages):,} of /; {asked:,} page 1s asked of ours in "
          f"{time.perf_counter() - started:.0f} s, {empty / asked:.0%} of them empty",
          flush=True)  # fmt: skip
    return Workload(firsts, order, page_two, pages)


def ours_page_twos(get, firsts: list, wanted: int) -> tuple[dict[int, str], int, int]:
    """The first `wanted` page-1 queries (in their random order) that have a next page, each
    with the page-2 path from ours' own next link; also how many were asked and how many of
    those found no events. Each answer is checked on the way."""
    page_two, asked, empty = {}, 0, 0
    for index, params in enumerate(firsts):
        if len(page_two) == wanted:
            return page_two, asked, empty
        body, asked = answered(get, api_path(params)), asked + 1
        empty += not body["events"]
        if body["next"]:
            page_two[index] = local(body["next"])
    raise SystemExit(f"only {len(page_two)} of {len(firsts)} queries have a page 2")


def record(db: Database, workload: Workload) -> list:
    """Ours' answers to the first RECORDED queries of the workload, each with its path."""
    paths = [workload.ours_path(i, second) for i, second in workload.order[:RECORDED]]
    with in_process(db.url) as get:
        return [[path, answered(get, path)] for path in paths]


# --- running ------------------------------------------------------------------------------


def timed(base: str, group: int, paths: list[str], db: Database, args, wrk: str) -> Outcome:
    """A warm-up (the paths from the end), then the timed run from the start; the cores the
    database's backends took (PostgreSQL) and the cores all other processes took meanwhile."""
    drive(wrk, base, paths[::-1], args.warm_up, args.connections, args.data)
    before, backends = cpu_seconds(group), backend_seconds(db.served_by)
    load = drive(wrk, base, paths, args.duration, args.connections, args.data)
    backends = (backend_seconds(db.served_by) - backends) / args.duration
    machine, served, ours = (a - b for a, b in zip(cpu_seconds(group), before, strict=True))
    others = max(0.0, (machine - served - ours) / args.duration - backends)
    return Outcome(load, len(paths), others, os.getloadavg()[0], worker_rss(group), backends)


def alone(base: str) -> dict[str, float]:
    """Median ms of `/` and of `/?q=COMMON_WORD`, one request at a time."""
    medians = {}
    for path in ("/", f"/?q={COMMON_WORD}"):
        times = [request(base, path) for _ in range(2 + ALONE_REPEAT)][2:]
        if any(status != 200 for _, status, _ in times):
            raise SystemExit(f"{base}{path} did not answer 200")
        medians[path] = statistics.median(seconds for seconds, _, _ in times) * 1000
    return medians


def measure(
    target: Target, db: Database, workload: Workload, known: dict[str, list[str]], args, wrk: str
) -> Outcome:
    """One target on one database: its paths (made in its first round), a checked sample,
    then load."""
    label = db.path or Path(db.kind)
    with serving(target, label, args.data / f"diverse-{target.name}.log") as (base, group):
        if target.name not in known:
            known[target.name] = target_paths(target, base, db, workload)
        paths = known[target.name]
        refused = checked(target, base, paths, args.seed)
        outcome = timed(base, group, paths, db, args, wrk)
        outcome.refused = refused
        if target.name == "page":
            outcome.alone = alone(base)
    print(f"  {target.name}: {outcome.summary()}", flush=True)
    return outcome


def rounds(db: Database, workload: Workload, args, wrk: str) -> dict[str, Outcome]:
    """Every chosen target in turn, --rounds times in the same order; each target's round with
    the most requests per second counts (a burst elsewhere rarely hits one target each time)."""
    chosen = [t for t in targets(db) if t.name in args.only]
    best: dict[str, Outcome] = {}
    known: dict[str, list[str]] = {}
    for _ in range(args.rounds):
        for target in chosen:
            outcome = measure(target, db, workload, known, args, wrk)
            if target.name not in best or outcome.load.rps > best[target.name].load.rps:
                best[target.name] = outcome
    return best


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sizes", default="100000,1000000", help="events per database")
    add("--url", help="a PostgreSQL database (a schema per size is made in it and kept)")
    add("--duration", type=int, default=20, help="seconds of load per target")
    add("--warm-up", type=int, default=WARM_UP_SECONDS,
        help="seconds of load before the timed run (a worker reads its facet index meanwhile: "
             "about a minute at a million events)")  # fmt: skip
    add("--connections", type=int, default=4, help="wrk's open connections")
    add("--only", default="ours-no-kept,ours,bare,datasette,page", help="targets to run")
    add("--rounds", type=int, default=1, help="runs per target; the best counts")
    add("--queries", type=int, default=20_000, help="distinct API queries, page 2s included")
    add("--pages", type=int, default=3_000, help="distinct queries of the timeline page")
    add("--seed", type=int, default=14, help="the workload's random seed")
    add("--record", type=Path, help=f"write ours' first {RECORDED} answers here; no timing")
    add("--compare", nargs=2, type=Path, metavar=("A", "B"), help="which recorded answers differ")
    add("--data", type=Path, default=PROJECT_ROOT / "instance" / "bench",
        help="where the SQLite files and logs are kept")  # fmt: skip
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]
    args.only = args.only.split(",")
    return args


def main() -> None:
    args = parse_args()
    if args.compare:
        raise SystemExit(compare(*args.compare))
    args.data.mkdir(parents=True, exist_ok=True)
    wrk = None if args.record else ensure_wrk()
    results: dict[Database, dict[str, Outcome]] = {}
    recorded: dict[str, list] = {}
    for size in args.sizes:
        db = postgresql_database(args.url, size) if args.url else sqlite_database(size, args.data)
        workload = build_workload(db, args)
        if args.record:
            recorded[db.name] = record(db, workload)
        else:
            results[db] = rounds(db, workload, args, wrk)
    if args.record:
        args.record.write_text(json.dumps(recorded, sort_keys=True))
        print(f"wrote {sum(map(len, recorded.values())):,} answers to {args.record}")
    else:
        print_results(results, args)


if __name__ == "__main__":
    main()
