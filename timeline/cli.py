"""Commands: `flask seed`, `flask import` and `flask import-costs`, each one transaction,
all or nothing; `flask export` and `flask restore` (backups), `flask publish-sqlite` (the
public snapshot for Datasette)."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from timeline.db import db, is_lock_wait
from timeline.domain import Event, Gpu, UserRole
from timeline.domain.events import Status
from timeline.services import backup, snapshot
from timeline.services.accounts.users import AccountError, create_user
from timeline.services.costs.reference import load_costs
from timeline.services.imports import bulk as bulk_import
from timeline.services.imports.documents import ImportRejected
from timeline.services.imports.writer import Report

SEED_FILES = ("actors.yaml", "events.yaml")
COST_SEED_FILE = "costmodel.yaml"


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(import_command)
    app.cli.add_command(import_costs_command)
    app.cli.add_command(export_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(publish_sqlite_command)


def _import(paths: list[Path], status: Status) -> Report:
    """Check every file, then apply them all in the session's transaction."""
    session = db.session
    bundles = bulk_import.check(session, (bulk_import.read_path(path) for path in paths))
    total = sum(len(b.actors) + len(b.events) for b in bundles)
    with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
        return bulk_import.apply(session, bundles, status, progress=bar.update)


def _print_report(report: Report, dry_run: bool, verbose: bool = True) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    prefix = "would change" if dry_run else "changed"
    if verbose:
        for slug in report.created:
            click.echo(f"  create event {slug}")
        for slug, fields in report.updated.items():
            click.echo(f"  update event {slug}: {', '.join(fields)}")
        for slug in report.actors_created:
            click.echo(f"  create actor {slug}")
        for slug, fields in report.actors_updated.items():
            click.echo(f"  update actor {slug}: {', '.join(fields)}")
    click.echo(f"{prefix if report.changed else 'nothing to change'}: {report.summary()}")


@contextmanager
def _refusing() -> Iterator[None]:
    """Turn a refused import into one clear error, after the transaction is rolled back."""
    try:
        yield
    except ImportRejected as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(
            f"import refused, nothing was written ({len(exc.problems)} problem(s))"
        ) from None
    except DBAPIError as exc:  # a value the checks did not foresee; still all or nothing
        db.session.rollback()
        if is_lock_wait(exc):
            raise click.ClickException(
                "import refused, nothing was written: another write held the database longer "
                "than TIMELINE_WRITE_WAIT_SECONDS; run it again"
            ) from None
        raise click.ClickException(
            f"import refused, nothing was written: the database refused a value: {exc.orig}"
        ) from None
    except Exception:
        db.session.rollback()
        raise


def _finish(dry_run: bool) -> None:
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()


def _run(paths: list[Path], status: Status, dry_run: bool, verbose: bool) -> None:
    with _refusing():
        report = _import(paths, status)
    _finish(dry_run)
    _print_report(report, dry_run, verbose)


@click.command("seed")
@click.option("--if-empty", is_flag=True, help="Only seed what holds nothing yet.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@with_appcontext
def seed_command(if_empty: bool, dry_run: bool) -> None:
    """Load the seed files (actors, events, cost data); a second run changes nothing."""
    seeds = Path(current_app.config["SEEDS_DIR"])
    if if_empty and _holds(Event):
        click.echo("database already holds events: not seeding them")
    else:
        _run([seeds / name for name in SEED_FILES], Status.PUBLISHED, dry_run, verbose=False)
    if if_empty and _holds(Gpu):
        click.echo("database already holds cost data: not seeding it")
    else:
        _run_costs(seeds / COST_SEED_FILE, dry_run)


def _holds(model: type) -> bool:
    return db.session.scalars(db.select(model.id).limit(1)).first() is not None


def _run_costs(path: Path, dry_run: bool) -> None:
    """Load cost reference data in one transaction, refusing the file whole on any problem."""
    with _refusing():
        report = load_costs(db.session, path)
    _finish(dry_run)
    click.echo(f"cost data {'(dry run) ' if dry_run else ''}{report.summary()}")


@click.command("import")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--draft", is_flag=True, help="Create new events as drafts, not published.")
@with_appcontext
def import_command(paths: tuple[Path, ...], dry_run: bool, draft: bool) -> None:
    """Import events (and actors) from files in the seed format (YAML or JSON), or CSV files
    with the columns /api/events.csv writes."""
    _run(list(paths), Status.DRAFT if draft else Status.PUBLISHED, dry_run, verbose=True)


@click.command("import-costs")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@with_appcontext
def import_costs_command(path: Path, dry_run: bool) -> None:
    """Import cost reference data (GPUs, prices, models, runs, scenarios) in the seed format."""
    _run_costs(path, dry_run)


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in UserRole]), default="editor")
@with_appcontext
def create_user_command(name: str, role: str) -> None:
    """Create an account. Asks for the password twice, or reads one line from standard input
    when it is not a terminal (`echo "$PASSWORD" | flask create-user ana --role admin`)."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(db.session, name, password, UserRole(role))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {user.role.value} {user.username!r}")


def _open_backup(path: Path, mode: str) -> IO[str]:
    """A backup file, gzip-compressed when its name ends in .gz."""
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return path.open(mode, encoding="utf-8")


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(path: Path) -> None:
    """Write everything needed to rebuild the site to one JSON file (gzipped when PATH ends in
    .gz): events with drafts, actors, sources, revisions, cost data and accounts, without
    password hashes or API tokens."""
    bind = db.session.get_bind()
    # Every table read as of one moment, on PostgreSQL; a session joined to a transaction
    # already open (as the tests' are) reads as that transaction does.
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    document = backup.export_document(db.session)
    db.session.rollback()
    with _open_backup(path, "w") as out:
        json.dump(document, out, ensure_ascii=False, separators=(",", ":"))
        out.write("\n")
    rows = sum(len(table["rows"]) for table in document["tables"].values())
    click.echo(f"exported {rows} rows of {len(document['tables'])} tables to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Rebuild an empty, migrated database from a file `flask export` wrote, in one
    transaction. Restored accounts have no password: an admin resets each."""
    try:
        with _open_backup(path, "r") as given:
            document = json.load(given)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None
    try:
        counts = backup.restore_document(db.session, document)
    except (backup.RestoreRefused, DBAPIError) as exc:
        db.session.rollback()
        raise click.ClickException(f"restore refused, nothing was written: {exc}") from None
    db.session.commit()
    click.echo(f"restored {sum(counts.values())} rows of {len(counts)} tables from {path}")


@click.command("publish-sqlite")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--license", "licence", help="The data's licence, for Datasette's page.")
@click.option("--license-url", help="Where the licence is written.")
@click.option("--source-url", help="The site the data comes from.")
@with_appcontext
def publish_sqlite_command(
    path: Path, licence: str | None, license_url: str | None, source_url: str | None
) -> None:
    """Write the published timeline (no drafts, accounts or history) to a SQLite file that
    Datasette serves with search, and its metadata.json beside it."""
    about = {"license": licence, "license_url": license_url, "source_url": source_url}
    counts = snapshot.write_snapshot(db.session, path, about)
    db.session.rollback()
    click.echo(f"wrote {counts['events']} published events to {path}")
