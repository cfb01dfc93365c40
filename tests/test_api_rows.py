"""The events list is read as plain rows, not mapped objects: its answer must be exactly the one
`event_json` gives for each event, in every order and on every page."""

from __future__ import annotations

import pytest

from tests.factories import make_event
from timeline.db import db
from timeline.services.events.ordering import Ordering
from timeline.services.events.queries import EventQuery, list_event_rows, list_events
from timeline.web.api.shapes import PageShapes, event_json


@pytest.mark.parametrize("sort", ["start", "-start,title", "title", "-end", "category,-start"])
def test_a_page_of_rows_answers_as_the_events_themselves(app, seeded, sort):
    with app.test_request_context("/api/events"):
        order = Ordering.parse(sort)
        query = EventQuery(limit=7, order=order)
        pages = 0
        while True:
            rows, events = list_event_rows(db.session, query), list_events(db.session, query)
            assert list(PageShapes(rows)) == [event_json(event) for event in events.events]
            assert rows.next == events.next
            pages += 1
            if rows.next is None:
                break
            query = EventQuery(limit=7, order=order, after=rows.next)
    assert pages > 3  # several pages, the last one short


def test_events_without_actors_or_sources_answer_with_empty_lists(app, seeded, session):
    bare = make_event(session, "1999-01-01", title="A bare event")
    bare.sources = []
    session.commit()
    with app.test_request_context("/api/events"):
        page = list_event_rows(db.session, EventQuery(limit=1))
        (shape,) = PageShapes(page)
    assert (shape["slug"], shape["actors"], shape["sources"]) == (bare.slug, [], [])
