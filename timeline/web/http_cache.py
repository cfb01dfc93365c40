"""Validators on every public read, so a repeated request costs a 304, and the API's CORS
headers, so a page elsewhere can read the data.

An answer depends only on the address it was asked at (scheme, host and path with its query:
absolute links are built from them), the data and the day (ongoing events run to today), and
on the code and files that shape it. So its ETag is a digest of those, and Last-Modified is
when the data last changed: both are known from one row read before any query runs, and a
matching request is answered without building the body, streamed exports included. Under
/api a body this process already built for the same tag is sent again without a query.

The public pages (the timeline, events, actors, vocabularies, costs, the API reference) get
the same validators with `Cache-Control: no-cache`, but only for a visitor with no session:
whatever a logged-in editor, a flashed message or a CSRF token puts in a page is that one
reader's, so those answers, and every other page, are `private, no-store`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import metadata
from pathlib import Path

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from timeline.db import db
from timeline.recently_used import RecentlyUsed
from timeline.services.data_versions import data_version, data_versions

# Blueprints whose GET pages read the same for every visitor without a session.
PUBLIC_PAGES = {"pages", "costs", "api_docs"}
PRIVATE = "private, no-store"


def answer_key() -> str:
    """Everything in the request that an answer's body is built from: the one place a kept
    answer and an ETag are keyed on. A view that starts reading another part of the request
    (an `Accept-Language` header or a `lang` parameter outside the query string, say) must
    add it here, or an answer built for one reader is sent to another."""
    return "|".join([request.scheme, request.host, request.root_path, request.full_path])


def _is_api_read() -> bool:
    return request.method in ("GET", "HEAD") and request.path.startswith("/api/")


def _is_public_page() -> bool:
    if request.method not in ("GET", "HEAD") or request.blueprint not in PUBLIC_PAGES:
        return False
    return (
        not request.path.startswith("/api/") and not current_user.is_authenticated and not session
    )


def _release(app: Flask) -> str:
    """The package version and a digest of the templates and static files, so a deploy that
    changes a page's markup or an asset's hashed name is never answered with a 304."""
    try:
        version = metadata.version("timeline")
    except metadata.PackageNotFoundError:
        version = "unreleased"
    digest = hashlib.sha256()
    for folder in (Path(app.root_path, app.template_folder or ""), Path(app.static_folder or "")):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return f"{version}+{digest.hexdigest()[:12]}"


def _validators() -> tuple[str, dt.datetime]:
    versions = data_versions(db.session)
    g.data_versions = {name: version for name, version, _ in versions}  # for views that cache
    state = "|".join(
        [current_app.config["RELEASE"], dt.date.today().isoformat(), answer_key(),
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
    makes new tags. Streamed and large bodies are not kept. Bodies are kept as the view made
    them, before any compression. Another store (one shared by several processes) replaces
    this one in `app.extensions["answers"]` by offering the same `get` and `keep`.
    """

    def __init__(self, entries: int, largest: int = 1 << 20):
        self.entries, self.largest = entries, largest
        self._kept = RecentlyUsed(entries)  # tag -> (body, mimetype, headers)

    def get(self, tag: str) -> Response | None:
        kept = self._kept.get(tag)
        if kept is None:
            return None
        body, mimetype, headers = kept
        return Response(body, mimetype=mimetype, headers=headers)

    def keep(self, tag: str, response: Response) -> None:
        if not self.entries or response.is_streamed:
            return
        body = response.get_data()
        if len(body) > self.largest:
            return
        headers = {k: v for k, v in response.headers if k in KEPT_HEADERS}
        self._kept.put(tag, (body, response.mimetype or "", headers))


KEPT_HEADERS = {"Content-Disposition"}


def _answer_early() -> Response | None:
    """A 304 when the client already holds this answer, or the body this process gave last
    time under the same tag: either way before the view runs a query."""
    api = _is_api_read()
    if not api and not _is_public_page():
        return None
    g.etag, g.last_modified = _validators()
    kept = current_app.extensions["answers"].get(g.etag) if api else None
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
    if not request.path.startswith("/api/"):
        # Stored by any cache, but asked about again each time: a write shows at once.
        response.cache_control.no_cache = True
        response.vary.add("Cookie")


def _after(response: Response) -> Response:
    if request.path.startswith("/api/"):
        return _after_api(response)
    if request.endpoint != "static":
        _after_page(response)
    return response


def _after_api(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Origin")
    if _is_api_read() and response.status_code == 200 and "etag" in g:
        _stamp(response)
        if "answered_early" not in g:
            current_app.extensions["answers"].keep(g.etag, response)
    return response


def _after_page(response: Response) -> None:
    """Validators on a public page read by a visitor without a session; `private, no-store`
    on every other page, and on any answer that sets a cookie (the session is saved after
    this runs, so a session that changed counts as one)."""
    shared = "etag" in g and not session.modified and "Set-Cookie" not in response.headers
    if shared and response.status_code in (200, 304):
        _stamp(response)
    elif not response.cache_control.no_store:  # a view's own no-store stays as it is
        response.headers["Cache-Control"] = PRIVATE


def init_app(app: Flask) -> None:
    app.config.setdefault("RELEASE", _release(app))
    app.extensions["answers"] = _kept_answers(app.config)
    app.before_request(_answer_early)
    app.after_request(_after)


def _kept_answers(config):
    """In Redis for every app server when TIMELINE_REDIS_URL is set, in this process otherwise;
    imported only then, since the redis package comes with the `serve` extra."""
    if config["REDIS_URL"] and config["API_ANSWERS_KEPT"]:
        from timeline.web.shared_answers import SharedAnswers

        return SharedAnswers.from_config(config)
    return Answers(config["API_ANSWERS_KEPT"])


def current_version(name: str) -> int | None:
    """A body of data's version as this request found it: read with the request's validators
    where it had them, else now."""
    known = g.get("data_versions")
    if known is not None and name in known:
        return known[name]
    return data_version(db.session, name)
