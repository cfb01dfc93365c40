"""The order a list of events comes in, and cursors that continue it a page at a time.

A cursor holds the sort it was made for and the sort values of the last event shown, so the
next page starts right after that event however many events were added or removed meanwhile
(keyset pagination), and a cursor carried over to a different sort is refused, not misread.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, tuple_
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.orm import InstrumentedAttribute

from timeline.domain import Event
from timeline.services.characters import text_problem

SORTABLE: dict[str, InstrumentedAttribute] = {
    "start": Event.starts_on,
    "end": Event.ends_on,
    "title": Event.title,
    "category": Event.category,
    "slug": Event.slug,
    "created": Event.created_at,
    "updated": Event.updated_at,
}
MAX_KEYS = 4
SQLITE_TIME = "%Y-%m-%d %H:%M:%f"  # how SQLite writes a time that text order sorts


class SortError(ValueError):
    """A sort a reader asked for that the list cannot give."""


class CursorError(ValueError):
    """A pagination cursor that this site did not make, or made for another sort."""


@dataclass(frozen=True, slots=True)
class SortKey:
    name: str
    descending: bool = False

    @property
    def column(self) -> InstrumentedAttribute:
        return SORTABLE[self.name]

    def __str__(self) -> str:
        return f"-{self.name}" if self.descending else self.name


@dataclass(frozen=True, slots=True)
class Ordering:
    """Sort keys, most significant first; the event id breaks ties in the last key's direction."""

    keys: tuple[SortKey, ...]

    @classmethod
    def parse(cls, text: str) -> Ordering:
        """`-start,title`: names from SORTABLE, each once, `-` for descending."""
        names = [part.strip() for part in text.split(",") if part.strip()]
        keys = tuple(SortKey(n.removeprefix("-"), n.startswith("-")) for n in names)
        unknown = [k.name for k in keys if k.name not in SORTABLE]
        if unknown:
            raise SortError(
                f"cannot sort by {', '.join(repr(u[:40]) for u in unknown[:5])}: "
                f"use {', '.join(SORTABLE)}, "
                "each optionally with a leading '-' for descending, separated by commas"
            )
        if not keys or len(keys) > MAX_KEYS or len({k.name for k in keys}) < len(keys):
            raise SortError(f"name from 1 to {MAX_KEYS} different sort fields")
        return cls(keys)

    def __str__(self) -> str:
        return ",".join(map(str, self.keys))

    @property
    def chronological(self) -> bool:
        """Whether the start leads: the window and category indexes hold that order."""
        return self.keys[0].name == "start"

    def _columns(self, dialect: str, sorted_here: bool) -> list[tuple[ColumnElement, bool]]:
        keys = [(comparable(k.column, dialect), k.descending) for k in self.keys]
        if sorted_here:
            keys = [(_unindexed(column, dialect), down) for column, down in keys]
        return [*keys, (Event.id, self.keys[-1].descending)]

    def order_by(self, dialect: str, sorted_here: bool = False) -> list[ColumnElement]:
        """The ORDER BY. `sorted_here`: on SQLite, as expressions no index holds, so that the
        planner fetches the (few) matches by the filter's index and sorts them, rather than
        walking the sort's index testing every event against the filter."""
        columns = self._columns(dialect, sorted_here)
        return [column.desc() if down else column.asc() for column, down in columns]

    def after(self, cursor: Cursor, dialect: str, sorted_here: bool = False) -> ColumnElement[bool]:
        """Events after the cursor's event in this order."""
        values = [
            comparable(v, dialect) if isinstance(v, dt.datetime) else v for v in cursor.values
        ]
        pairs = list(zip(self._columns(dialect, sorted_here), (*values, cursor.id), strict=True))
        if len({down for (_, down), _ in pairs}) == 1:  # one direction: a row-value comparison
            columns = tuple_(*(column for (column, _), _ in pairs))
            values = tuple_(*(value for _, value in pairs))
            return columns < values if pairs[0][0][1] else columns > values
        return or_(*(_beyond(pairs[: i + 1]) for i in range(len(pairs))))

    def cursor(self, event: Event) -> Cursor:
        """The cursor that continues after this event."""
        values = tuple(getattr(event, k.column.key) for k in self.keys)
        return Cursor(str(self), values, event.id)

    def read(self, token: str) -> Cursor:
        """A cursor from a `next` link, checked to belong to this order."""
        cursor = Cursor.decode(token)
        if cursor.sort != str(self) or len(cursor.values) != len(self.keys):
            raise CursorError(
                f"this cursor continues sort={cursor.sort}: send the same sort, "
                "or leave the cursor out to start again"
            )
        typed = tuple(_typed(k.column, v) for k, v in zip(self.keys, cursor.values, strict=True))
        return Cursor(cursor.sort, typed, cursor.id)


def _beyond(pairs: list) -> ColumnElement[bool]:
    """Equal on every pair but the last, past the cursor on the last (mixed directions)."""
    *equal, ((column, down), value) = pairs
    past = column < value if down else column > value
    return and_(*(c == v for (c, _), v in equal), past)


def comparable(value: Any, dialect: str) -> Any:
    """On SQLite a timestamp is text, written as 'HH:MM:SS' by the database's clock and as
    'HH:MM:SS.ffffff' by Python: both sides are rewritten alike so text order is time order."""
    is_time = isinstance(value, dt.datetime) or (
        isinstance(value, InstrumentedAttribute) and value.type.python_type is dt.datetime
    )
    if dialect == "sqlite" and is_time:
        # The format as a literal, not a parameter: an index over this expression
        # (ix_events_status_created, ..._updated) serves only the same expression.
        return func.strftime(literal_column(f"'{SQLITE_TIME}'"), value)
    return value


def _unindexed(column: ColumnElement, dialect: str) -> ColumnElement:
    """The column behind a unary plus, which SQLite reads as an expression no index serves."""
    sql = column.compile(dialect=sqlite_dialect(), compile_kwargs={"literal_binds": True})
    return literal_column(f"+{sql}", type_=column.type) if dialect == "sqlite" else column


def _typed(column: InstrumentedAttribute, value: Any) -> Any:
    python_type = column.type.python_type
    try:
        if python_type is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if python_type is dt.date:
            return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise CursorError("not a cursor from this site: use the 'next' link as given") from exc
    if not isinstance(value, str):
        raise CursorError("not a cursor from this site: use the 'next' link as given")
    return value


CHRONOLOGICAL = Ordering((SortKey("start"), SortKey("end")))
NEWEST_FIRST = Ordering((SortKey("start", True), SortKey("end", True)))


@dataclass(frozen=True, slots=True)
class Cursor:
    """The sort a page was listed in and where its last event stood in it."""

    sort: str
    values: tuple[Any, ...]
    id: int

    def encode(self) -> str:
        values = [v.isoformat() if isinstance(v, dt.date) else v for v in self.values]
        text = json.dumps([self.sort, values, self.id], separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            padded = token + "=" * (-len(token) % 4)
            sort, values, ident = json.loads(base64.urlsafe_b64decode(padded))
            if not (isinstance(sort, str) and isinstance(values, list) and type(ident) is int):
                raise ValueError(token)
            if not 0 < ident < 2**63 or any(text_problem(str(v), True) for v in [sort, *values]):
                raise ValueError(token)  # beyond what a database column can hold or compare
            return cls(sort, tuple(values), ident)
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
            raise CursorError("not a cursor from this site: use the 'next' link as given") from exc
