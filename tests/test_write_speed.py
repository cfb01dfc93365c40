"""What an API write costs as the database grows and as writes repeat: a write's statements
do not grow with how many events its actors have, a confirmed write does not search for
duplicates, and a write whose token use needs no noting is one transaction."""

from __future__ import annotations

from sqlalchemy import event, select

from tests.factories import make_actor, make_event
from tests.test_api_writes import EVENT, bearer
from tests.test_write_costs import secret_of_admin, statements
from timeline.db import db
from timeline.domain import Event, Role


def post(client, secret: str, n: int, **fields):
    body = EVENT | {
        "title": f"Northlight deal number {n}",
        "sources": [{"url": f"https://news.example.org/deal-{n}"}],
        "actors": [{"name": "Northlight Pictures", "kind": "studio", "role": "party"}],
        "status": "published",
        "confirm_duplicate": True,
    }
    return client.post("/api/events", json=body | fields, headers=bearer(secret))


def test_a_write_costs_the_same_whatever_the_number_of_events_its_actor_has(app, client, session):
    secret = secret_of_admin(session)
    studio = make_actor(session, "Northlight Pictures")
    make_event(session, "2020-01-01", actors=[(studio, Role.PARTY)])
    assert post(client, secret, 0).status_code == 201
    few = statements(app, lambda: post(client, secret, 1))
    for n in range(12):
        make_event(session, f"2020-02-{n + 1:02d}", actors=[(studio, Role.PARTY)])
    many = statements(app, lambda: post(client, secret, 2))
    assert len(many) == len(few), "a write loads every event of the actor it links"
    saved = session.scalars(select(Event).where(Event.slug == "northlight-deal-number-2")).one()
    assert (saved.actor_names, saved.actor_kinds) == ("Northlight Pictures", " studio ")


def test_a_confirmed_write_skips_the_search_for_duplicates(app, client, session):
    secret = secret_of_admin(session)
    assert post(client, secret, 0).status_code == 201
    again = {"title": "Northlight deal number 0!", "start": "2024-03"}
    refused = post(client, secret, 1, confirm_duplicate=False, **again)
    assert refused.status_code == 409 and "similar title" in refused.get_json()["error"]["message"]
    answers = []
    sent = statements(app, lambda: answers.append(post(client, secret, 1, **again)))
    assert not [s for s in sent if s.startswith("SELECT EVENTS.TITLE, EVENTS.START")]
    slug = answers[0].get_json()["event"]["slug"]
    assert client.get(f"/api/events/{slug}").get_json()["event"]["title"] == again["title"]


def test_a_write_is_one_transaction_when_the_token_use_needs_no_noting(app, client, session):
    secret = secret_of_admin(session)
    assert post(client, secret, 0).status_code == 201  # notes the token's use
    with app.app_context():
        engine = db.engine
    # A test's sessions run in savepoints of its one transaction: a commit releases one.
    commits: list[object] = []
    listener = lambda *args: commits.append(args)  # noqa: E731
    for name in ("commit", "release_savepoint"):
        event.listen(engine, name, listener)
    try:
        assert post(client, secret, 1).status_code == 201
    finally:
        for name in ("commit", "release_savepoint"):
            event.remove(engine, name, listener)
    assert len(commits) == 1


def test_a_new_event_is_written_once_and_not_read_back(app, client, session):
    secret = secret_of_admin(session)
    answers = []
    sent = statements(app, lambda: answers.append(post(client, secret, 0)))
    assert answers[0].status_code == 201
    assert [s for s in sent if s.startswith("INSERT INTO EVENTS")]
    assert not [s for s in sent if s.startswith("UPDATE EVENTS")]
    assert not [s for s in sent if s.startswith("SELECT SOURCES.")]  # the sources it just wrote
    shown = client.get("/api/events/northlight-deal-number-0").get_json()["event"]
    assert shown == answers[0].get_json()["event"]
    assert shown["status"] == "published" and shown["sources"][0]["url"].endswith("deal-0")


def test_a_write_reads_its_event_once_and_looks_for_a_pending_change_only_after_proposing(
    app, client, session
):
    secret = secret_of_admin(session)
    answers = []
    sent = statements(app, lambda: answers.append(post(client, secret, 0)))
    assert answers[0].status_code == 201 and "pending" not in answers[0].get_json()
    assert not [
        s for s in sent if s.startswith("SELECT REVISIONS.") and "REVISIONS.PENDING IS" in s
    ]
    url = "/api/events/northlight-deal-number-0"
    edit = {"summary": "A change for review.", "confirm_duplicate": True}
    sent = statements(
        app, lambda: answers.append(client.patch(url, json=edit, headers=bearer(secret)))
    )
    assert answers[1].get_json()["pending"]["changes"]["summary"][1] == edit["summary"]
    by_slug = [s for s in sent if s.startswith("SELECT EVENTS.") and "WHERE EVENTS.SLUG = " in s]
    assert len(by_slug) == 1


def test_a_change_reads_the_events_latest_revision_once(app, client, session):
    secret = secret_of_admin(session)
    assert post(client, secret, 0).status_code == 201
    url = "/api/events/northlight-deal-number-0"

    def patch(edit: dict):
        answers = []
        sent = statements(
            app, lambda: answers.append(client.patch(url, json=edit, headers=bearer(secret)))
        )
        assert answers[0].status_code == 200
        assert len([s for s in sent if s.startswith("SELECT REVISIONS.") and "NOT IN" in s]) == 1
        return answers[0].get_json()

    patch({"summary": "Published at once.", "status": "published", "confirm_duplicate": True})
    waiting = patch({"summary": "Waiting for review.", "confirm_duplicate": True})
    assert client.get(url).get_json()["event"]["summary"] == "Published at once."
    assert waiting["pending"]["changes"]["summary"] == ["Published at once.", "Waiting for review."]


def test_the_categories_and_kinds_are_read_once_not_on_every_write(app, client, session):
    secret = secret_of_admin(session)
    assert post(client, secret, 0).status_code == 201
    answers = []
    sent = statements(app, lambda: answers.append(post(client, secret, 1, category="nope")))
    assert answers[0].status_code == 400 and "category" in answers[0].get_json()["error"]["fields"]
    sent += statements(app, lambda: answers.append(post(client, secret, 2)))
    assert answers[1].status_code == 201
    assert not [s for s in sent if "FROM CATEGORIES" in s or "FROM ACTOR_KINDS" in s]
