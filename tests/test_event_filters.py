"""Browsing by filters: one query string shared by the page, the JSON and the CSV; facet
counts; bad and typed-at-random filters; windows and events at the ends of the calendar."""

import csv
import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import slugs
from tests.factories import make_actor, make_event
from timeline.dates import PartialDate
from timeline.domain import Role, Status


def csv_rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# One query string, three views


def test_page_json_and_csv_agree_on_every_filter(seeded, client):
    query = "category=labor-action&category=labor-agreement&from=2023&to=2023&actor=sag-aftra"
    from_json = slugs(client, f"/api/events?{query}")
    from_csv = [row["slug"] for row in csv_rows(client, f"/api/events.csv?{query}")]
    html = client.get(f"/?{query}").get_data(as_text=True)
    from_page = re.findall(r'<li class="event[^"]*" id="([^"]+)"', html)
    assert from_json == from_csv == from_page
    assert "sag-aftra-tv-theatrical-strike" in from_json
    assert f"<strong>{len(from_json)}</strong> events match" in html
    assert 'href="/api/events.csv?category=labor-action&amp;category=labor-agreement' in html


def test_categories_combine_with_or_and_actors_with_and(seeded, client):
    lawsuits = slugs(client, "/api/events?category=lawsuit")
    strikes = slugs(client, "/api/events?category=labor-action")
    both = slugs(client, "/api/events?category=lawsuit&category=labor-action")
    assert set(both) == set(lawsuits) | set(strikes)
    openai = set(slugs(client, "/api/events?actor=openai&limit=500"))
    sag = set(slugs(client, "/api/events?actor=sag-aftra&limit=500"))
    together = set(slugs(client, "/api/events?actor=openai&actor=sag-aftra&limit=500"))
    assert together == openai & sag and together


def test_an_actor_may_be_named_by_an_alias_and_a_kind_filters_by_any_actor(seeded, client):
    by_alias = slugs(client, "/api/events?actor=amptp")
    assert by_alias and by_alias == slugs(
        client, "/api/events?actor=alliance-of-motion-picture-and-television-producers-amptp"
    )
    guild_events = slugs(client, "/api/events?kind=guild&limit=500")
    assert "writers-guild-of-america-strike" in guild_events
    assert "openai-reveals-sora-text-to-video-model" not in guild_events


def test_the_csv_holds_every_match_not_a_page(session, client):
    for day in range(1, 29):
        make_event(session, f"2024-02-{day:02d}", title=f"February event {day}")
    rows = csv_rows(client, "/api/events.csv?from=2024-02&limit=5")
    assert len(rows) == 28
    assert rows[0]["title"] == "February event 1" and rows[0]["when"] == "1 February 2024"
    assert rows[0]["url"].endswith(f"/events/{rows[0]['slug']}")


def test_bad_filters_are_named_in_json_and_at_the_field(seeded, client):
    url = "?category=nope&actor=nobody&kind=alien&status=draft&q=-x&from=2024-02-30"
    response = client.get(f"/api/events{url}")
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"category", "actor", "kind", "status", "q", "from"}
    assert "use one of" in fields["category"] and "lawsuit" in fields["category"]
    assert client.get(f"/api/events.csv{url}").status_code == 400
    page = client.get(f"/{url}")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'id="f-category-error"' in html and "no category &#39;nope&#39;" in html
    assert 'id="f-from-error"' in html and "February 2024 has no day 30" in html
    assert client.get("/?lanes=sideways").status_code == 400


def test_paging_keeps_every_value_of_repeated_filters(seeded, client):
    first = client.get("/api/events?category=statement&category=demo&limit=3").get_json()
    assert "category=statement&category=demo" in first["next"]
    second = client.get(first["next"]).get_json()
    assert {e["category"] for e in first["events"] + second["events"]} <= {"statement", "demo"}


def test_facets_count_what_each_choice_would_show(seeded, client):
    html = client.get("/?category=lawsuit").get_data(as_text=True)

    def count(name: str, value: str) -> int:
        pattern = rf'name="{name}" value="{value}"[^>]*>\s*[^<]+<span class="n">(\d+)</span>'
        return int(re.search(pattern, html).group(1))

    # Categories count as if chosen alone, so the other choices stay visible.
    assert count("category", "lawsuit") == len(slugs(client, "/api/events?category=lawsuit"))
    assert count("category", "demo") == len(slugs(client, "/api/events?category=demo"))
    # Kinds and actors count within the chosen category.
    studios = slugs(client, "/api/events?category=lawsuit&kind=studio")
    assert count("kind", "studio") == len(studios)
    assert 'value="lawsuit" checked' in html


PARAMETERS = ["from", "to", "category", "actor", "kind", "q", "status", "lanes", "limit", "cursor"]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    args=st.lists(
        st.tuples(st.sampled_from(PARAMETERS), st.text(max_size=30)), min_size=1, max_size=4
    )
)
def test_no_typed_query_string_is_a_server_error(client, args):
    for url in ("/", "/api/events", "/api/events.csv"):
        response = client.get(url, query_string=args)
        assert response.status_code in (200, 400), (url, args)
        if url != "/" and response.status_code == 400:
            assert set(response.get_json()["error"]["fields"]) <= set(PARAMETERS)


@pytest.mark.parametrize("path", ["/events/a%00b", "/actors/a%00b", "/api/events/a%00b"])
def test_a_nul_character_in_an_address_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_actor_counts_leave_out_drafts_with_or_without_filters(session, client):
    studio = make_actor(session, name="Northlight Pictures", kind="studio")
    for day in (1, 2, 3):
        make_event(session, f"2024-05-0{day}", actors=[(studio, Role.SUBJECT)])
    make_event(session, "2024-05-04", actors=[(studio, Role.SUBJECT)], status=Status.DRAFT)
    pattern = rf'name="actor" value="{studio.slug}"[^>]*>\s*[^<]+<span class="n">(\d+)</span>'
    for url in ("/", "/?from=2024-05"):
        html = client.get(url).get_data(as_text=True)
        assert re.search(pattern, html).group(1) == "3", url


def partial(day: dt.date, cut: int) -> str:
    return day.isoformat()[:cut]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=st.dates(), last=st.dates(), cuts=st.tuples(*[st.sampled_from([4, 7, 10])] * 2))
def test_any_calendar_window_draws_or_explains(seeded, client, first, last, cuts):
    query = {"from": partial(first, cuts[0]), "to": partial(last, cuts[1])}
    backwards = PartialDate.parse(query["to"]).latest < PartialDate.parse(query["from"]).earliest
    for url in ("/", "/api/events"):
        response = client.get(url, query_string=query)
        assert response.status_code == (400 if backwards else 200), (url, query)


@pytest.mark.parametrize(
    "query", ["from=0002&to=9998", "from=0002&to=2024", "from=2024&to=9998", "from=9999-12-31"]
)
def test_windows_at_the_ends_of_the_calendar(seeded, client, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 200


def test_events_at_the_ends_of_the_calendar_have_pages(session, client):
    studio = make_actor(session, name="Northlight Pictures", kind="studio")
    events = [
        make_event(session, "0001-01-10", actors=[(studio, Role.SUBJECT)]),
        make_event(session, "9999-12-31", actors=[(studio, Role.SUBJECT)]),
        make_event(session, "9999", actors=[(studio, Role.SUBJECT)]),
        make_event(session, "9999-11", "9999-12", actors=[(studio, Role.SUBJECT)]),
    ]
    for event in events:
        assert client.get(f"/events/{event.slug}").status_code == 200
    assert client.get(f"/actors/{studio.slug}").status_code == 200
    for query in ("", "?from=9999-12", "?from=9999-12-31", "?to=0001-01", "?from=9999"):
        assert client.get(f"/{query}").status_code == 200, query
