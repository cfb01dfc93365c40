"""Error answers: JSON in the one error shape under /api, a page everywhere else."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from timeline.web.shapes import error_json


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


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
