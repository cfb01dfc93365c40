"""The site answers only to its own host names; another Host gets a 400 and shapes nothing."""

import pytest

from tests.conftest import PASSWORD, csrf_token, make_app
from timeline.db import db
from timeline.web.security import trusted_hosts

EVIL = {"Host": "evil.example"}


@pytest.mark.parametrize("path", ["/", "/events/x", "/login", "/static/site.css"])
def test_a_page_asked_for_under_another_host_is_a_400(client, path):
    response = client.get(path, headers=EVIL)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "does not answer to that host name" in page and "evil.example" in page


def test_the_api_answers_another_host_with_a_json_400(client):
    response = client.get("/api/events?limit=1", headers=EVIL)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "This site does not answer to that host name."


def test_a_form_posted_under_another_host_is_refused(client, accounts):
    data = {"username": "edna", "password": PASSWORD, "csrf_token": csrf_token(client)}
    session = client.get_cookie("session", domain="timeline.test").value
    client.set_cookie("session", session, domain="evil.example")  # a valid token and session
    response = client.post("/login", data=data, base_url="http://evil.example")
    assert response.status_code == 400
    assert client.get("/admin/", base_url="http://evil.example").status_code == 400


def test_another_host_cannot_shape_the_urls_readers_get(client, seeded):
    asked = "/api/events?limit=1&fields=slug,url"
    for _ in range(6):
        assert client.get(asked, headers=EVIL).status_code == 400
    answer = client.get(asked).get_json()
    assert answer["events"][0]["url"].startswith("http://timeline.test/events/")
    assert answer["next"].startswith("http://timeline.test/api/events?")


@pytest.fixture
def site(database, tmp_path):
    """Another application on the test database, named by no SERVER_NAME: its trusted names
    are set by each test, as TIMELINE_TRUSTED_HOSTS would set them."""
    app = make_app(database, tmp_path)
    app.config["SERVER_NAME"] = None
    yield app
    with app.app_context():
        db.engine.dispose()


def test_development_answers_on_localhost_without_configuration(site):
    site.config["TRUSTED_HOSTS"] = trusted_hosts({})  # as `make run` starts it
    client = site.test_client()
    for host in ("localhost:5000", "127.0.0.1:5000", "localhost"):
        assert client.get("/api/kinds", headers={"Host": host}).status_code == 200, host
    assert client.get("/api/kinds", headers=EVIL).status_code == 400


def test_the_configured_names_and_only_they_are_trusted(site):
    site.config["TRUSTED_HOSTS"] = trusted_hosts(
        {"TRUSTED_HOSTS": "news.example, www.news.example"}
    )
    client = site.test_client()
    answer = client.get("/api/kinds", headers={"Host": "www.news.example"})
    assert answer.status_code == 200
    assert answer.get_json()["kinds"][0]["actors_url"].startswith("http://www.news.example/")
    for host in ("evil.example", "localhost", "news.example.evil.example"):
        assert client.get("/api/kinds", headers={"Host": host}).status_code == 400, host


def test_which_names_are_trusted():
    assert trusted_hosts({}) == ["localhost", "127.0.0.1"]
    assert trusted_hosts({"SERVER_NAME": "news.example:8443"}) == [
        "news.example", "localhost", "127.0.0.1",
    ]  # fmt: skip
    assert trusted_hosts({"TRUSTED_HOSTS": "a.example,.b.example"}) == ["a.example", ".b.example"]
    assert trusted_hosts({"TRUSTED_HOSTS": ["a.example", ".b.example"]}) == [
        "a.example", ".b.example",
    ]  # fmt: skip
