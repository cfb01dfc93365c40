"""The URL map's own `int`: a row id, so only what an id column can hold."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# Ids are signed 64-bit integers on PostgreSQL and SQLite alike, and start at 1.
LARGEST_ID = 2**63 - 1


class RowId(IntegerConverter):
    """`<int:id>` matches 1 to 2**63 - 1 only, so any other number is a 404 like a missing row
    rather than an overflow inside the database driver (a 500)."""

    # At most 19 digits, as many as the largest id has: a longer number never reaches int(),
    # which refuses strings past 4,300 digits with an error of its own.
    regex = r"\d{1,19}"

    def __init__(self, map: Map, min: int = 1, max: int = LARGEST_ID, **options) -> None:
        super().__init__(map, min=min, max=max, **options)


def row_ids(app: Flask) -> None:
    """Register before any blueprint: a rule reads its converter when it is added."""
    app.url_map.converters["int"] = RowId
