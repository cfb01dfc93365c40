"""Error answers: JSON in the one error shape under /api, a page everywhere else."""

from __future__ import annotations

import math

from flask import Flask, abort, current_app, jsonify, make_response, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, ServiceUnavailable

from timeline.db import db, is_lock_wait, reading_only
from timeline.services.characters import text_problem
from timeline.web.api.shapes import error_json
from timeline.web.event_params import BadParameters

PLAIN_500 = (
    "<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>"
    "<p>Something went wrong on our side; nothing you did caused it. Try again shortly.</p>"
)


class ApiError(Exception):
    """An answer under /api that is an error: its status, a message and the fields at fault."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}


def _wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    if _wants_json():
        response = jsonify(error_json(status, exc.description or exc.name))
    else:
        response = render_template("errors/error.html", error=exc), status
        return response
    response.status_code = status
    if status == 405 and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def handle_bad_parameters(exc: BadParameters):
    """Query parameters a person typed wrong, each named; pages catch theirs to show a form."""
    if not _wants_json():
        named = "; ".join(f"{key}: {message}" for key, message in exc.fields.items())
        return handle_http_error(BadRequest(f"Parameters of this address cannot be read: {named}."))
    return jsonify(error_json(400, "invalid query parameters", exc.fields)), 400


def handle_unexpected(exc: InternalServerError):
    """Any failure nothing else answers gets the site's own 500 page or JSON. The session is
    rolled back first, as PostgreSQL refuses every statement after a failed one in a
    transaction, the page's own lookups (the logged-in user) included; should the page fail
    all the same (the database gone), a plain one is sent rather than a bare traceback."""
    try:
        db.session.rollback()
        return handle_http_error(exc)
    except Exception:  # the answer of last resort may not fail in turn
        current_app.logger.exception("the error page failed too")
        return PLAIN_500, 500, {"Content-Type": "text/html; charset=utf-8"}


def handle_api_error(exc: ApiError):
    return jsonify(error_json(exc.status, exc.message, exc.fields)), exc.status


def handle_database_busy(exc: OperationalError):
    """A write that waited WRITE_WAIT_SECONDS for another's lock (a long import, say) is told
    to come back, with nothing of it written; any other database failure stays a 500."""
    if not is_lock_wait(exc):
        raise exc
    db.session.rollback()
    reading_only()  # the error page reads the logged-in user, as a GET does
    wait = math.ceil(float(current_app.config["WRITE_WAIT_SECONDS"]))
    busy = ServiceUnavailable(
        "The database is busy with another change, so nothing was saved: send it again shortly."
    )
    response = make_response(handle_http_error(busy))
    response.headers["Retry-After"] = str(max(1, wait))
    return response


def refuse_unreadable_parameters() -> None:
    """A query parameter holding NUL or another control character is no search, date or slug
    (and PostgreSQL refuses NUL): a 400 naming it, before any view reads it."""
    refused = {}
    for key, value in request.args.items(multi=True):
        if problem := text_problem(value, multiline=True):
            refused.setdefault(key, problem)
    if refused:
        raise BadParameters(refused)


def refuse_nul_in_path() -> None:
    """No address on this site holds a NUL character, and PostgreSQL refuses to compare text
    holding one: answer 404 before a view looks a slug up."""
    if "\x00" in request.path:
        abort(404, description="There is nothing at this address.")


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_in_path)
    app.before_request(refuse_unreadable_parameters)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(BadParameters, handle_bad_parameters)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(OperationalError, handle_database_busy)
