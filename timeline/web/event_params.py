"""Reading the query string that every events view shares, with an error per bad parameter.

`/`, `/api/events` and `/api/events.csv` take the same parameters and mean the same thing by
them: from, to, category, actor, kind, q, status, plus limit and cursor for pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from flask import request, url_for
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from timeline.dates import PartialDate
from timeline.domain import Actor, Status
from timeline.services.actors import queries as actor_service
from timeline.services.events.filtering import EventFilter
from timeline.services.events.ordering import CHRONOLOGICAL, SORTABLE, Cursor, Ordering
from timeline.services.events.queries import EventQuery
from timeline.services.events.search import SearchQuery
from timeline.services.vocabulary import Vocabulary
from timeline.web.api.openapi import Param

MAX_ACTORS = 10
PARTIAL_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
FILTER_PARAMS = (
    Param("from", "Events that reach this date or later: a year, month or day", PARTIAL_DATE),
    Param("to", "Events that begin by this date: a year, month or day", PARTIAL_DATE),
    Param("category", "Events in any of these categories (see /api/categories)", repeatable=True),
    Param("actor", f"Events in which all these actors take part, by slug (at most {MAX_ACTORS})",
          repeatable=True),
    Param("kind", "Events with an actor of any of these kinds (see /api/kinds)", repeatable=True),
    Param("q", 'Full-text search: words, "phrases", OR, and -excluded words'),
    Param("status", "Only `published` is public", {"type": "string", "enum": ["published"]}),
)  # fmt: skip
PAGE_PARAMS = (
    Param("sort", "Up to 4 fields, most significant first, `-` for descending, e.g. "
          f"`-start,title`; fields: {', '.join(SORTABLE)}; oldest first by default"),
    Param("limit", "Events per page", {"type": "integer", "minimum": 1}),
    Param("cursor", "Where the page starts: take it from the previous page's `next` link"),
)  # fmt: skip


class BadParameters(Exception):
    """One or more query parameters a person typed wrong, each with its message."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))


def parsed_parameter[T](
    args: Mapping[str, str], key: str, parse: Callable[[str], T], errors: dict[str, str]
) -> T | None:
    """A parameter as `parse` reads it, None when blank; when `parse` refuses it (a ValueError
    such as DateError, in words for the reader), None and its message in `errors[key]`."""
    text = (args.get(key) or "").strip()
    if not text:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        errors[key] = str(exc)
        return None


def date_parameter(args: Mapping[str, str], key: str, errors: dict[str, str]) -> PartialDate | None:
    """A year, month or day (`from`, `to`, `as_of`, `date`), read the same way everywhere."""
    return parsed_parameter(args, key, PartialDate.parse, errors)


def _values(args: MultiDict, key: str) -> list[str]:
    """A repeatable parameter's values, blanks dropped, each once, in the order given."""
    return list(dict.fromkeys(v.strip() for v in args.getlist(key) if v.strip()))


def _choices(args: MultiDict, key: str, allowed: dict[str, str], errors: dict[str, str]):
    chosen = _values(args, key)
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        names = ", ".join(repr(v) for v in unknown)
        errors[key] = f"no {key} {names}: use one of {', '.join(sorted(allowed))}"
    return tuple(v for v in chosen if v in allowed)


def _actors(session: Session, args: MultiDict, errors: dict[str, str]) -> tuple[Actor, ...]:
    slugs = _values(args, "actor")
    if len(slugs) > MAX_ACTORS:
        errors["actor"] = f"name at most {MAX_ACTORS} actors"
        return ()
    found = {slug: actor_service.public_actor_by_name(session, slug) for slug in slugs}
    unknown = [slug for slug, actor in found.items() if actor is None]
    if unknown:
        errors["actor"] = f"no actor {', '.join(map(repr, unknown))}: use an actor's slug"
    return tuple(dict.fromkeys(a for a in found.values() if a is not None))


def _status(args: MultiDict, errors: dict[str, str]) -> Status:
    typed = args.get("status", "").strip()
    if typed and typed != Status.PUBLISHED:
        errors["status"] = "only published events are public: use status=published or leave it out"
    return Status.PUBLISHED


def event_filter(session: Session, args: MultiDict, vocabulary: Vocabulary) -> EventFilter:
    """The filter the query string asks for; raises BadParameters naming every bad one."""
    errors: dict[str, str] = {}  # a NUL in any parameter was refused before the view ran
    first, last = date_parameter(args, "from", errors), date_parameter(args, "to", errors)
    if first and last and last.latest < first.earliest:
        errors["to"] = f"{last} is before 'from' ({first})"
    where = EventFilter(
        first=first.earliest if first else dt.date.min,
        last=last.latest if last else dt.date.max,
        categories=_choices(args, "category", vocabulary.categories, errors),
        actors=_actors(session, args, errors),
        kinds=_choices(args, "kind", vocabulary.kinds, errors),
        search=parsed_parameter(args, "q", SearchQuery.parse, errors),
        status=_status(args, errors),
    )
    if errors:
        raise BadParameters(errors)
    return where


def page_size(args: MultiDict, default: int, ceiling: int, errors: dict[str, str]) -> int:
    text = args.get("limit", "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= ceiling:
        errors["limit"] = f"{text!r} is not a page size: use a whole number from 1 to {ceiling}"
        return default
    return int(text)


def event_query(
    session: Session, args: MultiDict, vocabulary: Vocabulary, default_limit: int, max_limit: int
) -> EventQuery:
    """A page of a filter: the filter plus `limit`, `sort` and `cursor`; raises BadParameters."""
    errors: dict[str, str] = {}
    try:
        where = event_filter(session, args, vocabulary)
    except BadParameters as exc:
        errors, where = exc.fields, EventFilter()
    limit = page_size(args, default_limit, max_limit, errors)
    order = parsed_parameter(args, "sort", Ordering.parse, errors) or CHRONOLOGICAL
    cursor = parsed_parameter(args, "cursor", order.read, errors) if "sort" not in errors else None
    if errors:
        raise BadParameters(errors)
    return EventQuery(where, limit, cursor, order)


def filter_args(args: MultiDict | None = None, **changes: str | list[str] | None) -> MultiDict:
    """The current filters (every value of repeated ones), changed; None removes a parameter.

    Links that narrow, widen or page a view start from here, so no filter is lost on the way.
    """
    kept = MultiDict(args if args is not None else request.args)
    kept.pop("cursor", None)
    for key, value in changes.items():
        kept.poplist(key)
        if value is not None:
            kept.setlist(key, value if isinstance(value, list) else [value])
    return kept


def view_url(endpoint: str, args: MultiDict | None = None, external: bool = False, **kw) -> str:
    """A URL for an events view with the same filters, changed as asked."""
    return url_for(endpoint, _external=external, **filter_args(args, **kw).to_dict(flat=False))


def next_page_url(endpoint: str, cursor: Cursor, external: bool = False) -> str:
    """The same view with the same filters, one page on."""
    return view_url(endpoint, external=external, cursor=cursor.encode())
