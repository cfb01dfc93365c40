"""Your account: the API tokens that let your programs write through /api as you. Any editor
or admin has one; each sees and revokes only their own tokens."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from timeline.db import db
from timeline.services.accounts import tokens as api_tokens
from timeline.web.admin import bp
from timeline.web.forms import PageForm


class TokenForm(PageForm):
    name = StringField(
        "Name",
        [DataRequired(), Length(max=api_tokens.MAX_NAME)],
        description="What the token is for, such as “import script on my laptop”.",
        render_kw={"autocomplete": "off"},
    )
    create = SubmitField("Create a token")


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    tokens = api_tokens.tokens_of(db.session, current_user)
    page = render_template("admin/account.html", form=form, tokens=tokens, secret=secret)
    # A page showing a secret must not stay in a cache or the browser's history.
    return page, status, {"Cache-Control": "no-store"}


@bp.get("/account")
def account():
    return _page(TokenForm(formdata=None))


@bp.post("/account/tokens")
def token_create():
    """Make a token and show its secret, once: it is rendered here rather than after a
    redirect, so the secret never travels in the session cookie."""
    form = TokenForm()
    if not form.validate():
        return _page(form, status=400)
    _, secret = api_tokens.create(db.session, current_user, form.name.data)
    db.session.commit()
    return _page(TokenForm(formdata=None), secret=secret, status=201)


@bp.post("/account/tokens/<int:id>/revoke")
def token_revoke(id: int):
    if not api_tokens.revoke(db.session, current_user, id):
        abort(404, description="You have no such token.")
    db.session.commit()
    flash("The token is revoked: requests that send it are refused from now on.")
    return redirect(url_for("admin.account"))
