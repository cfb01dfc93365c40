"""`flask publish-sqlite` writes the published timeline as a SQLite file that Datasette opens with
working search, and nothing private."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import closing

import pytest
from datasette.app import Datasette

from tests.conftest import make_accounts
from tests.factories import make_actor, make_event
from timeline.db import Base
from timeline.domain import Role, Status
from timeline.services.snapshot import PRIVATE, PUBLISHED


@pytest.fixture
def snapshot(seeded, session, runner, tmp_path):
    make_accounts(session)
    secret = make_actor(session, name="Secret Draft Studio")
    make_event(session, "2025-02", title="Unannounced strike plan", status=Status.DRAFT,
               actors=[(secret, Role.PARTY)])  # fmt: skip
    path = tmp_path / "timeline.db"
    result = runner.invoke(args=["publish-sqlite", str(path), "--license", "CC BY 4.0"])
    assert result.exit_code == 0, result.output
    return path


def _get(path, url: str):
    metadata = json.loads((path.parent / "metadata.json").read_text())
    datasette = Datasette([str(path)], metadata=metadata)
    return asyncio.run(datasette.client.get(url))


def test_every_table_is_published_or_private():
    assert set(PUBLISHED) | set(PRIVATE) == set(Base.metadata.tables)
    assert not set(PUBLISHED) & set(PRIVATE)


def test_datasette_searches_the_published_events(snapshot):
    response = _get(snapshot, "/timeline/events.json?_search=strike&_shape=objects")
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["rows"]]
    assert "Writers Guild of America strike" in titles
    assert "Unannounced strike plan" not in titles
    assert all(row["status"] == "published" for row in response.json()["rows"])


def test_no_account_draft_or_history_is_in_the_file(snapshot):
    with closing(sqlite3.connect(snapshot)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        assert not tables & {"users", "api_tokens", "login_attempts", "revisions"}
        drafts = db.execute("SELECT count(*) FROM events WHERE status != 'published'")
        assert drafts.fetchone() == (0,)
        assert not db.execute("SELECT 1 FROM actors WHERE name LIKE 'Secret%'").fetchall()
    assert _get(snapshot, "/timeline/users.json").status_code == 404


def test_the_metadata_describes_the_data_and_its_tables(snapshot):
    response = _get(snapshot, "/-/metadata.json")
    metadata = response.json()
    assert metadata["title"] and metadata["description"] and metadata["source"]
    assert metadata["license"] == "CC BY 4.0"
    tables = metadata["databases"]["timeline"]["tables"]
    assert "?_search=" in tables["events"]["description"]
    page = _get(snapshot, "/timeline/events").text
    assert "Dated events of generative AI" in page
