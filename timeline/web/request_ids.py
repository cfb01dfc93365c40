"""A request id on every request: taken from a proxy's `X-Request-Id` when it is a plain token,
made here otherwise, sent back in the answer's `X-Request-Id` and written into the access log
line and every log record the request causes, so one id finds all of them."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable

from flask import Flask, has_request_context, request

HEADER = "X-Request-Id"
ENVIRON_KEY = "timeline.request_id"
# A proxy's id (nginx's $request_id, a UUID, a trace id) fits this; anything else, such as a
# header carrying spaces, quotes or line breaks meant to forge log lines, is replaced.
_TOKEN = re.compile(r"[A-Za-z0-9._:+=/-]{1,128}")


def given_or_new(given: str | None) -> str:
    """The id a client or proxy sent, when it is a plain token; a new random one otherwise."""
    return given if given and _TOKEN.fullmatch(given) else uuid.uuid4().hex


class RequestIds:
    """WSGI middleware around the whole application, so that error answers, 404s and answers
    made before any view runs carry the id too."""

    def __init__(self, wsgi_app: Callable):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request_id = given_or_new(environ.get("HTTP_X_REQUEST_ID"))
        environ[ENVIRON_KEY] = request_id

        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on a log record as `request_id` (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request.environ.get(ENVIRON_KEY) if has_request_context() else None
        return True


def init_app(app: Flask) -> None:
    app.wsgi_app = RequestIds(app.wsgi_app)
    # A logger's filter sees only what is logged on that logger itself: the app's records get
    # their id here, and gunicorn's handlers (timeline.logs) add it to everyone else's.
    app.logger.addFilter(RequestIdFilter())
