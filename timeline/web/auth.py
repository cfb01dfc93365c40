"""Logging in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from timeline.db import db
from timeline.services.accounts.logins import TooManyAttempts
from timeline.services.accounts.users import authenticate, end_sessions
from timeline.web.forms import PageForm

bp = Blueprint("auth", __name__)


class LoginForm(PageForm):
    username = StringField(
        "User name",
        validators=[DataRequired(), Length(max=80)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path on this site, never another host."""
    if not target:
        return url_for("admin.dashboard")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("admin.dashboard")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, problem=None)
    try:
        user = authenticate(db.session, form.username.data, form.password.data, _address())
    except TooManyAttempts as exc:
        problem = f"Too many failed attempts. Try again in {_duration(exc.retry_after)}."
        page = render_template("auth/login.html", form=form, problem=problem)
        return page, 429, {"Retry-After": str(exc.retry_after)}
    db.session.commit()  # the attempt is kept whether it succeeded or not
    if user is None:
        # Neither part is named: a wrong name and a wrong password read the same.
        problem = "That user name and password do not match an account."
        return render_template("auth/login.html", form=form, problem=problem), 401
    session.clear()  # a fresh session for the new login, never one set up before it
    login_user(user)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
def logout():
    """Log out everywhere: every session of the account ends, so a cookie copied before, or
    left open on another machine, no longer opens it."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("pages.index"))


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{-(-seconds // 60)} minutes"


def _address() -> str:
    return (request.remote_addr or "unknown")[:64]
