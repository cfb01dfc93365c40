"""The migrations build exactly the models' schema, and go down to nothing and back."""

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from tests.conftest import make_app
from timeline.db import db, include_object

TABLES = {
    "actor_aliases",
    "actor_kinds",
    "actors",
    "categories",
    "event_actors",
    "events",
    "sources",
}


def schema_drift(connection) -> list:
    options = {"compare_type": True, "include_object": include_object}
    context = MigrationContext.configure(connection, opts=options)
    return compare_metadata(context, db.metadata)


def test_the_migrated_schema_matches_the_models(connection):
    assert schema_drift(connection) == []


@pytest.fixture
def migrated(databases, tmp_path):
    """An application on a database of its own, migrated and holding no data: going down to
    base and up again commits schema changes the shared database's tests must not see."""
    app = make_app(databases.empty("migrations"), tmp_path)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_downgrade_to_base_and_upgrade_again(migrated):
    runner = migrated.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    with migrated.app_context():
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with migrated.app_context(), db.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= TABLES
        assert schema_drift(connection) == []


def test_the_vocabularies_come_with_the_schema(session, client):
    from timeline.services.vocabulary import load_vocabulary

    vocab = load_vocabulary(session)
    assert len(vocab.categories) == 18 and "labor-action" in vocab.categories
    assert len(vocab.kinds) == 21 and "guild" in vocab.kinds


def test_the_documented_commands_work_on_a_fresh_sqlite_file(tmp_path):
    """`flask --app timeline db upgrade`, `seed` and `db downgrade base`, as a user types them."""
    env = {
        "TIMELINE_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "TIMELINE_SECRET_KEY": "test-only-key",  # no key file written into the checkout
        "PATH": "",
    }
    flask = [sys.executable, "-m", "flask", "--app", "timeline"]
    for args in (["db", "upgrade"], ["seed"], ["db", "downgrade", "base"], ["db", "upgrade"]):
        done = subprocess.run([*flask, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert (
        "50 created"
        in subprocess.run(
            [*flask, "seed"], env=env, capture_output=True, text=True, timeout=120
        ).stdout
    )
