"""A whole timeline as one JSON document, and an empty database rebuilt from one.

The tables come from the models' metadata, so a table added later is written without anyone
remembering to: only the tables in LEFT_OUT are not, each for the reason given, and a test
fails when a table is neither. Secrets never leave the database: no password hashes (a
restored account gets a password nothing matches, and an admin resets it) and no API tokens.
Rows keep their ids, so every reference between them (an event's links, a revision's record
and author, a GPU priced like another) holds as it was, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Column, Integer, Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from timeline.db import Base
from timeline.domain.versions import touch

FORMAT = "hollywood-ai-timeline-backup"
VERSION = 1
LEFT_OUT = {
    "categories": "a vocabulary the migrations fill",
    "actor_kinds": "a vocabulary the migrations fill",
    "data_versions": "counters that tell cached answers from stale ones; a restore moves them",
    "login_attempts": "recent logins, kept only to slow down guessing",
    "api_tokens": "secrets: an account's programs get new tokens after a restore",
}
SECRET_COLUMNS = {"users": {"password_hash"}}
# A value no Argon2 hash can be: logging in with any password fails until a reset.
UNUSABLE_PASSWORD = "!restored from a backup: reset the password"
_CHUNK = 1000


class RestoreRefused(Exception):
    """The document or the database is not one a restore can use; nothing was written."""


def backed_up_tables() -> list[Table]:
    """Every table of the models but those LEFT_OUT, each after the tables it refers to."""
    return [t for t in Base.metadata.sorted_tables if t.name not in LEFT_OUT]


def _columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.name not in SECRET_COLUMNS.get(table.name, ())]


def _plain(value: Any) -> Any:
    """A column's value as JSON: moments and days in ISO 8601, vocabulary members as text."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def schema_revision(session: Session) -> str | None:
    """The migration the database is at."""
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def export_document(session: Session) -> dict[str, Any]:
    """Every backed-up table, its rows in id order, with the format and the schema revision."""
    tables = {}
    for table in backed_up_tables():
        columns = _columns(table)
        rows = session.execute(select(*columns).order_by(*table.primary_key.columns))
        tables[table.name] = {
            "columns": [c.name for c in columns],
            "rows": [[_plain(value) for value in row] for row in rows],
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema_revision(session),
        "tables": tables,
    }


def _checked(session: Session, document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RestoreRefused(f"not a backup of this timeline: no format {FORMAT!r}")
    if document.get("version") != VERSION:
        raise RestoreRefused(f"backup format version {document.get('version')!r}: expected 1")
    target = schema_revision(session)
    if document.get("schema") != target:
        raise RestoreRefused(
            f"the backup was made at migration {document.get('schema')}, the database is at "
            f"{target}: migrate the database to the backup's revision first"
        )
    return document["tables"]


def _holding_rows(session: Session) -> list[str]:
    return [
        table.name
        for table in backed_up_tables()
        if session.execute(select(func.count()).select_from(table)).scalar()
    ]


def restore_document(session: Session, document: Any) -> dict[str, int]:
    """Fill an empty, migrated database from an exported document, in the caller's
    transaction; returns the rows restored per table. Refuses a database holding any data."""
    tables = _checked(session, document)
    full = _holding_rows(session)
    if full:
        raise RestoreRefused(
            f"the database is not empty ({', '.join(full)} hold rows): restore into a new "
            "database, migrated with `flask db upgrade`"
        )
    counts = {}
    for table in backed_up_tables():
        given = tables.get(table.name, {"columns": [], "rows": []})
        counts[table.name] = _restore_table(session, table, given)
    _advance_sequences(session)
    touch(session.connection(), {"events", "costs"})  # no kept answer may outlive the restore
    return counts


def _values(table: Table, names: list[str], row: list[Any]) -> dict[str, Any]:
    values = {
        name: _typed(table.columns[name], value) for name, value in zip(names, row, strict=True)
    }
    if table.name in SECRET_COLUMNS:
        values |= dict.fromkeys(SECRET_COLUMNS[table.name], UNUSABLE_PASSWORD)
    return values


def _typed(column: Column, value: Any) -> Any:
    """A JSON value back as the column's Python type."""
    if value is None:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    return value


def _restore_table(session: Session, table: Table, given: dict[str, Any]) -> int:
    names = given["columns"]
    unknown = [name for name in names if name not in table.columns]
    if unknown:
        raise RestoreRefused(f"table {table.name}: no column {', '.join(unknown)} here")
    rows = [_values(table, names, row) for row in given["rows"]]
    # A row may refer to a later row of its own table (a GPU priced like one added after it):
    # those references are set once every row is in.
    own = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
    for chunk in _chunks([row | dict.fromkeys(own) for row in rows]):
        session.execute(insert(table), chunk)
    key = table.primary_key.columns.values()[0]
    for row in rows:
        if any(row.get(name) is not None for name in own):
            changes = {name: row[name] for name in own}
            session.execute(update(table).where(key == row[key.name]).values(changes))
    return len(rows)


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def _advance_sequences(session: Session) -> None:
    """PostgreSQL hands out ids from a sequence that rows inserted with their own ids do not
    move: set each past the largest restored id, or the next new row would collide."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in backed_up_tables():
        keys = table.primary_key.columns.values()
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        name = keys[0].name
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "
                f'coalesce((SELECT max("{name}") FROM "{table.name}"), 0) + 1, false) '
                f"WHERE pg_get_serial_sequence('{table.name}', '{name}') IS NOT NULL"
            )
        )
