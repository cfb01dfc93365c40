"""The /api rate limit counts per client address: every endpoint draws on one budget."""

import pytest

from timeline import create_app
from timeline.db import db

ENDPOINTS = ("/api/categories", "/api/gpus", "/api/events?limit=1")


@pytest.fixture
def limited(database, app):
    """An app of its own with a limit of three /api requests a minute (the shared app has none)."""
    limited = create_app({
        "DATABASE_URL": database, "SECRET_KEY": "test-only-key", "SERVER_NAME": "timeline.test",
        "RATELIMIT_APPLICATION": "3 per minute",
    })  # fmt: skip
    yield limited
    with limited.app_context():
        db.engine.dispose()


def statuses(client, address: str) -> list[int]:
    """Each endpoint once, then the first again, from `address`."""
    urls = [*ENDPOINTS, ENDPOINTS[0]]
    return [client.get(url, environ_base={"REMOTE_ADDR": address}).status_code for url in urls]


def test_different_endpoints_share_one_budget_per_address(limited):
    client = limited.test_client()
    assert statuses(client, "198.51.100.1") == [200, 200, 200, 429]


def test_another_address_has_a_budget_of_its_own(limited):
    client = limited.test_client()
    assert statuses(client, "198.51.100.1") == [200, 200, 200, 429]
    assert statuses(client, "198.51.100.2") == [200, 200, 200, 429]
    assert client.get("/", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200
