"""A write that meets another's lock (a long import) waits TIMELINE_WRITE_WAIT_SECONDS, then is
told 503 with Retry-After and loses nothing; once the lock is gone, sending it again works."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager

import psycopg
import pytest
from sqlalchemy import func, make_url, select

from tests.conftest import PASSWORD, log_in, make_accounts, make_app
from tests.test_admin_events import form_data
from tests.test_api_writes import EVENT, bearer
from timeline.db import db
from timeline.domain import Event, User
from timeline.services.accounts import tokens as api_tokens

WAIT = 0.5  # seconds a write waits here; the default is 10
PUBLISHED = EVENT | {"status": "published"}  # sent by an admin, so public once saved


@pytest.fixture
def connection():
    """These tests run the site on a database of its own (see `site`), which must commit for
    real for another connection to hold a lock against it."""


@pytest.fixture(scope="module")
def migrated(databases, tmp_path_factory) -> str:
    """An empty database at the newest schema, made once and copied for each test."""
    return databases.migrated("locks", tmp_path_factory.mktemp("locks"))


@pytest.fixture
def site(migrated, databases, tmp_path):
    site = make_app(databases.copy(migrated, "locks_site"), tmp_path, WRITE_WAIT_SECONDS=WAIT)
    with site.app_context():
        make_accounts(db.session)
    yield site
    with site.app_context():
        db.engine.dispose()


@pytest.fixture
def secret(site) -> str:
    """An API token of the admin's."""
    with site.app_context():
        user = db.session.scalars(select(User).where(User.username == "ada")).one()
        _token, secret = api_tokens.create(db.session, user, "script")
        db.session.commit()
    return secret


@contextmanager
def write_lock(site) -> Iterator[None]:
    """Another connection holding the lock a long import holds until the block ends: SQLite's
    write lock, or an exclusive lock on PostgreSQL's events table (reads still pass)."""
    url = make_url(site.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        holder = closing(sqlite3.connect(url.database, isolation_level=None))
        with holder as conn:
            conn.execute("BEGIN IMMEDIATE")
            yield
            conn.execute("ROLLBACK")
        return
    with closing(psycopg.connect(url.set(drivername="postgresql").render_as_string(False))) as conn:
        conn.execute("LOCK TABLE events IN EXCLUSIVE MODE")
        yield
        conn.rollback()


def events_held(site) -> int:
    with site.app_context():
        return db.session.scalar(select(func.count(Event.id)))


def test_an_api_write_waits_then_gets_503_and_retry_after_and_works_when_sent_again(site, secret):
    client = site.test_client()
    with write_lock(site):
        assert client.get("/api/events").status_code == 200  # reading never waits
        started = time.monotonic()
        refused = client.post("/api/events", json=PUBLISHED, headers=bearer(secret))
        waited = time.monotonic() - started
    assert refused.status_code == 503, refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["error"]["status"] == 503
    assert "nothing was saved" in refused.get_json()["error"]["message"]
    assert waited >= WAIT * 0.9  # it waited for the lock rather than failing at once
    assert events_held(site) == 0
    again = client.post("/api/events", json=PUBLISHED, headers=bearer(secret))
    assert again.status_code == 201, again.get_data(as_text=True)
    assert client.get(again.headers["Location"]).status_code == 200
    assert events_held(site) == 1


def test_a_form_write_gets_a_503_page_and_the_same_form_saves_once_the_lock_is_gone(site):
    editor = site.test_client()
    assert log_in(editor, "edna", PASSWORD).status_code == 302
    data = form_data(editor, "/admin/events/new")
    with write_lock(site):
        refused = editor.post("/admin/events/new", data=data)
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.mimetype == "text/html"
    assert "nothing was saved" in refused.get_data(as_text=True)
    assert events_held(site) == 0
    assert editor.post("/admin/events/new", data=data).status_code == 302
    assert events_held(site) == 1
