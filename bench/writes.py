"""Acknowledged writes per second through the JSON API, with 8 writers at once.

    .venv/bin/python bench/writes.py                                  # SQLite, 20 s
    .venv/bin/python bench/writes.py --url postgresql://postgres@127.0.0.1/bench --duration 10

Builds a migrated, seeded database with --events synthetic events (bench/synthetic.py; a fresh
SQLite file under instance/bench/, or the PostgreSQL database --url names, emptied first), makes
an admin and an API token, and serves the app with gunicorn as `make serve` does
(timeline/gunicorn_conf.py: 2 × cores + 1 workers of 4 threads, the access log on). Then
--writers threads of this process, each on its own keep-alive connection, write for --duration
seconds after a 10-second warm-up: a POST of a new event, then a PATCH of the summary of one
it made, and so on. Prints the acknowledged writes per second (answers 200 or 201), p50 and
p99 latency, the CPU the server used per write, any other status by count with its first
answer, and the load average (the machine is shared: read the numbers with it).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from api_targets import free_port, wait_until_listening
from databases import emptied
from flask_migrate import upgrade
from synthetic import fill

from timeline import create_app
from timeline.config import PROJECT_ROOT
from timeline.db import db
from timeline.domain import UserRole
from timeline.services.accounts import tokens, users

TARGET_RPS, TARGET_P99_MS = 100, 250
WARM_UP_SECONDS = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a PostgreSQL database to use (emptied first)")
    parser.add_argument("--events", type=int, default=10_000, help="synthetic events first")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--folder", type=Path, default=PROJECT_ROOT / "instance" / "bench")
    return parser.parse_args()


def prepare(args: argparse.Namespace) -> tuple[str, str]:
    """A seeded database with the synthetic events, and an admin's API token for it."""
    url = emptied(args.url, args.folder, "writes")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
        fill(db.engine, args.events)
        admin = users.create_user(db.session, "bench", "a long bench password", UserRole.ADMIN)
        _token, secret = tokens.create(db.session, admin, "bench")
        db.session.commit()
        db.engine.dispose()
    return url, secret


def body(writer: int, n: int) -> dict:
    return {
        "title": f"Writer {writer} records deal {n}",
        "category": "studio-deal",
        "start": f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
        "summary": f"Deal {n} of writer {writer}.",
        "actors": [{"name": f"Bench Studio {writer}", "kind": "studio", "role": "party"}],
        "sources": [{"url": f"https://news.example.org/bench/{writer}/{n}"}],
        "status": "published",
        "confirm_duplicate": True,
    }


class Writer(threading.Thread):
    """One client: POST a new event, PATCH one it made, until the deadline."""

    def __init__(self, number: int, port: int, secret: str, counted: tuple[float, float]):
        super().__init__(daemon=True)
        self.number, self.port = number, port
        self.counted_from, self.deadline = counted
        self.headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.refusals: dict[int, str] = {}  # the first answer of each refused status

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        made: list[str] = []
        n = 0
        while time.monotonic() < self.deadline:
            if made and n % 2:
                edit = {"summary": f"Edit {n}.", "confirm_duplicate": True}
                method, path, sent = "PATCH", f"/api/events/{made[-1]}", edit
            else:
                method, path, sent = "POST", "/api/events", body(self.number, n)
            status, answer = self.send(conn, method, path, sent)
            if status == 201:
                made.append(answer["event"]["slug"])
            n += 1

    def send(self, conn: http.client.HTTPConnection, method: str, path: str, sent: dict):
        started = time.perf_counter()
        conn.request(method, path, body=json.dumps(sent), headers=self.headers)
        response = conn.getresponse()
        data = response.read()
        if time.monotonic() - (time.perf_counter() - started) < self.counted_from:
            return response.status, json.loads(data) if response.status in (200, 201) else None
        self.latencies.append(time.perf_counter() - started)
        self.statuses[response.status] += 1
        if response.status not in (200, 201) and response.status not in self.refusals:
            self.refusals[response.status] = data[:300].decode(errors="replace")
        return response.status, json.loads(data) if response.status in (200, 201) else None


def serve(url: str, port: int, log: Path) -> subprocess.Popen:
    env = os.environ | {"TIMELINE_DATABASE_URL": url, "TIMELINE_SECRET_KEY": "bench",
                        "TIMELINE_RATELIMIT_ENABLED": "false", "HOST": "127.0.0.1",
                        "PORT": str(port)}  # fmt: skip
    # As `make serve` serves: the production settings (2 × cores + 1 workers of 4 threads),
    # its JSON access log included.
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "python:timeline.gunicorn_conf",
               "timeline:create_app()"]  # fmt: skip
    with log.open("w") as out:
        server = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    wait_until_listening(server, port, log)
    return server


def main() -> None:
    args = parse_args()
    url, secret = prepare(args)
    port = free_port()
    server = serve(url, port, args.folder / "writes-server.log")
    try:
        # Each worker's first requests import and compile what later ones reuse: not counted.
        counted_from = time.monotonic() + WARM_UP_SECONDS
        counted = (counted_from, counted_from + args.duration)
        writers = [Writer(i, port, secret, counted) for i in range(args.writers)]
        for writer in writers:
            writer.start()
        time.sleep(WARM_UP_SECONDS)
        cpu_before = server_cpu(server.pid)
        for writer in writers:
            writer.join()
        elapsed = time.monotonic() - counted_from
        cpu = server_cpu(server.pid) - cpu_before
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    report(writers, elapsed, url, cpu)


def server_cpu(group: int) -> float:
    """Seconds of CPU the server's processes (gunicorn's group) have used, from /proc."""
    used = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) == group:
            # User and system clock ticks, and those of its ended children: gunicorn replaces
            # a worker after max_requests, and its time then counts in the master's.
            used += sum(int(ticks) for ticks in fields[11:15])
    return used / os.sysconf("SC_CLK_TCK")


def report(writers: list[Writer], elapsed: float, url: str, cpu: float) -> None:
    statuses = sum((w.statuses for w in writers), Counter())
    latencies = sorted(t for w in writers for t in w.latencies)
    done = statuses[200] + statuses[201]
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    backend = url.split(":", 1)[0]
    rate = f"{done / elapsed:.1f} writes/s acknowledged"
    print(f"{backend}: {len(writers)} writers, {elapsed:.1f} s: {rate}, p50 {p50:.0f} ms, "
          f"p99 {p99:.0f} ms; statuses {dict(statuses)}")  # fmt: skip
    # What a write costs the app, whatever share of the cores it got beside other work.
    print(f"app CPU {cpu:.1f} s: {cpu / elapsed:.2f} cores, {cpu / max(done, 1) * 1000:.0f} ms "
          "per acknowledged write")  # fmt: skip
    for status, answer in {k: v for w in writers for k, v in w.refusals.items()}.items():
        print(f"  {status}: {answer}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average: {load} on {os.cpu_count()} cores")
    met = done / elapsed >= TARGET_RPS and p99 < TARGET_P99_MS
    print(f"target ({TARGET_RPS}/s, p99 under {TARGET_P99_MS} ms): {'met' if met else 'not met'}")


if __name__ == "__main__":
    main()
