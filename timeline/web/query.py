"""Reading the query string that every events view shares, with an error per bad parameter."""

from __future__ import annotations

from flask import request, url_for
from werkzeug.datastructures import MultiDict

from timeline.domain.dates import DateError, PartialDate
from timeline.services.events import Cursor, CursorError, EventQuery


class BadParameters(Exception):
    """One or more query parameters a person typed wrong, each with its message."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))


def _date(args: MultiDict, key: str, errors: dict[str, str]) -> PartialDate | None:
    text = args.get(key, "").strip()
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except DateError as exc:
        errors[key] = str(exc)
        return None


def _limit(args: MultiDict, default: int, ceiling: int, errors: dict[str, str]) -> int:
    text = args.get("limit", "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= ceiling:
        errors["limit"] = f"{text!r} is not a page size: use a whole number from 1 to {ceiling}"
        return default
    return int(text)


def _cursor(args: MultiDict, errors: dict[str, str]) -> Cursor | None:
    text = args.get("cursor", "").strip()
    try:
        return Cursor.decode(text) if text else None
    except CursorError as exc:
        errors["cursor"] = str(exc)
        return None


def event_query(args: MultiDict, default_limit: int, max_limit: int) -> EventQuery:
    """An EventQuery from `from`, `to`, `limit` and `cursor`; raises BadParameters."""
    errors: dict[str, str] = {}
    first, last = _date(args, "from", errors), _date(args, "to", errors)
    if first and last and last.latest < first.earliest:
        errors["to"] = f"{last} is before 'from' ({first})"
    limit = _limit(args, default_limit, max_limit, errors)
    cursor = _cursor(args, errors)
    if errors:
        raise BadParameters(errors)
    query = EventQuery(limit=limit, after=cursor)
    if first:
        query = EventQuery(first.earliest, query.last, limit, cursor)
    if last:
        query = EventQuery(query.first, last.latest, limit, cursor)
    return query


def next_page_url(endpoint: str, cursor: Cursor, external: bool = False) -> str:
    """The same view with the same filters, one page on."""
    args = request.args.to_dict() | {"cursor": cursor.encode()}
    return url_for(endpoint, _external=external, **args)
