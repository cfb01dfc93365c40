"""Reads per second from one app server, then from two, over one PostgreSQL and one Redis:
what adding a server buys, and where the CPU goes (app servers, PostgreSQL, Redis, the load).

    .venv/bin/python bench/scale_out.py
    .venv/bin/python bench/scale_out.py --url postgresql://postgres@127.0.0.1/timeline_bench \\
        --events 100000 --duration 20 --workers 2

Fills the database once with synthetic events (bench/synthetic.py, as bench/timeline_page.py
does), then serves it with the production settings (timeline/gunicorn_conf.py: --workers
processes of 4 threads each per server) and drives every server with wrk at once, splitting
the connections between them, through a mix of a window, a category in a window, a full-text
search and one event. Kept answers are off (TIMELINE_API_ANSWERS_KEPT=0): every request runs
its queries, the case that grows with traffic; with them on, a repeated question costs one row
read. Prints requests per second, p50/p99, and the CPU seconds each kind of process used.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

from api_load import Load, drive, ensure_wrk
from api_targets import free_port, wait_until_listening
from sqlalchemy import make_url
from timeline_page import prepare

from timeline import create_app
from timeline.config import PROJECT_ROOT

MIX = ("/api/events?from=2024-01&to=2024-03&limit=50",
       "/api/events?from=2023-04&to=2023-06&category=lawsuit&limit=50",
       "/api/events?q=voice&limit=50",
       "/api/events?from=2025-07&to=2025-09&limit=50&sort=-start")  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1/timeline_bench_scale")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    return parser.parse_args()


@contextmanager
def server(args, folder: Path, name: str):
    """One app server with the production settings; yields its URL and process group."""
    port = free_port()
    env = os.environ | {
        "HOST": "127.0.0.1", "PORT": str(port), "TIMELINE_WORKERS": str(args.workers),
        "TIMELINE_DATABASE_URL": args.url, "TIMELINE_SECRET_KEY": "bench",
        "TIMELINE_REDIS_URL": args.redis, "TIMELINE_API_ANSWERS_KEPT": "0",
        "TIMELINE_RATELIMIT_ENABLED": "false",
    }  # fmt: skip
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c",
               "python:timeline.gunicorn_conf", "timeline:create_app()"]  # fmt: skip
    log = folder / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=out, start_new_session=True)  # fmt: skip
    try:
        wait_until_listening(process, port, log)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def cpu_by_kind(groups: set[int], database: str) -> dict[str, float]:
    """CPU seconds so far of the app servers (by process group), the PostgreSQL backends
    serving `database` (others on a shared machine are not ours), Redis and wrk."""
    tick, found = os.sysconf("SC_CLK_TCK"), dict.fromkeys(("app", "postgres", "redis", "wrk"), 0.0)
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            name, rest = (folder / "stat").read_text().rsplit(")", 1)
            title = (folder / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        parts = rest.split()
        found_kind = _kind(int(parts[2]) in groups, name.split("(", 1)[1], title, database)
        if found_kind:
            found[found_kind] += (int(parts[11]) + int(parts[12])) / tick
    return found


def _kind(served: bool, command: str, title: str, database: str) -> str | None:
    if served:
        return "app"
    if command.startswith("postgres"):
        return "postgres" if f" {database} " in title else None
    return next((k for k in ("redis", "wrk") if command.startswith(k)), None)


def load(wrk: str, base: str, seconds: int, connections: int, folder: Path, name: int) -> Load:
    work = folder / f"wrk{name}"
    work.mkdir(exist_ok=True)
    return drive(wrk, base, list(MIX), seconds, connections, work)


def run(args, servers: int, folder: Path, wrk: str) -> None:
    with ExitStack() as stack:
        started = [stack.enter_context(server(args, folder, f"s{i}")) for i in range(servers)]
        groups = {group for _, group in started}
        for base, _ in started:  # warm: each worker's first requests load templates and plans
            drive(wrk, base, list(MIX), 2, 4, folder)
        database = make_url(args.url).database
        before = cpu_by_kind(groups, database)
        each = max(1, args.connections // servers)
        # One wrk per server, all at once (each waits in its own thread on its own process).
        with ThreadPoolExecutor(servers) as pool:
            results = list(pool.map(lambda s: load(wrk, s[0], args.duration, each, folder, s[1]),
                                    started))  # fmt: skip
        used = {k: v - before[k] for k, v in cpu_by_kind(groups, database).items()}
    rps = sum(r.rps for r in results)
    p50, p99 = max(r.p50 for r in results), max(r.p99 for r in results)
    shares = ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in used.items())
    answered = rps * args.duration
    per_request = ", ".join(f"{kind} {used[kind] / answered * 1000:.1f} ms"
                            for kind in ("app", "postgres", "redis"))  # fmt: skip
    print(f"{servers} server(s) x {args.workers} workers: {rps:,.0f} req/s, "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms; CPU over {args.duration} s: {shares}; "
          f"CPU per request: {per_request}")  # fmt: skip


def main() -> None:
    args = parse_args()
    wrk = ensure_wrk()
    prepare(create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench"}), args.events, args.url)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        for servers in (1, 2):
            run(args, servers, Path(folder), wrk)


if __name__ == "__main__":
    main()
