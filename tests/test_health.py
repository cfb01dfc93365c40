"""/healthz says the process answers; /readyz says the database answers at the newest schema.
Every answer carries a request id, which the app's own log records carry too."""

from __future__ import annotations

import logging

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import make_url

from tests.conftest import make_app
from timeline.config import shipped
from timeline.db import db


@pytest.fixture
def app_on(tmp_path):
    """An app of its own on a given database URL; its pools closed at the end."""
    made = []

    def build(url: str):
        made.append(make_app(url, tmp_path))
        return made[-1]

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()


def unreachable(database: str) -> str:
    """A URL of the same kind as the test database's that nothing answers at."""
    if make_url(database).get_backend_name() == "sqlite":
        return "sqlite:////nonexistent-folder/timeline.sqlite3"
    return make_url(database).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)


def test_a_migrated_database_is_ready(client):
    response = client.get("/readyz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ready"})
    assert "no-store" in response.headers["Cache-Control"]


def test_the_process_is_healthy_without_asking_the_database(app_on, database):
    client = app_on(unreachable(database)).test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "problems": {"database": "the database does not answer"},
    }


def test_a_database_one_migration_behind_is_not_ready(app_on, databases):
    scripts = ScriptDirectory(str(shipped("migrations")))
    newest = scripts.get_revision(scripts.get_current_head())
    app = app_on(databases.empty("one_behind"))
    with app.app_context():
        upgrade(revision=newest.down_revision)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    problem = response.get_json()["problems"]["database"]
    assert problem == (
        f"the schema is at {newest.down_revision}, this release needs {newest.revision}"
    )


def test_an_empty_database_is_not_ready(app_on, databases):
    response = app_on(databases.empty("never_migrated")).test_client().get("/readyz")
    assert response.status_code == 503
    assert "flask db upgrade" in response.get_json()["problems"]["database"]


def test_a_sane_request_id_is_kept_and_anything_else_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a"})
    assert kept.headers["X-Request-Id"] == "lb-7f3a"
    forged = client.get("/healthz", headers={"X-Request-Id": 'x" status=200 \t fake'})
    made = forged.headers["X-Request-Id"]
    assert len(made) == 32 and made.isalnum()
    assert client.get("/healthz").headers["X-Request-Id"] != made
    assert client.get("/no-such-page").headers["X-Request-Id"]


def test_the_apps_log_records_carry_the_request_id(app_on, database, caplog):
    client = app_on(unreachable(database)).test_client()
    with caplog.at_level(logging.WARNING):
        client.get("/readyz", headers={"X-Request-Id": "probe-9"})
    [record] = [r for r in caplog.records if r.getMessage().startswith("not ready")]
    assert record.request_id == "probe-9"
