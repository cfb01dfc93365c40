"""The timeline page's counts from the facet index are the counts SQL gives, for every kind of
filter; the index follows writes; read beside the requests, it never holds a page back."""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from tests.factories import make_event
from timeline.dates import Precision
from timeline.db import db
from timeline.domain import Actor, Role, Status
from timeline.services.data_versions import data_version
from timeline.services.events import facet_index
from timeline.services.events.facet_index import FacetIndex
from timeline.services.events.facets import SqlCounts
from timeline.services.events.filtering import EventFilter, resolved
from timeline.services.events.layout import LaneBy, bucket_counts, extent
from timeline.services.events.ordering import CHRONOLOGICAL, SORTABLE, Ordering, SortKey
from timeline.services.events.queries import EventQuery, list_events
from timeline.services.events.search import SearchQuery
from timeline.services.vocabulary import load_vocabulary as vocabulary
from timeline.web.http_cache import Answers

TODAY = dt.date(2026, 11, 26)
FILTERS = 80


def _starts(rng: random.Random) -> tuple[str, str | None, bool]:
    """A start known to the day, month or year; sometimes an end or ongoing."""
    year = rng.randint(2019, 2026)
    start = rng.choice([f"{year}", f"{year}-{rng.randint(1, 12):02d}",
                        f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])  # fmt: skip
    shape = rng.random()
    if shape < 0.15:
        return start, None, True
    if shape < 0.35 and len(start) == 10:
        end = dt.date.fromisoformat(start) + dt.timedelta(days=rng.choice([3, 40, 500]))
        return start, end.isoformat(), False
    return start, None, False


@pytest.fixture
def events(seeded, session) -> random.Random:
    """The seeds and 240 more events of every shape, some of them drafts."""
    rng = random.Random(14)
    actors = list(session.scalars(select(Actor).order_by(Actor.id)))
    categories = list(vocabulary(session).categories)
    words = ["strike", "sora", "voice", "union", "studio"]
    for n in range(240):
        start, end, ongoing = _starts(rng)
        cast = rng.sample(actors, rng.choice([0, 1, 1, 2, 3]))
        make_event(
            session, start, end, ongoing=ongoing, category=rng.choice(categories),
            status=Status.DRAFT if rng.random() < 0.1 else Status.PUBLISHED,
            actors=[(actor, Role.PARTICIPANT) for actor in cast],
            summary=f"Event {n} about the {rng.choice(words)} and the {rng.choice(words)}.",
        )  # fmt: skip
    return rng


def _filter(rng: random.Random, session) -> EventFilter:
    first = dt.date(rng.randint(2018, 2026), rng.randint(1, 12), 1)
    last = first + dt.timedelta(days=rng.choice([1, 9, 60, 400, 2000]))
    actors = list(session.scalars(select(Actor).order_by(Actor.id)))
    kinds = list(vocabulary(session).kinds)
    categories = list(vocabulary(session).categories)
    chosen = {}
    if rng.random() < 0.5:
        chosen["first"] = first
    if rng.random() < 0.5:
        chosen["last"] = last
    if rng.random() < 0.3:
        chosen["categories"] = tuple(rng.sample(categories, rng.choice([1, 2])))
    if rng.random() < 0.3:
        chosen["kinds"] = tuple(rng.sample(kinds, rng.choice([1, 2])))
    if rng.random() < 0.3:
        chosen["actors"] = tuple(rng.sample(actors[:12], rng.choice([1, 1, 2])))
    if rng.random() < 0.4:
        chosen["search"] = SearchQuery.parse(rng.choice(["strike", "sora OR voice", "studio",
                                                         "the -union", "hollywood"]))  # fmt: skip
    return EventFilter(**chosen)


def test_every_count_is_the_count_sql_gives(app, session, events):
    version = data_version(session, "events")
    index = FacetIndex.read(session.connection(), version)
    with app.test_request_context():
        for n in range(FILTERS):
            where = _filter(events, session)
            # A low `most` leaves some searches and actors to run inside each SQL query (and
            # the index to read every match), as a common word does on a large site.
            where = resolved(session, where, most=5 if n % 3 == 0 else 5_000)
            counted, sql = index.selection(session, where), SqlCounts(session, where)
            assert counted.extent(TODAY) == extent(session, where, TODAY), where
            assert counted.category_counts() == sql.category_counts(), where
            assert counted.kind_counts() == Counter(sql.kind_counts()), where
            assert counted.top_actors(12) == sql.top_actors(12), where
            for lane_by in LaneBy:
                for precision in Precision:
                    cells = bucket_counts(session, where, lane_by, precision)
                    drawn = counted.buckets(lane_by is LaneBy.KIND, precision)
                    assert drawn == [(b.lane, b.key, b.count) for b in cells], where


def test_no_filter_counts_every_published_event(session, events):
    index = FacetIndex.read(session.connection(), data_version(session, "events"))
    counted = index.selection(session, EventFilter())
    sql = SqlCounts(session, EventFilter())
    assert counted.top_actors(12) == sql.top_actors(12)
    assert sum(counted.category_counts().values()) == sum(sql.category_counts().values())


def test_an_empty_site_counts_nothing(session):
    index = FacetIndex.read(session.connection(), data_version(session, "events"))
    counted = index.selection(session, EventFilter(categories=("demo",)))
    assert index.size == 0
    assert counted.extent(TODAY) is None
    assert counted.category_counts() == {} and counted.top_actors(12) == []
    assert counted.buckets(False, Precision.MONTH) == []


def _counts_on_page(client, url: str) -> str:
    """The page as a reader sees it (the filter form's counts, the drawing, the list), but
    for what differs between any two requests."""
    page = client.get(url).get_data(as_text=True)
    return re.sub(r'nonce="[^"]*"', "", page)


def test_the_page_counts_the_same_with_and_without_the_index(app, client, events):
    urls = ["/", "/?from=2023-01-01&to=2023-12-31", "/?q=strike", "/?category=lawsuit",
            "/?kind=union&lanes=kind", "/?from=2024-03&to=2024-03"]  # fmt: skip
    with_index = [_counts_on_page(client, url) for url in urls]
    app.config["FACET_INDEX"] = False
    try:
        app.extensions.pop("timeline.page_counts", None)
        without = [_counts_on_page(client, url) for url in urls]
        assert without == with_index
    finally:
        app.config["FACET_INDEX"] = True


@pytest.fixture
def own_site(databases, tmp_path):
    """A site on a database of its own, which no test transaction holds: its sessions are
    bound to an engine, so the index is read on a thread beside the requests."""
    url = databases.migrated("facet_index", tmp_path)
    site = make_app(url, tmp_path)
    with site.app_context():
        session = db.session
        make_event(session, "2024-02-03", category="lawsuit")
        db.session.remove()
    yield site
    with site.app_context():
        db.engine.dispose()


def _lawsuits(page: str) -> str:
    start = page.index('value="lawsuit"')
    return page[start : page.index("</span>", start)]


def _index_of(site) -> FacetIndex | None:
    kept = site.extensions.get(facet_index.KEY)
    return kept.index if kept else None


def _wait_for_version(site, version: int, seconds: float = 10.0) -> FacetIndex:
    waited = time.monotonic() + seconds
    while time.monotonic() < waited:
        index = _index_of(site)
        if index is not None and index.version == version:
            return index
        time.sleep(0.02)
    raise AssertionError(f"no index of version {version} after {seconds} s")


def test_the_index_is_read_beside_the_requests_and_follows_writes(own_site):
    client = own_site.test_client()
    first = client.get("/?from=2024-02-01&to=2024-02-29").get_data(as_text=True)
    assert _lawsuits(first).endswith(">1")  # counted by SQL while the index is read
    with own_site.app_context():
        version = data_version(db.session, "events")
    index = _wait_for_version(own_site, version)
    assert index.size == 1
    again = client.get("/?from=2024-02-01&to=2024-02-28").get_data(as_text=True)
    assert _lawsuits(again).endswith(">1")
    with own_site.app_context():
        make_event(db.session, "2024-02-04", category="lawsuit")
        version = data_version(db.session, "events")
        db.session.remove()
    # The write made the index stale: the next page counts by SQL, and shows the new event.
    after = client.get("/?from=2024-02-01&to=2024-02-27").get_data(as_text=True)
    assert _lawsuits(after).endswith(">2")
    assert _wait_for_version(own_site, version).size == 2


def _ordering(rng: random.Random) -> Ordering:
    """One to three sort fields, each either way."""
    names = rng.sample(list(SORTABLE), rng.choice([1, 1, 2, 3]))
    return Ordering(tuple(SortKey(name, rng.random() < 0.5) for name in names))


def test_a_page_from_the_index_is_the_page_sql_lists_in_every_order(app, session, events):
    index = FacetIndex.read(session.connection(), data_version(session, "events"))
    with app.test_request_context():
        for n in range(FILTERS):
            where = resolved(session, _filter(events, session))
            query = EventQuery(where, limit=7, order=CHRONOLOGICAL if n < 10 else _ordering(events))
            for _ in range(3):  # pages 1 to 3, each from the last one's cursor
                page = list_events(session, query)
                listed = list_events(session, index.selection(session, where).page(session, query))
                assert [e.id for e in listed.events] == [e.id for e in page.events], (n, query)
                assert listed.next == page.next
                if page.next is None:
                    break
                query = replace(query, after=page.next)


def test_a_cursor_past_an_edited_event_is_left_to_sql(app, session, events):
    index = FacetIndex.read(session.connection(), data_version(session, "events"))
    query = EventQuery(limit=5, order=Ordering.parse("title"))
    with app.test_request_context():
        first = list_events(session, query)
        assert index.place(session, query.order, first.next) is not None
        first.events[-1].title = "A title written since"
        session.flush()
        assert index.place(session, query.order, first.next) is None
        assert (
            index.selection(session, EventFilter()).page(session, replace(query, after=first.next))
            is None
        )


def test_the_api_answers_the_same_with_and_without_the_index(app, client, events):
    urls = ["/api/events?sort=title&limit=9", "/api/events?sort=-updated,slug&q=strike",
            "/api/events?sort=category,-start&from=2021-01-01&to=2024-12-31&total=true",
            "/api/events?sort=-created&category=lawsuit&limit=3",
            "/api/events?sort=-end,title"]  # fmt: skip
    app.extensions["answers"] = Answers(0)  # every answer made afresh
    pages = []
    for url in urls:  # each with its next page
        body = client.get(url).get_json()
        pages += [url, body["next"]] if body["next"] else [url]
    answers = [client.get(url).get_json() for url in pages]
    app.config["FACET_INDEX"] = False
    try:
        assert [client.get(url).get_json() for url in pages] == answers
    finally:
        app.config["FACET_INDEX"] = True
