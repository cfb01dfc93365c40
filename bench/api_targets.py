"""The servers bench/api_load.py compares, and the check each one passes before any load:
how to start each on a database, address a URL of the mix, and read its rows and next link.

- ours: the project's app under gunicorn, 2 sync workers (and again keeping no answers);
- bare: bench/bare_api.py (Flask + SQLAlchemy Core, the same SQL) under the same gunicorn;
- datasette: `datasette serve` on the same file, suggested facets off, the FTS table set in its
  metadata, `_nocount=1` on each URL (our API counts nothing), other settings as shipped.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from timeline.config import PROJECT_ROOT

BIN = Path(sys.executable).parent
PAGE = 50
SEQUENTIAL_REPEAT = 5  # timed requests per URL in the check pass, after one untimed


@dataclass(frozen=True, slots=True)
class Query:
    """One URL of the mix, as our API's parameters; `page_two_of` points at a page 1."""

    kind: str
    params: dict[str, str] = field(default_factory=dict)
    page_two_of: int | None = None


# --- the three targets --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """How to start a server on a database, address it, and read its pages."""

    name: str
    command: Callable[[Path, int], list[str]]
    url: Callable[[Path, Query], str]
    rows_key: str
    next_key: str
    env: dict[str, str] = field(default_factory=dict)


def gunicorn(app: str, port: int, *options: str) -> list[str]:
    return [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", *options, app]  # fmt: skip


def ours_command(path: Path, port: int) -> list[str]:
    return gunicorn("timeline:create_app()", port)


def ours_env(path: Path) -> dict[str, str]:
    # A limiter would answer 429 to a load test, which measures something else.
    return {"TIMELINE_DATABASE_URL": f"sqlite:///{path}", "TIMELINE_SECRET_KEY": "bench",
            "TIMELINE_RATELIMIT_ENABLED": "false"}  # fmt: skip


def bare_command(path: Path, port: int) -> list[str]:
    return bare_on(f"sqlite:///{path}", port)


def bare_on(url: str, port: int) -> list[str]:
    """bench/bare_api.py on the database at `url`, under the same gunicorn as ours."""
    return gunicorn(f"bare_api:create_app({url!r})", port, "--chdir", str(Path(__file__).parent))


def api_url(_path: Path, query: Query) -> str:
    return f"/api/events?{urlencode(query.params)}"


def datasette_command(path: Path, port: int) -> list[str]:
    return [str(BIN / "datasette"), "serve", str(path), "--host", "127.0.0.1", "--port",
            str(port), "--metadata", str(datasette_metadata(path)),
            "--setting", "suggest_facets", "off"]  # fmt: skip


def datasette_metadata(path: Path) -> Path:
    """The FTS table Datasette's `_search` should use for events (the rowid is events.id)."""
    tables = {"events": {"fts_table": "events_fts", "fts_pk": "id"}}
    written = path.with_suffix(".datasette.json")
    written.write_text(json.dumps({"databases": {path.stem: {"tables": tables}}}))
    return written


def datasette_url(path: Path, query: Query) -> str:
    """Datasette's table filters for our parameters: same rows, sorted by start then id."""
    p = query.params
    args = {"status": "published", "_sort": "starts_on", "_size": PAGE, "_nocount": 1}
    if "category" in p:
        args |= {"category": p["category"], "starts_on__lte": p["to"], "ends_on__gte": p["from"]}
    if "actor" in p:
        args["_where"] = (
            "id in (select event_id from event_actors where actor_id = "
            f"(select id from actors where slug = '{p['actor']}'))"
        )
    if "q" in p:
        args["_search"] = p["q"]
    return f"/{path.stem}/events.json?{urlencode(args)}"


def targets(path: Path) -> list[Target]:
    return [
        Target("ours", ours_command, api_url, "events", "next", ours_env(path)),
        # The same app keeping no answers: every request runs its queries.
        Target(
            "ours-no-kept",
            ours_command,
            api_url,
            "events",
            "next",
            ours_env(path) | {"TIMELINE_API_ANSWERS_KEPT": "0"},
        ),
        Target("bare", bare_command, api_url, "events", "next"),
        Target("datasette", datasette_command, datasette_url, "rows", "next_url"),
    ]


# --- serving and checking -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(target: Target, path: Path, log: Path) -> Iterator[tuple[str, int]]:
    """The target running on a free port until the block ends; yields its base URL and its
    process group (the server and every worker it forks)."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            target.command(path, port), cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=os.environ | target.env, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_listening(server, port, log)
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the workers it forked
        server.wait(timeout=30)


def wait_until_listening(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped ({server.returncode}):\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port} after 60 s:\n{log.read_text()}")


def fetch(base: str, path: str) -> tuple[float, dict]:
    """GET one URL: seconds taken and the JSON body; stops the run on any status but 200."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{base}{path} answered {error.code}:\n{error.read()[:500]!r}") from None
    return time.perf_counter() - started, json.loads(body)


def check(target: Target, base: str, path: Path, queries: list[Query]) -> tuple[list, list, dict]:
    """Every URL of the mix answered with rows: the paths, rows on each, each kind's median ms."""
    paths, rows, samples = [], [], defaultdict(list)
    for query in queries:
        if query.page_two_of is None:
            url = target.url(path, query)
        else:
            url = next_page(target, base, paths[query.page_two_of])
        _, body = fetch(base, url)
        if not body.get(target.rows_key):
            raise SystemExit(f"{target.name}: no rows at {url}:\n{json.dumps(body)[:500]}")
        for _ in range(SEQUENTIAL_REPEAT):
            samples[query.kind].append(fetch(base, url)[0] * 1000)
        paths.append(url)
        rows.append(len(body[target.rows_key]))
    return paths, rows, {kind: statistics.median(ms) for kind, ms in samples.items()}


def next_page(target: Target, base: str, first_page: str) -> str:
    link = fetch(base, first_page)[1].get(target.next_key)
    if not link:
        raise SystemExit(f"{target.name}: no next page after {first_page}")
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"
