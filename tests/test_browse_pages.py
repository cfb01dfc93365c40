"""The pages a reader browses by: an event with its related events and citation data, an
actor with its own drawn timeline, and the indexes of categories and of actors by kind."""

import json
import re
from itertools import pairwise

import pytest

from tests.factories import make_actor, make_event
from timeline.domain import ActorAlias, Role, Status
from timeline.services.events.queries import related_events
from timeline.web.pages import browse as pages

HOST = "http://timeline.test"
BREAKOUT = "</script><script>alert(1)</script>"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    """The HTML of the section labelled by the heading with this id."""
    found = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert found, heading_id
    return found.group(0)


def linked_data(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def related_items(html: str) -> list[tuple[str, str]]:
    """(title, reason) for each related event, in the order shown."""
    pattern = r'<h3><a href="/events/[^"]+">([^<]+)</a></h3>.*?<span class="reason">([^<]+)<'
    return re.findall(pattern, section(html, "related"), re.S)


@pytest.fixture
def studio_and_guild(session):
    studio = make_actor(session, "Big Studio", "studio")
    return studio, make_actor(session, "Writers Union", "guild")


def test_related_events_rank_shared_actors_then_closeness_and_top_up_by_date(
    session, client, studio_and_guild
):
    studio, guild = studio_and_guild
    both = [(studio, Role.PARTY), (guild, Role.COUNTERPARTY)]
    event = make_event(session, "2024-06-10", title="The walkout", actors=both)
    make_event(session, "2021-01-05", title="Old dispute, both sides", actors=both)
    make_event(session, "2024-02-01", title="Studio, months before", actors=both[:1])
    make_event(session, "2024-07-01", title="Studio, weeks after", actors=both[:1])
    make_event(session, "2024-06-20", title="Unrelated, ten days on")
    make_event(session, "2024-12-01", title="Unrelated, months on")
    make_event(session, "2024-06-11", title="Draft sequel", actors=both, status=Status.DRAFT)

    html = page(client, f"/events/{event.slug}")

    assert related_items(html) == [
        ("Old dispute, both sides", "shares Big Studio, Writers Union"),
        ("Studio, weeks after", "shares Big Studio"),
        ("Studio, months before", "shares Big Studio"),
        ("Unrelated, ten days on", "within 45 days"),
    ]
    assert "The walkout" not in section(html, "related")


def test_related_events_stop_at_the_limit(session, studio_and_guild):
    studio, _ = studio_and_guild
    event = make_event(session, "2024-06-10", actors=[(studio, Role.SUBJECT)])
    for day in ("2024-06-01", "2024-06-02", "2024-06-03"):
        make_event(session, day, actors=[(studio, Role.SUBJECT)])
    make_event(session, "2024-06-11")

    related = related_events(session, event, limit=2)

    assert [r.event.start for r in related] == ["2024-06-03", "2024-06-02"]


def test_an_event_without_anything_near_has_no_related_section(session, client):
    event = make_event(session, "2024-06-10")
    assert 'id="related"' not in page(client, f"/events/{event.slug}")


def test_the_event_page_gives_a_permalink_its_json_twin_and_its_place_on_the_timeline(
    seeded, client
):
    html = page(client, "/events/writers-guild-of-america-strike")
    permalink = f"{HOST}/events/writers-guild-of-america-strike"
    assert f'<link rel="canonical" href="{permalink}">' in html
    assert f'<a class="permalink" href="{permalink}">{permalink}</a>' in html
    twin = "/api/events/writers-guild-of-america-strike"
    assert f'<link rel="alternate" type="application/json" href="{twin}">' in html
    assert 'href="/?from=2023-05-02&amp;to=2023-09-27">See it on the timeline</a>' in html
    assert client.get(twin).status_code == 200


def test_json_ld_keeps_the_dates_precision_and_cites_the_sources(session, client):
    event = make_event(session, "2024-03", "2024-05", title="A spring of demos")
    data = linked_data(page(client, f"/events/{event.slug}"))
    assert data["@type"] == "Event" and data["name"] == "A spring of demos"
    assert data["startDate"] == "2024-03" and data["endDate"] == "2024-05"
    assert data["description"] == "Something happened."
    assert data["url"] == f"{HOST}/events/{event.slug}"
    assert [work["url"] for work in data["subjectOf"]] == [event.sources[0].url]


def test_an_event_known_to_the_month_has_no_invented_end_date(session, client):
    event = make_event(session, "2024-03")
    data = linked_data(page(client, f"/events/{event.slug}"))
    assert data["startDate"] == "2024-03" and "endDate" not in data


def test_a_title_cannot_break_out_of_the_json_ld_script(session, client):
    event = make_event(session, "2024-03", title=f"Trailer {BREAKOUT}")
    html = page(client, f"/events/{event.slug}")
    assert linked_data(html)["name"] == f"Trailer {BREAKOUT}"
    assert "<script>alert(1)" not in html
    assert html.count("<script") == 1 and html.count("</script>") == 1


def test_the_actor_page_draws_its_events_and_links_each_mark(session, client):
    actor = make_actor(session, "Voice Lab", "ai-company")
    shown = [
        make_event(session, "2023-05", actors=[(actor, Role.VENDOR)], category="demo"),
        make_event(session, "2024-02", "2024-04", actors=[(actor, Role.SUBJECT)]),
    ]
    draft = make_event(session, "2024-01-01", actors=[(actor, Role.SUBJECT)], status=Status.DRAFT)

    html = page(client, f"/actors/{actor.slug}")

    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="group"' in svg and 'id="actor-timeline"' in svg
    assert "Timeline of 2 events" in svg
    for event in shown:
        assert f'href="/events/{event.slug}"' in svg
    assert draft.slug not in html
    assert f'href="/?actor={actor.slug}">Filter the timeline by this actor</a>' in html
    assert f'href="/api/events?actor={actor.slug}"' in html
    assert 'href="/kinds#kind-ai-company">AI company</a>' in html


def test_an_actor_with_too_many_events_to_draw_links_to_the_timeline(session, client, monkeypatch):
    actor = make_actor(session)
    make_event(session, "2024-01-01", actors=[(actor, Role.SUBJECT)])
    make_event(session, "2024-02-01", actors=[(actor, Role.SUBJECT)])
    monkeypatch.setattr(pages, "DRAW_LIMIT", 1)

    html = page(client, f"/actors/{actor.slug}")

    assert "<svg" not in html
    assert f'href="/?actor={actor.slug}">see them counted on the timeline</a>' in html


def test_an_actor_without_events_says_so_and_draws_nothing(session, client):
    actor = make_actor(session)
    session.commit()
    html = page(client, f"/actors/{actor.slug}")
    assert "<svg" not in html and "No published event names this actor yet." in html


def test_an_alias_address_redirects_permanently_to_the_actor(session, client):
    actor = make_actor(session, "Writers Guild of America West", "guild")
    actor.aliases = [ActorAlias(name="WGA West", slug="wga-west")]
    session.commit()

    response = client.get("/actors/wga-west")

    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/actors/{actor.slug}")
    assert client.get("/actors/no-such-name").status_code == 404


def test_categories_count_published_events_and_link_to_the_filtered_timeline(session, client):
    make_event(session, category="demo")
    make_event(session, category="demo")
    make_event(session, category="demo", status=Status.DRAFT)
    make_event(session, category="lawsuit")

    html = page(client, "/categories")

    rows = dict(re.findall(r'<tr id="category-([a-z-]+)">(.*?)</tr>', html, re.S))
    assert '<a href="/?category=demo">Demo</a>' in rows["demo"]
    assert '<td class="n">2</td>' in rows["demo"]
    assert '<td class="n">1</td>' in rows["lawsuit"]
    assert '<td class="n">0</td>' in rows["award"] and "<a " not in rows["award"]
    assert re.search(r'All published events</th><td class="n">3</td>', html)


def test_the_seeded_categories_add_up_to_every_published_event(seeded, client):
    html = page(client, "/categories")
    body = re.search(r"<tbody>.*?</tbody>", html, re.S)[0]
    counts = [int(n) for n in re.findall(r'<td class="n">(\d+)</td>', body)]
    assert sum(counts) == 50
    assert 'All published events</th><td class="n">50</td>' in html


def test_kinds_list_their_actors_most_active_first_with_published_counts(session, client):
    busy, quiet = make_actor(session, "Busy Studio"), make_actor(session, "Quiet Studio")
    make_event(session, actors=[(quiet, Role.SUBJECT)])
    make_event(session, actors=[(busy, Role.SUBJECT)])
    make_event(session, actors=[(busy, Role.PARTY), (quiet, Role.COUNTERPARTY)])
    make_event(session, actors=[(busy, Role.SUBJECT)])
    make_event(session, actors=[(quiet, Role.SUBJECT)], status=Status.DRAFT)

    html = page(client, "/kinds")

    studios = re.search(r'<section class="kind" id="kind-studio".*?</section>', html, re.S)
    listed = re.findall(r'<a href="/actors/([^"]+)">[^<]+</a> <span class="n">(\d+)', studios[0])
    assert listed == [(busy.slug, "3"), (quiet.slug, "2")]
    assert 'href="/?kind=studio"' in studios[0]
    assert 'id="kind-person"' in html and "No actor of this kind yet." in html


@pytest.mark.parametrize(
    "url",
    ["/events/writers-guild-of-america-strike", "/actors/openai", "/categories", "/kinds"],
)
def test_browse_pages_have_headings_in_order_and_are_in_the_nav(seeded, client, url):
    html = page(client, url)
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(levels))
    assert '<a href="/categories">Categories</a>' in html
    assert '<a href="/kinds">Actors</a>' in html
