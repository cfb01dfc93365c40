"""Load test of the events API beside two references: Datasette and a bare endpoint.

    .venv/bin/python bench/api_load.py                       # 100,000 and 1,000,000 events
    .venv/bin/python bench/api_load.py --sizes 100000 --duration 5 --only ours,bare

For each size, a migrated, seeded SQLite file with N synthetic events, made as
bench/timeline_page.py makes its own and kept under instance/bench/ by size and schema revision
(a million events take a few minutes, once). Then, one target at a time so that none takes
CPU from another on the two cores, each of the targets in bench/api_targets.py: ours (with
and without the answers it keeps), the bare endpoint, and Datasette.

Each target first answers every URL of the mix sequentially (a status other than 200, or a page
without rows, stops the run; each page 2 comes from its page 1's next link), then wrk drives it
from its own process: one thread, a fixed number of connections, a short warm-up and a fixed
duration, rotating through the mix (category + window, actor, search, page 2 by cursor, four
URLs each). Prints requests per second and p50/p99 latency, the ratios the targets are set in,
and each kind's median time alone; `--explain` prints the query plans instead
(bench/query_plans.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from api_targets import Query, Target, check, serving, targets
from query_plans import explain
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from synthetic import ACTORS, CATEGORIES, COMMON_WORD, LINKS
from timeline_page import prepare

from timeline import create_app
from timeline.config import PROJECT_ROOT

WARM_UP_SECONDS = 3
# Quarters that hold events at any size (the synthetic years run from 2015 to 2026).
WINDOWS = (("2024-01-01", "2024-03-31"), ("2023-04-01", "2023-06-30"),
           ("2025-07-01", "2025-09-30"), ("2022-10-01", "2022-12-31"))  # fmt: skip
# From common to rare: the common word, a craft, an AI company's coined name, a surname.
WORDS = (COMMON_WORD, "dubbing", "Pixelmind", "Okafor")
ACTOR_RANKS = (0.0, 0.01, 0.1, 0.5)  # by events taken part in: the busiest, ..., the median
PAGE_TWO_OF = (0, 1, 4, 8)  # page 2 of the first two windows, the busiest actor, the common word
# The targets: ours at 5 times Datasette's requests per second or more, at 60% of the bare
# endpoint's or more, and a p99 under 50 ms at a million events.
OVER_DATASETTE, OF_BARE = 5.0, 0.6
P99_LIMIT_MS, P99_AT = 50.0, 1_000_000
WRK_SCRIPT = """
local paths, i = {}, 0
function init(args) for line in io.lines(args[1]) do paths[#paths + 1] = line end end
function request() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
function done(s, latency)
  local e = s.errors
  io.write(string.format('{"requests": %d, "seconds": %.3f, "p50": %.3f, "p99": %.3f, ' ..
    '"errors": %d}\\n', s.requests, s.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass(frozen=True, slots=True)
class Load:
    rps: float
    p50: float
    p99: float
    errors: int


@dataclass(slots=True)
class Outcome:
    """A target's numbers at one size: the load run, each kind's sequential median, and the
    cores that processes other than the server and wrk took meanwhile (a shared machine)."""

    load: Load
    alone: dict[str, float]
    rows: list[int]
    others: float


# --- the databases and the mix ------------------------------------------------------------


def database(size: int, folder: Path) -> Path:
    """The SQLite file of `size` events for the current schema: built once, then reused."""
    scripts = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    path = (folder / f"events-{size}-{scripts.get_current_head()}.sqlite3").resolve()
    known = {script.revision for script in scripts.walk_revisions()}
    older = [p for p in folder.glob(f"events-{size}-*.sqlite3") if p.stem.split("-")[-1] in known]
    if not path.exists() and older:
        older[0].rename(path)  # a migration is seconds, a million events minutes
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    prepare(app, size, path)  # migrates the file to head, then fills it unless it is full
    return path


def actors_by_rank(engine: Engine) -> list[str]:
    """Actor slugs at ACTOR_RANKS of the list ordered by events, busiest first."""
    events = func.count(LINKS.c.event_id)
    statement = (
        select(ACTORS.c.slug)
        .join(LINKS, LINKS.c.actor_id == ACTORS.c.id)
        .group_by(ACTORS.c.id)
        .order_by(events.desc(), ACTORS.c.id)
    )
    with engine.connect() as conn:
        slugs = list(conn.scalars(statement))
    return [slugs[int(rank * (len(slugs) - 1))] for rank in ACTOR_RANKS]


def mix(path: Path) -> list[Query]:
    """Four URLs of each kind, with slugs taken from this database."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        categories = sorted(conn.scalars(select(CATEGORIES.c.slug)))
    spread = categories[:: max(1, len(categories) // len(WINDOWS))]
    queries = [
        Query("category+window", {"category": category, "from": first, "to": last})
        for category, (first, last) in zip(spread, WINDOWS, strict=False)
    ]
    queries += [Query("actor", {"actor": slug}) for slug in actors_by_rank(engine)]
    queries += [Query("search", {"q": word}) for word in WORDS]
    engine.dispose()
    return queries + [Query("page 2", page_two_of=i) for i in PAGE_TWO_OF]


# --- driving with wrk ---------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk's path, installed from Debian's packages when missing and we may."""
    if shutil.which("wrk") is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing: install it (`sudo apt-get install wrk`) and run again")
    return found


def drive(
    wrk: str, base: str, paths: list[str], seconds: int, connections: int, work: Path
) -> Load:
    """wrk, rotating through the paths: its done() hook prints the numbers as JSON."""
    script, listed = work / "rotate.lua", work / "paths.txt"
    script.write_text(WRK_SCRIPT)
    listed.write_text("\n".join(paths) + "\n")
    command = [wrk, "--threads", "1", "--connections", str(connections), "--timeout", "10s",
               "--duration", f"{seconds}s", "--script", str(script), base, "--", str(listed)
               ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    numbers = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    rps = numbers["requests"] / numbers["seconds"]
    return Load(rps, numbers["p50"], numbers["p99"], numbers["errors"])


# --- running and reporting ----------------------------------------------------------------


def measure(target: Target, path: Path, queries: list[Query], args, wrk: str) -> Outcome:
    """One target on one database: checked, warmed up, then driven for the set duration."""
    with serving(target, path, args.data / f"{target.name}.log") as (base, group):
        paths, rows, alone = check(target, base, path, queries)
        drive(wrk, base, paths, WARM_UP_SECONDS, args.connections, args.data)
        before = cpu_seconds(group)
        load = drive(wrk, base, paths, args.duration, args.connections, args.data)
        others = [after - start for after, start in zip(cpu_seconds(group), before, strict=True)]
    spare = max(0.0, others[0] - others[1] - others[2])  # ticks and reads are not in step
    outcome = Outcome(load, alone, rows, spare / args.duration)
    print(f"  {target.name}: {load.rps:,.0f} requests/s, p50 {load.p50:.1f} ms, "
          f"p99 {load.p99:.1f} ms, {load.errors} errors; "
          f"other processes took {outcome.others:.2f} cores", flush=True)  # fmt: skip
    return outcome


def cpu_seconds(group: int) -> tuple[float, float, float]:
    """CPU seconds so far: the whole machine's, the server group's, and our reaped children's
    (wrk). The first less the others, over a run, is what the rest of the machine took."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = [int(v) for v in Path("/proc/stat").read_text().split()[1:9]]
    machine = (sum(fields) - fields[3] - fields[4]) / tick  # all but idle and iowait
    served = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parts = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(parts[2]) == group:  # pgrp; then utime and stime are fields 14 and 15
            served += int(parts[11]) + int(parts[12])
    children = os.times()
    return machine, served / tick, children.children_user + children.children_system


def best_of(
    chosen: list[Target], path: Path, queries: list[Query], args, wrk: str
) -> dict[str, Outcome]:
    """Each target's round with the most requests per second: rounds alternate the targets, so
    a burst of work elsewhere on the machine is unlikely to hit the same one every time."""
    best: dict[str, Outcome] = {}
    for _ in range(args.rounds):
        for target in chosen:
            outcome = measure(target, path, queries, args, wrk)
            if target.name not in best or outcome.load.rps > best[target.name].load.rps:
                best[target.name] = outcome
    return best


def verdicts(size: int, found: dict[str, Outcome], mine: str = "ours") -> list[str]:
    """Ours against each target: the ratio or number, and whether the target is met."""
    ours = found.get(mine)
    if ours is None:
        return ["", "", ""]
    cells = []
    for name, floor in (("datasette", OVER_DATASETTE), ("bare", OF_BARE)):
        if name in found:
            ratio = ours.load.rps / found[name].load.rps
            cells.append(f"{ratio:.2f}x {'met' if ratio >= floor else 'MISSED'}")
        else:
            cells.append("")
    p99 = ours.load.p99
    judged = size >= P99_AT
    cells.append(f"{p99:.1f} ms" + (f" {'met' if p99 < P99_LIMIT_MS else 'MISSED'}" * judged))
    return cells


def print_results(results: dict[int, dict[str, Outcome]], args) -> None:
    print(f"\nwrk: 1 thread, {args.connections} connections, {args.duration} s per target, "
          f"best of {args.rounds} round(s)\n")  # fmt: skip
    print("| events | target | requests/s | p50 ms | p99 ms | errors | others' cores |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size, found in results.items():
        for name, o in found.items():
            print(f"| {size:,} | {name} | {o.load.rps:,.0f} | {o.load.p50:.1f} | "
                  f"{o.load.p99:.1f} | {o.load.errors} | {o.others:.2f} |")  # fmt: skip
    print("\n| events | ours | / Datasette (>= 5x) | / bare (>= 0.6x) | p99 (< 50 ms at 1M) |")
    print("|---:|---|---|---|---|")
    for size, found in results.items():
        for mine in ("ours", "ours-no-kept"):
            if mine in found:
                print(f"| {size:,} | {mine} | " + " | ".join(verdicts(size, found, mine)) + " |")
    print_alone(results)


def print_alone(results: dict[int, dict[str, Outcome]]) -> None:
    """Each kind's median time on its own (sequential requests): where the time goes."""
    names = list(next(iter(results.values())))
    print("\nOne request at a time, median ms by kind:\n")
    print("| events | kind | " + " | ".join(names) + " |")
    print("|---:|---|" + "---:|" * len(names))
    for size, found in results.items():
        for kind in next(iter(found.values())).alone:
            cells = " | ".join(f"{found[n].alone[kind]:.1f}" for n in names)
            print(f"| {size:,} | {kind} | {cells} |")
        counts = {name: o.rows for name, o in found.items()}
        if len({tuple(rows) for rows in counts.values()}) > 1:
            print(f"| {size:,} | rows per URL differ | {counts} |")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="events per database")
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per target")
    parser.add_argument("--connections", type=int, default=4, help="wrk's open connections")
    parser.add_argument("--only", default="ours,ours-no-kept,bare,datasette", help="targets to run")
    parser.add_argument("--rounds", type=int, default=1, help="runs per target; the best counts")
    parser.add_argument("--explain", action="store_true", help="print the query plans only")
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "instance" / "bench",
                        help="where the databases and logs are kept")  # fmt: skip
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]
    args.only = args.only.split(",")
    return args


def main() -> None:
    args = parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    results: dict[int, dict[str, Outcome]] = {}
    for size in args.sizes:
        path = database(size, args.data)
        queries = mix(path)
        print(f"{size:,} events: {len(queries)} URLs, {path}", flush=True)
        if args.explain:
            explain(path, queries)
            continue
        chosen = [t for t in targets(path) if t.name in args.only]
        results[size] = best_of(chosen, path, queries, args, wrk)
    if results:
        print_results(results, args)


if __name__ == "__main__":
    main()
