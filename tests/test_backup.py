"""`flask export` writes the whole site and `flask restore` rebuilds an empty database from it:
export, restore into a new database and export again give the same file, on SQLite, on
PostgreSQL, and from SQLite to PostgreSQL."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.conftest import PASSWORD, log_in, make_accounts, make_app
from tests.factories import make_actor, make_event
from timeline.db import Base, db
from timeline.domain import Event, Gpu, Revision, Role, Status, Subject
from timeline.services import revisions
from timeline.services.accounts import tokens, users
from timeline.services.backup import LEFT_OUT, backed_up_tables


def _invoke(app, *args: str):
    """Run a command on `app`: a command runs in the application context it finds, and a test
    holds the shared database's open."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _export(runner, path: Path) -> dict:
    result = runner.invoke(args=["export", str(path)])
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    return json.loads(gzip.decompress(data) if path.suffix == ".gz" else data)


def _exported(app, path: Path) -> dict:
    with app.app_context():
        return _export(app.test_cli_runner(), path)


def _fresh_app(databases, name: str, tmp_path: Path, url: str | None = None):
    """An application on a new, migrated, empty database."""
    app = make_app(url or databases.empty(name), tmp_path / name)
    with app.app_context():
        upgrade()
    return app


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def site(seeded, session):
    """The seed, plus what only editors make: accounts and a token, a draft whose actor only it
    names, a revision by an editor."""
    accounts = make_accounts(session)
    tokens.create(session, accounts["editor"], "script")
    actor = make_actor(session, name="Draft-only Studio")
    draft = make_event(session, "2025-01", title="A draft strike", status=Status.DRAFT,
                       actors=[(actor, Role.PARTY)])  # fmt: skip
    draft.notes = "Unreviewed: 'quotes', \"doubles\", ünïcode\nand a second line"
    snapshot = revisions.event_snapshot(draft)
    revisions.record(session, Subject.EVENT, draft.id, "create", accounts["editor"], snapshot)
    session.commit()
    return accounts


def test_every_table_is_backed_up_or_left_out_for_a_reason(site, runner, tmp_path):
    document = _export(runner, tmp_path / "site.json")
    tables = set(Base.metadata.tables)
    assert set(document["tables"]) | set(LEFT_OUT) == tables
    assert set(LEFT_OUT) <= tables and not set(LEFT_OUT) & set(document["tables"])
    assert {t.name for t in backed_up_tables()} == set(document["tables"])


def test_the_backup_holds_drafts_and_history_but_no_secret(site, runner, tmp_path, session):
    text = (tmp_path / "site.json").read_text() if _export(runner, tmp_path / "site.json") else ""
    document = json.loads(text)
    assert document["format"] == "hollywood-ai-timeline-backup" and document["version"] == 1
    assert "password_hash" not in document["tables"]["users"]["columns"]
    assert "$argon2" not in text and "api_tokens" not in document["tables"]
    assert "A draft strike" in text and "Unreviewed" in text
    assert len(document["tables"]["revisions"]["rows"]) == session.scalar(
        select(func.count()).select_from(Revision)
    )


def test_export_restore_export_gives_the_same_file(site, runner, databases, tmp_path):
    first = _export(runner, tmp_path / "site.json.gz")
    copy = _fresh_app(databases, "restored", tmp_path)
    try:
        result = _invoke(copy, "restore", str(tmp_path / "site.json.gz"))
        assert result.exit_code == 0, result.output
        assert _exported(copy, tmp_path / "again.json") == first
        _restored_site_works(copy)
    finally:
        _dispose(copy)


def _restored_site_works(app) -> None:
    """The copy serves the events, and takes new rows (its id sequences are past the restored
    ids); accounts are there with a password nothing matches."""
    with app.app_context():
        client = app.test_client()
        assert client.get("/api/events?q=strike").get_json()["events"]
        assert log_in(client, "edna", PASSWORD).status_code != 302
        user = users.create_user(db.session, "newcomer", PASSWORD, users.Role.EDITOR)
        db.session.add(Gpu(slug="new-gpu", name="New GPU", generation="hopper", bf16_tflops=1.0))
        db.session.commit()
        assert user.id > db.session.scalar(select(func.min(Revision.id)))
        assert db.session.scalar(select(Event.slug).where(Event.title == "A draft strike"))


def test_restore_refuses_a_database_that_holds_data(site, runner, tmp_path, session):
    _export(runner, tmp_path / "site.json")
    before = session.scalar(select(func.count()).select_from(Event))
    result = runner.invoke(args=["restore", str(tmp_path / "site.json")])
    assert result.exit_code != 0
    assert "restore refused, nothing was written: the database is not empty" in result.output
    assert session.scalar(select(func.count()).select_from(Event)) == before


def test_restore_refuses_a_file_that_is_not_a_backup(runner, write_file):
    result = runner.invoke(args=["restore", str(write_file("x.json", '{"events": []}'))])
    assert result.exit_code != 0 and "not a backup of this timeline" in result.output


def test_sqlite_moves_to_postgresql_by_export_and_restore(databases, tmp_path):
    if databases.shared.get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL: set TIMELINE_TEST_DATABASE_URL")
    source = _fresh_app(databases, "lite", tmp_path, f"sqlite:///{tmp_path / 'lite.sqlite3'}")
    target = _fresh_app(databases, "moved", tmp_path)
    try:
        assert _invoke(source, "seed").exit_code == 0
        first = _exported(source, tmp_path / "lite.json")
        result = _invoke(target, "restore", str(tmp_path / "lite.json"))
        assert result.exit_code == 0, result.output
        assert _exported(target, tmp_path / "moved.json") == first
    finally:
        _dispose(source)
        _dispose(target)
