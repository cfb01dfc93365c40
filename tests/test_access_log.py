"""The logs of a real gunicorn run: one JSON line per request with its id, and never a
password, an API token, a session cookie or a CSRF token in any of them."""

from __future__ import annotations

import json
import re

import pytest
import requests

from tests import servers
from tests.conftest import PASSWORD
from tests.test_api_writes import EVENT

_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


@pytest.fixture(scope="module")
def served(databases, tmp_path_factory):
    """A gunicorn over a database of its own with an admin and her token; its logs at the end."""
    folder = tmp_path_factory.mktemp("access_log")
    url = databases.empty("access_log")
    secret = servers.migrated_with_admin(url, folder)
    server = servers.start(folder, "server", DATABASE_URL=url)
    yield server, secret
    server.stop()


def _log_in(server) -> tuple[requests.Session, str]:
    browser = requests.Session()
    form = browser.get(server.url + "/login", timeout=10).text
    token = _CSRF.search(form).group(1)
    data = {"username": "ada", "password": PASSWORD, "csrf_token": token}
    response = browser.post(server.url + "/login", data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return browser, token


def test_no_secret_reaches_the_logs_and_each_request_is_a_json_line_with_its_id(served):
    server, secret = served
    browser, csrf = _log_in(server)
    assert browser.get(server.url + "/admin/", timeout=10).status_code == 200
    cookie = browser.cookies.get("session")
    write = requests.post(server.url + "/api/events", json=EVENT, timeout=10,
                          headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert write.status_code == 201
    asked = requests.get(
        server.url + "/api/events",
        params={"limit": 1, "token": secret, "password": PASSWORD, "from": "2024"},
        headers={"X-Request-Id": "probe-42", "Referer": f"{server.url}/?api_key={secret}"},
        timeout=10,
    )
    assert asked.headers["X-Request-Id"] == "probe-42"
    out, err = server.stop()

    for found in (secret, PASSWORD, cookie, csrf):
        assert found not in out and found not in err
    lines = [json.loads(line) for line in out.splitlines()]
    written = next(
        line for line in lines if line["method"] == "POST" and line["path"] == "/api/events"
    )
    assert (written["status"], written["request_id"]) == (201, write.headers["X-Request-Id"])
    probe = next(line for line in lines if line["request_id"] == "probe-42")
    assert probe["query"] == "limit=1&token=%5Bredacted%5D&password=%5Bredacted%5D&from=2024"
    assert probe["referrer"].endswith("/?api_key=%5Bredacted%5D")
    assert probe["remote"] == "127.0.0.1" and probe["status"] == 200
