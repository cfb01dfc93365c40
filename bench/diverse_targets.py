"""The servers bench/diverse_load.py drives, each on one database, and what it asks of each
before the load: its own paths for the workload (page 2s from its own page 1s) and a sample
of them answered one at a time."""

from __future__ import annotations

import json
import os
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from api_targets import Target, bare_on, datasette_command, gunicorn
from diverse_queries import Workload, api_path, datasette_path, page_path

CHECKED = 300  # URLs of each target requested one at a time before its load run


@dataclass(frozen=True, slots=True)
class Database:
    """One database of one size: how the app and the bare endpoint reach it, and the SQLite
    file (Datasette serves files only)."""

    kind: str
    size: int
    url: str
    path: Path | None

    @property
    def name(self) -> str:
        return f"{self.kind} {self.size:,}"

    @property
    def served_by(self) -> str | None:
        """The PostgreSQL database's name, which its backend processes show; None on SQLite."""
        return urlsplit(self.url).path.lstrip("/") if self.kind == "postgresql" else None


def local(link: str) -> str:
    """A link's path and query, to ask of whichever server."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def targets(db: Database) -> list[Target]:
    """Ours keeping no answers, ours as shipped, bare and Datasette (on SQLite), and the page."""
    env = {"TIMELINE_DATABASE_URL": db.url, "TIMELINE_SECRET_KEY": "bench",
           "TIMELINE_RATELIMIT_ENABLED": "false"}  # fmt: skip
    no_kept = env | {"TIMELINE_API_ANSWERS_KEPT": "0"}

    def ours(_path, port):
        return gunicorn("timeline:create_app()", port)

    def api(_path, params):
        return api_path(params)

    found = [
        Target("ours-no-kept", ours, api, "events", "next", no_kept),
        Target("ours", ours, api, "events", "next", env),
        Target("bare", lambda _path, port: bare_on(db.url, port), api, "events", "next"),
    ]
    if db.path is not None:
        stem = db.path.stem

        def tables(_path, params):
            return datasette_path(stem, params)

        found.append(Target("datasette", datasette_command, tables, "rows", "next_url"))
    return [*found, Target("page", ours, lambda _path, params: page_path(params), "", "", no_kept)]


def request(base: str, path: str) -> tuple[float, int, bytes]:
    """GET one URL: seconds taken, status and body, whatever the status."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return time.perf_counter() - started, status, body


def fetched(target: Target, base: str, path: str) -> bytes | None:
    """The body at `path`; None when Datasette hit its own time limit (as shipped: 1 s), which
    is Datasette's answer, not a fault of the query; any other status but 200 stops the run."""
    _, status, body = request(base, path)
    if status == 200:
        return body
    if target.name == "datasette" and b"took too long" in body:
        return None
    raise SystemExit(f"{target.name}: {base}{path} answered {status}:\n{body[:500]!r}")


def target_paths(target: Target, base: str, db: Database, workload: Workload) -> list[str]:
    """The workload as this target's paths; a page 2 from this target's own page 1, left
    out when that page 1 has no next page here."""
    if target.name == "page":
        return [page_path(params) for params in workload.pages]
    if target.name.startswith("ours"):
        return [workload.ours_path(i, second) for i, second in workload.order]
    page_two = {}
    for index in workload.page_two:
        body = fetched(target, base, target.url(db.path, workload.firsts[index]))
        link = body and json.loads(body).get(target.next_key)
        if link:
            page_two[index] = local(link)
    paths = [page_two.get(i) if second else target.url(db.path, workload.firsts[i])
             for i, second in workload.order]  # fmt: skip
    missing = len(workload.page_two) - len(page_two)
    if missing:
        print(f"  {target.name}: {missing} page 1s have no next page here", flush=True)
    return [path for path in paths if path]


def checked(target: Target, base: str, paths: list[str], seed: int) -> int:
    """A sample of the paths, one at a time: any status but 200 stops the run. Returns how
    many Datasette refused for its time limit."""
    size = CHECKED // 5 if target.name == "page" else CHECKED  # a page takes longer
    sample = random.Random(seed).sample(paths, min(size, len(paths)))
    return sum(fetched(target, base, path) is None for path in sample)


def worker_rss(group: int) -> list[float]:
    """VmRSS in MB of each worker of the server's process group (or of its one process)."""
    found: dict[int, float] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            pid = int(status.parent.name)
            if os.getpgid(pid) != group:
                continue
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):  # ended meanwhile
            continue
        found[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    workers = [rss for pid, rss in sorted(found.items()) if pid != group]
    return workers or list(found.values())


def backend_seconds(database: str | None) -> float:
    """CPU seconds so far of the PostgreSQL backends connected to `database` (none on SQLite):
    its share of the requests' work, which would otherwise count as other processes'."""
    if database is None:
        return 0.0
    ticks = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes().split(b"\0")[0].decode(errors="replace")
            if not title.startswith("postgres:") or f" {database} " not in title:
                continue
            fields = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return ticks / os.sysconf("SC_CLK_TCK")
