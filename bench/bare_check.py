"""Does the bare endpoint still send ours' SQL and find ours' events? A check to run after
changing the project's queries, before believing bench/diverse_load.py's ratios.

    .venv/bin/python bench/bare_check.py                   # SQLite, 20,000 events
    .venv/bin/python bench/bare_check.py --url postgresql://postgres@127.0.0.1/bench

The bare endpoint follows ours' SQL path: the one a page takes with `TIMELINE_FACET_INDEX=false`
or while a worker's facet index is being read. Once it is read, ours picks a page's ids from
the index and fetches those rows by key, which no SQL-only endpoint can send.

Asks both apps in this process (test clients, no server) a sample of the diverse workload's
queries and each one's page 2 (from each app's own next link), logging the statements each
sends on the events, their actors and sources. Ours' other statements (data versions,
vocabulary, the actor's lookup by slug or alias) are features the bare endpoint leaves out.
Placeholders, numbers and the lengths of id lists are masked; the statements must then be the
same text, in the same order, and the pages must hold the same events. Exit status 1 if not.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys

import bare_api
from diverse_load import in_process, postgresql_database, sqlite_database
from diverse_queries import Material, api_path, api_queries
from diverse_targets import local
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from timeline.config import PROJECT_ROOT, database_url

KEPT = ("FROM events", "FROM event_actors", "FROM sources")
FEATURES = ("actor_aliases", "data_versions")
PLACEHOLDER = re.compile(r"%\(\w+\)s(::[A-Z]+( WITH TIME ZONE)?)?|\?|:\w+|\b\d+\b|'%Y[^']*'")
LIST = re.compile(r"IN \((P, )*P\)")
SHOWN = 10


def masked(statement: str) -> str:
    text = PLACEHOLDER.sub("P", statement)
    return re.sub(r"\s+", " ", LIST.sub("IN (LIST)", text)).strip()


class Statements:
    """The statements any engine of this process sends, masked, while `on`."""

    def __init__(self):
        self.seen: list[str] = []
        event.listen(Engine, "before_cursor_execute", self.log)

    def log(self, _conn, _cursor, statement, *_):
        if any(k in statement for k in KEPT) and not any(f in statement for f in FEATURES):
            self.seen.append(masked(statement))

    def during(self, get, path: str) -> tuple[list[str], dict]:
        self.seen = []
        status, body = get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}:\n{body[:500]!r}")
        return list(self.seen), body


def compared(statements: Statements, ours, bare, path: str) -> list[str]:
    """Where the two part on one query and its page 2: nothing when they agree."""
    found, paths = [], (path, path)
    for page in (1, 2):
        mine, a = statements.during(ours, paths[0])
        its, b = statements.during(bare, paths[1])
        if mine != its:
            first = next(i for i in range(len(mine) + 1) if mine[i : i + 1] != its[i : i + 1])
            ours_sent, bare_sent = mine[first : first + 1] or ["nothing"], its[first : first + 1]
            found.append(f"page {page}, statement {first + 1}: ours {ours_sent[0]!r}\n"
                         f"    bare {(bare_sent or ['nothing'])[0]!r}")  # fmt: skip
        if [e["slug"] for e in a["events"]] != [e["slug"] for e in b["events"]]:
            found.append(f"page {page}: other events")
        if not (a["next"] and b["next"]):
            break
        paths = (local(a["next"]), local(b["next"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000, help="events in the database")
    parser.add_argument("--url", help="a PostgreSQL database (a schema per size, as diverse_load)")
    parser.add_argument("--queries", type=int, default=300, help="queries of the workload asked")
    args = parser.parse_args()
    folder = PROJECT_ROOT / "instance" / "bench"
    db = (
        postgresql_database(args.url, args.size) if args.url else sqlite_database(args.size, folder)
    )
    engine = create_engine(database_url(db.url))
    queries = random.Random(14).sample(api_queries(Material(engine), 17_000, 14), args.queries)
    engine.dispose()
    statements, client = Statements(), bare_api.create_app(db.url).test_client()

    def bare(path: str) -> tuple[int, dict]:
        response = client.get(path)
        return response.status_code, response.get_json()

    differ = 0
    # Ours' SQL path: with the facet index, a page's rows are fetched by id (see README).
    with in_process(db.url, facet_index=False) as get:

        def ours(path: str) -> tuple[int, dict]:
            status, body = get(path)
            return status, json.loads(body) if status == 200 else body

        for params in queries:
            found = compared(statements, ours, bare, api_path(params))
            differ += bool(found)
            if found and differ <= SHOWN:
                print(f"{api_path(params)}\n  " + "\n  ".join(found))
    print(f"{db.name}: {differ} of {len(queries)} queries differ" if differ else
          f"{db.name}: the same statements and events for all {len(queries)} queries")  # fmt: skip
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
