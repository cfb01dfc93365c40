"""Full-text search: the syntax a reader types, and what it finds in the database (FTS5 on
SQLite, tsvector on PostgreSQL) through the events service."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import make_actor, make_event
from timeline.domain import Actor, ActorAlias, Role, Status
from timeline.services.events.filtering import EventFilter
from timeline.services.events.queries import EventQuery, list_events
from timeline.services.events.search import SearchError, SearchQuery, Term, fts5_expression

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


def found(session, q: str) -> set[str]:
    """The slugs of the published events a search finds."""
    query = EventQuery(EventFilter(search=SearchQuery.parse(q)), limit=500)
    return {event.slug for event in list_events(session, query).events}


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
    searchable, session, q, expected
):
    assert found(session, q) == {searchable[key] for key in expected}


def test_renaming_an_actor_or_adding_an_alias_is_searchable_at_once(searchable, session):
    studio = session.scalars(select(Actor).where(Actor.name == "Northlight Pictures")).one()
    studio.name = "Brightwater Studios"
    session.add(ActorAlias(actor=studio, name="Bwater", slug="bwater"))
    session.commit()
    assert len(found(session, "Brightwater")) == 3
    assert len(found(session, "Bwater")) == 3
    assert found(session, "Northlight") == set()


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
