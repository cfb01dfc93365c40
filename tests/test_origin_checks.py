"""A state-changing request a browser sends from another site is refused, even with a valid
CSRF token and over plain HTTP; programs writing with an API token are not browsers."""

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token
from tests.test_api_writes import EVENT, new_token
from timeline.domain import ApiToken


def login_from(client, **headers):
    data = {"username": "edna", "password": PASSWORD, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "https://timeline.test"},  # this host, another scheme
        {"Origin": "http://timeline.test:8080"},  # this host, another port
        {"Origin": "null"},
        {"Referer": "http://evil.example/page"},
    ],
)
def test_a_login_posted_from_another_site_is_refused(app, accounts, headers):
    client = app.test_client()
    response = login_from(client, **headers)
    assert response.status_code == 403
    assert "came from another site" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # not logged in


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://timeline.test"},
        {"Origin": "http://timeline.test:80"},
        {"Referer": "http://timeline.test/login?next=/admin/"},
        {"Origin": "http://timeline.test", "Referer": "http://evil.example/"},
    ],
)
def test_a_login_posted_from_this_site_goes_through(app, accounts, headers):
    assert login_from(app.test_client(), **headers).status_code == 302


def test_an_editors_form_posted_from_another_site_changes_nothing(editor, session):
    data = {"name": "planted", "csrf_token": csrf_token(editor, "/admin/account")}
    foreign = editor.post(
        "/admin/account/tokens", data=data, headers={"Origin": "http://evil.example"}
    )
    assert foreign.status_code == 403
    assert session.scalars(select(ApiToken)).all() == []


def test_the_api_refuses_a_browsers_foreign_post_in_its_error_shape(client):
    response = client.post("/api/events", json=EVENT, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert "came from another site" in response.get_json()["error"]["message"]


def test_a_program_with_an_api_token_writes_whatever_its_origin(editor, client):
    secret = new_token(editor)
    headers = {"Authorization": f"Bearer {secret}", "Origin": "http://tools.example"}
    assert client.post("/api/events", json=EVENT, headers=headers).status_code == 201
