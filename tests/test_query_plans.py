"""Every sort the events API offers is served by an index in its order, on SQLite and on
PostgreSQL: a page then reads about as many events as it shows, instead of sorting every
match. Ties of the leading key may be put in order as they come (SQLite's "right part of ORDER
BY", PostgreSQL's incremental sort): that orders a day's events, not the table."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
from sqlalchemy import text

from tests.factories import make_event
from timeline.services.events import queries
from timeline.services.events.filtering import EventFilter, resolved
from timeline.services.events.ordering import SORTABLE, Ordering
from timeline.services.events.queries import EVENT_COLUMNS, EventQuery, _few, _page, list_events


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


def _titles(session, query: EventQuery) -> list[list[str]]:
    """Every page of the query, by title, each from the last one's cursor."""
    pages = []
    while True:
        page = list_events(session, query)
        pages.append([event.title for event in page.events])
        if page.next is None:
            return pages
        query = replace(query, after=page.next)


@pytest.mark.parametrize("sort", ["title", "-title", "-end,slug", "created", "-updated"])
def test_a_few_matches_are_fetched_then_sorted_with_the_same_pages(session, monkeypatch, sort):
    """A short window sorted by another key than the start: SQLite fetches its events by the
    window index and sorts them, instead of walking the sort's index through every event."""
    for day in range(1, 29):
        make_event(session, f"2024-02-{day:02d}", title=f"Event {(day * 7) % 29:02d}",
                   category="lawsuit" if day % 2 else "demo")  # fmt: skip
        make_event(session, f"2019-05-{day:02d}", title=f"Older {day:02d}")
    where = EventFilter(first=dt.date(2024, 2, 3), last=dt.date(2024, 2, 20))
    query = EventQuery(where, limit=4, order=Ordering.parse(sort))
    if session.get_bind().dialect.name == "sqlite":
        assert _few(session, resolved(session, where), query.order)
        statement = _page(session, query, *EVENT_COLUMNS)
        sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = "\n".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert "ix_events_window" in plan or "chronology" in plan, plan
    fetched = _titles(session, query)
    monkeypatch.setattr(queries, "FEW", 0)  # never few: the sort's index is walked
    assert _titles(session, query) == fetched
    assert sum(map(len, fetched)) == 18
