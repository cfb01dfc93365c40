"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when
TIMELINE_TEST_DATABASE_URL is set), seeded once. Each test runs inside one transaction that is
rolled back at its end, and starts with no data unless it asks for the seed."""

from __future__ import annotations

import contextvars
import os
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, make_url, select, text

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
from timeline.services.accounts import users
from timeline.web.http_cache import Answers
from timeline.web.pages.timeline_view import KEPT_BY_VERSION

DATA_TABLES = (Revision, LoginAttempt, ApiToken, User, EventActor, Source, ActorAlias, Event, Actor)
COST_TABLES = (Scenario, MeasuredRun, GpuPrice, ApiPrice, LlmPrice, VideoModel, Gpu)
# What a path parameter names, by the collection before it: /events/<slug> is an event's slug,
# /admin/users/<int:id> a user's id.
NAMED_BY = {"events": Event, "actors": Actor, "scenarios": Scenario, "users": User,
            "gpu-prices": GpuPrice, "api-prices": ApiPrice}  # fmt: skip
# Views that answer only a question asked in the query string, with one they answer.
ASKED = {"/api/cost": "?model=wan2.1-14b&gpu=h800-sxm&width=1280&height=720&frames=81"}


class Databases:
    """Databases beside the shared one, for code that must commit for real (a live server's
    threads, migrations down and up): SQLite files in a temporary folder, or PostgreSQL
    databases named after the shared one, all dropped at the end of the run."""

    def __init__(self, shared: str, folder: Path):
        self.shared, self.folder = make_url(database_url(shared)), folder
        self.made: set[str] = set()

    def empty(self, name: str) -> str:
        """A new database with nothing in it."""
        return self._make(name, "")

    def migrated(self, name: str, instance: Path, **config) -> str:
        """A new database at the newest schema with no rows, and no connection left open to
        it, so that `copy` can take it as a template."""
        url = self.empty(name)
        app = make_app(url, instance, **config)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        return url

    def copy(self, source: str, name: str) -> str:
        """A new database holding what `source` holds; nothing may be connected to `source`."""
        if self.shared.get_backend_name() == "sqlite":
            target = self._make(name, "")
            read = closing(sqlite3.connect(make_url(source).database))
            write = closing(sqlite3.connect(make_url(target).database))
            with read as original, write as copy:
                original.backup(copy)
            return target
        return self._make(name, f' TEMPLATE "{make_url(source).database}"')

    def drop_all(self) -> None:
        for name in self.made:
            self._server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _make(self, name: str, template: str) -> str:
        if self.shared.get_backend_name() == "sqlite":
            return f"sqlite:///{self.folder / f'{name}.sqlite3'}"
        full = f"{self.shared.database}_{name}"
        self._server(f'DROP DATABASE IF EXISTS "{full}" WITH (FORCE)')
        self._server(f'CREATE DATABASE "{full}"{template}')
        self.made.add(full)
        return self.shared.set(database=full).render_as_string(hide_password=False)

    def _server(self, statement: str) -> None:
        """Run a statement outside any transaction, connected to the server's own database."""
        engine = create_engine(self.shared.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database URL; a PostgreSQL database is wiped to an empty schema first."""
    url = os.environ.get("TIMELINE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def databases(database: str, tmp_path_factory: pytest.TempPathFactory):
    made = Databases(database, tmp_path_factory.mktemp("databases"))
    yield made
    made.drop_all()


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


def make_app(url: str, instance: Path, **config) -> Flask:
    """The application as the tests configure it, on the database at `url`, with `config`."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-only-key",
            "SERVER_NAME": "timeline.test",
            "RATELIMIT_ENABLED": False,  # tests/test_api_cache.py checks the limit on its own app
            **config,
        }
    )
    app.instance_path = str(instance)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def app(database: str, tmp_path_factory: pytest.TempPathFactory):
    app = make_app(database, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()  # on SQLite the app emits its own BEGIN (timeline.db), so SAVEPOINT works
    # A session bound to a connection already in a transaction (see `connection`) works in a
    # savepoint: its commit releases it, its rollback returns to it, the transaction stays open.
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections before the interpreter collects them


@pytest.fixture(scope="session")
def seed(app):
    """The project's own seed data, loaded once per run the way a user loads it, and committed."""
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def seeded(seed):
    """The seed data, for this test to read and change: its changes are rolled back after it."""
    return seed


@pytest.fixture(autouse=True)
def connection(app, request: pytest.FixtureRequest):
    """One connection per test, in a transaction rolled back at its end. Every session the app
    opens (one per request or command, each in its own application context) is handed this
    connection and joins the transaction through a savepoint, so a test's commits are real to
    the test and gone after it. A test that does not ask for `seeded` starts with no data."""
    with app.app_context():
        engines, engine = db.engines, db.engine
    connection = engine.connect()
    outer = connection.begin()
    engines[None] = connection  # Flask-SQLAlchemy's get_bind hands out the default engine
    # Kept answers are known by data versions, which repeat once a test's writes are undone.
    app.extensions["answers"] = Answers(app.config["API_ANSWERS_KEPT"])
    for kept in KEPT_BY_VERSION:
        app.extensions.pop(kept, None)
    try:
        if "seeded" not in request.fixturenames:
            _empty_tables(app)
        yield connection
    finally:
        engines[None] = engine
        outer.rollback()
        connection.close()


def _empty_tables(app) -> None:
    """Leave the migrated schema and its vocabularies, and no data."""
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
def write_file(tmp_path: Path):
    """Write a text file for the importer and return its path."""

    def write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return write


def addresses(app, session, method: str, under: str = "/") -> list[str]:
    """The URL of every view answering `method` under a path, each path parameter filled from
    the database (the id or slug of the first row it names) and a question added if needed."""

    def filled(rule) -> str:
        def value(parameter: re.Match) -> str:
            collection = rule.rule[: parameter.start()].rstrip("/").rsplit("/", 1)[-1]
            model = NAMED_BY[collection]
            column = model.id if parameter.group(1) == "int" else model.slug
            found = session.scalars(select(column).order_by(model.id)).first()
            assert found is not None, f"no {model.__name__} for {rule.rule}"
            return str(found)

        path = re.sub(r"<(?:(\w+):)?\w+>", value, rule.rule)
        return path + ASKED.get(path, "")

    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(under)]
    return sorted(filled(r) for r in rules if method in r.methods and r.endpoint != "static")


def slugs(client, url: str) -> list[str]:
    """The slugs of the events a JSON listing answers with, in its order."""
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [e["slug"] for e in response.get_json()["events"]]


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


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes():
    """Argon2id at its least cost. The library's defaults spend a quarter of a second and 64 MiB
    on every hash and every login: the point in production, and only waiting in tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


def make_accounts(session) -> dict[str, User]:
    """An editor and an admin, with PASSWORD, committed."""
    editor = users.create_user(session, "edna", PASSWORD, UserRole.EDITOR)
    admin = users.create_user(session, "ada", PASSWORD, UserRole.ADMIN)
    session.commit()
    return {"editor": editor, "admin": admin}


@pytest.fixture
def accounts(session):
    """An editor and an admin, with PASSWORD."""
    return make_accounts(session)


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
