"""GET /api/events.ics, .atom and .timelinejs.json: each read back with a real parser."""

from __future__ import annotations

import datetime as dt

import feedparser
import icalendar
import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import make_actor, make_event
from timeline.domain import Event, Role
from timeline.web.api import exports as api_exports
from timeline.web.api import formats as exports
from timeline.web.api.openapi import document

HOST = "http://timeline.test"


def calendar_events(client, query: str = "") -> dict[str, icalendar.Event]:
    response = client.get(f"/api/events.ics?{query}")
    assert response.status_code == 200
    parsed = icalendar.Calendar.from_ical(response.data)
    return {str(e["uid"]).split("@")[0]: e for e in parsed.walk("VEVENT")}


def days(component: icalendar.Event) -> tuple[dt.date, dt.date]:
    return component.decoded("dtstart"), component.decoded("dtend")


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def to_the_second(moment: dt.datetime) -> dt.datetime:
    """A stored time in UTC, to the second, as both formats write it (SQLite's are naive UTC)."""
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return utc.replace(microsecond=0)


# iCalendar


def test_a_day_is_an_all_day_date_that_ends_the_next_day(session, client):
    event = make_event(session, "2024-06-01")
    first, after_last = days(calendar_events(client)[event.slug])
    assert type(first) is dt.date and type(after_last) is dt.date  # a date, not a datetime
    assert (first, after_last) == (dt.date(2024, 6, 1), dt.date(2024, 6, 2))


@pytest.mark.parametrize(
    ("start", "end", "first", "after_last"),
    [
        ("2023-05-02", "2023-09-27", dt.date(2023, 5, 2), dt.date(2023, 9, 28)),
        ("2024-02", None, dt.date(2024, 2, 1), dt.date(2024, 3, 1)),
        ("2024-02", "2024-03", dt.date(2024, 2, 1), dt.date(2024, 4, 1)),
        ("2024", None, dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
        ("2023", "2024", dt.date(2023, 1, 1), dt.date(2025, 1, 1)),
    ],
)
def test_ranges_months_and_years_span_all_their_days(
    session, client, start, end, first, after_last
):
    event = make_event(session, start, end)
    assert days(calendar_events(client)[event.slug]) == (first, after_last)


def test_an_ongoing_event_runs_to_today_and_says_it_is_ongoing(session, client):
    event = make_event(session, "2024-07", ongoing=True)
    before = utc_today()
    component = calendar_events(client)[event.slug]
    first, after_last = days(component)
    assert first == dt.date(2024, 7, 1)
    assert after_last - dt.timedelta(days=1) in {before, utc_today()}
    assert "ongoing" in str(component["description"])


def test_each_event_carries_its_identity_page_category_and_sources(session, client):
    event = make_event(session, "2024-06-01", title="Demo day", summary="Shown to studios.")
    updated = session.scalar(select(Event.updated_at).where(Event.id == event.id))
    response = client.get("/api/events.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "events.ics" in response.headers["Content-Disposition"]
    component = calendar_events(client)[event.slug]
    assert str(component["uid"]) == f"{event.slug}@timeline.test"
    assert str(component["summary"]) == "Demo day"
    assert str(component["url"]) == f"{HOST}/events/{event.slug}"
    assert [str(c) for c in component["categories"].cats] == ["Demo"]
    description = str(component["description"])
    assert description.startswith("Shown to studios.") and "https://example.org/" in description
    assert component.decoded("dtstamp") == to_the_second(updated)
    assert component.decoded("last-modified") == to_the_second(updated)


def test_commas_semicolons_and_newlines_in_a_title_come_back_as_typed(session, client):
    title = "Deal, signed; then\nrevised \\ again"
    event = make_event(session, title=title)
    assert str(calendar_events(client)[event.slug]["summary"]) == title


def test_the_calendar_holds_the_filtered_view_oldest_first(session, client):
    later = make_event(session, "2025-01-10", category="lawsuit")
    make_event(session, "2024-05-01", category="demo")
    earlier = make_event(session, "2024-03", category="lawsuit")
    response = client.get("/api/events.ics?category=lawsuit")
    parsed = icalendar.Calendar.from_ical(response.data)
    uids = [str(e["uid"]).split("@")[0] for e in parsed.walk("VEVENT")]
    assert uids == [earlier.slug, later.slug]
    assert "Lawsuit events" in str(parsed["x-wr-calname"])


def test_every_seeded_event_is_in_the_calendar(seeded, client):
    assert len(calendar_events(client)) == 50


# Atom


def atom(client, query: str = ""):
    response = client.get(f"/api/events.atom?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_feed_lists_the_newest_events_first(session, client):
    old = make_event(session, "2023-05-02", "2023-09-27", title="Old")
    new = make_event(session, "2025-02", title="New")
    middle = make_event(session, "2024", title="Middle")
    feed = atom(client)
    assert [e.title for e in feed.entries] == ["New", "Middle", "Old"]
    assert [e.link for e in feed.entries] == [f"{HOST}/events/{e.slug}" for e in (new, middle, old)]
    assert feed.entries[0].tags[0].term == "demo" and feed.entries[0].tags[0].label == "Demo"


def test_limit_caps_the_feed_and_a_bad_limit_is_named(session, client):
    for month in range(1, 6):
        make_event(session, f"2024-{month:02d}-01", title=f"Month {month}")
    assert [e.title for e in atom(client, "limit=2").entries] == ["Month 5", "Month 4"]
    response = client.get("/api/events.atom?limit=501&from=nope")
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"limit", "from"}


def test_the_feed_applies_the_filters_and_links_the_same_view(session, client):
    make_event(session, "2024-06-01", category="demo", title="A demo")
    make_event(session, "2024-06-02", category="lawsuit", title="A suit")
    feed = atom(client, "category=lawsuit&limit=5")
    assert [e.title for e in feed.entries] == ["A suit"]
    assert feed.feed.id == f"{HOST}/api/events.atom?category=lawsuit&limit=5"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == feed.feed.id
    assert links["alternate"] == f"{HOST}/?category=lawsuit"
    assert "Lawsuit events" in feed.feed.title


def test_markup_in_a_title_comes_back_as_text(session, client):
    title = "<script>alert(1)</script> & co"
    make_event(session, title=title, summary='Tom & Jerry <i>said</i> "no"')
    response = client.get("/api/events.atom")
    assert b"<script>" not in response.data
    entry = atom(client).entries[0]
    assert entry.title == title
    assert entry.summary.endswith('Tom & Jerry <i>said</i> "no"')


def test_entries_carry_dates_and_authors_and_the_feed_its_newest_update(seeded, client, session):
    feed = atom(client)
    assert len(feed.entries) == 50  # the default page size
    newest = session.scalar(select(func.max(Event.updated_at)))
    assert feed.feed.updated_parsed[:6] == to_the_second(newest).timetuple()[:6]
    strike = next(e for e in feed.entries if e.title == "Writers Guild of America strike")
    assert "Writers Guild of America West" in [a.name for a in strike.authors]
    assert strike.published_parsed and strike.updated_parsed


def test_the_actors_who_hold_an_event_are_its_authors(session, client):
    studio, outlet = (
        make_actor(session, "Studio A"),
        make_actor(session, "Trade Paper", "media-outlet"),
    )
    make_event(session, "2024-06-02", actors=[(studio, Role.SUBJECT), (outlet, Role.REPORTER)])
    make_event(session, "2024-06-01")
    with_actors, without = atom(client).entries
    assert [a.name for a in with_actors.authors] == ["Studio A"]
    assert [a.name for a in without.authors] == [exports.SITE]


def test_characters_xml_cannot_carry_are_dropped_not_sent(session, client):
    make_event(session, title="Vertical\x0btab", summary="Form\x0cfeed")
    entry = atom(client).entries[0]
    assert entry.title == "Verticaltab" and entry.summary.endswith("Formfeed")


def test_an_empty_feed_is_well_formed_and_dated_at_the_epoch(client):
    feed = atom(client, "q=nothingmatchesthis")
    assert feed.entries == [] and feed.feed.updated == "1970-01-01T00:00:00Z"


# TimelineJS

# The keys TimelineJS 3 documents (timeline.knightlab.com/docs/json-format.html).
TIMELINE_KEYS = {"events", "title", "eras", "scale"}
SLIDE_KEYS = {
    "start_date", "end_date", "text", "media", "group", "display_date", "background",
    "autolink", "unique_id",
}  # fmt: skip
DATE_KEYS = {"year", "month", "day", "hour", "minute", "second", "millisecond", "display_date"}
TEXT_KEYS = {"headline", "text"}


def timeline(client, query: str = "") -> dict:
    response = client.get(f"/api/events.timelinejs.json?{query}")
    assert response.status_code == 200
    return response.get_json()


def assert_documented(slide: dict) -> None:
    assert set(slide) <= SLIDE_KEYS
    assert set(slide["text"]) <= TEXT_KEYS
    for date in (slide.get("start_date"), slide.get("end_date")):
        assert date is None or set(date) <= DATE_KEYS


def test_every_slide_keeps_to_the_documented_format_and_its_precision(seeded, client):
    data = timeline(client)
    api = {e["slug"]: e for e in client.get("/api/events?limit=500").get_json()["events"]}
    assert set(data) <= TIMELINE_KEYS and len(data["events"]) == 50
    assert_documented(data["title"])
    for slide in data["events"]:
        assert_documented(slide)
        event = api[slide["unique_id"]]
        start, known = slide["start_date"], [int(p) for p in event["start"].split("-")]
        assert isinstance(start["year"], int)
        assert [start[k] for k in ("year", "month", "day") if k in start] == known
        assert ("day" in start) == (event["precision"] == "day")
        assert ("end_date" in slide) == (event["end"] is not None)
        assert slide["group"] and slide["display_date"]


@pytest.mark.parametrize(
    ("start", "end", "ongoing", "start_date", "end_date", "display"),
    [
        ("2024-02", "2024-03", False, {"year": 2024, "month": 2}, {"year": 2024, "month": 3},
         "Feb – Mar 2024"),
        ("2024", None, False, {"year": 2024}, None, "2024"),
        ("2024-07", None, True, {"year": 2024, "month": 7}, None, "From July 2024 (ongoing)"),
        ("2023-05-02", "2023-09-27", False, {"year": 2023, "month": 5, "day": 2},
         {"year": 2023, "month": 9, "day": 27}, "2 May – 27 Sep 2023"),
    ],
)  # fmt: skip
def test_dates_carry_only_their_known_parts(
    session, client, start, end, ongoing, start_date, end_date, display
):
    make_event(session, start, end, ongoing=ongoing)
    slide = timeline(client)["events"][0]
    assert slide["start_date"] == start_date
    assert slide.get("end_date") == end_date
    assert slide["display_date"] == display


def test_text_is_escaped_html_linking_the_event_and_its_sources(session, client):
    event = make_event(session, title="<b>Bold</b> & co", summary="Tom & <i>Jerry</i>")
    slide = timeline(client)["events"][0]
    assert slide["text"]["headline"] == "&lt;b&gt;Bold&lt;/b&gt; &amp; co"
    assert "Tom &amp; &lt;i&gt;Jerry&lt;/i&gt;" in slide["text"]["text"]
    assert f'href="{HOST}/events/{event.slug}"' in slide["text"]["text"]
    assert f'href="{event.sources[0].url}"' in slide["text"]["text"]
    assert slide["unique_id"] == event.slug and slide["group"] == "Demo"


def test_the_timeline_applies_the_filters(session, client):
    make_event(session, "2024-06-01", category="demo")
    suit = make_event(session, "2024-06-02", category="lawsuit")
    data = timeline(client, "category=lawsuit")
    assert [s["unique_id"] for s in data["events"]] == [suit.slug]
    assert "Lawsuit events" in data["title"]["text"]["headline"]
    assert f"{HOST}/?category=lawsuit" in data["title"]["text"]["text"]


def test_past_the_cap_the_oldest_slides_are_kept_and_the_title_says_so(
    session, client, monkeypatch
):
    monkeypatch.setattr(exports, "MAX_SLIDES", 2)
    events = [make_event(session, f"2024-0{m}-01") for m in (3, 1, 2)]
    data = timeline(client)
    assert [s["unique_id"] for s in data["events"]] == [events[1].slug, events[2].slug]
    assert "narrow the filters" in data["title"]["text"]["text"]


# All three


@pytest.mark.parametrize("path", ["events.ics", "events.atom", "events.timelinejs.json"])
def test_bad_filters_answer_the_json_error_shape(client, path):
    response = client.get(f"/api/{path}?from=2024-13&category=nope")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and {"from", "category"} <= set(error["fields"])


def test_the_exports_are_described_in_the_openapi_document():
    app = Flask(__name__)  # these routes alone: the document refuses any undescribed route
    app.register_blueprint(api_exports.bp)
    paths = document(app, HOST)["paths"]
    ics = paths["/api/events.ics"]["get"]
    assert "text/calendar" in ics["responses"]["200"]["content"]
    atom_params = {p["name"] for p in paths["/api/events.atom"]["get"]["parameters"]}
    assert {"from", "to", "category", "actor", "kind", "q", "status", "limit"} <= atom_params
    timelinejs = paths["/api/events.timelinejs.json"]["get"]["responses"]["200"]
    schema = timelinejs["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/TimelineJSData"}
