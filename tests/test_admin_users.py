"""Admins manage accounts: list, create, change a role, set a new password, delete; never
their own role or account. Editors reach none of it."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token, log_in
from tests.factories import make_event
from timeline.domain import Revision, Subject, User, UserRole

NEW_PASSWORD = "a different long passphrase"


def errors(html: str) -> dict[str, str]:
    found = re.findall(r'<p id="([\w-]+)-error" class="error" role="alert">([^<]+)</p>', html)
    return {name: message.replace("&#39;", "'") for name, message in found}


def new_user(client, **fields) -> dict:
    data = {
        "csrf_token": csrf_token(client, "/admin/users/new"),
        "username": "cleo", "role": "editor", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    }  # fmt: skip
    return data | fields


def token(client) -> str:
    return csrf_token(client, "/admin/users")


def test_the_list_shows_each_account_with_role_and_last_login(admin, accounts):
    html = admin.get("/admin/users").get_data(as_text=True)
    rows = dict(re.findall(r'<a href="/admin/users/\d+">(\w+)</a>.*?<td>(\w+)</td>', html, re.S))
    assert rows == {"ada": "admin", "edna": "editor"}
    login = r'<a href="/admin/users/\d+">(\w+)</a>.*?<td>\w+</td>\s*<td>(<time|never)'
    last_login = dict(re.findall(login, html, re.S))
    assert last_login == {"ada": "<time", "edna": "never"}
    assert "Accounts" in admin.get("/admin/").get_data(as_text=True)  # in the admin's menu


def test_an_admin_creates_an_account_that_can_log_in(admin, app, session):
    response = admin.post("/admin/users/new", data=new_user(admin, role="admin"))
    assert response.status_code == 302
    assert "Created the admin account “cleo”." in admin.get("/admin/users").get_data(as_text=True)
    cleo = session.scalars(select(User).filter_by(username="cleo")).one()
    assert cleo.role is UserRole.ADMIN and NEW_PASSWORD not in cleo.password_hash
    assert log_in(app.test_client(), "cleo", NEW_PASSWORD).status_code == 302


def test_each_problem_with_a_new_account_is_at_its_field(admin, accounts):
    data = new_user(admin, username="", password="short", confirm="shorter")
    response = admin.post("/admin/users/new", data=data)
    found = errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert found["username"] == "This field is required."
    assert found["password"] == "A password has at least 12 characters."
    assert found["confirm"] == "The two passwords differ: type the same one twice."
    taken = admin.post("/admin/users/new", data=new_user(admin, username="edna"))
    assert errors(taken.get_data(as_text=True)) == {"username": "There is already a user 'edna'."}


def test_an_admin_changes_a_role(admin, accounts, session):
    edna = accounts["editor"]
    data = {"csrf_token": token(admin), "role": "admin"}
    response = admin.post(f"/admin/users/{edna.id}/role", data=data)
    assert response.status_code == 302
    assert "“edna” is now an admin." in admin.get(response.location).get_data(as_text=True)
    session.expire_all()
    assert session.get(User, edna.id).role is UserRole.ADMIN


def test_an_admin_sets_a_new_password(admin, accounts, app):
    edna = accounts["editor"]
    url = f"/admin/users/{edna.id}/password"
    short = admin.post(url, data={"csrf_token": token(admin), "password": "x", "confirm": "x"})
    assert short.status_code == 400
    assert errors(short.get_data(as_text=True)) == {
        "password": "A password has at least 12 characters."
    }
    data = {"csrf_token": token(admin), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert admin.post(url, data=data).status_code == 302
    assert log_in(app.test_client(), "edna", PASSWORD).status_code == 401
    assert log_in(app.test_client(), "edna", NEW_PASSWORD).status_code == 302


def test_an_admin_deletes_an_account_and_its_history_stays(admin, accounts, session):
    edna, edna_id = accounts["editor"], accounts["editor"].id
    event = make_event(session)
    session.add(Revision(subject=Subject.EVENT, record_id=event.id, action="create",
                         user=edna, snapshot={"title": event.title}, changes={}))  # fmt: skip
    session.commit()
    response = admin.post(f"/admin/users/{edna_id}/delete", data={"csrf_token": token(admin)})
    assert response.status_code == 302
    assert "Deleted the account “edna”" in admin.get("/admin/users").get_data(as_text=True)
    session.expire_all()
    assert session.get(User, edna_id) is None
    revision = session.scalars(select(Revision)).one()
    assert revision.user_id is None and revision.snapshot == {"title": event.title}


def test_nobody_deletes_or_demotes_themself(admin, accounts, session):
    ada = accounts["admin"]
    page = admin.get(f"/admin/users/{ada.id}").get_data(as_text=True)
    assert "This is your account: another admin can delete it." in page
    assert f"/admin/users/{ada.id}/delete" not in page
    response = admin.post(f"/admin/users/{ada.id}/delete", data={"csrf_token": token(admin)})
    assert response.status_code == 400
    assert "You cannot delete your own account: another admin can." in response.get_data(
        as_text=True
    )
    data = {"csrf_token": token(admin), "role": "editor"}
    response = admin.post(f"/admin/users/{ada.id}/role", data=data)
    assert response.status_code == 400
    assert "You cannot change your own role" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, ada.id).role is UserRole.ADMIN


def user_urls(accounts) -> list[tuple[str, str]]:
    ada = accounts["admin"].id
    return [
        ("GET", "/admin/users"), ("GET", "/admin/users/new"), ("POST", "/admin/users/new"),
        ("GET", f"/admin/users/{ada}"), ("POST", f"/admin/users/{ada}/role"),
        ("POST", f"/admin/users/{ada}/password"), ("POST", f"/admin/users/{ada}/delete"),
    ]  # fmt: skip


def test_an_editor_is_refused_every_account_page(editor, accounts, session):
    data = {"csrf_token": csrf_token(editor, "/admin/"), "role": "editor",
            "username": "sneaky", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}  # fmt: skip
    for method, url in user_urls(accounts):
        assert editor.open(url, method=method, data=data).status_code == 403, (method, url)
    assert "Accounts" not in editor.get("/admin/").get_data(as_text=True)
    session.expire_all()
    assert session.get(User, accounts["admin"].id).role is UserRole.ADMIN
    assert session.scalars(select(User).filter_by(username="sneaky")).first() is None


@pytest.mark.parametrize("path", ["new", "{id}/role", "{id}/password", "{id}/delete"])
def test_a_post_without_its_csrf_token_is_refused(admin, accounts, session, path):
    edna = accounts["editor"]
    url = "/admin/users/" + path.format(id=edna.id)
    data = {"role": "admin", "username": "cleo", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert admin.post(url, data=data).status_code == 400
    session.expire_all()
    assert session.get(User, edna.id).role is UserRole.EDITOR
    assert session.scalars(select(User).filter_by(username="cleo")).first() is None


def test_an_unknown_account_is_a_404(admin):
    assert admin.get("/admin/users/999").status_code == 404
