"""Configuration: defaults here, overridden by TIMELINE_* environment variables."""

import secrets
from pathlib import Path

from flask import Flask

from timeline.db import REPLICA_BIND

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def shipped(folder: str) -> Path:
    """`templates`, `migrations` or `seeds`: inside the package when installed from a wheel,
    at the top of the checkout otherwise."""
    inside = PACKAGE_DIR / folder
    return inside if inside.is_dir() else PROJECT_ROOT / folder


DEFAULTS = {
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "SECRET_KEY": None,  # None: a random key kept in the instance folder
    "SEEDS_DIR": str(shipped("seeds")),
    "PAGE_SIZE": 50,
    "MAX_PAGE_SIZE": 500,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Session cookies are HttpOnly (Flask's default), SameSite=Lax, and Secure over HTTPS
    # (timeline.web.security); a CSRF token lives as long as the session it belongs to.
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    # Requests per client address to /api, every endpoint counted together; a 429 in the API's
    # error shape beyond it.
    "RATELIMIT_APPLICATION": "1200 per minute;60 per second",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # API answers each process keeps by ETag and sends again without a query (0: none).
    "API_ANSWERS_KEPT": 256,
    # Running several app servers: Redis shares the rate-limit counts and the kept answers
    # between them (redis://host:6379/0), under keys starting with REDIS_KEY_PREFIX; a kept
    # answer lives there at most API_ANSWERS_SECONDS.
    "REDIS_URL": None,
    "REDIS_KEY_PREFIX": "timeline:",
    "API_ANSWERS_SECONDS": 600,
    # A read replica: public GET and HEAD requests read from it (timeline.db.RoutingSession).
    "READ_DATABASE_URL": None,
    # Reverse proxies in front of the app whose X-Forwarded-For/Proto/Host/Prefix are believed
    # (Werkzeug's ProxyFix); 0 believes none, so a client cannot pose as another address.
    "PROXY_HOPS": 0,
    # How long a write waits for another's lock (a long import) before a 503 with Retry-After.
    "WRITE_WAIT_SECONDS": 10,
    # The timeline page counts from arrays of the published events each process keeps
    # (timeline.services.events.facet_index): about 60 MB per million events. False: by SQL.
    "FACET_INDEX": True,
}


def configure(app: Flask, overrides: dict | None) -> None:
    """Load defaults, then TIMELINE_* variables, then explicit overrides (tests)."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("TIMELINE")
    app.config.from_mapping(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(
        app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'timeline.sqlite3'}"
    )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    _shared_state(app.config)


def _shared_state(config: dict) -> None:
    """Point the rate limiter at Redis and add the replica's engine, when they are configured."""
    if config["REDIS_URL"] and config["RATELIMIT_STORAGE_URI"] == "memory://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
        config["RATELIMIT_KEY_PREFIX"] = config["REDIS_KEY_PREFIX"] + "limits"
        # Redis gone costs each process its own count for a while, not every answer a 500.
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 1})
    if config["READ_DATABASE_URL"]:
        binds = dict(config.get("SQLALCHEMY_BINDS") or {})
        binds[REPLICA_BIND] = database_url(config["READ_DATABASE_URL"])
        config["SQLALCHEMY_BINDS"] = binds


def database_url(url: str) -> str:
    """Use psycopg 3 for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _instance_secret(path: Path) -> str:
    """A key made once per installation, so sessions survive restarts and no key is committed."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
