"""The migrations build exactly the models' schema, and go down to nothing and back."""

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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


def test_the_migrated_schema_matches_the_models(session):
    with db.engine.connect() as connection:
        assert schema_drift(connection) == []


def test_downgrade_to_base_and_upgrade_again(runner, session):
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    with db.engine.connect() as connection:
        assert schema_drift(connection) == []


def test_the_vocabularies_come_with_the_schema(session, client):
    from timeline.services.vocabulary import load_vocabulary

    vocab = load_vocabulary(session)
    assert len(vocab.categories) == 18 and "labor-action" in vocab.categories
    assert len(vocab.kinds) == 21 and "guild" in vocab.kinds


def test_the_documented_commands_work_on_a_fresh_sqlite_file(tmp_path):
    """`flask --app timeline db upgrade`, `seed` and `db downgrade base`, as a user types them."""
    env = {"TIMELINE_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "PATH": ""}
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
