"""Accounts, logins, sessions, CSRF and roles."""

import re
import subprocess
import sys

from sqlalchemy import select
from werkzeug.routing import Rule

from tests.conftest import PASSWORD, csrf_token, log_in
from timeline.domain import User


def test_passwords_are_stored_as_argon2id_hashes(accounts):
    stored = accounts["admin"].password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_application_hashes_at_a_current_cost():
    """Tests hash at Argon2id's least cost (conftest); the application itself must not: at
    least OWASP's floor for Argon2id, 19 MiB and two passes."""
    shown = "import timeline.services.accounts.users as u; h = u.HASHER; "
    shown += "print(h.type.name, h.time_cost, h.memory_cost, h.hash('x')[:10])"
    done = subprocess.run([sys.executable, "-c", shown], capture_output=True, text=True)
    kind, passes, memory, prefix = done.stdout.split()
    assert (kind, prefix) == ("ID", "$argon2id$")
    assert int(passes) >= 2 and int(memory) >= 19 * 1024


def test_logging_in_opens_the_editors_pages_and_logging_out_closes_them(app, accounts):
    client = app.test_client()
    assert client.get("/admin/").status_code == 302
    response = log_in(client, "edna")
    assert response.status_code == 302 and response.location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    logout = client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert logout.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_a_wrong_name_and_a_wrong_password_read_the_same(app, accounts):
    client = app.test_client()
    wrong_password = log_in(client, "edna", "not the password").get_data(as_text=True)
    wrong_name = log_in(client, "nobody", PASSWORD).get_data(as_text=True)
    message = "That user name and password do not match an account."
    assert message in wrong_password and message in wrong_name


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(app, accounts):
    client = app.test_client()
    response = log_in(client, "edna")
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    token = csrf_token(secure)
    data = {"username": "edna", "password": PASSWORD, "csrf_token": token}
    over_https = secure.post("/login", data=data, base_url="https://timeline.test")
    assert "Secure" in session_cookie(over_https)


def test_a_post_without_its_csrf_token_is_refused(app, accounts):
    client = app.test_client()
    response = client.post("/login", data={"username": "edna", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_login_only_returns_to_a_path_on_this_site(app, accounts):
    client = app.test_client()
    token = csrf_token(client)
    data = {"username": "edna", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.location.endswith("/admin/")


def test_create_user_reads_the_password_from_stdin(app, runner, session):
    typed = f"{PASSWORD}\nthe next line is not part of it\n"
    result = runner.invoke(args=["create-user", "ana", "--role", "admin"], input=typed)
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.username == "ana")).one()
    assert user.is_admin
    assert log_in(app.test_client(), "ana", PASSWORD).status_code == 302
    short = runner.invoke(args=["create-user", "bo"], input="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output


def admin_rules(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]


def sample_url(rule: Rule) -> str:
    """The rule's URL with a placeholder for each variable part: 1 for numbers, x otherwise."""
    return re.sub(
        r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
        lambda m: "1" if m.group(1) in ("int", "float") else "x",
        rule.rule,
    )


def test_every_admin_route_sends_anonymous_visitors_to_log_in(app, accounts):
    client = app.test_client()
    rules = admin_rules(app)
    assert rules
    token = csrf_token(client)
    for rule in rules:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(sample_url(rule), method=method, data={"csrf_token": token})
            assert response.status_code == 302, (method, rule.rule, response.status_code)
            assert "/login" in response.location


def test_every_admin_only_route_refuses_an_editor(app, editor):
    admin_only = [
        r for r in admin_rules(app) if getattr(app.view_functions[r.endpoint], "admin_only", False)
    ]
    token = csrf_token(editor, "/admin/")
    for rule in admin_only:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = editor.open(sample_url(rule), method=method, data={"csrf_token": token})
            assert response.status_code == 403, (method, rule.rule, response.status_code)
