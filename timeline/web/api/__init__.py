"""The JSON API and its other formats, registered in one place: events (JSON, CSV), their
exports (iCalendar, Atom, TimelineJS), writes with an API token, the cost model, and the
OpenAPI document that describes them all."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every /api blueprint and the documentation built from them."""
    from timeline.web.api import costs, docs, events, exports, writes

    for blueprint in (events.bp, writes.bp, exports.bp, costs.bp):
        app.register_blueprint(blueprint)
    docs.init_app(app)
