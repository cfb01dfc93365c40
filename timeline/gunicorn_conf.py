"""gunicorn's settings for serving the timeline in production (`make serve`):

    gunicorn -c python:timeline.gunicorn_conf 'timeline:create_app()'

It lives in the package, not at the top of the checkout, so that an installed wheel serves
the same way with no checkout beside it. These are the server's settings, not the app's:
they come from the server's environment (HOST, PORT, TIMELINE_WORKERS, TIMELINE_THREADS,
TIMELINE_TIMEOUT), which the app's own configuration never reads.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# A request mostly waits for the database or the client, so gunicorn's own rule of thumb of
# two processes per core (plus one) keeps the cores busy; each runs a few threads besides, so
# a slow client does not hold a whole process.


def _default_workers() -> int:
    """2 × cores + 1 on PostgreSQL. SQLite writes one transaction at a time, so processes
    beyond two add no writes, only waits for its lock between them (8 API writers, 2 cores:
    p99 80–110 ms with 2 workers, 140–190 ms with 5); raise TIMELINE_WORKERS on a site that
    mostly reads."""
    if os.environ.get("TIMELINE_DATABASE_URL", "").startswith("postgresql"):
        return 2 * multiprocessing.cpu_count() + 1
    return 2


workers = int(os.environ.get("TIMELINE_WORKERS") or _default_workers())
worker_class = "gthread"
threads = int(os.environ.get("TIMELINE_THREADS") or 4)
# Above the 2 × TIMELINE_WRITE_WAIT_SECONDS (default 10) a write may wait before it is
# answered 503, so a waiting write gets its answer instead of a killed worker.
timeout = int(os.environ.get("TIMELINE_TIMEOUT") or 30)
graceful_timeout = 30  # a restart lets running requests finish for this long
keepalive = 5  # seconds an idle connection from the proxy stays open
# A worker is replaced after this many requests (spread, so they do not all restart at once):
# whatever slowly accumulates in a long-lived process stays bounded.
max_requests = 2000
max_requests_jitter = 200

# The app is built once and the workers fork from it (faster starts, shared memory); the
# database pools hold no connection yet then, and `post_fork` makes sure of it.
preload_app = True

# The scheme and the client's address come from TIMELINE_PROXY_HOPS (Werkzeug's ProxyFix)
# alone: gunicorn would otherwise believe X-Forwarded-Proto from any local process.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""

accesslog = "-"
errorlog = "-"
loglevel = "info"
logger_class = "timeline.logs.AccessLogger"


def post_fork(server, _worker) -> None:
    """Each worker opens its own database connections: one inherited from the parent would be
    shared by two processes (SQLAlchemy's advice for forking: drop the pools, keep the sockets
    for the parent)."""
    from timeline.db import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
