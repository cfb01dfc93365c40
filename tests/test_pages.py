"""The HTML pages: the chronology, an event, an actor, and their bad-input answers."""

import re

from tests.factories import make_actor, make_event
from timeline.domain import Role, Status


def titles(html: str) -> list[str]:
    return re.findall(r'<h4><a href="/events/[^"]+">([^<]+)</a></h4>', html)


def test_the_home_page_lists_the_fifty_seeded_events_in_order(seeded, client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>50</strong> events match" in html
    listed = titles(html)
    assert len(listed) == 50
    assert listed[0].startswith("James Earl Jones signs off")
    assert listed.index("Writers Guild of America strike") < listed.index(
        "SAG-AFTRA TV/theatrical strike"
    )
    assert 'id="y2022">2022</h3>' in html and 'id="y2026">2026</h3>' in html


def test_the_home_page_honours_from_and_to(seeded, client):
    html = client.get("/?from=2023-09-27&to=2023-10").get_data(as_text=True)
    # Both strikes were still on that day; the tentative deal of 24 September was before it.
    assert titles(html) == [
        "Writers Guild of America strike",
        "SAG-AFTRA TV/theatrical strike",
        "WGA members ratify 2023 Minimum Basic Agreement",
    ]
    assert 'value="2023-09-27"' in html  # the form remembers what was asked
    assert 'href="/api/events?from=2023-09-27&amp;to=2023-10"' in html


def test_month_precision_is_said_not_hidden(seeded, client):
    html = client.get("/?from=2024-03&to=2024-03").get_data(as_text=True)
    assert "Feb – Mar 2024" in html and "March 2024" in html
    assert "known to the month" in html


def test_a_bad_date_is_explained_at_its_field(client):
    response = client.get("/?from=2024-13&to=2023-02-29")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="f-from-error"' in html and "month 13 does not exist" in html
    assert 'id="f-to-error"' in html and "February 2023 has no day 29" in html
    assert 'aria-invalid="true"' in html


def test_an_event_page_shows_actors_roles_and_sources(seeded, client):
    html = client.get("/events/writers-guild-of-america-strike").get_data(as_text=True)
    assert "<h1>Writers Guild of America strike</h1>" in html
    assert "2 May – 27 Sep 2023" in html
    assert 'href="/actors/writers-guild-of-america-west"' in html
    assert ">party <small" in html and ">counterparty <small" in html
    assert "https://en.wikipedia.org/wiki/2023_Writers_Guild_of_America_strike" in html
    assert "Wikipedia" in html
    assert 'href="/api/events/writers-guild-of-america-strike"' in html


def test_an_actor_page_lists_its_events_including_those_under_an_alias(seeded, client):
    html = client.get("/actors/universal-pictures").get_data(as_text=True)
    assert "Also known as:" in html and "Universal" in html
    assert "OpenAI pitches Sora to Paramount, Universal and Warner Bros. Discovery" in html
    assert "Disney and Universal sue Midjourney" in html


def test_unknown_and_draft_pages_are_404(session, client):
    draft = make_event(session, status=Status.DRAFT)
    assert client.get(f"/events/{draft.slug}").status_code == 404
    assert client.get("/events/no-such-event").status_code == 404
    response = client.get("/actors/no-such-actor")
    assert (
        response.status_code == 404
        and "There is no actor at this address." in response.get_data(as_text=True)
    )


def test_text_is_escaped_everywhere_it_appears(session, client):
    payload = '<script>alert("x")</script>'
    actor = make_actor(session, name=payload)
    event = make_event(session, title=payload, summary=payload, actors=[(actor, Role.SUBJECT)])
    for url in ("/", f"/events/{event.slug}", f"/actors/{actor.slug}"):
        html = client.get(url).get_data(as_text=True)
        assert payload not in html
        assert "&lt;script&gt;" in html


def test_the_list_pages_on_with_its_filters(seeded, client):
    first = client.get("/?from=2024&limit=10").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    assert "from=2024" in link and "cursor=" in link
    second = client.get(link).get_data(as_text=True)
    assert len(titles(first)) == len(titles(second)) == 10
    assert not set(titles(first)) & set(titles(second))
