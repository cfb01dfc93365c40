"""Admin pages for accounts: the list, a new account, and for each one its role, a new
password, or deletion. Only admins reach them; nobody changes their own role or deletes
their own account, so an admin always remains."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_user
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from timeline.db import db
from timeline.domain.accounts import Role, User
from timeline.services.accounts import users as accounts
from timeline.services.accounts.users import MIN_PASSWORD, AccountError
from timeline.web.admin import bp
from timeline.web.forms import PageForm
from timeline.web.security import admin_required

ROLES = [
    SelectChoice(Role.EDITOR.value, "Editor: writes drafts and cost data"),
    SelectChoice(Role.ADMIN.value, "Admin: also publishes, deletes and manages accounts"),
]


def _password(label: str = "Password") -> PasswordField:
    too_short = f"A password has at least {MIN_PASSWORD} characters."
    return PasswordField(
        label,
        [Length(min=MIN_PASSWORD, message=too_short)],
        description=f"At least {MIN_PASSWORD} characters; a few words make a good one.",
        render_kw={"autocomplete": "new-password"},
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        "The password again",
        [EqualTo("password", message="The two passwords differ: type the same one twice.")],
        render_kw={"autocomplete": "new-password"},
    )


class NewUserForm(PageForm):
    username = StringField(
        "User name", [DataRequired(), Length(max=80)], render_kw={"autocomplete": "off"}
    )
    role = SelectField("Role", choices=ROLES, default=Role.EDITOR.value)
    password = _password()
    confirm = _confirmation()
    save = SubmitField("Create the account")


class RoleForm(PageForm):
    role = SelectField("New role", choices=ROLES)
    save_role = SubmitField("Change the role")


class PasswordForm(PageForm):
    password = _password("New password")
    confirm = _confirmation()
    save_password = SubmitField("Set the password")


def _sentence(exc: AccountError) -> str:
    text = str(exc)
    return text[0].upper() + text[1:] + "."


def _user_or_404(user_id: int) -> User:
    user = accounts.get_user(db.session, user_id)
    if user is None:
        abort(404, description=f"There is no account {user_id}.")
    return user


def _manage(user: User, status: int = 200, problem: str | None = None, **forms):
    """The account's page, with blank forms unless a submitted one is passed back."""
    forms.setdefault("role_form", RoleForm(formdata=None, role=user.role.value))
    forms.setdefault("password_form", PasswordForm(formdata=None))
    page = render_template("admin/users/show.html", user=user, problem=problem, **forms)
    return page, status


@bp.get("/users")
@admin_required
def users():
    return render_template("admin/users/index.html", users=accounts.all_users(db.session))


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = NewUserForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("admin/users/new.html", form=form), status
    role = Role(form.role.data)
    try:
        user = accounts.create_user(db.session, form.username.data, form.password.data, role)
    except AccountError as exc:  # the form checked both lengths: the name is taken
        form.username.errors = [_sentence(exc)]
        return render_template("admin/users/new.html", form=form), 400
    db.session.commit()
    flash(f"Created the {user.role.value} account “{user.username}”.")
    return redirect(url_for("admin.users"))


@bp.get("/users/<int:id>")
@admin_required
def user_edit(id: int):
    return _manage(_user_or_404(id))


@bp.post("/users/<int:id>/role")
@admin_required
def user_role(id: int):
    user = _user_or_404(id)
    form = RoleForm()
    if not form.validate():
        return _manage(user, 400, role_form=form)
    try:
        accounts.set_role(user, Role(form.role.data), current_user)
    except AccountError as exc:
        return _manage(user, 400, problem=_sentence(exc))
    db.session.commit()
    flash(f"“{user.username}” is now an {user.role.value}.")
    return redirect(url_for("admin.user_edit", id=id))


@bp.post("/users/<int:id>/password")
@admin_required
def user_password(id: int):
    user = _user_or_404(id)
    form = PasswordForm()
    if not form.validate():
        return _manage(user, 400, password_form=form)
    accounts.set_password(user, form.password.data)  # which ends the account's sessions
    db.session.commit()
    if user.id == current_user.id:
        login_user(user)  # all but this one: the admin who set it stays logged in
    flash(f"“{user.username}” has a new password.")
    return redirect(url_for("admin.user_edit", id=id))


@bp.post("/users/<int:id>/delete")
@admin_required
def user_delete(id: int):
    user = _user_or_404(id)
    name = user.username
    try:
        accounts.delete_user(db.session, user, current_user)
    except AccountError as exc:
        return _manage(user, 400, problem=_sentence(exc))
    db.session.commit()
    flash(f"Deleted the account “{name}”; its changes stay in the history.")
    return redirect(url_for("admin.users"))
