"""Logging in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from timeline.db import db
from timeline.services.accounts.users import WINDOW, TooManyAttempts, authenticate

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
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
    except TooManyAttempts:
        db.session.commit()
        minutes = int(WINDOW.total_seconds() // 60)
        problem = f"Too many failed attempts. Try again in {minutes} minutes."
        return render_template("auth/login.html", form=form, problem=problem), 429
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
    logout_user()
    session.clear()
    return redirect(url_for("pages.index"))


def _address() -> str:
    return (request.remote_addr or "unknown")[:64]
