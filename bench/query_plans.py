"""`api_load.py --explain`: SQLite's plan for each kind of the mix's page query (the bare
endpoint writes the same SQL text as ours), with the time the query alone takes per URL."""

from __future__ import annotations

import base64
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

from api_targets import PAGE, Query
from bare_api import page_query
from sqlalchemy import create_engine, text


def explain(path: Path, queries: list[Query]) -> None:
    """SQLite's plan for each kind's page query (the bare endpoint writes the same SQL text as
    ours), with the time the query alone takes for each URL of that kind."""
    engine = create_engine(f"sqlite:///{path}")
    by_kind: dict[str, list[dict[str, str]]] = defaultdict(list)
    with engine.connect() as conn:
        for query in queries:
            if query.page_two_of is None:
                by_kind[query.kind].append(query.params)
            else:
                by_kind[query.kind].append(page_two(conn, queries[query.page_two_of].params))
        for kind, params in by_kind.items():
            print_plan(conn, kind, params)
    engine.dispose()


def page_two(conn, params: dict[str, str]) -> dict[str, str]:
    """The parameters of page 2, with the cursor the bare endpoint would put in `next`."""
    sql, bound = page_query(conn, params, PAGE)
    last = conn.execute(text(sql), bound).mappings().all()[PAGE - 1]
    token = f"{last['starts_on']}|{last['ends_on']}|{last['id']}".encode()
    return params | {"cursor": base64.urlsafe_b64encode(token).decode()}


def print_plan(conn, kind: str, urls: list[dict[str, str]]) -> None:
    sql, bound = page_query(conn, urls[0], PAGE)
    print(f"\n### {kind}\n\n{sql}\n")
    for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql), bound):
        print(f"    {row[-1]}")
    print()
    for params in urls:
        sql, bound = page_query(conn, params, PAGE)
        took = []
        for _ in range(4):  # the first reads the pages in; the fastest of the rest counts
            started = time.perf_counter()
            conn.execute(text(sql), bound).all()
            took.append((time.perf_counter() - started) * 1000)
        print(f"    {min(took[1:]):6.1f} ms  {urlencode(params)}")
