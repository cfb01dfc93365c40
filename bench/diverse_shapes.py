"""Where the diverse workload's time goes: each page-1 query of bench/diverse_load.py asked in
this process of ours (keeping no answers) and of the bare endpoint, one after the other, timed,
and summed by what the query holds (window length, categories, actor, search word, sort).

    .venv/bin/python bench/diverse_shapes.py                       # SQLite, 100,000 events
    .venv/bin/python bench/diverse_shapes.py --url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python bench/diverse_shapes.py --page                # the timeline page `/`
    .venv/bin/python bench/diverse_shapes.py --explain             # and each part's plan

No server and no concurrency: the figures are each request's own cost, and the slowest
queries are printed with their bare time beside ours, so that a slow plan (both slow) is told
from slow Python (ours alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections import defaultdict
from pathlib import Path

from bare_api import create_app as bare_app
from bare_api import page_query, sort_keys, statement
from diverse_load import in_process, postgresql_database, sqlite_database
from diverse_queries import Material, api_path, api_queries, page_path, page_queries
from sqlalchemy import Engine, create_engine
from synthetic import COMMON_WORD
from werkzeug.datastructures import MultiDict

from timeline.config import PROJECT_ROOT, database_url

SLOWEST = 25


def window_days(given: dict) -> str:
    if "from" not in given:
        return "no window"
    days = (dt.date.fromisoformat(given["to"]) - dt.date.fromisoformat(given["from"])).days + 1
    for limit, name in ((7, "window <= 7 d"), (60, "window <= 60 d"), (365, "window <= 1 y")):
        if days <= limit:
            return name
    return "window > 1 y"


def features(params) -> list[str]:
    """The parts a query is summed under: each alone, so that a row is every query holding it."""
    given = dict(params)
    categories = sum(key == "category" for key, _ in params)
    found = [window_days(given), f"{categories} categories", "actor" if "actor" in given else
             "no actor"]  # fmt: skip
    if "q" in given:
        found.append("q common" if given["q"] == COMMON_WORD else "q other")
    else:
        found.append("no q")
    found.append(f"sort {given.get('sort', 'start').split(',')[0]}")
    return found


def timed(get, path: str) -> float:
    started = time.perf_counter()
    status, body = get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
    return elapsed


def print_table(rows: dict[str, list[tuple[float, float]]], total_ours: float) -> None:
    print("| part | queries | ours ms total | share of ours | ours p50 | ours max | bare ms total "
          "| ours / bare |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, times in sorted(rows.items(), key=lambda item: -sum(t[0] for t in item[1])):
        ours = [t[0] for t in times]
        bare = sum(t[1] for t in times)
        print(f"| {name} | {len(times):,} | {sum(ours):,.0f} | {sum(ours) / total_ours:.0%} | "
              f"{statistics.median(ours):.1f} | {max(ours):.1f} | {bare:,.0f} | "
              f"{sum(ours) / bare if bare else float('nan'):.2f} |")  # fmt: skip


def print_plans(engine: Engine, slowest: dict[str, tuple[float, object]]) -> None:
    """For each part, the plan of the page query of its slowest API query (the bare endpoint
    writes ours' SQL text): EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        for name, (took, params) in sorted(slowest.items()):
            args = MultiDict(list(params))
            keys = sort_keys(args.get("sort", "start,end"))
            sql, bound = page_query(conn, args, keys, int(args.get("limit", 50)))
            explain = ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql
            print(f"\n#### {name}: {api_path(params)} ({took:.1f} ms)\n")
            for row in conn.execute(statement(explain, sqlite), bound):
                print(f"    {row[-1] if sqlite else row[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--url", help="a PostgreSQL database (as bench/diverse_load.py uses)")
    parser.add_argument("--queries", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--page", action="store_true", help="the timeline page, ours alone")
    parser.add_argument("--explain", action="store_true", help="each part's slowest query plan")
    args = parser.parse_args()
    folder = PROJECT_ROOT / "instance" / "bench"
    db = (postgresql_database(args.url, args.size) if args.url
          else sqlite_database(args.size, Path(folder)))  # fmt: skip
    engine = create_engine(database_url(db.url))
    material = Material(engine)
    engine.dispose()
    if args.page:
        queries = page_queries(material, args.queries, args.seed + 1)
        paths = [(q, page_path(q), None) for q in queries]
    else:
        queries = api_queries(material, args.queries, args.seed)
        paths = [(q, api_path(q), api_path(q)) for q in queries]
    bare = bare_app(database_url(db.url)).test_client()

    def bare_get(path):
        response = bare.get(path)
        return response.status_code, response.data

    rows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    slowest: dict[str, tuple[float, object]] = {}
    each = []
    with in_process(db.url) as get:
        for _, path, bare_path in paths[:50]:  # warm both
            get(path)
            if bare_path:
                bare_get(bare_path)
        for params, path, bare_path in paths:
            ours = timed(get, path)
            theirs = timed(bare_get, bare_path) if bare_path else 0.0
            each.append((ours, theirs, path))
            for name in features(params):
                rows[name].append((ours, theirs))
                if ours > slowest.get(name, (0.0, None))[0]:
                    slowest[name] = (ours, params)
    total_ours = sum(t[0] for t in each)
    total_bare = sum(t[1] for t in each)
    ours_all = sorted(t[0] for t in each)
    print(f"{db.name}: {len(each):,} {'pages' if args.page else 'API queries'}, ours "
          f"{total_ours:,.0f} ms (p50 {statistics.median(ours_all):.1f}, p99 "
          f"{ours_all[int(len(ours_all) * 0.99)]:.1f}), bare {total_bare:,.0f} ms\n")  # fmt: skip
    print_table(rows, total_ours)
    print(f"\nThe {SLOWEST} slowest of ours, with bare's time:\n")
    for ours, theirs, path in sorted(each, reverse=True)[:SLOWEST]:
        print(f"{ours:8.1f} {theirs:8.1f}  {path}")
    if args.explain and not args.page:
        engine = create_engine(database_url(db.url))
        print_plans(engine, slowest)
        engine.dispose()


if __name__ == "__main__":
    main()
