"""TIMELINE_PROXY_HOPS: behind that many reverse proxies, the client's address and scheme come
from their X-Forwarded-* headers; with none (the default) those headers change nothing."""

from __future__ import annotations

import pytest

from timeline import create_app
from timeline.db import db

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # every request reaches the app from the proxy's address


@pytest.fixture
def behind(database):
    """An app behind `hops` proxies, with a limit of two /api requests a minute per client."""
    made = []

    def build(hops: int):
        made.append(create_app({
            "DATABASE_URL": database, "SECRET_KEY": "test-only-key", "SERVER_NAME": "timeline.test",
            "RATELIMIT_APPLICATION": "2 per minute", "PROXY_HOPS": hops,
        }))  # fmt: skip
        return made[-1].test_client()

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()


def statuses(client, client_address: str, times: int = 3) -> list[int]:
    headers = {"X-Forwarded-For": client_address}
    return [
        client.get("/api/categories", headers=headers, environ_base=PROXY).status_code
        for _ in range(times)
    ]


def test_behind_one_proxy_each_client_has_its_own_budget(behind):
    client = behind(1)
    assert statuses(client, "203.0.113.7") == [200, 200, 429]
    assert statuses(client, "203.0.113.8") == [200, 200, 429]


def test_without_proxy_hops_a_forwarded_address_is_not_believed(behind):
    client = behind(0)
    assert statuses(client, "203.0.113.7", times=2) == [200, 200]
    # Another claimed address is the same client: the proxy's address, whose budget is spent.
    assert statuses(client, "203.0.113.8", times=1) == [429]


def login_page(client, scheme: str | None):
    """The login page (which starts a session), asked over `scheme` by the proxy."""
    headers = {"X-Forwarded-Proto": scheme} if scheme else {}
    return client.get("/login", headers=headers, environ_base=PROXY)


def session_cookie(page) -> str:
    [cookie] = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_behind_one_proxy_https_is_recognised(behind):
    client = behind(1)
    over_https = login_page(client, "https")
    assert "; Secure" in session_cookie(over_https)
    assert "Strict-Transport-Security" in over_https.headers
    over_http = login_page(client, None)
    assert "; Secure" not in session_cookie(over_http)
    assert "Strict-Transport-Security" not in over_http.headers


def test_without_proxy_hops_a_forwarded_scheme_is_not_believed(behind):
    page = login_page(behind(0), "https")
    assert "; Secure" not in session_cookie(page)
    assert "Strict-Transport-Security" not in page.headers
