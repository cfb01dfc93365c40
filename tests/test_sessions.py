"""A session ends for good on logout and on a new password: a cookie copied before, or a
login on another machine, no longer opens the account."""

from tests.conftest import PASSWORD, csrf_token, log_in

NEW_PASSWORD = "a different long passphrase"


def copy_of(app, client):
    """Another browser holding the same session cookie, as someone who copied it would."""
    cookie = client.get_cookie("session", domain="timeline.test")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain="timeline.test")
    return thief


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_logging_out_ends_a_copied_cookie_and_every_other_session(app, editor):
    elsewhere = app.test_client()
    assert log_in(elsewhere, "edna").status_code == 302
    thief = copy_of(app, editor)
    assert logged_in(thief) and logged_in(elsewhere)
    editor.post("/logout", data={"csrf_token": csrf_token(editor, "/admin/")})
    assert not logged_in(editor)
    assert not logged_in(thief) and not logged_in(elsewhere)
    assert log_in(app.test_client(), "edna").status_code == 302  # logging in again works


def _set_password(admin, user_id: int, password: str = NEW_PASSWORD):
    page = f"/admin/users/{user_id}/edit"
    data = {"password": password, "confirm": password, "csrf_token": csrf_token(admin, page)}
    return admin.post(f"/admin/users/{user_id}/password", data=data)


def test_an_admins_reset_ends_the_accounts_sessions(app, admin, editor, accounts):
    thief = copy_of(app, editor)
    assert _set_password(admin, accounts["editor"].id).status_code == 302
    assert not logged_in(editor) and not logged_in(thief)
    assert log_in(app.test_client(), "edna", PASSWORD).status_code == 401
    assert log_in(app.test_client(), "edna", NEW_PASSWORD).status_code == 302
    assert logged_in(admin)  # another account's sessions are untouched


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(app, admin, accounts):
    thief = copy_of(app, admin)
    assert _set_password(admin, accounts["admin"].id).status_code == 302
    assert logged_in(admin)
    assert not logged_in(thief)
