"""What every read under /api answers with: validators a client can send back, so a repeated
request costs a 304, and CORS headers, so a page elsewhere can read the data.

An answer depends only on the address, the data and the day (ongoing events run to today),
and on the code that shapes it. So its ETag is a digest of those, and Last-Modified is when
the data last changed: both are known from one row read before any query runs, and a
matching request is answered without building the body, streamed exports included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import metadata

from flask import Flask, Response, current_app, g, request
from sqlalchemy import select

from timeline.db import db
from timeline.domain import DataVersion


def _is_read() -> bool:
    return request.method in ("GET", "HEAD") and request.path.startswith("/api/")


def _release() -> str:
    try:
        return metadata.version("timeline")
    except metadata.PackageNotFoundError:
        return "unreleased"


def _validators() -> tuple[str, dt.datetime]:
    rows = db.session.execute(select(DataVersion.name, DataVersion.version, DataVersion.changed_at))
    versions = sorted(rows)
    state = "|".join(
        [current_app.config["RELEASE"], dt.date.today().isoformat(), request.full_path,
         *(f"{name}={version}" for name, version, _ in versions)]
    )  # fmt: skip
    # The day is part of every answer, so the answer counts as changed at midnight too.
    midnight = dt.datetime.combine(dt.date.today(), dt.time(), dt.UTC)
    changed = max([midnight, *(_aware(at) for *_, at in versions)])
    return hashlib.sha256(state.encode()).hexdigest()[:32], changed.replace(microsecond=0)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back the UTC time it was given without its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _answer_from_cache() -> Response | None:
    """A 304 before the view runs, when the client already holds this answer."""
    if not _is_read():
        return None
    g.etag, g.last_modified = _validators()
    response = Response(status=200)
    _stamp(response)
    response.make_conditional(request)
    return response if response.status_code == 304 else None


def _stamp(response: Response) -> None:
    response.set_etag(g.etag)
    response.last_modified = g.last_modified


def _after(response: Response) -> Response:
    if not request.path.startswith("/api/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Origin")
    if _is_read() and response.status_code == 200 and "etag" in g:
        _stamp(response)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("RELEASE", _release())
    app.before_request(_answer_from_cache)
    app.after_request(_after)
