"""The drawn timeline: its honesty about dates, its packing and its aggregation, and the page
that draws it."""

import datetime as dt
import re

import pytest

from tests.conftest import slugs
from tests.factories import make_actor, make_event
from timeline.dates import Precision, span_of
from timeline.domain import Role
from timeline.services.events.layout import BEFORE, Bucket, DrawnEvent
from timeline.web.charts.cost_chart import TimeAxis
from timeline.web.charts.timeline_chart import CHAR_WIDTH, counts, drawing

AXIS = TimeAxis(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
LANES = {"demo": "Demo", "lawsuit": "Lawsuit"}


def drawn(slug, start, end=None, ongoing=False, lane="demo", title=None):
    return DrawnEvent(slug, title or slug, span_of(start, end, ongoing), lane)


def test_a_month_is_a_band_across_the_month_and_a_day_a_point():
    chart = drawing(
        AXIS, LANES, [drawn("m", "2024-03"), drawn("d", "2024-03-01")], dt.date(2025, 1, 1)
    )
    month, day = chart.items
    assert month.shape == "band"
    assert month.x == AXIS.x(dt.date(2024, 3, 1))
    assert month.x + month.width == pytest.approx(AXIS.x(dt.date(2024, 4, 1)), abs=0.2)
    assert day.shape == "point" and day.width == 10


def test_a_range_is_a_bar_with_soft_month_ends_and_ongoing_reaches_today():
    events = [drawn("r", "2024-03", "2024-06"), drawn("o", "2024-05-01", ongoing=True)]
    bar, ongoing = drawing(AXIS, LANES, events, dt.date(2024, 9, 1)).items
    assert bar.shape == "bar"
    assert bar.solid_x == AXIS.x(dt.date(2024, 4, 1))  # the start month is fuzzy
    assert bar.solid_x + bar.solid_width == pytest.approx(AXIS.x(dt.date(2024, 6, 1)), abs=0.2)
    assert ongoing.shape == "ongoing"
    assert ongoing.x + ongoing.width == pytest.approx(AXIS.x(dt.date(2024, 9, 2)), abs=0.2)


def test_lanes_are_packed_without_overlap_and_labels_never_collide():
    events = [
        drawn(f"e{i}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", title="A long title " * 3)
        for i in range(60)
    ]
    events.sort(key=lambda e: e.span.earliest)
    chart = drawing(AXIS, LANES, events, dt.date(2025, 1, 1))
    taken: dict[float, list[tuple[float, float]]] = {}
    for item in chart.items:
        left, right = item.x, item.x + item.width
        if item.label:
            width = len(item.label) * CHAR_WIDTH
            if item.label_anchor == "start":
                right = item.label_x + width
            else:
                left = item.label_x - width
        row = taken.setdefault(item.y, [])
        assert all(right <= a or left >= b for a, b in row), f"{item.slug} overlaps its row"
        row.append((left, right))
    assert any(item.label is None for item in chart.items)  # crowded: some labels gave way
    assert all(item.label is None or len(item.label) <= 34 for item in chart.items)


def test_counts_keep_coarse_dates_out_of_the_months_and_zoom_in():
    buckets = [
        Bucket("demo", "2024-03", 40),
        Bucket("demo", "2024-04", 2),
        Bucket("demo", "2024", 5),
        Bucket("lawsuit", BEFORE, 3),
    ]
    chart = counts(
        AXIS, LANES, buckets, Precision.MONTH, lambda k: f"/?from={k}&to={k}", dt.date(2025, 1, 1)
    )
    by_text = {cell.text: cell for cell in chart.cells}
    march, year = by_text["March 2024"], by_text["2024"]
    assert march.href == "/?from=2024-03&to=2024-03" and not march.coarse
    assert year.coarse and year.y > march.y  # its own row, across the whole year
    assert year.width == pytest.approx(AXIS.right - AXIS.left, abs=0.5)
    assert by_text["begun before this window"].href is None
    assert [lane.count for lane in chart.lanes] == [47, 3]
    assert march.opacity > by_text["April 2024"].opacity


@pytest.mark.parametrize(
    ("first", "last", "labels"),
    [
        (dt.date(2024, 3, 1), dt.date(2024, 3, 10), ["Mar", "2", "3"]),
        (dt.date(2024, 1, 1), dt.date(2024, 6, 30), ["2024", "Feb", "Mar"]),
        (dt.date(2023, 1, 1), dt.date(2025, 12, 31), ["2023", "Q2", "Q3"]),
        (dt.date(1990, 1, 1), dt.date(2030, 12, 31), ["1990", "1995", "2000"]),
    ],
)
def test_the_axis_ticks_suit_the_window(first, last, labels):
    ticks = TimeAxis(first, last).ticks()
    assert [t.label for t in ticks[:3]] == labels
    assert len(ticks) <= 40


def test_the_page_draws_each_event_as_a_named_link_and_lists_it_below(seeded, client):
    html = client.get("/?from=2023-05&to=2023-12").get_data(as_text=True)
    svg = re.search(r'<svg[^>]*class="timeline-chart".*?</svg>', html, re.S).group(0)
    assert 'role="group"' in svg and "<title" in svg and "<desc" in svg
    marks = re.findall(
        r'<a href="/events/([^"]+)" class="mark (\w+)[^"]*" aria-label="([^"]+)"', svg
    )
    listed = re.findall(r'<li class="event[^"]*" id="([^"]+)"', html)
    assert sorted(slug for slug, _, _ in marks) == sorted(listed)
    shapes = {slug: shape for slug, shape, _ in marks}
    assert shapes["writers-guild-of-america-strike"] == "bar"
    assert ("SAG-AFTRA TV/theatrical strike (14 Jul – 9 Nov 2023)") in {a for _, _, a in marks}
    assert 'class="cost-chart"' in html  # the cost chart above, on the same window


def test_a_crowded_window_is_drawn_as_counts_that_zoom_in(session, client):
    for i in range(160):
        make_event(session, f"2024-{1 + i % 6:02d}-{1 + i % 28:02d}", title=f"Busy {i}")
    make_event(session, "2024", title="Known only to the year")
    html = client.get("/?from=2024&to=2024").get_data(as_text=True)
    assert "each lane counts them per month" in html
    assert 'href="/?from=2024-01&amp;to=2024-01"' in html
    assert 'aria-label="1 event, 2024"' in html or 'aria-label="1 event in 2024' in html
    cells = re.findall(r'aria-label="(\d+) events? in [A-Z][a-z]+ 2024: zoom in"', html)
    assert sum(map(int, cells)) == 160
    assert html.count('class="event') <= 160  # the list pages on; it does not hold all 161


def test_kind_lanes_follow_the_first_actor_and_kind_filters_follow_a_kind_change(session, client):
    person = make_actor(session, name="Ada Moreno", kind="person")
    studio = make_actor(session, name="Northlight Pictures", kind="studio")
    event = make_event(
        session, "2024-05-01", title="Ada Moreno joins Northlight",
        actors=[(person, Role.SUBJECT), (studio, Role.PARTY)],
    )  # fmt: skip
    html = client.get("/?lanes=kind").get_data(as_text=True)
    lanes = re.findall(r'class="lane-label[^"]*"[^>]*>([^<]+)<', html)
    assert [lane.strip() for lane in lanes] == ["Person"]
    assert slugs(client, "/api/events?kind=studio") == [event.slug]
    studio.kind = "ai-company"
    session.commit()
    assert slugs(client, "/api/events?kind=studio") == []
    assert slugs(client, "/api/events?kind=ai-company&kind=guild") == [event.slug]
