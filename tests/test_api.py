"""GET /api/events and /api/events/<slug>: shape, precision-aware windows, pages, errors."""

import datetime as dt
import random

import pytest

from tests.factories import make_actor, make_event
from timeline.dates import PartialDate, window
from timeline.domain import Role, Status
from timeline.services.events.filtering import EventFilter
from timeline.services.events.queries import EventQuery, list_events


def slugs(response) -> list[str]:
    return [e["slug"] for e in response.get_json()["events"]]


def test_events_have_the_documented_shape(seeded, client):
    body = client.get("/api/events?limit=500").get_json()
    assert len(body["events"]) == 50 and body["next"] is None
    strike = next(e for e in body["events"] if e["slug"] == "writers-guild-of-america-strike")
    assert strike["start"] == "2023-05-02" and strike["end"] == "2023-09-27"
    assert strike["precision"] == "day" and strike["status"] == "published"
    assert strike["category"] == "labor-action"
    assert {"slug", "name", "kind", "role"} <= set(strike["actors"][0])
    assert strike["actors"][0] == {
        "slug": "writers-guild-of-america-west",
        "name": "Writers Guild of America West",
        "kind": "guild",
        "role": "party",
    }
    assert strike["sources"][0]["url"].startswith("https://")
    lightcap = next(e for e in body["events"] if e["start"] == "2024-02")
    assert (lightcap["end"], lightcap["precision"]) == ("2024-03", "month")


def test_events_come_in_chronological_order(seeded, client):
    events = client.get("/api/events?limit=500").get_json()["events"]
    keys = [(e["earliest"], e["latest"]) for e in events]
    assert keys == sorted(keys)
    assert events[0]["start"] == "2022-09-23"


def test_default_page_is_fifty_and_the_cursor_walks_every_event_once(seeded, client):
    first = client.get("/api/events?limit=20").get_json()
    assert len(client.get("/api/events").get_json()["events"]) == 50
    seen, url = [], "/api/events?limit=20"
    while url:
        body = client.get(url).get_json()
        seen += [e["slug"] for e in body["events"]]
        url = body["next"]
    assert len(seen) == 50 == len(set(seen))
    assert first["next"].startswith("http://timeline.test/api/events?")


def test_the_cursor_keeps_the_filters(seeded, client):
    body = client.get("/api/events?from=2025&to=2025&limit=5").get_json()
    assert "from=2025" in body["next"] and "to=2025" in body["next"]
    rest = client.get(body["next"]).get_json()["events"]
    assert all(e["start"].startswith("2025") for e in rest)


@pytest.mark.parametrize(
    ("start", "end", "query"),
    [
        ("2024-06", None, "from=2024-06-15&to=2024-06-20"),
        ("2024-07-26", "2025-06-11", "from=2025-02&to=2025-03"),
        ("2023-05-02", "2023-09-27", "from=2023-09-27"),
        ("2023-05-02", "2023-09-27", "to=2023-05-02"),
        ("2024", None, "from=2024-12-31&to=2025-01"),
        ("2024-07", None, "from=2024-07-31&to=2024-07-31"),
    ],
)
def test_an_event_matches_when_its_possible_span_overlaps_the_window(
    session, client, start, end, query
):
    event = make_event(session, start, end)
    assert slugs(client.get(f"/api/events?{query}")) == [event.slug]


@pytest.mark.parametrize(
    ("start", "end", "query"),
    [
        ("2024-06", None, "from=2024-07"),
        ("2023-05-02", "2023-09-27", "from=2023-09-28"),
        ("2023-05-02", "2023-09-27", "to=2023-05-01"),
        ("2024", None, "to=2023-12-31"),
    ],
)
def test_an_event_outside_the_window_is_left_out(session, client, start, end, query):
    make_event(session, start, end)
    assert slugs(client.get(f"/api/events?{query}")) == []


def test_ongoing_events_reach_any_later_window(session, client):
    event = make_event(session, "2024-07", ongoing=True)
    body = client.get("/api/events?from=2030").get_json()
    assert [(e["slug"], e["ongoing"], e["end"]) for e in body["events"]] == [
        (event.slug, True, None)
    ]


def test_drafts_are_not_public(session, client):
    draft = make_event(session, status=Status.DRAFT)
    assert slugs(client.get("/api/events")) == []
    assert client.get(f"/api/events/{draft.slug}").status_code == 404


def test_one_event_by_slug(session, client):
    studio = make_actor(session)
    event = make_event(session, actors=[(studio, Role.SUBJECT)])
    body = client.get(f"/api/events/{event.slug}").get_json()["event"]
    assert body["actors"] == [
        {"slug": studio.slug, "name": "Example Studio", "kind": "studio", "role": "subject"}
    ]
    assert body["url"] == f"http://timeline.test/events/{event.slug}"


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("from=2024-13", {"from"}),
        ("to=2023-02-29", {"to"}),
        ("limit=0", {"limit"}),
        ("limit=abc", {"limit"}),
        ("limit=501", {"limit"}),
        ("limit=-5", {"limit"}),
        ("cursor=garbage!", {"cursor"}),
        ("from=2025&to=2024", {"to"}),
        ("from=yesterday&limit=0", {"from", "limit"}),
    ],
)
def test_bad_parameters_get_a_400_naming_each(client, query, fields):
    response = client.get(f"/api/events?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400
    assert set(error["fields"]) == fields
    assert all(error["fields"].values())


def test_api_errors_are_json_not_html(client):
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["status"] == 404
    wrong_method = client.put("/api/events")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["status"] == 405
    assert "GET" in wrong_method.headers["Allow"]


def test_the_database_window_agrees_with_the_date_logic(session):
    """Random spans of every precision, random windows: SQL and Span.overlaps pick the same."""
    rng = random.Random(2024)

    def partial() -> str:
        text = f"{rng.randint(2022, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return text[: rng.choice([4, 7, 10])]

    events = []
    for _ in range(60):
        start = partial()
        end = None
        if rng.random() < 0.4:
            later = PartialDate.parse(start).earliest + dt.timedelta(days=rng.randint(0, 900))
            end = later.isoformat()[: len(start)]
        events.append(make_event(session, start, end, ongoing=end is None and rng.random() < 0.1))
    spans = {event.slug: event.span for event in events}
    for _ in range(25):
        low, high = sorted([partial(), partial()], key=lambda t: PartialDate.parse(t).earliest)
        if PartialDate.parse(high).latest < PartialDate.parse(low).earliest:
            continue
        expected = {slug for slug, span in spans.items() if span.overlaps(*window(low, high))}
        first, last = window(low, high)
        got = list_events(session, EventQuery(EventFilter(first, last), limit=500)).events
        assert {event.slug for event in got} == expected, (low, high)


def test_reads_carry_an_etag_and_a_repeat_costs_a_304(seeded, client):
    first = client.get("/api/events?category=lawsuit")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    again = client.get("/api/events?category=lawsuit", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/events?category=demo", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_reads_and_their_errors_may_be_read_from_other_sites(client):
    for url in ("/api/events", "/api/events?from=2024-13", "/api/gpus"):
        assert client.get(url).headers["Access-Control-Allow-Origin"] == "*", url
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_actors_page_by_slug_and_filter_by_kind_and_name(seeded, client):
    first = client.get("/api/actors?limit=5").get_json()
    slugs = [a["slug"] for a in first["actors"]]
    assert slugs == sorted(slugs) and len(slugs) == 5
    second = client.get(first["next"]).get_json()
    assert second["actors"][0]["slug"] > slugs[-1]
    guilds = client.get("/api/actors?kind=guild&limit=500").get_json()["actors"]
    assert guilds and {a["kind"] for a in guilds} == {"guild"}
    by_alias = client.get("/api/actors?q=wga west").get_json()["actors"]
    assert [a["slug"] for a in by_alias] == ["writers-guild-of-america-west"]
    assert by_alias[0]["events"] == len(
        client.get("/api/events?actor=writers-guild-of-america-west&limit=500").get_json()["events"]
    )
    bad = client.get("/api/actors?kind=alien&limit=0").get_json()["error"]["fields"]
    assert set(bad) == {"kind", "limit"}


def test_one_actor_by_slug_or_alias_and_the_vocabularies(seeded, client):
    actor = client.get("/api/actors/amptp").get_json()["actor"]
    assert actor["slug"] == "alliance-of-motion-picture-and-television-producers-amptp"
    assert "AMPTP" in actor["aliases"]
    assert client.get("/api/actors/nobody").status_code == 404
    categories = client.get("/api/categories").get_json()["categories"]
    assert sum(c["events"] for c in categories) == 50
    kinds = client.get("/api/kinds").get_json()["kinds"]
    assert {"person", "studio", "guild"} <= {k["slug"] for k in kinds}
