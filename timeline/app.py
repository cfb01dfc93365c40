"""The application factory: configuration, database, blueprints and commands."""

import gc

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from timeline.config import configure, shipped
from timeline.db import db, include_object, init_engines, migrate, render_item


def build(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, database, blueprints and commands."""
    app = Flask(
        __name__,
        template_folder=str(shipped("templates")),
        instance_relative_config=True,
    )
    configure(app, test_config)
    db.init_app(app)
    init_engines(app)
    migrate.init_app(
        app,
        db,
        directory=str(shipped("migrations")),
        render_as_batch=True,
        include_object=include_object,
        render_item=render_item,
    )

    from timeline import cli
    from timeline.web import (
        admin,
        api,
        assets,
        auth,
        compression,
        errors,
        headers,
        health,
        http_cache,
        pages,
        request_ids,
        security,
        template_filters,
    )
    from timeline.web.converters import row_ids

    row_ids(app)  # before the blueprints: their rules read `int` when added
    security.init_app(app)
    pages.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    api.init_app(app)
    errors.init_app(app)
    http_cache.init_app(app)
    assets.init_app(app)
    headers.init_app(app)
    compression.init_app(app)  # runs after every other after-request step, wherever listed
    template_filters.init_app(app)
    cli.init_app(app)
    health.init_app(app)
    _behind_proxies(app)
    request_ids.init_app(app)  # outermost: every answer carries its id
    # What is alive once the app is built (modules, mappers, templates) lives as long as the
    # process: kept out of the collector's view, full collections stay short under load.
    gc.freeze()
    return app


def _behind_proxies(app: Flask) -> None:
    """Believe the X-Forwarded-For/Proto/Host/Prefix of TIMELINE_PROXY_HOPS proxies: the
    client's address (what the rate limit and logins count by), HTTPS (Secure cookies), and the
    host and prefix it asked for. With none, a client could pose as any address."""
    hops = int(app.config["PROXY_HOPS"])
    if hops < 0:
        raise ValueError(f"TIMELINE_PROXY_HOPS is {hops}: give 0 or a number of proxies")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
