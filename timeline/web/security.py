"""Sessions, logins, CSRF and roles: who may change what, checked on the server."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, abort, jsonify, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from markupsafe import escape
from werkzeug.exceptions import SecurityError

from timeline.db import db
from timeline.domain.accounts import User
from timeline.services.accounts.users import user_for_session
from timeline.web.api.shapes import error_json

login_manager = LoginManager()
csrf = CSRFProtect()


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


# Trusted when neither TRUSTED_HOSTS nor SERVER_NAME names the site: `make run` and the tests.
LOOPBACK = ("localhost", "127.0.0.1")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def trusted_hosts(config: dict) -> list[str]:
    """The host names this site answers to: TRUSTED_HOSTS (a list, or names separated by
    commas), else SERVER_NAME's host, always with the loopback names beside it."""
    configured = config.get("TRUSTED_HOSTS")
    if isinstance(configured, str):
        configured = [name for name in re.split(r"[,\s]+", configured) if name]
    if configured:
        return list(configured)
    server = config.get("SERVER_NAME")
    return [*([urlsplit(f"//{server}").hostname or server] if server else []), *LOOPBACK]


def init_app(app: Flask) -> None:
    # Flask checks the Host header against TRUSTED_HOSTS whenever it reads it, so no absolute
    # URL, redirect or kept answer is ever built from a name the site does not own.
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    # First of every hook: nothing else runs for a request to a host that is not the site.
    app.before_request(refuse_untrusted_host)
    app.before_request(refuse_foreign_origin)
    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to reach the editors' pages."
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    _limit_api(app)


def _limit_api(app: Flask) -> None:
    """Requests to /api counted per client address, all endpoints together (application
    limits, RATELIMIT_APPLICATION), one counter set per application: Flask-Limiter keeps its
    settings on the object, not the app.

    Counts live in each process by default; set TIMELINE_RATELIMIT_STORAGE_URI (redis://...)
    to share them between workers, and run behind a proxy fix so the address is the client's.
    """
    Limiter(
        app=app,
        key_func=get_remote_address,
        application_limits_exempt_when=lambda: not request.path.startswith("/api/"),
    )


def refuse_untrusted_host() -> Response | None:
    """A 400 for a Host the site does not answer to. It is built here, without templates:
    with an untrusted host Flask makes no URL adapter, so url_for cannot run."""
    try:
        request.host  # noqa: B018 -- reading it is the check
    except SecurityError:
        message = "This site does not answer to that host name."
        if request.path == "/api" or request.path.startswith("/api/"):
            response = jsonify(error_json(400, message))
        else:
            shown = escape(request.headers.get("Host", "")[:200])
            response = Response(_UNTRUSTED_PAGE.format(message=message, host=shown), 400)
        response.status_code = 400
        return response
    return None


_UNTRUSTED_PAGE = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Bad request</title>
<h1>Bad request</h1><p>{message} (“{host}”)</p>
<p>If you run this site, add the name to TIMELINE_TRUSTED_HOSTS.</p></html>
"""


def refuse_foreign_origin() -> None:
    """A 403 for a state-changing request a browser sent from another site, whatever the
    scheme: its Origin, or when it sends none its Referer, must be this site's own origin.

    The CSRF token already stands in the way; this is the second lock, and Flask-WTF checks
    the Referer over HTTPS only. Requests that carry an API token are left alone: a browser
    never adds one by itself, as it does a cookie."""
    if request.method not in UNSAFE_METHODS or _bearer_request():
        return
    header = "Origin" if "Origin" in request.headers else "Referer"
    claimed = request.headers.get(header)
    if claimed is None:
        return
    sent_from = _origin(claimed)
    if sent_from is not None and sent_from == _origin(f"{request.scheme}://{request.host}"):
        return
    abort(
        403,
        description=f"This request came from another site ({header}: {claimed[:200]}) and was "
        "refused: send it from a page of this site.",
    )


def _bearer_request() -> bool:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(secret.strip())


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port of a URL, the port filled in when it is the scheme's default;
    None for `null` or anything unreadable, which matches nothing."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname, port


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    return user_for_session(db.session, session_id)


def admin_required(view: Callable) -> Callable:
    """Only admins: anonymous visitors are sent to log in, editors get a 403. The mark lets a
    test walk the URL map and prove it for every such view."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403, description="Only an admin may do this.")
        return view(*args, **kwargs)

    guarded.admin_only = True  # type: ignore[attr-defined]
    return guarded
