"""Every sort the events API offers is served by an index in its order, on SQLite and on
PostgreSQL: a page then reads about as many events as it shows, instead of sorting every
match. Ties of the leading key may be put in order as they come (SQLite's "right part of ORDER
BY", PostgreSQL's incremental sort): that orders a day's events, not the table."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from timeline.services.events.ordering import SORTABLE, Ordering
from timeline.services.events.queries import EVENT_COLUMNS, EventQuery, _page


def _plan(session, sort: str) -> str:
    statement = _page(session, EventQuery(limit=50, order=Ordering.parse(sort)), *EVENT_COLUMNS)
    sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        return "\n".join(row[-1] for row in rows)
    # With sorting priced out, a plan still sorts only when no index gives the order.
    session.execute(text("SET LOCAL enable_sort = off"))
    return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {sql}")))


SORTS = [f"{way}{name}" for name in SORTABLE for way in ("", "-")] + ["start,end", "-start,-end"]


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_walks_an_index_in_its_order(session, sort):
    plan = _plan(session, sort)
    whole_sorts = [
        line for line in plan.splitlines()
        if "TEMP B-TREE FOR ORDER BY" in line or re.match(r"\s*(->\s+)?Sort\s+\(", line)
    ]  # fmt: skip
    assert not whole_sorts, plan
