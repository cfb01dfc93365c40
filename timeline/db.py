"""The database handle, the declarative base and the column shapes the models share."""

import datetime as dt
import sqlite3
from enum import StrEnum
from typing import Annotated

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, Integer, MetaData, String, TypeDecorator, event, func
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry

# Named constraints let Alembic drop and alter them by name on both SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """A moment, written and read back as an aware UTC datetime on every database: SQLite keeps
    no offset (its values come back naive) and PostgreSQL answers in the session's time zone.
    A naive value is taken to be UTC, as SQLite's CURRENT_TIMESTAMP is."""

    impl = DateTime(timezone=True)
    cache_ok = True
    python_type = dt.datetime  # a TypeDecorator says `object` unless told

    def process_bind_param(self, value: dt.datetime | None, _dialect: Dialect):
        return None if value is None else _utc(value)

    def process_result_value(self, value: dt.datetime | None, _dialect: Dialect):
        return None if value is None else _utc(value)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UtcDateTime},
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# Full-text search lives outside the models: an FTS5 table (and its shadow tables) on SQLite,
# an expression GIN index on PostgreSQL. Autogenerate and the drift check leave them alone.
SEARCH_OBJECTS = ("events_fts", "ix_events_search")


def include_object(_object, name, _type, _reflected, _compare_to) -> bool:
    """Alembic's filter: compare everything but the search index objects."""
    return not (name or "").startswith(SEARCH_OBJECTS)


def render_item(type_: str, obj, _autogen_context):
    """Alembic's renderer: a migration spells a UtcDateTime column as the DateTime it stores."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked on each connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")


def vocabulary_column(enum: type[StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK, the same on SQLite and PostgreSQL."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
slug = Annotated[str, mapped_column(String(100), unique=True)]
name = Annotated[str, mapped_column(String(200))]
created_at = Annotated[dt.datetime, mapped_column(server_default=func.now())]
updated_at = Annotated[dt.datetime, mapped_column(server_default=func.now(), onupdate=func.now())]
