"""Fixtures: one migrated database per run (SQLite, or PostgreSQL when
TIMELINE_TEST_DATABASE_URL is set), emptied before every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, text

from timeline import create_app
from timeline.config import database_url
from timeline.db import db
from timeline.domain import (
    Actor,
    ActorAlias,
    ApiPrice,
    Event,
    EventActor,
    Gpu,
    GpuPrice,
    LlmPrice,
    MeasuredRun,
    Scenario,
    Source,
    VideoModel,
)

DATA_TABLES = (EventActor, Source, ActorAlias, Event, Actor)
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


@pytest.fixture(scope="session")
def app(database: str, tmp_path_factory: pytest.TempPathFactory):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database,
            "SECRET_KEY": "test-only-key",
            "SERVER_NAME": "timeline.test",
        }
    )
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
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
