"""Sessions, logins, CSRF and roles: who may change what, checked on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from timeline.db import db
from timeline.domain.accounts import User
from timeline.services.accounts.users import get_user

login_manager = LoginManager()
csrf = CSRFProtect()


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_app(app: Flask) -> None:
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


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return get_user(db.session, int(user_id)) if user_id.isdigit() else None


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
