"""TIMELINE_READ_DATABASE_URL: public reads come from the replica, writes (and the editors'
pages, which must show what was just saved) from the primary. Here the "replica" is a copy of
the primary that has drifted apart from it, so where each answer comes from shows."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from tests import servers
from tests.conftest import log_in, make_app
from tests.factories import make_event
from tests.test_api_writes import EVENT
from timeline import create_app
from timeline.config import database_url
from timeline.db import db
from timeline.domain import Event


@pytest.fixture(scope="module")
def primary_and_replica(databases, tmp_path_factory):
    """A migrated primary with an admin and her token, and a copy with one more event."""
    folder = tmp_path_factory.mktemp("replica")
    primary = databases.empty("primary")
    secret = servers.migrated_with_admin(primary, folder)
    replica = databases.copy(primary, "replica")
    copy = make_app(replica, folder)
    with copy.app_context():
        only_there = make_event(db.session, title="Only on the replica").slug
        db.engine.dispose()
    return primary, replica, secret, only_there


@pytest.fixture
def site(primary_and_replica):
    """The app on the primary, reading from the replica; a fresh one per test."""
    primary = primary_and_replica[0]
    made = []

    def build(read_from: str | None):
        made.append(create_app({
            "DATABASE_URL": primary, "READ_DATABASE_URL": read_from,
            "SECRET_KEY": "test-only-key", "SERVER_NAME": "timeline.test",
        }))  # fmt: skip
        return made[-1].test_client()

    yield build
    for app in made:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


def slugs_in(url: str) -> set[str]:
    engine = create_engine(database_url(url))
    with engine.connect() as connection:
        found = set(connection.scalars(select(Event.slug)))
    engine.dispose()
    return found


def test_a_public_read_comes_from_the_replica(site, primary_and_replica):
    *_, only_there = primary_and_replica
    client = site(primary_and_replica[1])
    assert client.get(f"/api/events/{only_there}").status_code == 200
    assert client.get(f"/events/{only_there}").status_code == 200
    assert only_there in {e["slug"] for e in client.get("/api/events").get_json()["events"]}


def test_without_a_replica_every_read_comes_from_the_primary(site, primary_and_replica):
    *_, only_there = primary_and_replica
    client = site(None)
    assert client.get(f"/api/events/{only_there}").status_code == 404


def test_a_write_goes_to_the_primary_and_the_editors_read_it_there(site, primary_and_replica):
    primary, replica, secret, _ = primary_and_replica
    client = site(replica)
    title = "Written to the primary"
    written = client.post("/api/events", json=EVENT | {"title": title},
                          headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert written.status_code == 201
    slug = written.get_json()["event"]["slug"]
    assert slug in slugs_in(primary) and slug not in slugs_in(replica)
    # The public read asks the replica, which has not caught up here (nothing replicates).
    assert client.get(f"/api/events/{slug}").status_code == 404
    assert log_in(client, "ada").status_code == 302
    assert title in client.get("/admin/").get_data(as_text=True)
