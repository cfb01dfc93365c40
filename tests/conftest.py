"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when
TIMELINE_TEST_DATABASE_URL is set), emptied before every test."""

from __future__ import annotations

import contextvars
import os
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import delete, text

from timeline import create_app
from timeline.config import database_url
from timeline.db import db
from timeline.domain import (
    Actor,
    ActorAlias,
    ApiPrice,
    ApiToken,
    Event,
    EventActor,
    Gpu,
    GpuPrice,
    LlmPrice,
    LoginAttempt,
    MeasuredRun,
    Revision,
    Scenario,
    Source,
    User,
    UserRole,
    VideoModel,
)

DATA_TABLES = (Revision, LoginAttempt, ApiToken, User, EventActor, Source, ActorAlias, Event, Actor)
COST_TABLES = (Scenario, MeasuredRun, GpuPrice, ApiPrice, LlmPrice, VideoModel, Gpu)


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database URL; a PostgreSQL database is wiped to an empty schema first."""
    url = os.environ.get("TIMELINE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    from sqlalchemy import create_engine

    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


class IsolatedClient(FlaskClient):
    """Sends each request from an empty context, as a browser would: the request gets its own
    application context (its own `g`, its own database session) even while a test holds one
    open, so per-request state such as the logged-in user or a CSRF token never leaks."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(self._read, *args, **kwargs)

    def _read(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        response.get_data()  # a streamed body runs to its end (closing its contexts) in here
        return response


@pytest.fixture(scope="session")
def app(database: str, tmp_path_factory: pytest.TempPathFactory):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database,
            "SECRET_KEY": "test-only-key",
            "SERVER_NAME": "timeline.test",
            "RATELIMIT_ENABLED": False,  # tests/test_api_cache.py checks the limit on its own app
        }
    )
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections before the interpreter collects them


@pytest.fixture(autouse=True)
def _empty_tables(app):
    """Every test starts with the migrated schema, its vocabularies, and no data."""
    with app.app_context():
        for table in DATA_TABLES + COST_TABLES:
            db.session.execute(delete(table))
        db.session.commit()


@pytest.fixture
def session(app):
    """A database session inside an application context."""
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded(runner):
    """The project's own seed data, loaded the way a user loads it."""
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def write_file(tmp_path: Path):
    """Write a text file for the importer and return its path."""

    def write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return write


PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(client, page: str = "/login") -> str:
    """The CSRF token a form on `page` carries for this client's session."""
    html = client.get(page).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def log_in(client, username: str, password: str = PASSWORD):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data)


@pytest.fixture
def accounts(session):
    """An editor and an admin, with PASSWORD."""
    from timeline.services.accounts.users import create_user

    editor = create_user(session, "edna", PASSWORD, UserRole.EDITOR)
    admin = create_user(session, "ada", PASSWORD, UserRole.ADMIN)
    session.commit()
    return {"editor": editor, "admin": admin}


@pytest.fixture
def editor(app, accounts):
    """A client logged in as the editor."""
    client = app.test_client()
    assert log_in(client, "edna").status_code == 302
    return client


@pytest.fixture
def admin(app, accounts):
    """A client logged in as the admin."""
    client = app.test_client()
    assert log_in(client, "ada").status_code == 302
    return client
