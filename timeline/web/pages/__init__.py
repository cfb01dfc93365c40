"""The pages people read: the timeline, events, actors, vocabularies and the cost model."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the reading pages' blueprints."""
    from timeline.web.pages import browse, costs

    app.register_blueprint(browse.bp)
    app.register_blueprint(costs.bp)
