"""Browsing: filters shared by the page, the JSON and the CSV; full-text search; facet counts;
the drawn timeline's honesty about dates, its packing and its aggregation."""

import csv
import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_actor, make_event
from timeline.dates import PartialDate, Precision, span_of
from timeline.domain import ActorAlias, Role, Status
from timeline.services.events.layout import BEFORE, Bucket, DrawnEvent
from timeline.services.events.search import SearchError, SearchQuery, Term, fts5_expression
from timeline.web.charts.cost_chart import TimeAxis
from timeline.web.charts.timeline_chart import CHAR_WIDTH, counts, drawing


def slugs(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [e["slug"] for e in response.get_json()["events"]]


def csv_rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# The search syntax


def test_a_search_reads_words_phrases_or_and_exclusions():
    query = SearchQuery.parse('strike "voice clone" OR deepfake -sora')
    assert query.groups == (
        (Term("strike"),),
        (Term("voice clone", phrase=True), Term("deepfake")),
    )
    assert query.excluded == (Term("sora"),)
    assert str(query) == 'strike "voice clone" OR deepfake -sora'


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-sora", "at least one word"),
        ("!!! ???", "at least one word"),
        ("x" * 201, "at most 200 characters"),
        (" ".join(["w"] * 13), "at most 12 words"),
    ],
)
def test_a_search_that_cannot_run_says_why(typed, message):
    with pytest.raises(SearchError, match=message):
        SearchQuery.parse(typed)


def test_quotes_and_operators_typed_by_a_reader_stay_text_for_fts5():
    expression = fts5_expression(SearchQuery.parse('NEAR(a b) say"hi col:x -"x*"'))
    assert expression == '(("NEAR(a") AND ("b)") AND ("say""hi") AND ("col:x")) NOT ("x*")'


# Search against the database (FTS5 on SQLite, tsvector on PostgreSQL)


@pytest.fixture
def searchable(session):
    guild = make_actor(session, name="Screen Actors Guild", kind="guild")
    session.add(ActorAlias(actor=guild, name="SAG-AFTRA", slug="sag-aftra-alias"))
    studio = make_actor(session, name="Northlight Pictures", kind="studio")
    events = {
        "strike": make_event(
            session, "2023-07-14", "2023-11-09", title="Actors strike over AI scans",
            summary="Performers walked out.", category="labor-action",
            actors=[(guild, Role.PARTY), (studio, Role.COUNTERPARTY)],
        ),
        "demo": make_event(
            session, "2024-02-15", title="Text-to-video demo", summary="A voice clone and a "
            "generated crowd.", category="demo", actors=[(studio, Role.SUBJECT)],
        ),
        "suit": make_event(
            session, "2025-06", title="Studio sues image generator", summary="Damages claimed.",
            category="lawsuit", actors=[(studio, Role.PARTY)],
        ),
        "draft": make_event(
            session, "2024-03-01", title="Unpublished strike note", status=Status.DRAFT,
        ),
    }  # fmt: skip
    return {key: event.slug for key, event in events.items()}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("strike", {"strike"}),  # a title word; the draft never shows
        ("strikes", {"strike"}),  # stemmed
        ('"voice clone"', {"demo"}),  # a phrase in a summary
        ('"clone voice"', set()),  # the words, not in that order
        ("Northlight", {"strike", "demo", "suit"}),  # an actor's name
        ("SAG-AFTRA", {"strike"}),  # an alias
        ("demo OR sues", {"demo", "suit"}),
        ("northlight -strike", {"demo", "suit"}),
    ],
)
def test_full_text_search_finds_titles_summaries_actors_and_aliases(
    searchable, client, q, expected
):
    found = set(slugs(client, f"/api/events?q={q}"))
    assert found == {searchable[key] for key in expected}


def test_renaming_an_actor_or_adding_an_alias_is_searchable_at_once(searchable, session, client):
    from sqlalchemy import select

    from timeline.domain import Actor

    studio = session.scalars(select(Actor).where(Actor.name == "Northlight Pictures")).one()
    studio.name = "Brightwater Studios"
    session.add(ActorAlias(actor=studio, name="Bwater", slug="bwater"))
    session.commit()
    assert len(slugs(client, "/api/events?q=Brightwater")) == 3
    assert len(slugs(client, "/api/events?q=Bwater")) == 3
    assert slugs(client, "/api/events?q=Northlight") == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(min_size=1, max_size=60))
def test_no_typed_search_is_a_server_error(client, q):
    response = client.get("/api/events", query_string={"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert set(response.get_json()["error"]["fields"]) == {"q"}
    assert client.get("/", query_string={"q": q}).status_code in (200, 400)


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


# The drawing

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
