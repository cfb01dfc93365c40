"""What every read under /api answers with: an ETag (so a repeated request costs a 304, not
the body again) and CORS headers (so a page elsewhere can read the data)."""

from __future__ import annotations

from flask import Flask, Response, request


def _conditional(response: Response) -> Response:
    if not request.path.startswith("/api/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Origin")
    cacheable = request.method in ("GET", "HEAD") and response.status_code == 200
    if cacheable and not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_conditional)
