"""The database handle, the declarative base and the column shapes the models share."""

import datetime as dt
import sqlite3
import warnings
from enum import StrEnum
from functools import partial
from typing import Annotated

from flask import Flask, g, has_request_context, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DateTime, Enum, Integer, MetaData, String, TypeDecorator, event, func
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry

from timeline.sqlite_writers import WriterQueue

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


# The bind of a read replica (TIMELINE_READ_DATABASE_URL), when one is configured.
REPLICA_BIND = "replica"
# Pages where an editor must see what they just saved: never read from a replica that lags.
_PRIMARY_PATHS = ("/admin", "/login", "/logout")


class RoutingSession(FlaskSession):
    """Sends a public read (a GET or HEAD outside the editors' pages) to the read replica when
    one is configured; a write, and everything after it in the same session, to the primary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.wrote = False

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if getattr(clause, "is_dml", False):
            self.wrote = True
        if bind is None and not self.wrote and self._reads_replica():
            return self._db.engines[REPLICA_BIND]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    def _reads_replica(self) -> bool:
        return (
            has_request_context()
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(_PRIMARY_PATHS)
            and REPLICA_BIND in self._db.engines
        )


@event.listens_for(RoutingSession, "before_flush")
def _flushes_go_to_the_primary(session: RoutingSession, _context, _instances) -> None:
    session.wrote = True


db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()

# Full-text search lives outside the models: an FTS5 table (and its shadow tables) on SQLite;
# on PostgreSQL a generated tsvector column and its GIN index. Autogenerate and the drift check
# leave them alone.
SEARCH_OBJECTS = ("events_fts", "ix_events_search", "search_document")
# The indexes for sorting by when an event was created or changed: on SQLite over the
# expression the sort compares (services/events/ordering.py), on PostgreSQL over the column.
# The migration makes them per database; the models cannot say "an expression here only".
SORT_INDEXES = ("ix_events_status_created", "ix_events_status_updated")
# SQLAlchemy cannot reflect an expression index and says so each time a schema is read
# (Alembic's comparison, the snapshot): for these two that is expected.
warnings.filterwarnings(
    "ignore", "Skipped unsupported reflection of expression-based index ix_events_status_"
)


def include_object(_object, name, _type, _reflected, _compare_to) -> bool:
    """Alembic's filter: compare everything but the search and per-database sort objects."""
    return not (name or "").startswith(SEARCH_OBJECTS + SORT_INDEXES)


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


# Where a connection keeps the writers' queue it holds, until its transaction ends.
_QUEUED = "timeline.write_queue"
# Methods that never write: their transactions read a snapshot and wait for no writer.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# PostgreSQL's codes for a lock not granted within lock_timeout, and a statement cancelled by
# statement_timeout.
_LOCK_STATES = frozenset({"55P03", "57014"})


def init_engines(app: Flask) -> None:
    """How each connection waits for another's writes: at most WRITE_WAIT_SECONDS, after which
    the database raises an error that `is_lock_wait` recognises (answered 503, not 500)."""
    wait = float(app.config["WRITE_WAIT_SECONDS"])
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", partial(_sqlite_connect, wait=wait, url=engine.url))
            _queue_writers(engine, wait)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "begin", partial(_postgresql_begin, wait=wait))


def writing() -> bool:
    """Whether the transaction about to start may write: any request but a read (unless told
    `reading_only`), and any command (`flask import`, `flask seed`)."""
    if not has_request_context():
        return True
    return request.method not in SAFE_METHODS and not g.get("reading_only", False)


def reading_only() -> None:
    """The rest of this request only reads (an error page after a refused write), so it need
    not queue for the write lock again."""
    g.reading_only = True


def _sqlite_connect(dbapi_connection, _record, wait: float, url) -> None:
    # pysqlite opens transactions late and as DEFERRED, which cannot say "I will write";
    # SQLAlchemy's documented recipe: no driver BEGIN, `_sqlite_begin` emits its own.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    if url.database and url.database != ":memory:" and "mode=memory" not in str(url):
        # WAL: readers never wait for the writer, and a commit appends to the log instead of
        # rewriting pages; NORMAL syncs at checkpoints, safe against corruption in WAL mode
        # (a power cut may lose the last commits, never the file).
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")


def _sqlite_begin(connection: Connection, queue: WriterQueue) -> None:
    """A write transaction takes the write lock at once (IMMEDIATE) and so queues on the busy
    timeout: a DEFERRED one that reads and then writes fails at once with "database is
    locked" when another wrote meanwhile, since its snapshot can no longer become a write.

    Writers first wait their turn in `queue` (sqlite_writers.py), which wakes each as soon as
    the one before it ends. Should it not move within the wait, BEGIN IMMEDIATE waits on its
    own and says so."""
    if not writing():
        connection.exec_driver_sql("BEGIN")
        return
    if queue.enter():
        connection.info[_QUEUED] = queue
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:  # no transaction began, so none will end and free the queue
        _sqlite_end(connection)
        raise


def _sqlite_end(connection: Connection) -> None:
    """The write transaction ended (committed or rolled back): the next writer's turn."""
    queue = connection.info.pop(_QUEUED, None)
    if queue is not None:
        queue.leave()


def _queue_writers(engine: Engine, wait: float) -> None:
    database = engine.url.database
    in_memory = not database or database == ":memory:" or "mode=memory" in str(engine.url)
    queue = WriterQueue(None if in_memory else database, wait)
    event.listen(engine, "begin", partial(_sqlite_begin, queue=queue))
    event.listen(engine, "commit", _sqlite_end)
    event.listen(engine, "rollback", _sqlite_end)


def _postgresql_begin(connection: Connection, wait: float) -> None:
    """A write waits at most `wait` for a lock; in a request a statement also stops at twice
    that, well before a server kills the worker and the client sees nothing useful."""
    if not writing():
        return
    milliseconds = int(wait * 1000)
    if not has_request_context():
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
        return
    # Both in one statement: a round trip less on every write.
    connection.exec_driver_sql(
        f"SELECT set_config('lock_timeout', '{milliseconds}', true),"
        f" set_config('statement_timeout', '{2 * milliseconds}', true)"
    )


def is_lock_wait(exc: DBAPIError) -> bool:
    """Whether the database gave up waiting for another transaction's lock (SQLite's busy
    timeout, PostgreSQL's lock or statement timeout): worth retrying later, not a fault."""
    original = exc.orig
    if isinstance(original, sqlite3.OperationalError):
        return "is locked" in str(original)  # "database is locked", "database table is locked"
    return getattr(original, "sqlstate", None) in _LOCK_STATES


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
