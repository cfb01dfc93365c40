"""What every read under /api answers with: validators a client can send back, so a repeated
request costs a 304, and CORS headers, so a page elsewhere can read the data.

An answer depends only on the address, the data and the day (ongoing events run to today),
and on the code that shapes it. So its ETag is a digest of those, and Last-Modified is when
the data last changed: both are known from one row read before any query runs, and a
matching request is answered without building the body, streamed exports included, and a
body this process already built for the same tag is sent again without running a query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from importlib import metadata

from flask import Flask, Response, current_app, g, request

from timeline.db import db
from timeline.services.data_versions import data_versions


def _is_read() -> bool:
    return request.method in ("GET", "HEAD") and request.path.startswith("/api/")


def _release() -> str:
    try:
        return metadata.version("timeline")
    except metadata.PackageNotFoundError:
        return "unreleased"


def _validators() -> tuple[str, dt.datetime]:
    versions = data_versions(db.session)
    state = "|".join(
        [current_app.config["RELEASE"], dt.date.today().isoformat(), request.full_path,
         *(f"{name}={version}" for name, version, _ in versions)]
    )  # fmt: skip
    # The day is part of every answer, so the answer counts as changed at midnight too.
    midnight = dt.datetime.combine(dt.date.today(), dt.time(), dt.UTC)
    changed = max([midnight, *(at for *_, at in versions)])
    return hashlib.sha256(state.encode()).hexdigest()[:32], changed.replace(microsecond=0)


class Answers:
    """The latest answers this process gave, by ETag, least recently used dropped first.

    An ETag names everything an answer depends on, so a stored body under the same tag is
    the body the view would build again: no entry is ever stale, and a write elsewhere simply
    makes new tags. Streamed and large bodies are not kept.
    """

    def __init__(self, entries: int, largest: int = 1 << 20):
        self.entries, self.largest = entries, largest
        self._kept: OrderedDict[str, tuple[bytes, str, dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tag: str) -> Response | None:
        with self._lock:
            kept = self._kept.get(tag)
            if kept is None:
                return None
            self._kept.move_to_end(tag)
        body, mimetype, headers = kept
        return Response(body, mimetype=mimetype, headers=headers)

    def keep(self, tag: str, response: Response) -> None:
        if not self.entries or response.is_streamed:
            return
        body = response.get_data()
        if len(body) > self.largest:
            return
        headers = {k: v for k, v in response.headers if k in KEPT_HEADERS}
        with self._lock:
            self._kept[tag] = (body, response.mimetype or "", headers)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)


KEPT_HEADERS = {"Content-Disposition"}


def _answer_early() -> Response | None:
    """A 304 when the client already holds this answer, or the body this process gave last
    time under the same tag: either way before the view runs a query."""
    if not _is_read():
        return None
    g.etag, g.last_modified = _validators()
    kept = current_app.extensions["answers"].get(g.etag)
    response = kept or Response(status=200)
    _stamp(response)
    response.make_conditional(request)
    if kept is None and response.status_code != 304:
        return None  # the view builds it
    g.answered_early = True
    return response


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
        if "answered_early" not in g:
            current_app.extensions["answers"].keep(g.etag, response)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("RELEASE", _release())
    app.extensions["answers"] = Answers(app.config["API_ANSWERS_KEPT"])
    app.before_request(_answer_early)
    app.after_request(_after)
