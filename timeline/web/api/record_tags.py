"""One event's or actor's ETag: the record's version, so a client that read it can send a
change back with `If-Match` and get a 412, not an overwrite, when another change came first.

The reads of one record (GET /api/events/<slug>, /api/actors/<slug>) answer with this tag in
place of the tag web/http_cache.py gives every read (a digest of all the data): a client
then holds the tag a write compares, and a repeated read with `If-None-Match` still costs a
304. The record's version moves on with every change of its row, renamed actors' copies on
an event included, and a write never keeps the old tag.
"""

from __future__ import annotations

from flask import Response, g, request

from timeline.domain import Actor, Event


def record_etag(record: Event | Actor) -> str:
    """The record's kind, id and version: a record made again under a deleted one's slug
    never matches a tag of the old one."""
    kind = "event" if isinstance(record, Event) else "actor"
    return f"{kind}-{record.id}-v{record.version}"


def stamped(response: Response, record: Event | Actor) -> Response:
    """The answer with the record's ETag and Last-Modified, or a 304 when the client holds it."""
    response.set_etag(record_etag(record))
    response.last_modified = record.updated_at.replace(microsecond=0)
    # The data-wide validators http_cache set before the view ran would replace this tag on
    # the way out (and keep the body under theirs): this answer has its own.
    g.pop("etag", None)
    g.pop("last_modified", None)
    if request.method in ("GET", "HEAD"):
        response.make_conditional(request)
    return response


def matches(record: Event | Actor) -> bool:
    """Whether the request's `If-Match` allows changing the record: absent, `*`, or naming
    its current version."""
    # Weakly: a client that read the record compressed holds W/"<tag>" (web/compression.py
    # marks encoded copies weak), and the version it names is the same.
    return not request.if_match or request.if_match.contains_weak(record_etag(record))
